extension Ranks {
    /// A stable LSD radix sort of indices by 64-bit unsigned keys, 8 bits a pass.
    ///
    /// One counting pass builds all eight byte histograms; a byte in which every key has the
    /// same digit needs no pass. Keys travel with their indices, so every pass reads
    /// sequentially. Equal keys keep ascending index order.
    /// - Returns: the indices in key order and the keys in that order.
    /// - Complexity: O(n × (1 + passes)) time, O(n) extra memory.
    package static func radixSort(_ keys: [UInt64]) -> (order: [Int32], sortedKeys: [UInt64]) {
        let n = keys.count
        precondition(n <= Int(Int32.max), "radixSort: \(n) keys exceed Int32 indices")
        var ids = [Int32](repeating: 0, count: n)
        for i in 0..<n { ids[i] = Int32(i) }
        guard n > 1 else { return (ids, keys) }
        var histograms = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { k in
            histograms.withUnsafeMutableBufferPointer { h in
                for i in 0..<n {
                    let key = k[i]
                    for b in 0..<8 { h[b &* 256 &+ Int((key >> UInt64(b &* 8)) & 0xFF)] &+= 1 }
                }
            }
        }
        var sortedKeys = keys
        var scratchIds = [Int32](repeating: 0, count: n)
        var scratchKeys = [UInt64](repeating: 0, count: n)
        for pass in 0..<8 {
            let base = pass * 256
            // Skip the pass when one digit holds every key.
            if histograms[base + Int((keys[0] >> UInt64(pass * 8)) & 0xFF)] == n { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var total = 0
            for d in 0..<256 { offsets[d] = total; total += histograms[base + d] }
            radixScatter(shift: UInt64(pass * 8), offsets: &offsets, keys: sortedKeys, ids: ids,
                         intoKeys: &scratchKeys, intoIds: &scratchIds)
            swap(&ids, &scratchIds)
            swap(&sortedKeys, &scratchKeys)
        }
        return (ids, sortedKeys)
    }

    /// Indices in ascending key order (see `radixSort`).
    package static func radixOrder(_ keys: [UInt64]) -> [Int32] { radixSort(keys).order }

    /// One scatter pass: element i of (`keys`, `ids`) goes to position `offsets[digit]++`.
    private static func radixScatter(shift: UInt64, offsets: inout [Int], keys: [UInt64], ids: [Int32],
                                     intoKeys: inout [UInt64], intoIds: inout [Int32]) {
        let n = keys.count
        precondition(ids.count == n && intoKeys.count == n && intoIds.count == n && offsets.count == 256)
        keys.withUnsafeBufferPointer { k in
            ids.withUnsafeBufferPointer { src in
                intoKeys.withUnsafeMutableBufferPointer { dk in
                    intoIds.withUnsafeMutableBufferPointer { di in
                        offsets.withUnsafeMutableBufferPointer { off in
                            for i in 0..<n {
                                let key = k[i]
                                let d = Int((key >> shift) & 0xFF)
                                let at = off[d]
                                dk[at] = key
                                di[at] = src[i]
                                off[d] = at &+ 1
                            }
                        }
                    }
                }
            }
        }
    }

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
