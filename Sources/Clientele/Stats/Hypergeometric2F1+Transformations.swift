#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Hypergeometric2F1 {
    /// ln |₂F₁(a, b; c; z)| and its sign, for z < 1, through the linear transformations that keep
    /// the power series short and its terms bounded.
    ///
    /// - z < 0: Pfaff's transformation ₂F₁(a, b; c; z) = (1 − z)^{−a} ₂F₁(a, c − b; c; w),
    ///   w = z/(z − 1) ∈ (0, 1) (Abramowitz & Stegun 15.3.4), then the case below at w.
    /// - 0 ≤ z < 1: Euler's transformation ₂F₁(a, b; c; z) = (1 − z)^{c−a−b} ₂F₁(c − a, c − b; c; z)
    ///   (A&S 15.3.3) when it makes the series' upper parameters smaller, |(c − a)(c − b)| < |ab|.
    ///   For the Pareto/NBD likelihood's ₂F₁(r + s + x, b; r + s + x + 1; z) the transformed
    ///   series is ₂F₁(1, r + s + x + 1 − b; r + s + x + 1; z), whose terms fall at least like zⁿ
    ///   whatever x is, where the direct one for b = r + x grows like (1 − z)^{−(r+x)} and
    ///   overflows for large x. The prefactor stays in log space, so the result is finite even
    ///   where ₂F₁ itself is beyond the largest Double.
    ///
    /// Accuracy: the series of positive terms (the Pareto/NBD case, a, b, c > 0 after the
    /// transformation) is summed to 2⁻⁵³ relative; z close to 1 costs about 37/(1 − z) terms,
    /// not accuracy. Mixed-sign series may lose digits to cancellation, as the direct series does.
    /// Edge cases: z ≥ 1, non-finite input or c a non-positive integer give NaN; a sum of 0 gives
    /// −∞ with sign 0.
    public func logMagnitude(at z: Double) -> (logValue: Double, sign: Double, terms: Int, converged: Bool) {
        guard a.isFinite, b.isFinite, c.isFinite, z.isFinite, z < 1, !(c <= 0 && c == c.rounded(.down)) else {
            return (.nan, .nan, 0, false)
        }
        var prefactor = 0.0  // ln of the transformations' factors
        var (p, q, w) = (a, b, z)
        if z < 0 {
            // Pfaff: (1 − z)^{−a} ₂F₁(a, c − b; c; z/(z − 1)).
            prefactor -= a * log1p(-z)
            (p, q, w) = (a, c - b, z / (z - 1))
        }
        if abs((c - p) * (c - q)) < abs(p * q) {
            prefactor += (c - p - q) * log1p(-w)
            (p, q) = (c - p, c - q)
        }
        let series = Hypergeometric2F1(a: p, b: q, c: c, maximumTerms: maximumTerms).evaluate(at: w)
        let sign: Double = series.value > 0 ? 1 : (series.value < 0 ? -1 : 0)
        return (prefactor + log(abs(series.value)), sign, series.terms, series.converged)
    }
}
