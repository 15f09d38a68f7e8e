import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ParetoNBD {
    /// The Pareto/NBD log-likelihood of the patterns, Σ weight · ln L, in the data's time unit:
    ///
    ///     L(r, α, s, β | x, t_x, T) = Γ(r + x) αʳ βˢ / Γ(r) · [ (α + T)^{−(r+x)} (β + T)^{−s}
    ///                                 + s · (I(x, t_x) − I(x, T)) ],
    ///     I(x, t) = ∫ₜ^∞ (α + τ)^{−(r+x)} (β + τ)^{−(s+1)} dτ
    ///
    /// (Fader & Hardie 2005, "A note on deriving the Pareto/NBD model and related expressions",
    /// eq. 18 with A₀ of eqs. 19–20: s/(r + s + x) · A₀ = s · (I(x, t_x) − I(x, T)); the second
    /// term is the chance of dying in (t_x, T]). I(x, t) is a ₂F₁ (`logTailIntegral`). Evaluated
    /// in log space with log-sum-exp; x = 0 and t_x = T need no special case.
    /// - Returns: the sum, or NaN for parameters that are not all finite and > 0, or so far out
    ///   that its series need more terms than `ParetoNBDLikelihood.seriesTermBudget` allows.
    /// - Complexity: O(patterns + distinct (x, t_x) and (x, T) pairs · series terms).
    public static func logLikelihood(_ parameters: ParetoNBDParameters, _ patterns: CalibrationPatterns) -> Double {
        ParetoNBDLikelihood(patterns: patterns, timeScale: 1).evaluate(parameters, gradient: false).value
    }

    /// ∂/∂(r, α, s, β) of `logLikelihood`, analytic: digamma for the Γ terms, the termwise
    /// derivatives of the ₂F₁ series (`HypergeometricUnitSeries`) for I, softmax weights for the
    /// log-sum-exp.
    public static func logLikelihoodGradient(_ parameters: ParetoNBDParameters, _ patterns: CalibrationPatterns) -> [Double] {
        ParetoNBDLikelihood(patterns: patterns, timeScale: 1).evaluate(parameters, gradient: true).gradient
    }

    /// ∂²/∂(r, α, s, β)² of `logLikelihood` by forward differences of the analytic gradient in
    /// log-parameters (`ParetoNBDLikelihood.naturalHessian`, about 10⁻⁶ relative; an analytic
    /// Hessian would need the second derivatives of ₂F₁ in its parameters). Minus it is the
    /// observed information.
    public static func logLikelihoodHessian(_ parameters: ParetoNBDParameters, _ patterns: CalibrationPatterns) -> [[Double]] {
        let likelihood = ParetoNBDLikelihood(patterns: patterns, timeScale: 1)
        let p = [parameters.r, parameters.alpha, parameters.s, parameters.beta]
        return likelihood.naturalHessian(at: p.map { log($0) }, weight: 1)
    }

    /// ln I(x, t), I(x, t) = ∫ₜ^∞ (α + τ)^{−(r+x)} (β + τ)^{−(s+1)} dτ, and its gradient in (r, α, s, β).
    ///
    /// With m = max(α, β) and a = r + s + x, I = ₂F₁(a, b; a + 1; |α − β|/(m + t)) / (a (m + t)^a),
    /// b = s + 1 when α ≥ β and b = r + x otherwise (Fader & Hardie 2005, eqs. 19–20, as lifetimes'
    /// `ParetoNBDFitter._log_A_0`). Euler's transformation (A&S 15.3.3) turns that ₂F₁ into
    /// (1 − z)^{1−b} ₂F₁(1, a + 1 − b; a + 1; z), and (1 − z) = (min + t)/(m + t):
    ///
    ///     α ≥ β:  I = (α + t)^{−(r+x)} (β + t)^{−s} G(r + x, a + 1, (α − β)/(α + t)) / a
    ///     α < β:  I = (α + t)^{−(r+x−1)} (β + t)^{−(s+1)} G(s + 1, a + 1, (β − α)/(β + t)) / a
    ///
    /// with G(b, c, z) = ₂F₁(1, b; c; z) (`HypergeometricUnitSeries`), a series of positive terms
    /// with ratios below z: accurate for any x (the direct series for b = r + x overflows from
    /// x ≈ 300 at z = 0.9) and for α ≈ β (z ≈ 0, G ≈ 1; both branches agree at α = β).
    /// Parameters assumed finite and > 0, x ≥ 0, t ≥ 0. `maximumTerms` bounds the series (see
    /// `HypergeometricUnitSeries`); `converged` is false when it was not enough.
    @inline(__always)
    package static func logTailIntegral(r: Double, alpha: Double, s: Double, beta: Double, x: Double, t: Double,
                                        gradient: Bool, maximumTerms: Int = HypergeometricUnitSeries.maximumTerms)
        -> (value: Double, gradient: SIMD4<Double>, converged: Bool, terms: Int) {
        let a = r + s + x
        let qa = alpha + t, qb = beta + t
        let lqa = log(qa), lqb = log(qb)
        if alpha >= beta {
            let g = HypergeometricUnitSeries(b: r + x, c: a + 1, z: (alpha - beta) / qa, derivatives: gradient,
                                             maximumTerms: maximumTerms)
            let value = -(r + x) * lqa - s * lqb - log(a) + log(g.value)
            guard gradient else { return (value, .zero, g.converged, g.terms) }
            let iG = 1 / g.value, ia = 1 / a
            return (value, SIMD4(-lqa - ia + (g.derivativeB + g.derivativeC) * iG,
                                 -(r + x) / qa + g.derivativeZ * iG * qb / (qa * qa),
                                 -lqb - ia + g.derivativeC * iG,
                                 -s / qb - g.derivativeZ * iG / qa), g.converged, g.terms)
        }
        let g = HypergeometricUnitSeries(b: s + 1, c: a + 1, z: (beta - alpha) / qb, derivatives: gradient,
                                         maximumTerms: maximumTerms)
        let value = -(r + x - 1) * lqa - (s + 1) * lqb - log(a) + log(g.value)
        guard gradient else { return (value, .zero, g.converged, g.terms) }
        let iG = 1 / g.value, ia = 1 / a
        return (value, SIMD4(-lqa - ia + g.derivativeC * iG,
                             -(r + x - 1) / qa - g.derivativeZ * iG / qb,
                             -lqb - ia + (g.derivativeB + g.derivativeC) * iG,
                             -(s + 1) / qb + g.derivativeZ * iG * qa / (qb * qb)), g.converged, g.terms)
    }
}

