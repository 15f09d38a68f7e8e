import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GammaGamma {
    /// The Gamma-Gamma log-likelihood Σ weight · ln f(m | x; p, q, γ) of mean spends m given x:
    ///
    ///     ln f = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m + px ln x − (px + q) ln(γ + mx)
    ///
    /// (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value", note 025, eq. 1a and its
    /// spreadsheet; Colombo & Jiang 1999) — the terms of lifetimes'
    /// `GammaGammaFitter._negative_log_likelihood`, whose `v` is γ here. NaN for parameters not
    /// all finite and > 0.
    /// - Complexity: O(rows + distinct x).
    public static func logLikelihood(_ parameters: GammaGammaParameters, _ sample: RepeatSpendSample) -> Double {
        GammaGammaLikelihood(sample: sample).evaluate(parameters, gradient: false).value
    }

    /// ∂/∂(p, q, γ) of `logLikelihood`, analytic (digamma).
    public static func logLikelihoodGradient(_ parameters: GammaGammaParameters, _ sample: RepeatSpendSample) -> [Double] {
        GammaGammaLikelihood(sample: sample).evaluate(parameters, gradient: true).gradient
    }

    /// ∂²/∂(p, q, γ)² of `logLikelihood`, analytic (trigamma; see `GammaGammaLikelihood.hessian`).
    public static func logLikelihoodHessian(_ parameters: GammaGammaParameters, _ sample: RepeatSpendSample) -> [[Double]] {
        GammaGammaLikelihood(sample: sample).hessian(parameters)
    }
}

/// The Gamma-Gamma likelihood over a sample's runs (`GammaGammaRuns`: held here, or spread over
/// machines). The per-row work is a multiplication and a division (ln(γ + mx) summed through
/// `LogProduct`, 1/(γ + mx)); everything else is per distinct x, with Σ w ln m per x computed once.
package struct GammaGammaLikelihood: @unchecked Sendable {
    package let runs: GammaGammaRuns

    package init(runs: GammaGammaRuns) { self.runs = runs }

    package init(sample: RepeatSpendSample) { self.init(runs: GammaGammaRuns(sample)) }

    package func evaluate(_ parameters: GammaGammaParameters, gradient wantGradient: Bool) -> (value: Double, gradient: [Double]) {
        let (p, q, v) = (parameters.p, parameters.q, parameters.gamma)
        guard p > 0, q > 0, v > 0, p.isFinite, q.isFinite, v.isFinite else { return (.nan, [.nan, .nan, .nan]) }
        typealias SF = SpecialFunctions
        let sums = runs.sums(v, wantGradient ? 1 : 0)
        var ll = 0.0, gp = 0.0, gq = 0.0, gv = 0.0
        let lgQ = SF.logGamma(q), lnV = log(v)
        let psiQ = wantGradient ? SF.digamma(q) : 0
        for (run, sum) in zip(runs.summaries, sums) {
            let x = Double(run.frequency), w = run.weight
            let px = p * x, lnX = log(x)
            ll += w * (SF.logGamma(px + q) - SF.logGamma(px) - lgQ + q * lnV + px * lnX)
                + (px - 1) * run.logSpend - (px + q) * sum.logs
            if wantGradient {
                let psiPXQ = SF.digamma(px + q)
                gp += x * (w * (psiPXQ - SF.digamma(px) + lnX) + run.logSpend - sum.logs)
                gq += w * (psiPXQ - psiQ + lnV) - sum.logs
                gv += w * q / v - (px + q) * sum.reciprocals
            }
        }
        return (ll, [gp, gq, gv])
    }

    /// The Hessian of the log-likelihood with respect to (p, q, γ), analytic (ψ′ is trigamma;
    /// d = γ + m x, sums over the rows of one x, S₀ = Σ w, S₁ = Σ w/d, S₂ = Σ w/d²):
    ///
    ///     ∂²/∂p² = Σₓ x² S₀ (ψ′(px + q) − ψ′(px)),   ∂²/∂p∂q = Σₓ x S₀ ψ′(px + q),   ∂²/∂p∂γ = −Σₓ x S₁,
    ///     ∂²/∂q² = Σₓ S₀ (ψ′(px + q) − ψ′(q)),       ∂²/∂q∂γ = Σₓ (S₀/γ − S₁),
    ///     ∂²/∂γ² = Σₓ ((px + q) S₂ − q S₀/γ²).
    ///
    /// One pass over the rows; minus it is the observed information. Parameters assumed finite
    /// and > 0.
    package func hessian(_ parameters: GammaGammaParameters) -> [[Double]] {
        let (p, q, v) = (parameters.p, parameters.q, parameters.gamma)
        typealias SF = SpecialFunctions
        let triQ = SF.trigamma(q)
        var h = [[Double]](repeating: [0, 0, 0], count: 3)
        for (run, sum) in zip(runs.summaries, runs.sums(v, 2)) {
            let x = Double(run.frequency), w = run.weight
            let px = p * x, triPXQ = SF.trigamma(px + q)
            h[0][0] += x * x * w * (triPXQ - SF.trigamma(px))
            h[0][1] += x * w * triPXQ
            h[0][2] -= x * sum.reciprocals
            h[1][1] += w * (triPXQ - triQ)
            h[1][2] += w / v - sum.reciprocals
            h[2][2] += (px + q) * sum.reciprocalSquares - q * w / (v * v)
        }
        for i in 0..<3 { for j in 0..<i { h[i][j] = h[j][i] } }
        return h
    }
}
