#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Distributions {
    /// The regularized incomplete beta function and its complement,
    /// `I_x(a, b) = B(x; a, b) / B(a, b)` and `1 − I_x(a, b) = I_{1−x}(b, a)`.
    ///
    /// Evaluated by the continued fraction of Didonato & Morris (1992, eq. 2.5; Numerical Recipes
    /// 3rd ed. §6.4, `betacf`) with the modified Lentz method, on the side where it converges
    /// fast (`x < (a + 1) / (a + b + 2)`); the other tail comes from the symmetry
    /// `I_x(a, b) = 1 − I_{1−x}(b, a)`. The tail that is computed directly keeps full relative
    /// precision; the other is `1 −` it, which is accurate because it is then at least about ½.
    /// The prefactor `x^a (1−x)^b / (a B(a, b))` is taken in log space with `log1p` for `1 − x`.
    ///
    /// Pass `complement = 1 − x` when it is known more exactly than `1 − x` would round (as for
    /// `(1 − |r|)/2`); by default it is `1 − x`.
    /// - Returns: `(lower: I_x(a, b), upper: 1 − I_x(a, b))`; NaN for `a ≤ 0`, `b ≤ 0`, or `x`
    ///   outside [0, 1].
    /// - Complexity: O(√max(a, b)) iterations of the continued fraction.
    public static func incompleteBeta(a: Double, b: Double, x: Double, complement: Double? = nil) -> (lower: Double, upper: Double) {
        let y = complement ?? (1 - x)
        guard a > 0, b > 0, x >= 0, x <= 1, a.isFinite, b.isFinite else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 || x == 1 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let lower = betaContinuedFractionTail(a: a, b: b, x: x, y: y)
            return (lower, 1 - lower)
        } else {
            let upper = betaContinuedFractionTail(a: b, b: a, x: y, y: x)
            return (1 - upper, upper)
        }
    }

    /// `I_x(a, b)` (scipy `betainc`).
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        incompleteBeta(a: a, b: b, x: x).lower
    }

    /// `1 − I_x(a, b)` computed directly when it is the small tail (scipy `betaincc`).
    public static func regularizedIncompleteBetaComplement(a: Double, b: Double, x: Double) -> Double {
        incompleteBeta(a: a, b: b, x: x).upper
    }

    /// `I_x(a, b)` by the continued fraction, for `x < (a + 1)/(a + b + 2)` (`y = 1 − x`).
    /// Unchecked: assumes `a, b > 0` and `0 < x < 1`.
    package static func betaContinuedFractionTail(a: Double, b: Double, x: Double, y: Double) -> Double {
        // log of x^a y^b / (a B(a, b)); log y through log1p when x is small.
        let logY = x < 0.5 ? log1p(-x) : log(y)
        let logPrefactor = a * log(x) + b * logY - logBeta(a, b) - log(a)
        let prefactor = exp(logPrefactor)
        if prefactor == 0 { return 0 }
        return prefactor * betaContinuedFraction(a: a, b: b, x: x)
    }

    /// The continued fraction `1 / (1 + d₁ / (1 + d₂ / (1 + …)))` of the incomplete beta function,
    /// `d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1))`, `d_{2m} = m(b−m)x / ((a+2m−1)(a+2m))`,
    /// evaluated by the modified Lentz method to a relative change below 1e-16.
    package static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        let maxIterations = 10_000 + Int(20 * (max(a, b)).squareRoot())
        var m = 1
        while m <= maxIterations {
            let mm = Double(m), m2 = 2 * mm
            var aa = mm * (b - mm) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + mm) * (qab + mm) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
            m += 1
        }
        return h
    }
}
