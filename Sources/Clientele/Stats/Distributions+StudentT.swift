extension Distributions {
    /// Student's t CDF with `degreesOfFreedom` (ν > 0) degrees of freedom (scipy `stdtr(ν, t)`).
    ///
    /// `P(T ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½)` for `t ≥ 0`, and `½ I_{ν/(ν+t²)}(ν/2, ½)` for
    /// `t < 0` (Abramowitz & Stegun 26.5.27 with 26.7.1). When `t² < ν` the argument `ν/(ν+t²)` is
    /// close to 1, so the tail is taken as `I_{t²/(ν+t²)}(½, ν/2)` instead, which keeps precision.
    /// - Returns: NaN for ν ≤ 0 or NaN input; 0 or 1 at ∓∞.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if t.isNaN || !(nu > 0) { return .nan }
        if t == .infinity { return 1 }
        if t == -.infinity { return 0 }
        let tail = studentTTwoSidedTail(abs(t), degreesOfFreedom: nu) / 2  // P(T > |t|)
        return t < 0 ? tail : 1 - tail
    }

    /// The upper tail `P(T > t)`, computed directly for `t > 0`.
    public static func studentTSurvival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        studentTCDF(-t, degreesOfFreedom: nu)
    }

    /// `P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½)` for `t ≥ 0`: the two-sided p-value of a t statistic.
    public static func studentTTwoSidedTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        if t.isNaN || !(nu > 0) { return .nan }
        let t = abs(t)
        if t == .infinity { return 0 }
        let t2 = t * t
        if t2 < nu {
            // I_{ν/(ν+t²)}(ν/2, ½) = 1 − I_{t²/(ν+t²)}(½, ν/2): the upper part of the pair.
            let z = t2 / (nu + t2)
            return incompleteBeta(a: 0.5, b: nu / 2, x: z, complement: nu / (nu + t2)).upper
        }
        let z = nu / (nu + t2)
        return incompleteBeta(a: nu / 2, b: 0.5, x: z, complement: t2 / (nu + t2)).lower
    }
}
