import ClienteleSupport

extension Ranks {
    /// A stable LSD radix sort of indices by 64-bit unsigned keys: `ParallelRadixSort`'s passes
    /// over the bits in which the keys differ, on every thread. Equal keys keep ascending index
    /// order, so the result never depends on the thread count.
    /// - Returns: the indices in key order and the keys in that order.
    /// - Complexity: O(n × passes) time, O(n) extra memory.
    package static func radixSort(_ keys: [UInt64]) -> (order: [Int32], sortedKeys: [UInt64]) {
        let n = keys.count
        precondition(n <= Int(Int32.max), "radixSort: \(n) keys exceed Int32 indices")
        var ids = [Int32](unsafeUninitializedCapacity: n) { out, count in
            parallelRanges(n, size: ParallelRadixSort.blockRows) { block in for i in block { out[i] = Int32(i) } }
            count = n
        }
        var sortedKeys = keys
        ParallelRadixSort.sort(keys: &sortedKeys, ids: &ids)
        return (ids, sortedKeys)
    }

    /// Indices in ascending key order (see `radixSort`).
    package static func radixOrder(_ keys: [UInt64]) -> [Int32] { radixSort(keys).order }

    /// A stable counting sort of `ids` by small integer keys `key[id]` in `0..<range`.
    /// - Complexity: O(n + range).
    package static func countingOrder(_ ids: [Int32], by key: [Int32], range: Int) -> [Int32] {
        var counts = [Int](repeating: 0, count: range + 1)
        for id in ids { counts[Int(key[Int(id)]) + 1] += 1 }
        for d in 0..<range { counts[d + 1] += counts[d] }
        var out = [Int32](repeating: 0, count: ids.count)
        for id in ids {
            let d = Int(key[Int(id)])
            out[counts[d]] = id
            counts[d] += 1
        }
        return out
    }
}
