/// A column's 0-based dense ranks, −1 where the value is missing (NaN), and its present rows in
/// ascending (value, row) order, all from one radix sort over the whole column (or, for a column
/// with few values, from counting them: `fewValues`). Every table and row set the column meets
/// takes its ranks and its order from these (no further sort).
struct MissingRanks: Sendable {
    /// Per row: the dense rank of its value among the present values, −1 when missing.
    let ranks: [Int32]
    /// Distinct present values.
    let distinct: Int
    /// The present rows by ascending value; equal values keep ascending row order.
    let order: [Int32]
    /// The dense rank of each row of `order` (`ranks[order[p]]`, read in order without a gather).
    let orderRanks: [Int32]

    init(_ values: [Double]) {
        if let few = Self.fewValues(values) {
            self = few
            return
        }
        self.init(radixSorting: values)
    }

    private init(ranks: [Int32], distinct: Int, order: [Int32], orderRanks: [Int32]) {
        self.ranks = ranks
        self.distinct = distinct
        self.order = order
        self.orderRanks = orderRanks
    }

    /// The most distinct values for which `fewValues` ranks a column.
    static let fewValuesLimit = 1 << 10

    /// The ranks of a column with at most `limit` distinct present values (survey answers and
    /// their means, counts, codes; nil past that, found early on a column with many values), in
    /// passes that read the rows in order: each row's key (`Ranks.sortKey`, so values equal as
    /// numbers share it, as in the radix sort) is numbered in a small hash table, the few
    /// distinct keys are sorted, and the order is a counting sort of the rows by rank (equal
    /// values keep ascending row order). The same ranks and order as `init(radixSorting:)`.
    /// - Complexity: O(n + d log d) for d distinct values.
    static func fewValues(_ values: [Double], limit: Int = fewValuesLimit) -> MissingRanks? {
        let n = values.count
        var slots = 16
        while slots < 4 * limit { slots <<= 1 }
        let mask = slots - 1, shift = UInt64(64 - slots.trailingZeroBitCount)
        var slotKey = [UInt64](repeating: 0, count: slots)
        var slotCode = [Int32](repeating: -1, count: slots)
        var keys: [UInt64] = []
        var code = [Int32](repeating: -1, count: n)
        var tooMany = false
        values.withUnsafeBufferPointer { values in
            code.withUnsafeMutableBufferPointer { code in
                slotKey.withUnsafeMutableBufferPointer { slotKey in
                    slotCode.withUnsafeMutableBufferPointer { slotCode in
                        var lastKey: UInt64 = 0, lastCode: Int32 = -1
                        for i in 0..<n {
                            let v = values[i]
                            if v.isNaN { continue }
                            let key = Ranks.sortKey(v)
                            if lastCode >= 0 && key == lastKey { code[i] = lastCode; continue }
                            // Fibonacci hashing, linear probing.
                            var h = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                            while slotCode[h] >= 0 && slotKey[h] != key { h = (h + 1) & mask }
                            if slotCode[h] < 0 {
                                if keys.count == limit { tooMany = true; return }
                                slotKey[h] = key
                                slotCode[h] = Int32(keys.count)
                                keys.append(key)
                            }
                            code[i] = slotCode[h]
                            lastKey = key; lastCode = slotCode[h]
                        }
                    }
                }
            }
        }
        if tooMany { return nil }
        let d = keys.count
        let byKey = keys.indices.sorted { keys[$0] < keys[$1] }
        var rankOf = [Int32](repeating: 0, count: d)
        for (r, c) in byKey.enumerated() { rankOf[c] = Int32(r) }
        var ranks = [Int32](repeating: -1, count: n)
        var count = [Int](repeating: 0, count: d + 1)
        ranks.withUnsafeMutableBufferPointer { ranks in
            for i in 0..<n where code[i] >= 0 {
                let r = rankOf[Int(code[i])]
                ranks[i] = r
                count[Int(r) + 1] += 1
            }
        }
        for r in 0..<d { count[r + 1] += count[r] }
        let present = count[d]
        var order = [Int32](repeating: 0, count: present)
        var orderRanks = [Int32](repeating: 0, count: present)
        ranks.withUnsafeBufferPointer { ranks in
            order.withUnsafeMutableBufferPointer { order in
                orderRanks.withUnsafeMutableBufferPointer { orderRanks in
                    count.withUnsafeMutableBufferPointer { next in
                        for i in 0..<n where ranks[i] >= 0 {
                            let r = Int(ranks[i])
                            order[next[r]] = Int32(i)
                            orderRanks[next[r]] = Int32(r)
                            next[r] += 1
                        }
                    }
                }
            }
        }
        return MissingRanks(ranks: ranks, distinct: d, order: order, orderRanks: orderRanks)
    }

    /// The ranks of any column, from one radix sort of the present values' keys.
    init(radixSorting values: [Double]) {
        var present: [Int32] = []
        present.reserveCapacity(values.count)
        for (i, v) in values.enumerated() where !v.isNaN { present.append(Int32(i)) }
        let (sorted, keys) = Ranks.radixSort(present.map { Ranks.sortKey(values[Int($0)]) })
        var ranks = [Int32](repeating: -1, count: values.count)
        var order = [Int32](repeating: 0, count: present.count)
        var orderRanks = [Int32](repeating: 0, count: present.count)
        var rank: Int32 = -1
        for p in 0..<present.count {
            if p == 0 || keys[p] != keys[p - 1] { rank += 1 }
            let row = present[Int(sorted[p])]
            order[p] = row
            orderRanks[p] = rank
            ranks[Int(row)] = rank
        }
        self.ranks = ranks
        self.distinct = Int(rank + 1)
        self.order = order
        self.orderRanks = orderRanks
    }
}
