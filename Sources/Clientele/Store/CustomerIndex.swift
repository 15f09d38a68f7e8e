#if canImport(Glibc)
import Glibc
#endif

/// The dense customer index shared by every table: id `i` is the i-th customer_id in byte order.
///
/// Sorted ids make `customers.csv` come out sorted without a permutation, make NTILE's
/// "then customer_id" tie rule an id comparison, and make every result independent of how the
/// input was split across threads. Lookups go through the ingest lanes' own hash tables (each
/// key → lane-local id → global id), so no second table is built.
public struct CustomerIndex: Sendable {
    /// Keys in id order, back to back; key `i` is `arena[offsets[i] ..< offsets[i + 1]]`.
    let arena: [UInt8]
    let offsets: [Int]
    /// The lanes' interners and their local → global id maps.
    let lanes: [KeyInterner]
    let laneToGlobal: [[Int32]]

    /// The number of customers.
    public var count: Int { offsets.count - 1 }

    /// Bytes in the longest customer_id (writers size their rows with it). O(customers).
    var longestKey: Int {
        var longest = 0
        for i in 0..<count { longest = max(longest, offsets[i + 1] - offsets[i]) }
        return longest
    }

    /// The customer_id of `id`.
    public func customerID(_ id: Int32) -> String { withKey(id) { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the customer_id bytes of `id`.
    @inline(__always)
    public func withKey<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[Int(id)], end = offsets[Int(id) + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The id of a customer_id, or `nil` when the customer has no transaction.
    public func id(of key: UnsafeRawBufferPointer) -> Int32? {
        for (lane, interner) in lanes.enumerated() {
            if let local = interner.lookup(key) { return laneToGlobal[lane][Int(local)] }
        }
        return nil
    }

    public func id(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { id(of: UnsafeRawBufferPointer($0)) }
    }

    /// Merges the lanes' keys into one sorted index.
    /// - Complexity: a radix sort per lane (in parallel), then one linear merge.
    init(lanes: [KeyInterner]) {
        var sorted = [[Int32]](repeating: [], count: lanes.count)
        parallelEach(&sorted) { k, out in out = CustomerIndex.sortedIDs(lanes[k]) }
        var arena: [UInt8] = []
        arena.reserveCapacity(lanes.reduce(0) { $0 + $1.arena.count })
        var offsets = [0]
        offsets.reserveCapacity(lanes.map(\.count).max()! + 1)
        var maps = lanes.map { [Int32](repeating: 0, count: $0.count) }
        var cursor = [Int](repeating: 0, count: lanes.count)
        // k-way merge of the sorted lanes (k is the thread count, so a linear scan of heads is fine).
        while true {
            var best = -1
            for k in lanes.indices where cursor[k] < sorted[k].count {
                if best < 0 || Self.compare(lanes[k], sorted[k][cursor[k]], lanes[best], sorted[best][cursor[best]]) < 0 { best = k }
            }
            if best < 0 { break }
            let global = Int32(offsets.count - 1)
            let bestID = sorted[best][cursor[best]]
            lanes[best].withKey(bestID) { arena.append(contentsOf: $0) }
            offsets.append(arena.count)
            // Every lane whose head is this same key maps it to the same global id.
            for k in lanes.indices where cursor[k] < sorted[k].count {
                let id = sorted[k][cursor[k]]
                if k == best || Self.compare(lanes[k], id, lanes[best], bestID) == 0 {
                    maps[k][Int(id)] = global
                    cursor[k] += 1
                }
            }
        }
        self.arena = arena
        self.offsets = offsets
        self.lanes = lanes
        self.laneToGlobal = maps
    }

    /// The index of one interner's keys, with each key's new id.
    static func sorting(_ interner: KeyInterner) -> (CustomerIndex, [Int32]) {
        let index = CustomerIndex(lanes: [interner])
        return (index, index.laneToGlobal[0])
    }

    private static func compare(_ a: KeyInterner, _ x: Int32, _ b: KeyInterner, _ y: Int32) -> Int32 {
        a.withKey(x) { ka in b.withKey(y) { kb in compareBytes(ka, kb) } }
    }

    /// The ids of `interner` in byte order of their keys (`memcmp`, shorter first on a tie).
    ///
    /// Radix-sorts an 8-byte big-endian prefix of each key (the normalized-key trick of database
    /// sorts), then orders runs of equal prefix by their remaining bytes.
    static func sortedIDs(_ interner: KeyInterner) -> [Int32] {
        let n = interner.count
        guard n > 1 else { return n == 1 ? [0] : [] }
        var prefixes = [Int64](repeating: 0, count: n)
        interner.arena.withUnsafeBytes { arena in
            for i in 0..<n {
                let start = interner.offsets[i], length = interner.offsets[i + 1] - start
                var p: UInt64 = 0
                for j in 0..<8 { p = (p << 8) | (j < length ? UInt64(arena[start + j]) : 0) }
                prefixes[i] = Int64(bitPattern: p ^ (1 << 63))  // signed order = unsigned order of p
            }
        }
        var ids = stableOrder(byKeys: prefixes)
        var runStart = 0
        for i in 1...n {
            if i == n || prefixes[Int(ids[i])] != prefixes[Int(ids[runStart])] {
                if i - runStart > 1 {
                    ids[runStart..<i].sort { a, b in interner.withKey(a) { ka in interner.withKey(b) { kb in compareBytes(ka, kb) < 0 } } }
                }
                runStart = i
            }
        }
        return ids
    }
}

/// Byte-wise comparison, a shorter key first when one is a prefix of the other.
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
    let common = min(a.count, b.count)
    if common > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, common)
        if c != 0 { return c }
    }
    return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
}
