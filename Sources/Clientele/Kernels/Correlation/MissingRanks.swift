import ClienteleStats

/// A column's 0-based dense ranks, −1 where the value is missing (NaN), and its present rows in
/// ascending (value, row) order, all from one radix sort over the whole column. Every table and
/// row set the column meets takes its ranks and its order from these (no further sort).
package struct MissingRanks: Sendable {
    /// Per row: the dense rank of its value among the present values, −1 when missing.
    package let ranks: [Int32]
    /// Distinct present values.
    package let distinct: Int
    /// The present rows by ascending value; equal values keep ascending row order.
    package let order: [Int32]
    /// The dense rank of each row of `order`, beside it: passes along the order read it in
    /// sequence instead of looking each row up in `ranks`.
    package let orderRanks: [Int32]

    package init(_ values: [Double]) {
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
