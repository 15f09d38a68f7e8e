import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BGNBD {
    /// The BG/NBD log-likelihood of the patterns, Σ weight · ln L, in the data's time unit:
    ///
    ///     L(r, α, a, b | x, t_x, T) = B(a, b + x)/B(a, b) · Γ(r + x) αʳ / (Γ(r) (α + T)^{r+x})
    ///                                + δ(x > 0) · B(a + 1, b + x − 1)/B(a, b) · Γ(r + x) αʳ / (Γ(r) (α + t_x)^{r+x})
    ///
    /// (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
    /// 24(2), eq. 6; the sample log-likelihood is their eq. 7). Evaluated in log space as
    /// A₁ + A₂ + ln(e^{A₃} + δ e^{A₄}) with A₁ = ln Γ(r + x) − ln Γ(r) + r ln α,
    /// A₂ = ln Γ(a + b) + ln Γ(b + x) − ln Γ(b) − ln Γ(a + b + x), A₃ = −(r + x) ln(α + T),
    /// A₄ = ln a − ln(b + x − 1) − (r + x) ln(α + t_x), and log-sum-exp — the same terms as
    /// lifetimes' `BetaGeoFitter._negative_log_likelihood` (which returns minus the mean), so
    /// large x and T neither overflow nor lose precision; x = 0 and T = 0 need no special case.
    /// - Returns: the sum, or NaN for parameters that are not all finite and > 0.
    /// - Complexity: O(patterns + distinct x, t_x, T values).
    public static func logLikelihood(_ parameters: BGNBDParameters, _ patterns: CalibrationPatterns) -> Double {
        BGNBDLikelihood(patterns: patterns, timeScale: 1).evaluate(parameters, gradient: false).value
    }

    /// ∂/∂(r, α, a, b) of `logLikelihood` (analytic: digamma for the Γ terms, softmax weights of
    /// A₃ and A₄ for the log-sum-exp).
    public static func logLikelihoodGradient(_ parameters: BGNBDParameters, _ patterns: CalibrationPatterns) -> [Double] {
        BGNBDLikelihood(patterns: patterns, timeScale: 1).evaluate(parameters, gradient: true).gradient
    }
}

