import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987, "Counting
/// your customers: who are they and what will they do next?", Management Science 33(1)):
/// maximum-likelihood estimation of (r, α, s, β) from a calibration summary.
///
/// Estimation maximises the sample log-likelihood (Fader & Hardie 2005 note, eq. 18; see
/// `ParetoNBD.logLikelihood`) over θ = ln(r, α, s, β) with BFGS and a strong Wolfe line search
/// on the analytic gradient, on times divided by the largest T (α and β are reported in the
/// data's unit, weeks). The objective is the mean negative log-likelihood, as for BG/NBD.
/// (lifetimes' `ParetoNBDFitter` minimises −Σ w ln L / mean(w) by Nelder–Mead with `tol` 10⁻⁴
/// from a random start, so its estimates are looser than this MLE.) Standard errors come from
/// the observed information matrix by forward differences of the analytic gradient
/// (`ParetoNBDLikelihood.naturalHessian`; an analytic Hessian would need second derivatives
/// of ₂F₁ in its parameters), delta method back to (r, α, s, β). With 40 000 patterns or more
/// and no starting points given, a fit on a systematic subsample of about 20 000 patterns is
/// tried first as a warm start.
///
/// The initialiser only stores settings; `fit` validates and estimates.
public struct ParetoNBD: Sendable, Codable {
    /// The quasi-Newton settings: tolerances and limits.
    public var optimizer: BFGSMinimizer
    /// Starting points in the data's time unit, tried in order until one converges. `nil`: a
    /// moment-based start (mean λ from Σx / ΣT, mean lifetime the longest T), then three spread-out points.
    public var startingPoints: [ParetoNBDParameters]?

    public init(optimizer: BFGSMinimizer = BFGSMinimizer(), startingPoints: [ParetoNBDParameters]? = nil) {
        self.optimizer = optimizer
        self.startingPoints = startingPoints
    }

    /// Objective evaluations allowed in one fit, over all starting points (see `fit`).
    public static let maximumEvaluations = 300

    /// Counts the objective evaluations of one fit (the minimiser calls it from one thread).
    private final class EvaluationCounter { var count = 0 }

    /// Compresses the summary into patterns and fits them.
    public func fit(_ summary: CalibrationSummary) throws -> ParetoNBDFit {
        try fit(CalibrationPatterns(summary))
    }

