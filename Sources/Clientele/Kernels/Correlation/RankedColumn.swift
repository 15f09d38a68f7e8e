/// A variable on one set of complete rows, ranked once for every pair that uses those rows:
/// dense ranks for Kendall's τ-b and average ranks for Spearman's ρ, from a single radix sort.
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

    /// `values` must be complete (no NaN).
    init(name: String, values: [Double]) {
        self.name = name
        first = values.first
        (dense, distinct) = Ranks.dense(values)
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
