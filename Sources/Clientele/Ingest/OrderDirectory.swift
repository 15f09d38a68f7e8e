import ClienteleStore

/// A lane's order identities: (customer, order key) → order id, with no table over all orders.
///
/// Each customer's orders form a linked list (newest first) and a new key is compared with the
/// customer's earlier keys only, which are few and were just touched, so they are in cache; a
/// table over every order would cost a cache and TLB miss per new order. Customers with more
/// than `listLimit` orders move to a hash table of their own keys, so the worst case stays
/// O(key length) per line. Keys are kept as bytes: identity is exact, never a hash.
/// About 12 bytes an order plus the key bytes.
package struct OrderDirectory {
    /// Past this many orders a customer's keys are looked up through `heavy`.
    package static let listLimit = 24

    private var keyBytes: [UInt8] = []
    /// Key of order `o` is `keyBytes[keyStart[o] ..< keyStart[o + 1]]`.
    private var keyStart: [UInt32] = [0]
    /// Per order: the same customer's previous order, or -1.
    private var previous: [Int32] = []
    /// Per lane-local customer: newest order (-1 none) and number of orders.
    private var newest: [Int32] = []
    private var count: [Int32] = []
    /// Keys of heavy customers (tag = customer) and the order id of each.
    private var heavy = KeyInterner(capacity: 16)
    private var heavyOrder: [Int32] = []

    /// The number of orders.
    package var orders: Int { previous.count }

    package init(capacity: Int) {
        keyBytes.reserveCapacity(capacity * 8)
        keyStart.reserveCapacity(capacity + 1)
        previous.reserveCapacity(capacity)
    }

    /// The order of `customer` with `key`, or `nil`.
    @inline(__always)
    package func find(customer: Int32, key: UnsafeRawBufferPointer) -> Int32? {
        let c = Int(customer)
        guard c < newest.count else { return nil }
        if count[c] > Self.listLimit {
            return heavy.lookup(key, tag: customer).map { heavyOrder[Int($0)] }
        }
        var o = newest[c]
        return keyBytes.withUnsafeBytes { bytes in
            keyStart.withUnsafeBufferPointer { starts in
                while o >= 0 {
                    let s = Int(starts[Int(o)]), n = Int(starts[Int(o) + 1]) - s
                    if n == key.count && (n == 0 || bytesEqual(bytes.baseAddress! + s, key.baseAddress!, n)) { return o }
                    o = previous[Int(o)]
                }
                return nil
            }
        }
    }

    /// Adds a new order for `customer` (the caller has just failed to `find` it); returns its id.
    @inline(__always)
    package mutating func add(customer: Int32, key: UnsafeRawBufferPointer) -> Int32 {
        let c = Int(customer)
        while newest.count <= c { newest.append(-1); count.append(0) }
        let id = Int32(previous.count)
        keyBytes.append(contentsOf: key)
        keyStart.append(UInt32(keyBytes.count))
        previous.append(newest[c])
        newest[c] = id
        count[c] += 1
        if count[c] == Int32(Self.listLimit + 1) {
            // Crossing the limit: index all of this customer's keys.
            var o = id
            while o >= 0 {
                let key = Array(keyBytes[Int(keyStart[Int(o)])..<Int(keyStart[Int(o) + 1])])  // a few bytes
                _ = key.withUnsafeBytes { heavy.intern($0, tag: customer) }
                heavyOrder.append(o)
                o = previous[Int(o)]
            }
        } else if count[c] > Int32(Self.listLimit + 1) {
            _ = heavy.intern(key, tag: customer)
            heavyOrder.append(id)
        }
        return id
    }

    /// Calls `body` with the key bytes of order `o`.
    package func withKey<R>(_ o: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let s = Int(keyStart[Int(o)]), e = Int(keyStart[Int(o) + 1])
        return keyBytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
    }
}