/// The BG/NBD likelihood over one set of patterns with times multiplied by `timeScale`
/// (parameters then in the scaled unit: α_scaled = α · scale). Internal: assumes valid patterns.
///
/// A₁ + A₂ and their derivatives depend on x only: they are taken once per distinct x, times
/// the weight of its patterns (`frequencyWeight`, fixed at construction). The pass over the
/// patterns then handles only the log-sum-exp of A₃ and A₄: one `exp`, a division, and
/// lookups in per-value tables of ln(α + T), 1/(α + T) (and the same for t_x, and per x).
///
/// With `modified`, the MBG/NBD likelihood (Batislam, Denizel & Filiztekin 2007; lifetimes'
/// `ModifiedBetaGeoFitter`): dropout is also possible right after the first purchase, so every
/// x has the second term and b + x − 1 becomes b + x throughout:
/// A₂ = ln Γ(a + b) + ln Γ(b + x + 1) − ln Γ(b) − ln Γ(a + b + x + 1), A₄ = ln a − ln(b + x) −
/// (r + x) ln(α + t_x). With `modified` false every operation is the BG/NBD one (the shift is an
/// exact + 0).
package struct BGNBDLikelihood: @unchecked Sendable {
    package let patterns: CalibrationPatterns
    package let timeScale: Double
    /// MBG/NBD instead of BG/NBD (see the type's doc).
    package let modified: Bool
    /// Every `stride`-th pattern only (a systematic subsample for warm starts); 1: all.
    package let stride: Int
    /// Σ weight over the evaluated patterns, and per distinct x.
    package let totalWeight: Double
    package let frequencyWeight: [Double]

    package init(patterns: CalibrationPatterns, timeScale: Double, stride: Int = 1, modified: Bool = false) {
        self.patterns = patterns
        self.timeScale = timeScale
        self.modified = modified
        self.stride = max(stride, 1)
        var byFrequency = [Double](repeating: 0, count: patterns.frequencyValues.count)
        for i in Swift.stride(from: 0, to: patterns.count, by: self.stride) {
            byFrequency[Int(patterns.frequencyIndex[i])] += patterns.weight[i]
        }
        frequencyWeight = byFrequency
        totalWeight = byFrequency.reduce(0, +)
    }

    /// Patterns per thread below which one thread does all the work. An evaluation costs about
    /// 20 ns a pattern and a dispatch to the second core some microseconds, so 5 000 patterns a
    /// thread already gain; the warm-start subsample (about 20 000 patterns) is split too.
    package static let parallelThreshold = 5_000

    /// Σ weight · ln L and its gradient with respect to (r, α, a, b).
    package func evaluate(_ p: BGNBDParameters, gradient wantGradient: Bool) -> (value: Double, gradient: [Double]) {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b)
        guard r > 0, alpha > 0, a > 0, b > 0, r.isFinite, alpha.isFinite, a.isFinite, b.isFinite else {
            return (.nan, [.nan, .nan, .nan, .nan])
        }
        typealias SF = SpecialFunctions
        // A₁ + A₂ and its gradient, per distinct x times the weight of its patterns. The value is
        // summed with compensation throughout: near the optimum the line search compares values
        // 10⁻¹⁵ apart, below the rounding of a plain sum of 10⁵ terms.
        var value = CompensatedSum(), gr = 0.0, ga = 0.0, gaa = 0.0, gb = 0.0
        let lnAlpha = log(alpha), lgR = SF.logGamma(r), lgB = SF.logGamma(b), lgAB = SF.logGamma(a + b)
        let psiR = wantGradient ? SF.digamma(r) : 0, psiB = wantGradient ? SF.digamma(b) : 0
        let psiAB = wantGradient ? SF.digamma(a + b) : 0
        let shift = modified ? 1.0 : 0.0, everyX = modified
        for (k, frequency) in patterns.frequencyValues.enumerated() where frequencyWeight[k] > 0 {
            let x = Double(frequency), w = frequencyWeight[k]
            value.add(w * (SF.logGamma(r + x) - lgR + r * lnAlpha + lgAB + SF.logGamma(b + x + shift) - lgB
                           - SF.logGamma(a + b + x + shift)))
            if wantGradient {
                let psiABX = SF.digamma(a + b + x + shift)
                gr += w * (SF.digamma(r + x) - psiR + lnAlpha)
                ga += w * r / alpha
                gaa += w * (psiAB - psiABX)
                gb += w * (psiAB + SF.digamma(b + x + shift) - psiB - psiABX)
            }
        }
        // Per distinct x > 0: (ln a − ln(b + x − 1), 1/(b + x − 1)), the constant of A₄ and
        // ∂A₄/∂b; per distinct T and t_x: (ln(α + s·T), 1/(α + s·T)).
        let xTerms = patterns.frequencyValues.map { x in
            x > 0 || everyX ? SIMD2(log(a) - log(b + Double(x) - 1 + shift), 1 / (b + Double(x) - 1 + shift)) : .zero
        }
        let s = timeScale
        let ageTerms = patterns.ageValues.map { v in SIMD2(log(alpha + s * v), 1 / (alpha + s * v)) }
        let recencyTerms = patterns.recencyValues.map { v in SIMD2(log(alpha + s * v), 1 / (alpha + s * v)) }
        let invA = 1 / a

        let m = patterns.count
        let step = stride
        let parts = m / step >= 2 * Self.parallelThreshold ? 2 : 1
        let ranges = splitRange(m, parts: parts).map { r in
            // Keep the subsample the same whatever the split: start each part on a multiple of step.
            ((r.lowerBound + step - 1) / step * step)..<r.upperBound
        }
        var partial = [[Double]](repeating: [0, 0, 0, 0, 0], count: ranges.count)
        parallelEach(&partial) { part, out in
            var ll = CompensatedSum(), gr = 0.0, ga = 0.0, gaa = 0.0, gb = 0.0
            // Σ ln(1 + e) over patterns of weight 1 (most of them): one logarithm per thread.
            var logSum = LogProduct()
            patterns.frequency.withUnsafeBufferPointer { frequency in
            patterns.frequencyIndex.withUnsafeBufferPointer { xi in
            patterns.ageIndex.withUnsafeBufferPointer { ti in
            patterns.recencyIndex.withUnsafeBufferPointer { ri in
            patterns.weight.withUnsafeBufferPointer { w in
                for i in Swift.stride(from: ranges[part].lowerBound, to: ranges[part].upperBound, by: step) {
                    let rx = r + Double(frequency[i])
                    let age = ageTerms[Int(ti[i])]      // ln(α + T), 1/(α + T)
                    let a3 = -rx * age[0]
                    let wi = w[i]
                    if frequency[i] == 0 && !everyX {
                        ll.add(wi * a3)
                        if wantGradient {
                            gr -= wi * age[0]
                            ga -= wi * rx * age[1]
                        }
                    } else {
                        let recency = recencyTerms[Int(ri[i])]      // ln(α + t_x), 1/(α + t_x)
                        let c4 = xTerms[Int(xi[i])]                // ln a − ln(b + x − 1), 1/(b + x − 1)
                        let a4 = c4[0] - rx * recency[0]
                        let d = a4 - a3
                        let e = exp(-abs(d))
                        // ln(1 + e) rather than log1p(e): e ≤ 1, and the absolute error, below
                        // one ulp of 1, is far under the sum's rounding.
                        ll.add(wi * max(a3, a4))
                        if wi == 1 { logSum.add(logOf: 1 + e) } else { ll.add(wi * log(1 + e)) }
                        if wantGradient {
                            // Softmax weight of A₄ in ln(e^{A₃} + e^{A₄}).
                            let w4 = d >= 0 ? 1 / (1 + e) : e / (1 + e)
                            let w3 = 1 - w4
                            gr -= wi * (w3 * age[0] + w4 * recency[0])
                            ga -= wi * rx * (w3 * age[1] + w4 * recency[1])
                            gaa += wi * w4 * invA
                            gb -= wi * w4 * c4[1]
                        }
                    }
                }
            }}}}}
            ll.add(logSum.logarithm)
            out = [ll.value, gr, ga, gaa, gb]
        }
        for part in partial {
            value.add(part[0]); gr += part[1]; ga += part[2]; gaa += part[3]; gb += part[4]
        }
        return (value.value, [gr, ga, gaa, gb])
    }
}