    /// Fits (r, α, s, β) to the patterns.
    /// - Throws: `CLVError.emptyCalibration` without patterns, `CLVError.noRepeatPurchases` when
    ///   every x is 0, `CLVError.likelihoodNotFinite` when no start gives a finite likelihood,
    ///   `CLVError.invalidSetting` for bad starting points.
    /// - Complexity: O(patterns + distinct (x, t) pairs · series terms) per evaluation,
    ///   typically 20–60 evaluations, plus 4 gradient evaluations for the Hessian.
    public func fit(_ patterns: CalibrationPatterns) throws -> ParetoNBDFit {
        guard patterns.count > 0, patterns.totalWeight > 0 else { throw CLVError.emptyCalibration(calibrationEnd: nil) }
        guard patterns.repeatWeight > 0 else { throw CLVError.noRepeatPurchases(customers: Int(patterns.totalWeight)) }
        let maxAge = patterns.ageValues.last ?? 0
        let scale = maxAge > 0 ? 1 / maxAge : 1
        let likelihood = ParetoNBDLikelihood(patterns: patterns, timeScale: scale)
        let totalWeight = likelihood.totalWeight
        let starts: [[Double]]
        if let startingPoints {
            for (k, p) in startingPoints.enumerated() where !([p.r, p.alpha, p.s, p.beta].allSatisfy { $0 > 0 && $0.isFinite }) {
                throw CLVError.invalidSetting(name: "starting_points[\(k)]", value: "\(p)", requirement: "should have every parameter finite and > 0")
            }
            starts = startingPoints.map { [log($0.r), log($0.alpha * scale), log($0.s), log($0.beta * scale)] }
        } else {
            starts = Self.defaultStarts(patterns, scale: scale)
        }
        // Evaluations over the whole fit (warm start and every starting point) are capped at
        // `maximumEvaluations`: past it the objective is NaN and the minimiser stops. A converging
        // fit needs 20–60; a fit running along a ridge to the boundary (s, β → ∞ together, the
        // homogeneous-dropout limit, as on BG/NBD data) would otherwise try every start for
        // hundreds of evaluations, each dearer as β/α grows.
        let evaluations = EvaluationCounter()
        func objective(_ likelihood: ParetoNBDLikelihood) -> ([Double]) -> (value: Double, gradient: [Double]) {
            let weight = likelihood.totalWeight
            return { theta in
                evaluations.count += 1
                guard evaluations.count <= Self.maximumEvaluations else { return (.nan, [.nan, .nan, .nan, .nan]) }
                let p = theta.map { exp($0) }
                let (ll, g) = likelihood.evaluate(ParetoNBDParameters(r: p[0], alpha: p[1], s: p[2], beta: p[3]), gradient: true)
                return (-ll / weight, (0..<4).map { -g[$0] * p[$0] / weight })
            }
        }
        func curvature(_ likelihood: ParetoNBDLikelihood) -> ([Double]) -> [[Double]] {
            { theta in likelihood.naturalHessian(at: theta, weight: -likelihood.totalWeight) }
        }
        var warm: LogParameterMLE?
        if startingPoints == nil && patterns.count >= BGNBD.warmStartPatterns {
            let sub = ParetoNBDLikelihood(patterns: patterns, timeScale: scale, stride: BGNBD.warmStartStride(patterns.count))
            warm = LogParameterMLE(optimizer: optimizer, objective: objective(sub), curvature: curvature(sub))
        }
        let mle = LogParameterMLE(optimizer: optimizer, objective: objective(likelihood), curvature: curvature(likelihood))
        guard let outcome = mle.run(startingPoints: starts, warmStart: warm) else {
            throw CLVError.likelihoodNotFinite(model: "Pareto/NBD", startingPoints: starts.count)
        }
        let theta = outcome.result.x
        let parameters = ParetoNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]) / scale, s: exp(theta[2]), beta: exp(theta[3]) / scale)
        let natural = [parameters.r, parameters.alpha, parameters.s, parameters.beta]
        let covariance = LogParameterMLE.covariance(hessian: outcome.hessian, parameters: natural, totalWeight: totalWeight)
        // −LL/W on scaled time; in weeks LL = LL_scaled + ln(scale) · Σ w x (see `BGNBD.fit`:
        // the likelihood is a density over the x purchase times; the lifetime is integrated out).
        return ParetoNBDFit(
            parameters: parameters,
            covariance: covariance,
            logLikelihood: -outcome.result.value * totalWeight + log(scale) * likelihood.purchases,
            iterations: outcome.result.iterations,
            evaluations: outcome.result.evaluations,
            stopReason: outcome.result.reason,
            gradientNorm: outcome.result.gradientNorm,
            attempts: outcome.attempts, rejectedAttempts: outcome.rejectedStops,
            customers: totalWeight,
            repeatCustomers: patterns.repeatWeight,
            patterns: patterns.count,
            timeScale: scale,
            settings: self)
    }

    /// A moment-based start (r = 1, mean λ = Σx / ΣT, s = 1, β = 1: mean lifetime about the
    /// longest T), then three spread-out points; all on scaled time.
    package static func defaultStarts(_ patterns: CalibrationPatterns, scale: Double) -> [[Double]] {
        var sx = 0.0, sT = 0.0
        for k in 0..<patterns.count {
            sx += patterns.weight[k] * Double(patterns.frequency[k])
            sT += patterns.weight[k] * patterns.age[k] * scale
        }
        let rate = max(sx / max(sT, 1e-12), 1e-6)  // repeat purchases per scaled time unit
        return [
            [0, log(1 / rate), 0, 0],
            [log(0.5), log(0.5 / rate), log(0.5), log(0.5)],
            [0, 0, 0, 0],
            [log(3), log(3 / rate), log(2), log(4)],
        ]
    }
}
