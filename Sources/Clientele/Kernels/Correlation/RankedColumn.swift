/// A variable on one row set of one table (the rows where the variables of a pair are present),
/// ranked once for every pair that uses those rows, without a comparison sort: a column with few
/// distinct values counts its ranks in row order (`rowOrder`); otherwise the set's rows are picked
/// out of the column's value order (`MissingRanks.order`, per table), which is already sorted.
///
/// Rows of the set are numbered 0..<count in ascending row order ("local" rows); `rank`,
/// `average` are indexed by local row, `sorted` lists local rows by value.
struct RankedColumn: Sendable {
    let name: String
    /// The value of the first row (names the value of a constant column).
    let first: Double?
    /// Per local row: the dense rank of its value over the whole column (not renumbered, so
    /// below `domain`; equal values share it).
    let rank: [Int32]
    /// Distinct values of the whole column: the bound of `rank`.
    let domain: Int
    /// Local rows in ascending (value, row) order.
    let sorted: [Int32]
    /// Sizes of the runs of equal values along `sorted`, in value order.
    let tieSizes: [Int]
    let ties: Ranks.TieStatistics
    /// 1-based average ranks on the set (scipy `rankdata(method="average")`): a tie group
    /// occupying positions s+1 … s+t gets (2s + t + 1) / 2, the value `Ranks.average` computes.
    let average: [Double]
    /// Per local row: its average rank's deviation from their mean, divided by the norm of all
    /// deviations — the unit vector whose dot product with another column's is Spearman's ρ
    /// (`PearsonTest.coefficient` of the average ranks, the same operations in the same order,
    /// so the same bits; computed once per column instead of once per pair).
    let unitDeviations: [Double]

    /// - Parameters:
    ///   - rows: the set's rows (indices into `values` and `ranks.ranks`), ascending.
    ///   - local: for every row of the table, its local row in the set, −1 outside it.
    ///   - tableOrder: the table's present rows of this variable in value order.
    /// - Complexity: O(tableOrder.count + rows.count).
    init(name: String, values: [Double], ranks: MissingRanks, rows: [Int32],
         local: UnsafeBufferPointer<Int32>, tableOrder: ArraySlice<Int32>) {
        let orderRanks = tableOrder.map { ranks.ranks[Int($0)] }
        self = Self.ranked(name: name, values: values, ranks: ranks, sets: [rows], local: local, stride: 1, slots: [0],
                           tableOrder: tableOrder, orderRanks: orderRanks[...])[0]
    }

    private init(name: String, first: Double?, rank: [Int32], domain: Int, sorted: [Int32], tieSizes: [Int], average: [Double]) {
        self.name = name
        self.first = first
        self.rank = rank
        self.domain = domain
        self.sorted = sorted
        self.tieSizes = tieSizes
        self.ties = Ranks.TieStatistics(groupSizes: tieSizes)
        self.average = average
        self.unitDeviations = Self.unitDeviations(average)
    }

