import ClienteleStats

/// Spearman's rank correlation for one pair of complete samples, as `scipy.stats.spearmanr`:
/// Pearson's r of the average ranks (ties share the mean of their positions), with the
/// two-sided p-value of `t = ρ √((n − 2)/((1 + ρ)(1 − ρ)))` under Student's t with n − 2 df.
public enum SpearmanTest {
    public static let minimumPairs = 3

    /// ρ and its p-value for complete samples `x`, `y` (no NaN, equal length).
    /// - Complexity: O(n) for the ranks after two radix sorts.
    public static func estimate(x: [Double], y: [Double], xName: String = "x", yName: String = "y") -> Estimate<SpearmanEstimate> {
        precondition(x.count == y.count, "spearman: x has \(x.count) values, y has \(y.count)")
        let n = x.count
        if n < minimumPairs { return .notDefined(.tooFewPairs(n: n, minimum: minimumPairs)) }
        if let v = PearsonTest.constantValue(x) { return .notDefined(.constant(variable: xName, value: v)) }
        if let v = PearsonTest.constantValue(y) { return .notDefined(.constant(variable: yName, value: v)) }
        let rho = PearsonTest.coefficient(x: Ranks.average(x), y: Ranks.average(y))
        return .defined(SpearmanEstimate(rho: rho, pValue: pValue(rho: rho, n: n)))
    }

    /// Two-sided p-value of ρ from n ≥ 3 pairs: `2 · stdtr(n − 2, −|t|)`.
    public static func pValue(rho: Double, n: Int) -> Double {
        let df = Double(n - 2)
        let denominator = (rho + 1) * (1 - rho)
        let t = rho * max(0, df / denominator).squareRoot()  // ±∞ when |ρ| = 1, as scipy
        return min(1, Distributions.studentTTwoSidedTail(abs(t), degreesOfFreedom: df))
    }
}
