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
struct BGNBDLikelihood: @unchecked Sendable {
    let patterns: CalibrationPatterns
    let timeScale: Double
    /// Evaluate every `stride`-th pattern only (a systematic subsample for warm starts).
    var stride: Int = 1

    /// Σ weight over the evaluated patterns.
    var totalWeight: Double {
        var s = 0.0
        for i in Swift.stride(from: 0, to: patterns.count, by: stride) { s += patterns.weight[i] }
        return s
    }
    /// Patterns per thread below which one thread does all the work. An evaluation costs about
    /// 20 ns a pattern and a dispatch to the second core some microseconds, so 5 000 patterns a
    /// thread already gain; the warm-start subsample (about 20 000 patterns) is split too.
    static let parallelThreshold = 5_000

    /// Σ weight · ln L and its gradient with respect to (r, α, a, b).
    func evaluate(_ p: BGNBDParameters, gradient wantGradient: Bool) -> (value: Double, gradient: [Double]) {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b)
        guard r > 0, alpha > 0, a > 0, b > 0, r.isFinite, alpha.isFinite, a.isFinite, b.isFinite else {
            return (.nan, [.nan, .nan, .nan, .nan])
        }
        typealias SF = SpecialFunctions
        let xs = patterns.frequencyValues
        let nx = xs.count
        // Per distinct x: the Γ terms, ln a − ln(b + x − 1), 1/(b + x − 1) and the constant
        // parts of the gradient.
        var constant = [Double](repeating: 0, count: nx), c4 = [Double](repeating: 0, count: nx)
        var invB = [Double](repeating: 0, count: nx)
        var dR = [Double](repeating: 0, count: nx), dA = [Double](repeating: 0, count: nx)
        var dB = [Double](repeating: 0, count: nx)
        let lnAlpha = log(alpha), lgR = SF.logGamma(r), lgB = SF.logGamma(b), lgAB = SF.logGamma(a + b)
        let psiR = wantGradient ? SF.digamma(r) : 0, psiB = wantGradient ? SF.digamma(b) : 0
        let psiAB = wantGradient ? SF.digamma(a + b) : 0
        for k in 0..<nx {
            let x = Double(xs[k])
            constant[k] = SF.logGamma(r + x) - lgR + r * lnAlpha + lgAB + SF.logGamma(b + x) - lgB - SF.logGamma(a + b + x)
            if x > 0 { c4[k] = log(a) - log(b + x - 1); invB[k] = 1 / (b + x - 1) }
            if wantGradient {
                let psiABX = SF.digamma(a + b + x)
                dR[k] = SF.digamma(r + x) - psiR + lnAlpha
                dA[k] = psiAB - psiABX
                dB[k] = psiAB + SF.digamma(b + x) - psiB - psiABX
            }
        }
        let s = timeScale
        let lnT = patterns.ageValues.map { log(alpha + s * $0) }
        let invT = patterns.ageValues.map { 1 / (alpha + s * $0) }
        let lnR = patterns.recencyValues.map { log(alpha + s * $0) }
        let invR = patterns.recencyValues.map { 1 / (alpha + s * $0) }
        let dAlpha = r / alpha, invA = 1 / a

        let m = patterns.count
        let step = stride
        let parts = m / step >= 2 * Self.parallelThreshold ? 2 : 1
        let ranges = splitRange(m, parts: parts).map { r in
            // Keep the subsample the same whatever the split: start each part on a multiple of step.
            ((r.lowerBound + step - 1) / step * step)..<r.upperBound
        }
        var partial = [[Double]](repeating: [0, 0, 0, 0, 0], count: ranges.count)
        parallelEach(&partial) { part, out in
            var ll = 0.0, gr = 0.0, ga = 0.0, gaa = 0.0, gb = 0.0
            // Σ ln(1 + e) over patterns of weight 1 (most of them): one logarithm per thread.
            var logSum = LogProduct()
            patterns.frequencyIndex.withUnsafeBufferPointer { xi in
            patterns.ageIndex.withUnsafeBufferPointer { ti in
            patterns.recencyIndex.withUnsafeBufferPointer { ri in
            patterns.weight.withUnsafeBufferPointer { w in
                for i in Swift.stride(from: ranges[part].lowerBound, to: ranges[part].upperBound, by: step) {
                    let k = Int(xi[i]), j = Int(ti[i])
                    let rx = r + Double(xs[k])
                    let lT = lnT[j]
                    let a3 = -rx * lT
                    let wi = w[i]
                    if xs[k] == 0 {
                        ll += wi * (constant[k] + a3)
                        if wantGradient {
                            gr += wi * (dR[k] - lT)
                            ga += wi * (dAlpha - rx * invT[j])
                            gaa += wi * dA[k]
                            gb += wi * dB[k]
                        }
                    } else {
                        let q = Int(ri[i])
                        let lR = lnR[q]
                        let a4 = c4[k] - rx * lR
                        let d = a4 - a3
                        let e = exp(-abs(d))
                        // ln(1 + e) rather than log1p(e): e ≤ 1, and the absolute error, below
                        // one ulp of 1, is far under the sum's rounding.
                        ll += wi * (constant[k] + max(a3, a4))
                        if wi == 1 { logSum.add(logOf: 1 + e) } else { ll += wi * log(1 + e) }
                        if wantGradient {
                            // Softmax weight of A₄ in ln(e^{A₃} + e^{A₄}).
                            let w4 = d >= 0 ? 1 / (1 + e) : e / (1 + e)
                            let w3 = 1 - w4
                            gr += wi * (dR[k] - w3 * lT - w4 * lR)
                            ga += wi * (dAlpha - rx * (w3 * invT[j] + w4 * invR[q]))
                            gaa += wi * (dA[k] + w4 * invA)
                            gb += wi * (dB[k] - w4 * invB[k])
                        }
                    }
                }
            }}}}
            out = [ll + logSum.logarithm, gr, ga, gaa, gb]
        }
        var total = [0.0, 0, 0, 0, 0]
        for p in partial { for k in 0..<5 { total[k] += p[k] } }
        return (total[0], Array(total[1...]))
    }
}
