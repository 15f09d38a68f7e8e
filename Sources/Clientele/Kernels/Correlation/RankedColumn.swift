/// A variable on one set of complete rows, ranked once for every pair that uses those rows:
/// dense ranks for Kendall's τ-b and average ranks for Spearman's ρ, renumbered from one sort of
/// the whole column (`MissingRanks`).
struct RankedColumn: Sendable {
    let name: String
    /// The first value (names the value of a constant column).
    let first: Double?
    /// 0-based dense ranks and the number of distinct values.
    let dense: [Int32]
    let distinct: Int
    /// 1-based average ranks (scipy `rankdata(method="average")`): a tie group occupying
    /// positions s+1 … s+t gets (2s + t + 1) / 2, the same value `Ranks.average` computes.
    let average: [Double]

    /// The variable on `rows`, ranked from its dense ranks over a superset of them: the order of
    /// the values is already known, so the ranks are only renumbered (no sort), O(rows + distinct).
    /// Every row must have a rank (no missing value).
    init(name: String, first: Double?, rows: [Int], of all: MissingRanks) {
        var newRank = [Int32](repeating: -1, count: all.distinct)
        for r in rows { newRank[Int(all.ranks[r])] = 0 }
        var next: Int32 = 0
        for g in 0..<all.distinct where newRank[g] == 0 { newRank[g] = next; next += 1 }
        self.init(name: name, first: first, dense: rows.map { newRank[Int(all.ranks[$0])] }, distinct: Int(next))
    }

    private init(name: String, first: Double?, dense: [Int32], distinct: Int) {
        self.name = name
        self.first = first
        self.dense = dense
        self.distinct = distinct
        let sizes = Ranks.groupSizes(denseRanks: dense, distinct: distinct)
        var groupRank = [Double](repeating: 0, count: distinct)
        var start = 0
        for g in 0..<distinct {
            groupRank[g] = Double(2 * start + sizes[g] + 1) / 2
            start += sizes[g]
        }
        average = dense.map { groupRank[Int($0)] }
    }

    var count: Int { dense.count }
    var isConstant: Bool { distinct == 1 }
}

/// A column's 0-based dense ranks, −1 where the value is missing (NaN), from one radix sort.
struct MissingRanks: Sendable {
    let ranks: [Int32]
    /// Distinct present values.
    let distinct: Int

    init(ranks: [Int32], distinct: Int) {
        self.ranks = ranks
        self.distinct = distinct
    }

    init(_ values: [Double]) {
        let present = values.indices.filter { !values[$0].isNaN }
        let (dense, distinct) = Ranks.dense(present.map { values[$0] })
        var ranks = [Int32](repeating: -1, count: values.count)
        for (k, i) in present.enumerated() { ranks[i] = dense[k] }
        self.init(ranks: ranks, distinct: distinct)
    }
}