    /// The variable ranked on several row sets of one table at once: with at most
    /// `rowOrderDomainLimit` distinct values each set from its rows in row order (`rowOrder`);
    /// otherwise from one walk along the table's value order (the walk's scattered reads of the
    /// row map are shared by the sets). Both give the same columns.
    /// - Parameters:
    ///   - sets: each set's rows (indices into `values` and `ranks.ranks`), ascending.
    ///   - local: for every row of the table, its local row in set s at `row × stride + slots[s]`,
    ///     −1 outside it.
    ///   - tableOrder: the table's present rows of this variable in value order, and
    ///     `orderRanks` their dense ranks (`MissingRanks.orderRanks`).
    /// - Complexity: O(tableOrder.count × sets + Σ rows).
    static func ranked(name: String, values: [Double], ranks: MissingRanks, sets: [[Int32]],
                       local: UnsafeBufferPointer<Int32>, stride: Int, slots: [Int], tableOrder: ArraySlice<Int32>,
                       orderRanks: ArraySlice<Int32>) -> [RankedColumn] {
        let k = sets.count
        precondition(slots.count == k && slots.allSatisfy { 0 <= $0 && $0 < stride }, "RankedColumn: bad row map slots")
        precondition(tableOrder.count == orderRanks.count, "RankedColumn: order and its ranks differ in length")
        if ranks.distinct <= rowOrderDomainLimit {
            return sets.map { rowOrder(name: name, values: values, ranks: ranks, rows: $0) }
        }
        let walks = UnsafeMutableBufferPointer<TieWalk>.allocate(capacity: k)
        for s in 0..<k { (walks.baseAddress! + s).initialize(to: TieWalk(capacity: sets[s].count)) }
        defer {
            for s in 0..<k { walks[s].deallocate() }
            walks.deallocate()
        }
        tableOrder.withUnsafeBufferPointer { order in
            orderRanks.withUnsafeBufferPointer { orderRanks in
                if k == 1 {
                    // One set: the same walk without the loop over sets.
                    let slot = slots[0]
                    for q in 0..<order.count {
                        let l = local[Int(order[q]) * stride + slot]
                        if l >= 0 { walks[0].add(l, rank: orderRanks[q]) }
                    }
                } else {
                    for q in 0..<order.count {
                        let base = Int(order[q]) * stride
                        let r = orderRanks[q]
                        for s in 0..<k {
                            let l = local[base + slots[s]]
                            if l >= 0 { walks[s].add(l, rank: r) }
                        }
                    }
                }
            }
        }
        return (0..<k).map { s in
            walks[s].finish()
            let walk = walks[s]
            let rows = sets[s], m = rows.count
            precondition(walk.filled == m, "RankedColumn: \(walk.filled) of the set's \(m) rows found in the table's order")
            let rank = [Int32](unsafeUninitializedCapacity: m) { rank, initialized in
                ranks.ranks.withUnsafeBufferPointer { all in
                    for i in 0..<m { rank[i] = all[Int(rows[i])] }
                }
                initialized = m
            }
            return RankedColumn(name: name, first: rows.first.map { values[Int($0)] }, rank: rank, domain: ranks.distinct,
                                sorted: Array(UnsafeBufferPointer(start: walk.sorted, count: m)),
                                tieSizes: Array(UnsafeBufferPointer(start: walk.sizes, count: walk.groups)),
                                average: Array(UnsafeBufferPointer(start: walk.average, count: m)))
        }
    }

    /// The largest number of distinct values of a column for which `ranked` counts each value's
    /// rows in row order (`rowOrder`) instead of walking the value order: the counts stay in a
    /// core's cache, so no pass reads or writes the set's rows out of order, except the stable
    /// counting sort's writes into one run per value.
    static let rowOrderDomainLimit = 1 << 14

