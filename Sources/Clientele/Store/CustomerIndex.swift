import ClienteleSupport
import ClienteleStats

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
    @usableFromInline package let arena: [UInt8]
    @usableFromInline package let offsets: [Int]
    /// How keys were routed to `partitions` (by `IngestPartitioning.hash`).
    @usableFromInline package let partitioning: IngestPartitioning
    /// Each partition's interner and its local → global id map.
    @usableFromInline package let partitions: [KeyInterner]
    @usableFromInline package let partitionToGlobal: [[Int32]]

    /// The number of customers.
    public var count: Int { offsets.count - 1 }

    /// Bytes in the longest customer_id (writers size their rows with it). O(customers).
    package var longestKey: Int {
        var longest = 0
        for i in 0..<count { longest = max(longest, offsets[i + 1] - offsets[i]) }
        return longest
    }

    /// The customer_id of `id`.
    public func customerID(_ id: Int32) -> String { withKey(id) { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the customer_id bytes of `id`.
    @inlinable @inline(__always)
    public func withKey<R>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[Int(id)], end = offsets[Int(id) + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The id of a customer_id, or `nil` when the customer has no transaction.
    public func id(of key: UnsafeRawBufferPointer) -> Int32? {
        id(of: key, hash: IngestPartitioning.hash(key))
    }

    /// `id(of:)` with `hash` = `IngestPartitioning.hash(key)` already computed.
    @inlinable @inline(__always)
    package func id(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
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
    package init(partitions: [KeyInterner], partitioning: IngestPartitioning, workers: Int = 2) {
        self = Self.merging(partitions, partitioning: partitioning, workers: workers).index
    }

    /// `init(partitions:partitioning:workers:)`, also returning each partition's local ids in
    /// global id order (the loader groups each partition's orders by them, so that it writes the
    /// order table in ascending rows).
    ///
    /// Every step runs on all threads: the partitions sort their keys, lay them out flat (each
    /// partition into its own slice), the key space is cut into `mergeRanges(n)` ranges at keys
    /// of the largest partition (`MergeSplit`), and each range is heap-merged alone into its own
    /// slice of the output (its position is the count of smaller keys in every partition). The
    /// ranges depend on the keys only, and every key lands at its rank, so the index is the same
    /// for any thread count.
    package static func merging(_ partitions: [KeyInterner], partitioning: IngestPartitioning,
                        workers: Int) -> (index: CustomerIndex, sortedLocals: [[Int32]]) {
        precondition(partitions.count == partitioning.count, "one interner per partition")
        let runs = PartitionQueue.map(partitions.count, workers: workers) { p in SortedRun(partitions[p]) }
        // Everything the merge reads, flat and in key order within each partition: partition p's
        // k-th smallest key is entry base[p] + k, so the merge reads each partition sequentially.
        var base = [Int](repeating: 0, count: partitions.count + 1)
        var byteBase = [Int](repeating: 0, count: partitions.count + 1)
        for (p, interner) in partitions.enumerated() {
            base[p + 1] = base[p] + interner.count
            byteBase[p + 1] = byteBase[p] + interner.arena.count
        }
        let n = base[partitions.count], totalBytes = byteBase[partitions.count]
        let flat = FlatRuns(count: n, bytes: totalBytes)
        defer { flat.deallocate() }
        _ = PartitionQueue.map(partitions.count, workers: workers) { p in
            let interner = partitions[p], run = runs[p]
            interner.arena.withUnsafeBufferPointer { arena in
                interner.offsets.withUnsafeBufferPointer { offsets in
                    var used = byteBase[p]
                    for (k, id) in run.ids.enumerated() {
                        let i = base[p] + k
                        let start = offsets[Int(id)], length = offsets[Int(id) + 1] - start
                        flat.keyStart[i] = used
                        if length > 0 { (flat.keyBytes.baseAddress! + used).initialize(from: arena.baseAddress! + start, count: length) }
                        used += length
                        flat.word0[i] = run.word0[k]
                        flat.word1[i] = run.word1[k]
                    }
                }
            }
        }
        flat.keyStart[n] = totalBytes
        let split = MergeSplit(flat: flat, base: base, ranges: mergeRanges(n))
        var offsets = [Int](repeating: 0, count: n + 1)
        var globalOfSorted = [Int32](repeating: 0, count: n)
        let arena = [UInt8](unsafeUninitializedCapacity: totalBytes) { out, written in
            offsets.withUnsafeMutableBufferPointer { offsets in
                globalOfSorted.withUnsafeMutableBufferPointer { globalOf in
                    let (out, offsets, globalOf) = (out, offsets, globalOf)
                    parallelFor(split.ranges) { r in
                        mergeSortedRuns(flat, from: split.lower[r], to: split.lower[r + 1], firstGlobal: split.firstGlobal[r],
                                        firstByte: split.firstByte[r], arena: out, offsets: offsets, globalOf: globalOf)
                    }
                }
            }
            written = totalBytes
        }
        let maps = PartitionQueue.map(partitions.count, workers: workers) { p in
            var map = [Int32](repeating: 0, count: partitions[p].count)
            for (k, id) in runs[p].ids.enumerated() { map[Int(id)] = globalOfSorted[base[p] + k] }
            return map
        }
        let index = CustomerIndex(arena: arena, offsets: offsets, partitioning: partitioning, partitions: partitions, partitionToGlobal: maps)
        return (index, runs.map(\.ids))
    }

    /// Key ranges the merge is cut into for `n` keys: one per 32,768 keys (a count that depends on
    /// the data only, never on the threads).
    package static func mergeRanges(_ n: Int) -> Int { max(1, n / 32_768) }

    /// The partitions' sorted keys, flat: entry `i` is `keyBytes[keyStart[i] ..< keyStart[i + 1]]`
    /// with its first 16 bytes as two big-endian words. Manually allocated, so that each partition
    /// fills its own slice on its own thread.
    @usableFromInline package struct FlatRuns: @unchecked Sendable {
        @usableFromInline package let keyBytes: UnsafeMutableBufferPointer<UInt8>
        @usableFromInline package let keyStart: UnsafeMutableBufferPointer<Int>
        @usableFromInline package let word0: UnsafeMutableBufferPointer<UInt64>
        @usableFromInline package let word1: UnsafeMutableBufferPointer<UInt64>

        package init(count: Int, bytes: Int) {
            keyBytes = .allocate(capacity: max(1, bytes))
            keyStart = .allocate(capacity: count + 1)
            word0 = .allocate(capacity: max(1, count))
            word1 = .allocate(capacity: max(1, count))
        }

        package func deallocate() { keyBytes.deallocate(); keyStart.deallocate(); word0.deallocate(); word1.deallocate() }

        @inlinable @inline(__always) package func key(_ i: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: keyBytes.baseAddress! + keyStart[i], count: keyStart[i + 1] - keyStart[i])
        }

        /// Whether entry `i`'s key sorts before entry `j`'s.
        @inlinable @inline(__always) package func less(_ i: Int, _ j: Int) -> Bool {
            if word0[i] != word0[j] { return word0[i] < word0[j] }
            if word1[i] != word1[j] { return word1[i] < word1[j] }
            return compareBytes(key(i), key(j)) < 0
        }
    }

    /// Where each key range of the merge starts in every partition's run and in the output.
    ///
    /// The splitters are keys of the largest partition (the first on a tie) at evenly spaced
    /// ranks: partitions hold hash-spread samples of the same key space, so each range gets about
    /// as many keys from every partition.
    package struct MergeSplit {
        /// The ranges that hold keys.
        package let ranges: Int
        /// `lower[r][p]`: the first entry of partition p's run in range r (`lower[ranges]` = run ends).
        package let lower: [[Int]]
        /// The global id and the arena byte of each range's first key.
        package let firstGlobal: [Int]
        package let firstByte: [Int]

        package init(flat: FlatRuns, base: [Int], ranges wanted: Int) {
            let partitions = base.count - 1
            var largest = 0
            for p in 0..<partitions where base[p + 1] - base[p] > base[largest + 1] - base[largest] { largest = p }
            let size = base[largest + 1] - base[largest]
            // Distinct splitter entries, ascending (ranks 1 ..< wanted of the largest run).
            var splitters: [Int] = []
            for r in 1..<max(1, wanted) {
                let k = size * r / wanted
                if k > 0, k < size, splitters.last != base[largest] + k { splitters.append(base[largest] + k) }
            }
            var lower = [Array(base.dropLast())]
            for s in splitters {
                lower.append((0..<partitions).map { p in
                    // The first entry of run p not less than the splitter's key.
                    var lo = base[p], hi = base[p + 1]
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if flat.less(mid, s) { lo = mid + 1 } else { hi = mid }
                    }
                    return lo
                })
            }
            lower.append(Array(base.dropFirst()))
            ranges = lower.count - 1
            self.lower = lower
            firstGlobal = lower.map { row in (0..<partitions).reduce(0) { $0 + row[$1] - base[$1] } }
            firstByte = lower.map { row in (0..<partitions).reduce(0) { $0 + flat.keyStart[row[$1]] - flat.keyStart[base[$1]] } }
        }
    }

    /// The P-way merge of the run slices `from[p] ..< to[p]` of `flat` (each in key order) by a
    /// binary heap whose entries carry each run's next key as two words, so a sift compares heap
    /// entries only (equal words, rare, fall back to the whole keys). The merged keys get global
    /// ids `firstGlobal...` and go to `arena` from `firstByte`; writes their ids and end offsets.
    private static func mergeSortedRuns(_ flat: FlatRuns, from: [Int], to: [Int], firstGlobal: Int, firstByte: Int,
                                        arena out: UnsafeMutableBufferPointer<UInt8>, offsets: UnsafeMutableBufferPointer<Int>,
                                        globalOf: UnsafeMutableBufferPointer<Int32>) {
        struct Head { var word0: UInt64; var word1: UInt64; var at: Int; var end: Int }  // at: entry
        let w0 = flat.word0, w1 = flat.word1
        @inline(__always) func less(_ x: Head, _ y: Head) -> Bool {
            if x.word0 != y.word0 { return x.word0 < y.word0 }
            if x.word1 != y.word1 { return x.word1 < y.word1 }
            return compareBytes(flat.key(x.at), flat.key(y.at)) < 0
        }
        var heap: [Head] = []
        for p in from.indices where from[p] < to[p] {
            heap.append(Head(word0: w0[from[p]], word1: w1[from[p]], at: from[p], end: to[p]))
        }
        heap.withUnsafeMutableBufferPointer { heap in
            var count = heap.count
            func siftDown(_ start: Int) {
                var i = start
                let moving = heap[i]
                while true {
                    let l = 2 * i + 1, r = l + 1
                    if l >= count { break }
                    let c = r < count && less(heap[r], heap[l]) ? r : l
                    if !less(heap[c], moving) { break }
                    heap[i] = heap[c]
                    i = c
                }
                heap[i] = moving
            }
            for i in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(i) }
            var used = firstByte, global = firstGlobal
            while count > 0 {
                let top = heap[0]
                let k = flat.key(top.at)
                precondition(used + k.count <= out.count, "keys overflow the arena")
                if k.count > 0 { (out.baseAddress! + used).initialize(from: k.baseAddress!.assumingMemoryBound(to: UInt8.self), count: k.count) }
                used += k.count
                globalOf[top.at] = Int32(global)
                global += 1
                offsets[global] = used
                let next = top.at + 1
                if next < top.end {
                    heap[0] = Head(word0: w0[next], word1: w1[next], at: next, end: top.end)
                } else {
                    count -= 1
                    heap[0] = heap[count]
                }
                if count > 0 { siftDown(0) }
            }
        }
    }

    private init(arena: [UInt8], offsets: [Int], partitioning: IngestPartitioning, partitions: [KeyInterner], partitionToGlobal: [[Int32]]) {
        self.arena = arena
        self.offsets = offsets
        self.partitioning = partitioning
        self.partitions = partitions
        self.partitionToGlobal = partitionToGlobal
    }

    /// One partition's ids in byte order of their keys, with each key's bytes 0..<8 and 8..<16 as
    /// big-endian words, zero-padded (so that word order is byte order, a shorter key first when
    /// the words tie unless it is padded with what the other holds as zero bytes: then the whole
    /// keys decide).
    package struct SortedRun {
        package var ids: [Int32]
        package var word0: [UInt64]
        package var word1: [UInt64]

        package init(_ interner: KeyInterner) {
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
    @inlinable @inline(__always)
    package static func bigEndianWord(_ arena: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> UInt64 {
        if length >= 8 { return UInt64(bigEndian: arena.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
        var p: UInt64 = 0
        for j in 0..<8 { p = (p << 8) | (j < length ? UInt64(arena[start + j]) : 0) }
        return p
    }

    /// The index of one interner's keys (interned with tag 0), with each key's new id.
    package static func sorting(_ interner: KeyInterner) -> (CustomerIndex, [Int32]) {
        let index = CustomerIndex(partitions: [interner], partitioning: IngestPartitioning(bits: 0))
        return (index, index.partitionToGlobal[0])
    }

    /// Each key's first 8 bytes, big-endian, zero-padded, sign bit flipped (so that signed order
    /// is the unsigned byte order of the prefix).
    package static func writePrefixes(_ interner: KeyInterner, into out: UnsafeMutableBufferPointer<Int64>) {
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
    package static func sortedIDs(_ interner: KeyInterner) -> [Int32] {
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
@usableFromInline package func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
    let common = min(a.count, b.count)
    if common > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, common)
        if c != 0 { return c }
    }
    return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
}
