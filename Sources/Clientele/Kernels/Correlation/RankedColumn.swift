import ClienteleStats
import CSupport

/// A variable on one row set of one table (the rows where the variables of a pair are present),
/// ranked once for every pair that uses those rows, without a sort: the set's rows are picked
/// out of the column's value order (`MissingRanks.order`, per table), which is already sorted.
///
/// Rows of the set are numbered 0..<count in ascending row order ("local" rows); `rank`,
/// `rankUnits` are indexed by local row, `sorted` lists local rows by value.
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
    /// Per local row: its average rank a (scipy `rankdata(method="average")`; a tie group
    /// occupying positions s+1 … s+t gets (2s + t + 1) / 2, the value `Ranks.average` computes)
    /// taken the first steps of `PearsonTest.coefficient`: (a − mean) / norm, the norm being
    /// max|a − mean| · √Σ((a − mean) / max|a − mean|)², summed in local-row order. Spearman's ρ
    /// of two columns is then the dot product of their units (`spearmanRho`), bit for bit
    /// `PearsonTest.coefficient` of the average ranks, with the per-column passes done once per
    /// column rather than once per pair. NaN for a constant column (never read: ρ is not defined).
    package let rankUnits: [Double]

    /// - Parameters:
    ///   - rows: the set's rows (indices into `values` and `ranks.ranks`), ascending.
    ///   - local: for every row of the table, its local row in the set, −1 outside it.
    ///   - tableOrder: the table's present rows of this variable in value order, and
    ///     `tableOrderRanks` their ranks (`CorrelationTableRows.orderRanks`).
    /// - Complexity: O(tableOrder.count + rows.count).
    package init(name: String, values: [Double], ranks: MissingRanks, rows: [Int32],
         local: UnsafeBufferPointer<Int32>, tableOrder: ArraySlice<Int32>, tableOrderRanks: ArraySlice<Int32>) {
        precondition(tableOrder.count == tableOrderRanks.count, "RankedColumn: an order and its ranks of different lengths")
        let m = rows.count
        var sizes: [Int] = []
        var lowest = Double.nan, highest = Double.nan
        // Every element of the three arrays is written below (the precondition checks that the
        // order holds all m rows), so none is zeroed first.
        var average = [Double](unsafeUninitializedCapacity: m) { _, initialized in initialized = m }
        let sorted = [Int32](unsafeUninitializedCapacity: m) { sorted, initialized in
            average.withUnsafeMutableBufferPointer { average in
                tableOrder.withUnsafeBufferPointer { order in
                tableOrderRanks.withUnsafeBufferPointer { orderRanks in
                    var p = 0, start = 0
                    var previous: Int32 = -1
                    // A tie group sorted[start..<p] is complete: its rows get its average rank.
                    func close() {
                        let t = p - start
                        let value = Double(2 * start + t + 1) / 2
                        for q in start..<p { average[Int(sorted[q])] = value }
                        if sizes.isEmpty { lowest = value }
                        highest = value
                        sizes.append(t)
                        start = p
                    }
                    // One scattered read a row (its local row), fetched `ahead` rows early so the
                    // misses overlap; its rank comes in sequence.
                    let ahead = 16, count = order.count
                    for i in 0..<count {
                        if i + ahead < count { clientele_prefetch(local.baseAddress! + Int(order[i + ahead])) }
                        let l = local[Int(order[i])]
                        if l < 0 { continue }
                        let r = orderRanks[i]
                        if p > 0 && r != previous { close() }
                        sorted[p] = l
                        previous = r
                        p += 1
                    }
                    if p > start { close() }
                    precondition(p == m, "RankedColumn: \(p) of the set's \(m) rows found in the table's order")
                }}
            }
            initialized = m
        }
        let rank = [Int32](unsafeUninitializedCapacity: m) { rank, initialized in
            ranks.ranks.withUnsafeBufferPointer { all in
                rows.withUnsafeBufferPointer { rows in
                    for i in 0..<m { rank[i] = all[Int(rows[i])] }
                }
            }
            initialized = m
        }
        average.withUnsafeMutableBufferPointer { Self.toUnits($0, lowest: lowest, highest: highest) }
        self.name = name
        self.first = rows.first.map { values[Int($0)] }
        self.rank = rank
        self.domain = ranks.distinct
        self.sorted = sorted
        self.tieSizes = sizes
        self.ties = Ranks.TieStatistics(groupSizes: sizes)
        self.rankUnits = average
    }

    /// Turns average ranks `a` (the m values 1 … m with ties averaged; `lowest`, `highest` the
    /// smallest and largest) into `PearsonTest.coefficient`'s unit deviations, in place, with the
    /// same operations in the same order:
    /// - the sum Σa is m(m + 1)/2 exactly in any order (its partial sums are halves of integers
    ///   below 2⁵³ while m < 2²⁶), so it is not summed; beyond that it is, in row order;
    /// - max|a − mean| is reached at the smallest or the largest value (rounding is monotone);
    /// - Σ((a − mean)/max)² is summed in row order, then each a becomes (a − mean)/norm.
    private static func toUnits(_ a: UnsafeMutableBufferPointer<Double>, lowest: Double, highest: Double) {
        let m = a.count
        guard m > 0 else { return }
        var sum = 0.0
        if m < 1 << 26 {
            sum = Double(m * (m + 1) / 2)
        } else {
            for i in 0..<m { sum += a[i] }
        }
        let mean = sum / Double(m)
        let spread = max(max(0.0, abs(lowest - mean)), abs(highest - mean))
        var squares = 0.0
        for i in 0..<m {
            let d = (a[i] - mean) / spread
            squares += d * d
        }
        let norm = spread * squares.squareRoot()
        for i in 0..<m { a[i] = (a[i] - mean) / norm }
    }

    /// Spearman's ρ of two columns on the same row set: `PearsonTest.coefficient` of their
    /// average ranks, the dot product of their `rankUnits` summed in local-row order, clipped to [−1, 1].
    /// - Complexity: O(count).
    package static func spearmanRho(_ x: RankedColumn, _ y: RankedColumn) -> Double {
        precondition(x.count == y.count, "spearman: columns on different row sets")
        var dot = 0.0
        x.rankUnits.withUnsafeBufferPointer { u in
            y.rankUnits.withUnsafeBufferPointer { v in
                for i in 0..<u.count { dot += u[i] * v[i] }
            }
        }
        return min(1, max(-1, dot))
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
