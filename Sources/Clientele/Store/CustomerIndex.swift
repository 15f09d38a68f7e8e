#if canImport(Glibc)
import Glibc
#endif

/// The dense customer index shared by every table: id `i` is the i-th customer_id in byte order.
///
/// Sorted ids make `customers.csv` come out sorted without a permutation, make NTILE's
/// "then customer_id" tie rule an id comparison, and make every result independent of how the
/// input was split across threads or partitions. Lookups go through the ingest partitions' own
/// hash tables (key → partition by the top bits of its hash → partition-local id → global id), so
/// a caller that looks keys up partition by partition (the interactions loader) touches one
/// cache-sized table at a time, and no second table over all customers is built.
///
/// Memory: the sorted keys (key bytes + 8-byte offset) and, per customer, the partition's table
/// (key bytes, 8-byte offset, 4-byte tag, 16–32 bytes of slots) and a 4-byte map entry.
public struct CustomerIndex: Sendable {
    /// Keys in id order, back to back; key `i` is `arena[offsets[i] ..< offsets[i + 1]]`.
    let arena: [UInt8]
    let offsets: [Int]
    /// How keys were routed to `partitions` (by `IngestPartitioning.hash`).
    let partitioning: IngestPartitioning
    /// Each partition's interner and its local → global id map.
    let partitions: [KeyInterner]
    let partitionToGlobal: [[Int32]]

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
        id(of: key, hash: IngestPartitioning.hash(key))
    }

    /// `id(of:)` with `hash` = `IngestPartitioning.hash(key)` already computed.
    @inline(__always)
    func id(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        let p = partitioning.partition(hash)
        guard let local = partitions[p].lookup(key, hash: hash) else { return nil }
        return partitionToGlobal[p][Int(local)]
    }

    public func id(of key: String) -> Int32? {
        var key = key
        return key.withUTF8 { id(of: UnsafeRawBufferPointer($0)) }
    }

    /// Sorts the partitions' keys into one index.
    ///
    /// Every key's 8-byte big-endian prefix is radix-sorted at once (the normalized-key trick of
    /// database sorts), then runs of equal prefix are ordered by their remaining bytes, and the
    /// keys are copied into `arena` in that order. `partitions[p]` must hold exactly the keys
    /// whose hash `partitioning` routes to `p` (each key once over all partitions).
    /// - Complexity: O(n × radix passes + key bytes), plus O(r log r) per run of r equal prefixes.
    init(partitions: [KeyInterner], partitioning: IngestPartitioning) {
        precondition(partitions.count == partitioning.count, "one interner per partition")
        var base = [Int](repeating: 0, count: partitions.count + 1)
        for (p, interner) in partitions.enumerated() { base[p + 1] = base[p] + interner.count }
        let n = base[partitions.count]
        // Concatenated ids: partition p's local id l is base[p] + l.
        var owner = [UInt16](repeating: 0, count: n)
        var prefixes = [Int64](repeating: 0, count: n)
        prefixes.withUnsafeMutableBufferPointer { prefixes in
            owner.withUnsafeMutableBufferPointer { owner in
                let (prefixes, owner) = (prefixes, owner)
                parallelFor(min(2, partitions.count)) { half in
                    for p in stride(from: half, to: partitions.count, by: 2) {
                        CustomerIndex.writePrefixes(partitions[p], into: UnsafeMutableBufferPointer(rebasing: prefixes[base[p]..<base[p + 1]]))
                        for i in base[p]..<base[p + 1] { owner[i] = UInt16(p) }
                    }
                }
            }
        }
        var ids = stableOrder(byKeys: prefixes)
        func withKey<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
            let p = Int(owner[Int(id)])
            return partitions[p].withKey(id - Int32(base[p]), body)
        }
        var runStart = 0
        for i in 1...max(1, n) where n > 0 {
            if i == n || prefixes[Int(ids[i])] != prefixes[Int(ids[runStart])] {
                if i - runStart > 1 {
                    ids[runStart..<i].sort { a, b in withKey(a) { ka in withKey(b) { kb in compareBytes(ka, kb) < 0 } } }
                }
                runStart = i
            }
        }
        var arena: [UInt8] = []
        arena.reserveCapacity(partitions.reduce(0) { $0 + $1.arena.count })
        var offsets = [Int]()
        offsets.reserveCapacity(n + 1)
        offsets.append(0)
        var maps = partitions.map { [Int32](repeating: 0, count: $0.count) }
        for (global, id) in ids.enumerated() {
            let p = Int(owner[Int(id)])
            withKey(id) { arena.append(contentsOf: $0) }
            offsets.append(arena.count)
            maps[p][Int(id) - base[p]] = Int32(global)
        }
        self.arena = arena
        self.offsets = offsets
        self.partitioning = partitioning
        self.partitions = partitions
        self.partitionToGlobal = maps
    }

    /// The index of one interner's keys (interned with tag 0), with each key's new id.
    static func sorting(_ interner: KeyInterner) -> (CustomerIndex, [Int32]) {
        let index = CustomerIndex(partitions: [interner], partitioning: IngestPartitioning(bits: 0))
        return (index, index.partitionToGlobal[0])
    }

    /// Each key's first 8 bytes, big-endian, zero-padded, sign bit flipped (so that signed order
    /// is the unsigned byte order of the prefix).
    static func writePrefixes(_ interner: KeyInterner, into out: UnsafeMutableBufferPointer<Int64>) {
        precondition(out.count == interner.count)
        interner.arena.withUnsafeBytes { arena in
            interner.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<out.count {
                    let start = offsets[i], length = offsets[i + 1] - start
                    var p: UInt64 = 0
                    if length >= 8 {
                        p = UInt64(bigEndian: arena.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                    } else {
                        for j in 0..<8 { p = (p << 8) | (j < length ? UInt64(arena[start + j]) : 0) }
                    }
                    out[i] = Int64(bitPattern: p ^ (1 << 63))
                }
            }
        }
    }

    /// The ids of `interner` in byte order of their keys (`memcmp`, shorter first on a tie).
    ///
    /// Radix-sorts an 8-byte big-endian prefix of each key (the normalized-key trick of database
    /// sorts), then orders runs of equal prefix by their remaining bytes.
    static func sortedIDs(_ interner: KeyInterner) -> [Int32] {
        let n = interner.count
        guard n > 1 else { return n == 1 ? [0] : [] }
        var prefixes = [Int64](repeating: 0, count: n)
        prefixes.withUnsafeMutableBufferPointer { writePrefixes(interner, into: $0) }
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