    /// The column on one row set from its ranks in row order: counts per dense rank, their
    /// running sums give each value's first position, hence each row's average rank
    /// (2s + t + 1) / 2 — the same integers as the walk, so the same doubles — and its place in
    /// the value order (a stable counting sort: equal values keep ascending row order).
    /// - Complexity: O(rows + distinct).
    static func rowOrder(name: String, values: [Double], ranks: MissingRanks, rows: [Int32]) -> RankedColumn {
        let m = rows.count, d = ranks.distinct
        let rank = [Int32](unsafeUninitializedCapacity: m) { rank, initialized in
            ranks.ranks.withUnsafeBufferPointer { all in
                for i in 0..<m { rank[i] = all[Int(rows[i])] }
            }
            initialized = m
        }
        var count = [Int](repeating: 0, count: d)
        var first = [Int](repeating: 0, count: d)
        var averageOf = [Double](repeating: 0, count: d)
        var sizes: [Int] = []
        var sorted = [Int32](repeating: 0, count: m)
        var average = [Double](repeating: 0, count: m)
        rank.withUnsafeBufferPointer { rank in
            count.withUnsafeMutableBufferPointer { count in
                first.withUnsafeMutableBufferPointer { first in
                    averageOf.withUnsafeMutableBufferPointer { averageOf in
                        for i in 0..<m { count[Int(rank[i])] &+= 1 }
                        // Value r (present) occupies positions s+1 … s+t of the set's value order.
                        var start = 0
                        for r in 0..<d where count[r] > 0 {
                            let t = count[r]
                            sizes.append(t)
                            first[r] = start
                            averageOf[r] = Double(2 * start + t + 1) / 2
                            start += t
                        }
                        sorted.withUnsafeMutableBufferPointer { sorted in
                            average.withUnsafeMutableBufferPointer { average in
                                for i in 0..<m {
                                    let r = Int(rank[i])
                                    average[i] = averageOf[r]
                                    sorted[first[r]] = Int32(i)
                                    first[r] &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return RankedColumn(name: name, first: rows.first.map { values[Int($0)] }, rank: rank, domain: d,
                            sorted: sorted, tieSizes: sizes, average: average)
    }

    /// One row set's walk along a value order: its local rows in that order, the sizes of their
    /// runs of equal rank, and each local row's average rank, written when its run is complete.
    private struct TieWalk {
        let sorted: UnsafeMutablePointer<Int32>
        let average: UnsafeMutablePointer<Double>
        let sizes: UnsafeMutablePointer<Int>
        var filled = 0, start = 0, groups = 0
        var previous: Int32 = -1

        init(capacity m: Int) {
            sorted = .allocate(capacity: max(m, 1))
            average = .allocate(capacity: max(m, 1))
            sizes = .allocate(capacity: max(m, 1))
        }

        func deallocate() {
            sorted.deallocate()
            average.deallocate()
            sizes.deallocate()
        }

        @inline(__always) mutating func add(_ l: Int32, rank r: Int32) {
            if filled > 0 && r != previous { close() }
            sorted[filled] = l
            previous = r
            filled += 1
        }

        /// The run sorted[start..<filled] is complete: its rows get its average rank, the 1-based
        /// positions s+1 … s+t averaged, (2s + t + 1) / 2.
        mutating func close() {
            let t = filled - start
            let value = Double(2 * start + t + 1) / 2
            for q in start..<filled { average[Int(sorted[q])] = value }
            sizes[groups] = t
            groups += 1
            start = filled
        }

        mutating func finish() {
            if filled > start { close() }
        }
    }

    /// `PearsonTest.coefficient`'s normalisation of one column: with mean m = (Σ v) / n, largest
    /// deviation s = max |v − m|, norm N = s √(Σ ((v − m)/s)²), the values (v − m)/N — each sum in
    /// row order, as there. Meaningless (not used) for a constant column.
    static func unitDeviations(_ v: [Double]) -> [Double] {
        let n = v.count
        guard n > 0 else { return [] }
        return v.withUnsafeBufferPointer { v in
            var sum = 0.0
            for i in 0..<n { sum += v[i] }
            let mean = sum / Double(n)
            var largest = 0.0
            for i in 0..<n { largest = max(largest, abs(v[i] - mean)) }
            var squares = 0.0
            for i in 0..<n { let a = (v[i] - mean) / largest; squares += a * a }
            let norm = largest * squares.squareRoot()
            return [Double](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n { out[i] = (v[i] - mean) / norm }
                initialized = n
            }
        }
    }

    /// Spearman's ρ of two columns on the same row set: `PearsonTest.coefficient` of their
    /// average ranks, to the bit (the same products summed in row order, clipped to [−1, 1]).
    static func spearmanRho(_ x: RankedColumn, _ y: RankedColumn) -> Double {
        precondition(x.count == y.count, "spearman: columns on different row sets")
        var dot = 0.0
        x.unitDeviations.withUnsafeBufferPointer { u in
            y.unitDeviations.withUnsafeBufferPointer { w in
                for i in 0..<u.count { dot += u[i] * w[i] }
            }
        }
        return min(1, max(-1, dot))
    }

    var count: Int { rank.count }
    /// Distinct values on the set.
    var distinct: Int { tieSizes.count }
    var isConstant: Bool { distinct == 1 }

    /// 0-based dense ranks renumbered on the set (0..<distinct), by local row.
    func denseRanks() -> [Int32] {
        var dense = [Int32](repeating: 0, count: count)
        var p = 0
        for (g, t) in tieSizes.enumerated() {
            for q in p..<(p + t) { dense[Int(sorted[q])] = Int32(g) }
            p += t
        }
        return dense
    }
}
