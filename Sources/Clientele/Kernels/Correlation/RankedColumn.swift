import ClienteleStats

/// A variable on one row set of one table (the rows where the variables of a pair are present),
/// ranked once for every pair that uses those rows, without a sort: the set's rows are picked
/// out of the column's value order (`MissingRanks.order`, per table), which is already sorted.
///
/// Rows of the set are numbered 0..<count in ascending row order ("local" rows); `rank`,
/// `average` are indexed by local row, `sorted` lists local rows by value.
package struct RankedColumn: Sendable {
    package let name: String
    /// The value of the first row (names the value of a constant column).
    package let first: Double?
    /// Per local row: the dense rank of its value over the whole column (not renumbered, so
    /// below `domain`; equal values share it).
    package let rank: [Int32]
    /// Distinct values of the whole column: the bound of `rank`.
    package let domain: Int
    /// Local rows in ascending (value, row) order.
    package let sorted: [Int32]
    /// Sizes of the runs of equal values along `sorted`, in value order.
    package let tieSizes: [Int]
    package let ties: Ranks.TieStatistics
    /// 1-based average ranks on the set (scipy `rankdata(method="average")`): a tie group
    /// occupying positions s+1 … s+t gets (2s + t + 1) / 2, the value `Ranks.average` computes.
    package let average: [Double]

    /// - Parameters:
    ///   - rows: the set's rows (indices into `values` and `ranks.ranks`), ascending.
    ///   - local: for every row of the table, its local row in the set, −1 outside it.
    ///   - tableOrder: the table's present rows of this variable in value order.
    /// - Complexity: O(tableOrder.count + rows.count).
    package init(name: String, values: [Double], ranks: MissingRanks, rows: [Int32],
         local: UnsafeBufferPointer<Int32>, tableOrder: ArraySlice<Int32>) {
        let m = rows.count
        var sorted = [Int32](repeating: 0, count: m)
        var average = [Double](repeating: 0, count: m)
        var sizes: [Int] = []
        var rank = [Int32](repeating: 0, count: m)
        ranks.ranks.withUnsafeBufferPointer { all in
            sorted.withUnsafeMutableBufferPointer { sorted in
                average.withUnsafeMutableBufferPointer { average in
                    var p = 0, start = 0
                    var previous: Int32 = -1
                    // A tie group sorted[start..<p] is complete: its rows get its average rank.
                    func close() {
                        let t = p - start
                        let value = Double(2 * start + t + 1) / 2
                        for q in start..<p { average[Int(sorted[q])] = value }
                        sizes.append(t)
                        start = p
                    }
                    for row in tableOrder {
                        let l = local[Int(row)]
                        if l < 0 { continue }
                        let r = all[Int(row)]
                        if p > 0 && r != previous { close() }
                        sorted[p] = l
                        previous = r
                        p += 1
                    }
                    if p > start { close() }
                    precondition(p == m, "RankedColumn: \(p) of the set's \(m) rows found in the table's order")
                }
            }
            rank.withUnsafeMutableBufferPointer { rank in
                for i in 0..<m { rank[i] = all[Int(rows[i])] }
            }
        }
        self.name = name
        self.first = rows.first.map { values[Int($0)] }
        self.rank = rank
        self.domain = ranks.distinct
        self.sorted = sorted
        self.tieSizes = sizes
        self.ties = Ranks.TieStatistics(groupSizes: sizes)
        self.average = average
    }

    package var count: Int { rank.count }
    /// Distinct values on the set.
    package var distinct: Int { tieSizes.count }
    package var isConstant: Bool { distinct == 1 }

    /// 0-based dense ranks renumbered on the set (0..<distinct), by local row.
    package func denseRanks() -> [Int32] {
        var dense = [Int32](repeating: 0, count: count)
        var p = 0
        for (g, t) in tieSizes.enumerated() {
            for q in p..<(p + t) { dense[Int(sorted[q])] = Int32(g) }
            p += t
        }
        return dense
    }
}
