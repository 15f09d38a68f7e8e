import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Pearson's product-moment correlation for one pair of complete samples, with the p-value and
/// interval that `scipy.stats.pearsonr` reports.
///
/// - p-value: under H₀ (independent normal x, y) r follows a beta distribution on (−1, 1) with
///   `a = b = n/2 − 1`, so the two-sided p-value is `2 · (1 − I_{(1+|r|)/2}(a, a))` (scipy's
///   `_SimpleBeta`); this equals the t test `t = r √((n−2)/(1−r²))` with n − 2 degrees of freedom.
/// - interval: Fisher (1915) z = atanh r is about normal with standard error 1/√(n − 3);
///   `tanh(z ∓ Φ⁻¹(½ + c/2)/√(n − 3))` (scipy `PearsonRResult.confidence_interval()`).
public enum PearsonTest {
    /// The smallest n for which the statistic and its p-value are defined here (scipy returns
    /// r = ±1, p = 1 for n = 2; that says nothing, so Clientele reports "not defined").
    public static let minimumPairs = 3

    /// r, p-value and interval of complete samples `x`, `y` (no NaN, equal length).
    public static func estimate(x: [Double], y: [Double], xName: String = "x", yName: String = "y",
                                confidenceLevel: Double = 0.95) -> Estimate<PearsonEstimate> {
        precondition(x.count == y.count, "pearson: x has \(x.count) values, y has \(y.count)")
        let n = x.count
        if n < minimumPairs { return .notDefined(.tooFewPairs(n: n, minimum: minimumPairs)) }
        if let v = constantValue(x) { return .notDefined(.constant(variable: xName, value: v)) }
        if let v = constantValue(y) { return .notDefined(.constant(variable: yName, value: v)) }
        let r = coefficient(x: x, y: y)
        return .defined(summary(r: r, n: n, confidenceLevel: confidenceLevel))
    }

    /// p-value and interval for a coefficient `r` computed elsewhere (the BLAS matrix) from `n ≥ 3` pairs.
    public static func summary(r: Double, n: Int, confidenceLevel: Double = 0.95) -> PearsonEstimate {
        let r = min(1, max(-1, r))
        let (low, high) = fisherInterval(r: r, n: n, confidenceLevel: confidenceLevel)
        return PearsonEstimate(r: r, pValue: pValue(r: r, n: n), confidenceLow: low, confidenceHigh: high,
                               confidenceLevel: confidenceLevel)
    }

    /// `r` as scipy computes it: deviations from the mean, each scaled by its largest magnitude
    /// before the norm (no overflow), then the dot product of the unit vectors, clipped to [−1, 1].
    /// - Complexity: O(n).
    public static func coefficient(x: [Double], y: [Double]) -> Double {
        let n = x.count
        var sx = 0.0, sy = 0.0
        for i in 0..<n { sx += x[i]; sy += y[i] }
        let mx = sx / Double(n), my = sy / Double(n)
        var maxX = 0.0, maxY = 0.0
        for i in 0..<n { maxX = max(maxX, abs(x[i] - mx)); maxY = max(maxY, abs(y[i] - my)) }
        var nx = 0.0, ny = 0.0
        for i in 0..<n {
            let a = (x[i] - mx) / maxX, b = (y[i] - my) / maxY
            nx += a * a; ny += b * b
        }
        let normX = maxX * nx.squareRoot(), normY = maxY * ny.squareRoot()
        var dot = 0.0
        for i in 0..<n { dot += ((x[i] - mx) / normX) * ((y[i] - my) / normY) }
        return min(1, max(-1, dot))
    }

    /// Two-sided p-value `2 · betaincc(a, a, (1 + |r|)/2)`, a = n/2 − 1 (n ≥ 3).
    public static func pValue(r: Double, n: Int) -> Double {
        precondition(n >= minimumPairs, "pearson p-value needs n >= \(minimumPairs), got n=\(n)")
        let a = Double(n) / 2 - 1
        let upper = (abs(r) + 1) / 2
        let lower = 1 - upper  // exact: upper ∈ [½, 1]
        let tail = Distributions.incompleteBeta(a: a, b: a, x: lower, complement: upper).lower
        return min(1, 2 * tail)
    }

    /// Fisher-z interval at `confidenceLevel` (two-sided); (−1, 1) for n ≤ 3.
    public static func fisherInterval(r: Double, n: Int, confidenceLevel: Double) -> (low: Double, high: Double) {
        if n <= 3 { return (-1, 1) }
        let z = atanh(r)
        let se = (1 / Double(n - 3)).squareRoot()
        let h = Distributions.normalQuantile(0.5 + confidenceLevel / 2)
        return (tanh(z - h * se), tanh(z + h * se))
    }

    /// The single value of a constant sample, nil otherwise (exact comparison, as scipy).
    package static func constantValue(_ v: [Double]) -> Double? {
        guard let first = v.first else { return nil }
        for x in v where x != first { return nil }
        return first
    }
}
