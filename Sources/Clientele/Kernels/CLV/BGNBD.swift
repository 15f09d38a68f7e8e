import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "\"Counting your customers\"
/// the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284):
/// maximum-likelihood estimation of (r, α, a, b) from a calibration summary.
///
/// Estimation maximises the sample log-likelihood (FHL 2005 eq. 7; see
/// `BGNBD.logLikelihood`) over θ = ln(r, α, a, b) with BFGS and a strong Wolfe line search, on
/// times divided by the largest T (lifetimes' `_scale_time`, for conditioning; α is reported in
/// the data's unit, weeks). The objective is the mean negative log-likelihood, as in lifetimes'
/// `BetaGeoFitter` (penalizer 0), so `optimizer.gradientTolerance` is comparable with its `tol`
/// (lifetimes uses 10⁻⁷; the default here, 10⁻⁹, is tighter). Standard errors come from the
/// observed information matrix (the analytic Hessian at the optimum, `BGNBDLikelihood.hessian`;
/// delta method back to (r, α, a, b)). With 40 000 patterns or more and no starting points
/// given, a fit on a systematic subsample of about 20 000 patterns is tried first as a warm start.
///
/// The initialiser only stores settings; `fit` validates and estimates.
public struct BGNBD: Sendable, Codable {
    /// The quasi-Newton settings: tolerances and limits.
    public var optimizer: BFGSMinimizer
    /// Starting points in the data's time unit, tried in order until one converges. `nil`:
    /// lifetimes' start (every log-parameter 0.1 on scaled time), then three spread-out points.
    public var startingPoints: [BGNBDParameters]?

    public init(optimizer: BFGSMinimizer = BFGSMinimizer(), startingPoints: [BGNBDParameters]? = nil) {
        self.optimizer = optimizer
        self.startingPoints = startingPoints
    }

    /// Compresses the summary into patterns and fits them.
    public func fit(_ summary: CalibrationSummary) throws -> BGNBDFit {
        try fit(CalibrationPatterns(summary))
    }

    /// Fits (r, α, a, b) to the patterns.
    /// - Throws: `CLVError.emptyCalibration` without patterns, `CLVError.noRepeatPurchases` when
    ///   every x is 0, `CLVError.likelihoodNotFinite` when no start gives a finite likelihood,
    ///   `CLVError.invalidSetting` for bad starting points.
    /// - Complexity: O(patterns) per likelihood evaluation, typically 20–60 evaluations.
    public func fit(_ patterns: CalibrationPatterns) throws -> BGNBDFit {
        guard patterns.count > 0, patterns.totalWeight > 0 else { throw CLVError.emptyCalibration(calibrationEnd: nil) }
        guard patterns.repeatWeight > 0 else { throw CLVError.noRepeatPurchases(customers: Int(patterns.totalWeight)) }
        let maxAge = patterns.ageValues.last ?? 0
        let scale = maxAge > 0 ? 1 / maxAge : 1
        let likelihood = BGNBDLikelihood(patterns: patterns, timeScale: scale)
        let totalWeight = patterns.totalWeight
        let starts: [[Double]]
        if let startingPoints {
            for (k, p) in startingPoints.enumerated() where !([p.r, p.alpha, p.a, p.b].allSatisfy { $0 > 0 && $0.isFinite }) {
                throw CLVError.invalidSetting(name: "starting_points[\(k)]", value: "\(p)", requirement: "should have every parameter finite and > 0")
            }
            starts = startingPoints.map { [log($0.r), log($0.alpha * scale), log($0.a), log($0.b)] }
        } else {
            starts = Self.defaultStarts(patterns, scale: scale)
        }
        func objective(_ likelihood: BGNBDLikelihood, _ weight: Double) -> ([Double]) -> (value: Double, gradient: [Double]) {
            { theta in
                let p = BGNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]), a: exp(theta[2]), b: exp(theta[3]))
                let (ll, g) = likelihood.evaluate(p, gradient: true)
                let natural = [p.r, p.alpha, p.a, p.b]
                return (-ll / weight, (0..<4).map { -g[$0] * natural[$0] / weight })
            }
        }
        func curvature(_ likelihood: BGNBDLikelihood, _ weight: Double) -> ([Double]) -> [[Double]] {
            { theta in
                let p = BGNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]), a: exp(theta[2]), b: exp(theta[3]))
                return likelihood.hessian(p).map { $0.map { -$0 / weight } }
            }
        }
        var warm: LogParameterMLE?
        if startingPoints == nil && patterns.count >= Self.warmStartPatterns {
            let sub = BGNBDLikelihood(patterns: patterns, timeScale: scale, stride: Self.warmStartStride(patterns.count))
            warm = LogParameterMLE(optimizer: optimizer, objective: objective(sub, sub.totalWeight), curvature: curvature(sub, sub.totalWeight))
        }
        let mle = LogParameterMLE(optimizer: optimizer, objective: objective(likelihood, totalWeight),
                                  curvature: curvature(likelihood, totalWeight))
        guard let outcome = mle.run(startingPoints: starts, warmStart: warm) else {
            throw CLVError.likelihoodNotFinite(model: "BG/NBD", startingPoints: starts.count)
        }
        let theta = outcome.result.x
        let parameters = BGNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]) / scale, a: exp(theta[2]), b: exp(theta[3]))
        let natural = [parameters.r, parameters.alpha, parameters.a, parameters.b]
        let covariance = LogParameterMLE.covariance(hessian: outcome.hessian, parameters: natural, totalWeight: totalWeight)
        // The optimiser's value is −LL/W on scaled time. Scaling time by s multiplies each
        // customer's likelihood by s^−x (a density over x purchase times), so in weeks
        // LL = LL_scaled + ln(s) · Σ w x; no further pass over the patterns is needed.
        var purchases = 0.0
        for k in 0..<patterns.count { purchases += patterns.weight[k] * Double(patterns.frequency[k]) }
        return BGNBDFit(
            parameters: parameters,
            covariance: covariance,
            logLikelihood: -outcome.result.value * totalWeight + log(scale) * purchases,
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

    /// Patterns from which a subsample fit warm-starts the full fit (see `LogParameterMLE`).
    package static let warmStartPatterns = 40_000

    /// The warm start's subsample: every k-th row, about 20 000 rows, and at most a quarter of
    /// them (just above the threshold, half the data would cost the warm start half a full fit).
    package static func warmStartStride(_ rows: Int) -> Int { max(rows / (warmStartPatterns / 2), 4) }

    /// lifetimes' start, then a moment-based start (λ from Σx / ΣT, mean p = 0.25), then two
    /// spread-out points; all on scaled time.
    package static func defaultStarts(_ patterns: CalibrationPatterns, scale: Double) -> [[Double]] {
        var sx = 0.0, sT = 0.0
        for k in 0..<patterns.count {
            sx += patterns.weight[k] * Double(patterns.frequency[k])
            sT += patterns.weight[k] * patterns.age[k] * scale
        }
        let rate = max(sx / max(sT, 1e-12), 1e-6)  // repeat purchases per scaled time unit
        return [
            [0.1, 0.1, 0.1, 0.1],
            [0, log(1 / rate), 0, log(3)],
            [log(0.3), log(0.3 / rate), log(0.5), log(2)],
            [log(3), log(3 / rate), log(2), log(10)],
        ]
    }
}
