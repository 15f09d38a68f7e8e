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
    /// Each partition sorts its own keys (in parallel, in cache: `sortedIDs`), then a binary heap
    /// merges the partitions' sorted runs, comparing the keys' first 16 bytes as two big-endian
    /// words (the normalized-key trick of database sorts) and the whole keys only when those are
    /// equal. Each partition's run is read in order, so the merge touches every key once, whatever
    /// the order in which the keys were first seen. `partitions[p]` must hold exactly the keys whose
    /// hash `partitioning` routes to `p` (each key once over all partitions).
    /// - Complexity: O(n log(n / P)) in the partitions, O(n log P) in the merge, for n keys in P partitions.
    init(partitions: [KeyInterner], partitioning: IngestPartitioning, workers: Int = 2) {
        precondition(partitions.count == partitioning.count, "one interner per partition")
        let runs = PartitionQueue.map(partitions.count, workers: workers) { p in SortedRun(partitions[p]) }
        let n = partitions.reduce(0) { $0 + $1.count }
        var arena: [UInt8] = []
        arena.reserveCapacity(partitions.reduce(0) { $0 + $1.arena.count })
        var offsets = [Int]()
        offsets.reserveCapacity(n + 1)
        offsets.append(0)
        var maps = partitions.map { [Int32](repeating: 0, count: $0.count) }
        var cursor = [Int](repeating: 0, count: partitions.count)
        /// Whether partition a's next key sorts before partition b's (keys are distinct across partitions).
        func less(_ a: Int, _ b: Int) -> Bool {
            let x = cursor[a], y = cursor[b]
            let (a0, b0) = (runs[a].word0[x], runs[b].word0[y])
            if a0 != b0 { return a0 < b0 }
            let (a1, b1) = (runs[a].word1[x], runs[b].word1[y])
            if a1 != b1 { return a1 < b1 }
            return partitions[a].withKey(runs[a].ids[x]) { ka in partitions[b].withKey(runs[b].ids[y]) { kb in compareBytes(ka, kb) < 0 } }
        }
        var heap = runs.indices.filter { !runs[$0].ids.isEmpty }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        while let p = heap.first {
            let id = runs[p].ids[cursor[p]]
            maps[p][Int(id)] = Int32(offsets.count - 1)
            partitions[p].withKey(id) { arena.append(contentsOf: $0) }
            offsets.append(arena.count)
            cursor[p] += 1
            if cursor[p] == runs[p].ids.count {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        self.arena = arena
        self.offsets = offsets
        self.partitioning = partitioning
        self.partitions = partitions
        self.partitionToGlobal = maps
    }

    /// One partition's ids in byte order of their keys, with each key's bytes 0..<8 and 8..<16 as
    /// big-endian words, zero-padded (so that word order is byte order, a shorter key first when
    /// the words tie unless it is padded with what the other holds as zero bytes: then the whole
    /// keys decide).
    struct SortedRun {
        var ids: [Int32]
        var word0: [UInt64]
        var word1: [UInt64]

        init(_ interner: KeyInterner) {
            let ids = CustomerIndex.sortedIDs(interner)
            var word0 = [UInt64](repeating: 0, count: ids.count), word1 = word0
            interner.arena.withUnsafeBytes { arena in
                for (k, id) in ids.enumerated() {
                    let start = interner.offsets[Int(id)], length = interner.offsets[Int(id) + 1] - start
                    word0[k] = CustomerIndex.bigEndianWord(arena, start, length)
                    word1[k] = length > 8 ? CustomerIndex.bigEndianWord(arena, start + 8, length - 8) : 0
                }
            }
            self.ids = ids
            self.word0 = word0
            self.word1 = word1
        }
    }

    /// Up to 8 bytes at `start` (of `length` left), big-endian, zero-padded.
    @inline(__always)
    static func bigEndianWord(_ arena: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> UInt64 {
        if length >= 8 { return UInt64(bigEndian: arena.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
        var p: UInt64 = 0
        for j in 0..<8 { p = (p << 8) | (j < length ? UInt64(arena[start + j]) : 0) }
        return p
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
                    let p = bigEndianWord(arena, offsets[i], offsets[i + 1] - offsets[i])
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
