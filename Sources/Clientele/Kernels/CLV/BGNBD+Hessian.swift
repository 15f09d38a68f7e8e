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
    /// ∂²/∂(r, α, a, b)² of `logLikelihood`, analytic (see `BGNBDLikelihood.hessian`); minus it
    /// is the observed information matrix.
    public static func logLikelihoodHessian(_ parameters: BGNBDParameters, _ patterns: CalibrationPatterns) -> [[Double]] {
        BGNBDLikelihood(patterns: patterns, timeScale: 1).hessian(parameters)
    }
}

extension BGNBDLikelihood {
    /// The Hessian of Σ weight · ln L with respect to (r, α, a, b), in one pass over the patterns.
    ///
    /// Per pattern ln L = C + ln(e^{A₃} + δ(x > 0) e^{A₄}) with the terms of
    /// `BGNBD.logLikelihood`. The Γ part C = A₁ + A₂ depends on x only, so its second
    /// derivatives (ψ′ is trigamma)
    ///
    ///     ∂²C/∂r² = ψ′(r + x) − ψ′(r),   ∂²C/∂r∂α = 1/α,   ∂²C/∂α² = −r/α²,
    ///     ∂²C/∂a² = ∂²C/∂a∂b = ψ′(a + b) − ψ′(a + b + x),
    ///     ∂²C/∂b² = ψ′(a + b) + ψ′(b + x) − ψ′(b) − ψ′(a + b + x)
    ///
    /// are taken once per distinct x, times its weight. With the softmax weights w₃ + w₄ = 1 of
    /// A₃ and A₄, the log-sum-exp has
    ///
    ///     ∇² ln(e^{A₃} + e^{A₄}) = w₃ ∇²A₃ + w₄ ∇²A₄ + w₃ w₄ (∇A₄ − ∇A₃)(∇A₄ − ∇A₃)ᵀ,
    ///
    /// where ∇²A₃ has ∂²/∂r∂α = −1/(α + T) and ∂²/∂α² = (r + x)/(α + T)²; ∇²A₄ the same with t_x,
    /// plus ∂²/∂a² = −1/a² and ∂²/∂b² = 1/(b + x − 1)². Exact, so standard errors carry no
    /// finite-difference error, and one pass replaces the four gradient passes of forward
    /// differences. Parameters assumed finite and > 0. With `modified` (MBG/NBD) b + x − 1 is
    /// b + x, the Γ terms take b + x + 1 and a + b + x + 1, and x = 0 has the second term too.
    /// - Complexity: O(patterns + distinct values); both cores for large pattern sets.
    package func hessian(_ p: BGNBDParameters) -> [[Double]] {
        let (r, alpha, a, b) = (p.r, p.alpha, p.a, p.b)
        typealias SF = SpecialFunctions
        let xs = patterns.frequencyValues
        // Per distinct x > 0: (ln a − ln(b + x − 1), 1/(b + x − 1)); per distinct T and t_x:
        // (ln(α + s·T), 1/(α + s·T)) — the tables of `evaluate`.
        let shift = modified ? 1.0 : 0.0, everyX = modified
        let xTerms = xs.map { x in
            x > 0 || everyX ? SIMD2(log(a) - log(b + Double(x) - 1 + shift), 1 / (b + Double(x) - 1 + shift)) : .zero
        }
        let s = timeScale
        let ageTerms = patterns.ageValues.map { v in SIMD2(log(alpha + s * v), 1 / (alpha + s * v)) }
        let recencyTerms = patterns.recencyValues.map { v in SIMD2(log(alpha + s * v), 1 / (alpha + s * v)) }
        let invA = 1 / a

        // Rows (r, α, a, b) of the log-sum-exp part, summed per thread.
        let m = patterns.count
        let ranges = splitRange(m, parts: m / stride >= 2 * Self.parallelThreshold ? 2 : 1).map { range in
            ((range.lowerBound + stride - 1) / stride * stride)..<range.upperBound
        }
        var partial = [[SIMD4<Double>]](repeating: [.zero, .zero, .zero, .zero], count: ranges.count)
        parallelEach(&partial) { part, rows in
            var h0 = SIMD4<Double>.zero, h1 = h0, h2 = h0, h3 = h0
            patterns.frequency.withUnsafeBufferPointer { frequency in
            patterns.frequencyIndex.withUnsafeBufferPointer { xi in
            patterns.ageIndex.withUnsafeBufferPointer { ti in
            patterns.recencyIndex.withUnsafeBufferPointer { ri in
            patterns.weight.withUnsafeBufferPointer { w in
                for i in Swift.stride(from: ranges[part].lowerBound, to: ranges[part].upperBound, by: stride) {
                    let rx = r + Double(frequency[i]), wi = w[i]
                    let age = ageTerms[Int(ti[i])]
                    let iT = age[1]
                    if frequency[i] == 0 && !everyX {
                        let alphaAlpha: Double = rx * iT * iT
                        h0 += wi * SIMD4<Double>(0, -iT, 0, 0)
                        h1 += wi * SIMD4<Double>(-iT, alphaAlpha, 0, 0)
                        continue
                    }
                    let recency = recencyTerms[Int(ri[i])], c4 = xTerms[Int(xi[i])]
                    let iR = recency[1]
                    let d = c4[0] - rx * (recency[0] - age[0])           // A₄ − A₃
                    let e = exp(-abs(d))
                    let w4 = d >= 0 ? 1 / (1 + e) : e / (1 + e)
                    let w3 = 1 - w4
                    let delta = SIMD4<Double>(age[0] - recency[0], rx * (iT - iR), invA, -c4[1])  // ∇A₄ − ∇A₃
                    let spread: SIMD4<Double> = (wi * w3 * w4) * delta
                    // w₃ ∇²A₃ + w₄ ∇²A₄, entry by entry.
                    let rAlpha: Double = -(w3 * iT + w4 * iR)
                    let alphaAlpha: Double = rx * (w3 * iT * iT + w4 * iR * iR)
                    let aa: Double = -w4 * invA * invA, bb: Double = w4 * c4[1] * c4[1]
                    h0 += wi * SIMD4<Double>(0, rAlpha, 0, 0) + delta[0] * spread
                    h1 += wi * SIMD4<Double>(rAlpha, alphaAlpha, 0, 0) + delta[1] * spread
                    h2 += wi * SIMD4<Double>(0, 0, aa, 0) + delta[2] * spread
                    h3 += wi * SIMD4<Double>(0, 0, 0, bb) + delta[3] * spread
                }
            }}}}}
            rows = [h0, h1, h2, h3]
        }
        var rows = [SIMD4<Double>](repeating: .zero, count: 4)
        for part in partial { for i in 0..<4 { rows[i] += part[i] } }

        // The Γ part, per distinct x times the weight of its patterns.
        let triR = SF.trigamma(r), triB = SF.trigamma(b), triAB = SF.trigamma(a + b)
        for (k, x) in xs.map(Double.init).enumerated() where frequencyWeight[k] > 0 {
            let w = frequencyWeight[k]
            let ab = triAB - SF.trigamma(a + b + x + shift)
            let rr: Double = SF.trigamma(r + x) - triR, bb: Double = ab + SF.trigamma(b + x + shift) - triB
            rows[0] += w * SIMD4<Double>(rr, 1 / alpha, 0, 0)
            rows[1] += w * SIMD4<Double>(1 / alpha, -r / (alpha * alpha), 0, 0)
            rows[2] += w * SIMD4<Double>(0, 0, ab, ab)
            rows[3] += w * SIMD4<Double>(0, 0, ab, bb)
        }
        // Mirror the upper triangle: the rows were summed in different orders.
        return (0..<4).map { i in (0..<4).map { j in i <= j ? rows[i][j] : rows[j][i] } }
    }
}