/// The Pareto/NBD likelihood over one set of patterns with times multiplied by `timeScale`
/// (α, β then in the scaled unit). Internal: assumes valid patterns.
///
/// I(x, t) depends on (x, t) only, so ln I and its gradient are computed once per distinct
/// (x, t_x) and (x, T) pair of the evaluated patterns (the pair tables are built once, at
/// construction), with the alive term A and q = s I / e^A of the (x, T) pairs; Γ terms once per
/// distinct x. The pass over the patterns then takes one `exp` a pattern (logarithms through
/// `LogProduct`) and three SIMD multiply-adds for the gradient.
package struct ParetoNBDLikelihood: @unchecked Sendable {
    package let timeScale: Double
    /// Σ weight over the evaluated patterns, and per distinct x (`frequencyValues`).
    package let totalWeight: Double
    package let frequencyValues: [Double]
    package let frequencyWeight: [Double]
    /// The evaluated patterns (every `stride`-th): weight, and the indices of their (x, t_x) and
    /// (x, T) pairs into `pairX` / `pairTime`.
    private let rowWeight: [Double]
    private let rowRecencyPair: [Int32]
    private let rowAgePair: [Int32]
    /// Distinct (x, t) pairs, t scaled.
    package let pairX: [Double]
    package let pairTime: [Double]
    /// Σ w x over the evaluated patterns (for the time-unit change of the log-likelihood).
    package let purchases: Double

    /// Rows or pairs per part below which one thread does the work.
    package static let parallelThreshold = 4_000
    /// Pairs per chunk of the interleaved pair parts.
    package static let pairChunk = 1_024

    /// Series terms allowed in one evaluation, for `pairs` (x, t) pairs: 10⁶ plus 256 a pair.
    /// A pair needs about 37/(1 − z) terms, 1 − z = (min(α, β) + t)/(max(α, β) + t): a few dozen
    /// for α ≈ β (CDNOW, the generator's defaults), one pair may take up to 10⁶ (x = 0, t = 0 with
    /// β/α in the thousands). Points where the pairs need more than 256 on average (β/α of about
    /// 40 and more over most of the range of t, reached when a fit runs to the boundary, s and β
    /// growing together) are refused: NaN, so the line search steps back. Without this bound an
    /// optimiser straying far out on a malformed export spent minutes per evaluation.
    package static func seriesTermBudget(pairs: Int) -> Int { 1_000_000 + 256 * pairs }

    package init(patterns: CalibrationPatterns, timeScale: Double, stride: Int = 1) {
        self.timeScale = timeScale
        let step = max(stride, 1)
        let rows = Array(Swift.stride(from: 0, to: patterns.count, by: step))
        var byFrequency = [Double](repeating: 0, count: patterns.frequencyValues.count)
        var purchases = 0.0
        for i in rows {
            byFrequency[Int(patterns.frequencyIndex[i])] += patterns.weight[i]
            purchases += patterns.weight[i] * Double(patterns.frequency[i])
        }
        frequencyValues = patterns.frequencyValues.map(Double.init)
        frequencyWeight = byFrequency
        totalWeight = byFrequency.reduce(0, +)
        self.purchases = purchases
        rowWeight = rows.map { patterns.weight[$0] }
        // Dense ids of the (x, t_x) pairs, then of the (x, T) pairs after them: sort the packed
        // (x index, time index) keys and number the distinct ones.
        var px = [Double](), pt = [Double]()
        func pairIDs(_ timeIndex: [Int32], _ times: [Double]) -> [Int32] {
            let keys = rows.indices.map { j in UInt64(UInt32(patterns.frequencyIndex[rows[j]])) << 32 | UInt64(UInt32(timeIndex[rows[j]])) }
            let order = keys.indices.sorted { keys[$0] < keys[$1] }
            var ids = [Int32](repeating: 0, count: rows.count)
            var previous = UInt64.max
            for j in order {
                if keys[j] != previous {
                    previous = keys[j]
                    px.append(Double(patterns.frequency[rows[j]]))
                    pt.append(times[Int(timeIndex[rows[j]])] * timeScale)
                }
                ids[j] = Int32(px.count - 1)
            }
            return ids
        }
        rowRecencyPair = pairIDs(patterns.recencyIndex, patterns.recencyValues)
        rowAgePair = pairIDs(patterns.ageIndex, patterns.ageValues)
        pairX = px
        pairTime = pt
    }

    /// Σ weight · ln L and its gradient with respect to (r, α, s, β) (scaled α, β).
    package func evaluate(_ p: ParetoNBDParameters, gradient wantGradient: Bool) -> (value: Double, gradient: [Double]) {
        let (r, alpha, s, beta) = (p.r, p.alpha, p.s, p.beta)
        guard r > 0, alpha > 0, s > 0, beta > 0, r.isFinite, alpha.isFinite, s.isFinite, beta.isFinite else {
            return (.nan, [.nan, .nan, .nan, .nan])
        }
        typealias SF = SpecialFunctions
        // Per (x, t) pair: ln I and ∇ ln I; the alive term A(t) = −(r + x) ln(α + t) − s ln(β + t)
        // and ∇A — for the (x, T) pairs, the first term of L/C —; q = s I(x, t) / e^{A(t)}; and
        // ∇ ln(s I) = ∇ ln I + e_s/s. For (x, T) pairs q ≤ 1
        // (q = s ∫_T^∞ ((α+T)/(α+τ))^{r+x} ((β+T)/(β+τ))^s / (β+τ) dτ ≤ 1).
        // The pairs are dealt to the parts in interleaved chunks: the series' length varies along
        // the pairs' (x, t) order, so contiguous halves would leave one thread the long ones.
        let pairs = pairX.count
        let lnS = log(s), invS = 1 / s
        var lnI = [Double](repeating: 0, count: pairs)
        var dI = [SIMD4<Double>](repeating: .zero, count: wantGradient ? pairs : 0)
        var alive = [Double](repeating: 0, count: pairs), ratio = [Double](repeating: 0, count: pairs)
        var dAlive = [SIMD4<Double>](repeating: .zero, count: wantGradient ? pairs : 0)
        let pairParts = pairs >= 2 * Self.parallelThreshold ? 2 : 1
        let chunks = splitBlocks(pairs, size: Self.pairChunk)
        var unconverged = [Bool](repeating: false, count: pairParts)
        lnI.withUnsafeMutableBufferPointer { lnI in
        dI.withUnsafeMutableBufferPointer { dI in
        alive.withUnsafeMutableBufferPointer { alive in
        ratio.withUnsafeMutableBufferPointer { ratio in
        dAlive.withUnsafeMutableBufferPointer { dAlive in
            parallelEach(&unconverged) { part, failed in
                // Each part's share of the budget; the parts depend on the pair count only, so
                // a point is refused or not whatever the thread count.
                var remaining = Self.seriesTermBudget(pairs: pairs) / pairParts
                for chunk in Swift.stride(from: part, to: chunks.count, by: pairParts) {
                    for k in chunks[chunk] {
                        let v = ParetoNBD.logTailIntegral(r: r, alpha: alpha, s: s, beta: beta, x: pairX[k], t: pairTime[k],
                                                          gradient: wantGradient,
                                                          maximumTerms: min(remaining, HypergeometricUnitSeries.maximumTerms))
                        remaining -= v.terms
                        guard v.converged else { failed = true; return }
                        lnI[k] = v.value
                        let t = pairTime[k], rx = r + pairX[k]
                        let lqa = log(alpha + t), lqb = log(beta + t)
                        alive[k] = -rx * lqa - s * lqb
                        ratio[k] = exp(lnS + lnI[k] - alive[k])
                        if wantGradient {
                            dI[k] = v.gradient
                            dAlive[k] = SIMD4(-lqa, -rx / (alpha + t), -lqb, -s / (beta + t))
                            dI[k][2] += invS
                        }
                    }
                }
            }
        }}}}}
        guard !unconverged.contains(true) else { return (.nan, [.nan, .nan, .nan, .nan]) }
        // Per pattern, with k₁ its (x, t_x) pair and k₂ its (x, T) pair, A = A(k₂), q₁ = s I(x, t_x)/e^A,
        // q₂ = q(k₂): ln L − ln C = A + ln(1 + q₁ − q₂), no cancellation since q₂ ≤ 1 ≤ 1 + q₁ − q₂.
        // Softmax weights: w_A = 1/S, w₁ = q₁/S, w₂ = q₂/S. For q₁ > e³⁰ the same in units of q₁.
        // One `exp` a pattern; the logarithms of weight-1 patterns go through `LogProduct`.
        let m = rowWeight.count
        let ranges = splitRange(m, parts: m >= 2 * Self.parallelThreshold ? 2 : 1)
        var partial = [(CompensatedSum, SIMD4<Double>)](repeating: (CompensatedSum(), .zero), count: ranges.count)
        parallelEach(&partial) { part, out in
            var ll = CompensatedSum(), g = SIMD4<Double>.zero
            var logSum = LogProduct()
            rowWeight.withUnsafeBufferPointer { weight in
            rowRecencyPair.withUnsafeBufferPointer { recencyPair in
            rowAgePair.withUnsafeBufferPointer { agePair in
            lnI.withUnsafeBufferPointer { lnI in
            alive.withUnsafeBufferPointer { alive in
            ratio.withUnsafeBufferPointer { ratio in
            dI.withUnsafeBufferPointer { dI in
            dAlive.withUnsafeBufferPointer { dAlive in
                for j in ranges[part] {
                    let wi = weight[j], k1 = Int(recencyPair[j]), k2 = Int(agePair[j])
                    let A = alive[k2], d1 = lnS + lnI[k1] - A, q2 = ratio[k2]
                    var wA: Double, w1: Double, w2: Double
                    if d1 < 30 {
                        let q1 = exp(d1), S = 1 + q1 - q2
                        ll.add(wi * A)
                        if wi == 1 { logSum.add(logOf: S) } else { ll.add(wi * log(S)) }
                        wA = 1 / S; w1 = q1 * wA; w2 = q2 * wA
                    } else {
                        let u = exp(-d1), S = 1 + (1 - q2) * u    // (1 + q₁ − q₂)/q₁
                        ll.add(wi * (A + d1))
                        if wi == 1 { logSum.add(logOf: S) } else { ll.add(wi * log(S)) }
                        w1 = 1 / S; wA = u * w1; w2 = q2 * wA
                    }
                    if wantGradient {
                        g += wi * (wA * dAlive[k2] + w1 * dI[k1] - w2 * dI[k2])
                    }
                }
            }}}}}}}}
            ll.add(logSum.logarithm)
            out = (ll, g)
        }
        var value = CompensatedSum(), g = SIMD4<Double>.zero
        for part in partial { value.add(part.0.value); g += part.1 }
        // ln Γ(r + x) − ln Γ(r) + r ln α + s ln β per distinct x, times its weight.
        let lnAlpha = log(alpha), lnBeta = log(beta), lgR = SF.logGamma(r)
        let psiR = wantGradient ? SF.digamma(r) : 0
        for (k, x) in frequencyValues.enumerated() where frequencyWeight[k] > 0 {
            let w = frequencyWeight[k]
            value.add(w * (SF.logGamma(r + x) - lgR + r * lnAlpha + s * lnBeta))
            if wantGradient {
                g += w * SIMD4(SF.digamma(r + x) - psiR + lnAlpha, r / alpha, lnBeta, s / beta)
            }
        }
        return (value.value, [g[0], g[1], g[2], g[3]])
    }

    /// The Hessian of Σ weight · ln L / `weight` in the natural parameters p = e^θ, by forward
    /// differences of the analytic gradient in θ (step 10⁻⁶, about 10⁻⁶ relative — ample for
    /// standard errors — at four gradient passes instead of central differences' eight): H_θ, then
    /// ∂²/∂pᵢ∂pⱼ = (H_θ,ᵢⱼ − δᵢⱼ ∂/∂θᵢ) / (pᵢ pⱼ), the inverse of `LogParameterMLE.thetaHessian`.
    package func naturalHessian(at theta: [Double], weight: Double) -> [[Double]] {
        func gradientTheta(_ t: [Double]) -> [Double] {
            let p = t.map { exp($0) }
            let g = evaluate(ParetoNBDParameters(r: p[0], alpha: p[1], s: p[2], beta: p[3]), gradient: true).gradient
            return (0..<4).map { g[$0] * p[$0] / weight }
        }
        let g0 = gradientTheta(theta), p = theta.map { exp($0) }
        let h = SmallSymmetricMatrix.hessian(of: gradientTheta, at: theta, step: 1e-6, gradientAtX: g0)
        var natural = h
        for i in 0..<4 {
            for j in 0..<4 {
                let diagonal: Double = i == j ? g0[i] : 0
                natural[i][j] = (h[i][j] - diagonal) / (p[i] * p[j])
            }
        }
        return natural
    }
}
