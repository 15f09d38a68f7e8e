#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions for likelihoods: log Γ, digamma ψ, trigamma ψ′, and the log-sum-exp pieces.
///
/// Goals, in order: accuracy to a few ulps over the positive reals (where every likelihood in
/// Clientele evaluates them), thread safety, then speed.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (ln |Γ(x)| elsewhere), through the C library's re-entrant `lgamma_r`
    /// (plain `lgamma` writes the global `signgam` and would race across threads).
    @inlinable @inline(__always)
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// The digamma function ψ(x) = d/dx ln Γ(x).
    ///
    /// For x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x lifts x to at least 10, then the
    /// asymptotic series ψ(x) = ln x − 1/(2x) − Σₖ B₂ₖ / (2k x²ᵏ) (Abramowitz & Stegun 6.3.18)
    /// with seven terms, whose truncation error at x ≥ 10 is below 10⁻¹⁸. For x < 0 the
    /// reflection ψ(1 − x) − π cot(πx) (A&S 6.3.7). Edge cases: ψ(0) and ψ at negative integers
    /// are NaN (poles); ψ(+∞) = +∞; NaN in, NaN out.
    /// - Complexity: O(max(0, 10 − x)) steps, then constant.
    public static func digamma(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 {
            if x == x.rounded(.down) { return .nan }
            return digamma(1 - x) - Double.pi / tan(Double.pi * x)
        }
        if x == .infinity { return .infinity }
        var y = x
        var shift = 0.0
        while y < 10 {
            shift -= 1 / y
            y += 1
        }
        let inv = 1 / y
        let inv2 = inv * inv
        // B2/2 = 1/12, B4/4 = −1/120, B6/6 = 1/252, B8/8 = −1/240, B10/10 = 1/132,
        // B12/12 = −691/32760, B14/14 = 1/12.
        let series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240
            - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))))
        return shift + log(y) - 0.5 * inv - series
    }

    /// The trigamma function ψ′(x) = d²/dx² ln Γ(x), for observed-information matrices.
    ///
    /// For x > 0: the recurrence ψ′(x) = ψ′(x + 1) + 1/x² lifts x to at least 10, then the
    /// asymptotic series ψ′(x) = 1/x + 1/(2x²) + Σₖ B₂ₖ / x^{2k+1} (Abramowitz & Stegun 6.4.12)
    /// with seven terms, whose truncation error at x ≥ 10 is below 10⁻¹⁹ relative. For x < 0 the
    /// reflection ψ′(x) = π²/sin²(πx) − ψ′(1 − x) (A&S 6.4.7). Edge cases: poles at 0 and the
    /// negative integers give NaN, as `digamma`; ψ′(+∞) = 0; NaN in, NaN out.
    /// - Complexity: O(max(0, 10 − x)) steps, then constant.
    public static func trigamma(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 {
            if x == x.rounded(.down) { return .nan }
            let s = sin(Double.pi * x)
            return Double.pi * Double.pi / (s * s) - trigamma(1 - x)
        }
        if x == .infinity { return 0 }
        var y = x
        var shift = 0.0
        while y < 10 {
            shift += 1 / (y * y)
            y += 1
        }
        let inv = 1 / y
        let inv2 = inv * inv
        // B2 = 1/6, B4 = −1/30, B6 = 1/42, B8 = −1/30, B10 = 5/66, B12 = −691/2730, B14 = 7/6.
        let series = inv * inv2 * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 * (1.0 / 30
            - inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * (7.0 / 6)))))))
        return shift + inv + 0.5 * inv2 + series
    }

    /// ln(eᵘ + eᵛ) without overflow: max(u, v) + log1p(e^−|u−v|). −∞ when both are −∞.
    @inlinable @inline(__always)
    public static func logAddExp(_ u: Double, _ v: Double) -> Double {
        let m = max(u, v)
        if m == -.infinity { return -.infinity }
        return m + log1p(exp(-abs(u - v)))
    }

    /// The logistic function 1 / (1 + e⁻ˣ), computed so that neither tail overflows.
    @inlinable @inline(__always)
    public static func logistic(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}
