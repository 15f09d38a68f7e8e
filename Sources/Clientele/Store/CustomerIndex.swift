#if canImport(Glibc)
import Glibc
#endif

/// The dense customer index shared by every table: id `i` is the i-th customer_id in byte order.
///
/// Sorted ids make `customers.csv` come out sorted without a permutation, make NTILE's
/// "then customer_id" tie rule an id comparison, and make every result independent of how the
/// input was split across threads.
public struct CustomerIndex: Sendable {
    let keys: KeyInterner

    /// The number of customers.
    public var count: Int { keys.count }

    /// The customer_id of `id`.
    public func customerID(_ id: Int32) -> String { keys.string(id) }

    /// Calls `body` with the customer_id bytes of `id`.
    public func withKey<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try keys.withKey(id, body)
    }

    /// The id of a customer_id, or `nil` when the customer has no transaction.
    public func id(of key: UnsafeRawBufferPointer) -> Int32? { keys.lookup(key) }

    public func id(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { keys.lookup(UnsafeRawBufferPointer($0)) }
    }

    init(sortedKeys: KeyInterner) { self.keys = sortedKeys }

    /// Builds the index from keys in any order; returns it with each input key's new id.
    static func sorting(_ interner: KeyInterner) -> (CustomerIndex, [Int32]) {
        let order = sortedIDs(interner)
        var sorted = KeyInterner(capacity: interner.count)
        var newID = [Int32](repeating: 0, count: interner.count)
        for old in order {
            newID[Int(old)] = interner.withKey(old) { sorted.intern($0).id }
        }
        return (CustomerIndex(sortedKeys: sorted), newID)
    }

    /// The ids of `interner` in byte order of their keys (`memcmp`, shorter first on a tie).
    static func sortedIDs(_ interner: KeyInterner) -> [Int32] {
        var ids = (0..<Int32(interner.count)).map { $0 }
        interner.arena.withUnsafeBytes { arena in
            interner.offsets.withUnsafeBufferPointer { offsets in
                let base = arena.baseAddress
                ids.sort { a, b in
                    let sa = offsets[Int(a)], la = offsets[Int(a) + 1] - sa
                    let sb = offsets[Int(b)], lb = offsets[Int(b) + 1] - sb
                    let common = min(la, lb)
                    let c = common == 0 ? 0 : memcmp(base! + sa, base! + sb, common)
                    return c != 0 ? c < 0 : la < lb
                }
            }
        }
        return ids
    }
}
