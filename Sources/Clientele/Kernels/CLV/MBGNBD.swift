import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007, "Empirical
/// validation and comparison of models for customer base analysis", IJRM 24(3); lifetimes'
/// `ModifiedBetaGeoFitter`): maximum-likelihood estimation of (r, α, a, b) from a calibration
/// summary.
///
/// Estimation is BG/NBD's (`BGNBD`): the mean negative log-likelihood (`MBGNBD.logLikelihood`)
/// over θ = ln(r, α, a, b), on times divided by the largest T, with BFGS and a strong Wolfe line
/// search, the subsample warm start at 40 000 patterns or more, and standard errors from the
/// analytic observed information (delta method back to (r, α, a, b)).
///
/// The initialiser only stores settings; `fit` validates and estimates.
public struct MBGNBD: Sendable, Codable {
    /// The quasi-Newton settings: tolerances and limits.
    public var optimizer: BFGSMinimizer
    /// Starting points in the data's time unit, tried in order until one converges. `nil`:
    /// BG/NBD's defaults (lifetimes' start, then three spread-out points).
    public var startingPoints: [MBGNBDParameters]?

    public init(optimizer: BFGSMinimizer = BFGSMinimizer(), startingPoints: [MBGNBDParameters]? = nil) {
        self.optimizer = optimizer
        self.startingPoints = startingPoints
    }

    /// Compresses the summary into patterns and fits them.
    public func fit(_ summary: CalibrationSummary) throws -> MBGNBDFit {
        try fit(CalibrationPatterns(summary))
    }

    /// Fits (r, α, a, b) to the patterns.
    /// - Throws: `CLVError.emptyCalibration` without patterns, `CLVError.noRepeatPurchases` when
    ///   every x is 0, `CLVError.likelihoodNotFinite` when no start gives a finite likelihood,
    ///   `CLVError.invalidSetting` for bad starting points.
    /// - Complexity: O(patterns) per likelihood evaluation, typically 20–60 evaluations.
    public func fit(_ patterns: CalibrationPatterns) throws -> MBGNBDFit {
        guard patterns.count > 0, patterns.totalWeight > 0 else { throw CLVError.emptyCalibration(calibrationEnd: nil) }
        guard patterns.repeatWeight > 0 else { throw CLVError.noRepeatPurchases(customers: Int(patterns.totalWeight)) }
        let maxAge = patterns.ageValues.last ?? 0
        let scale = maxAge > 0 ? 1 / maxAge : 1
        let likelihood = BGNBDLikelihood(patterns: patterns, timeScale: scale, modified: true)
        let totalWeight = patterns.totalWeight
        let starts: [[Double]]
        if let startingPoints {
            for (k, p) in startingPoints.enumerated() where !([p.r, p.alpha, p.a, p.b].allSatisfy { $0 > 0 && $0.isFinite }) {
                throw CLVError.invalidSetting(name: "starting_points[\(k)]", value: "\(p)", requirement: "should have every parameter finite and > 0")
            }
            starts = startingPoints.map { [log($0.r), log($0.alpha * scale), log($0.a), log($0.b)] }
        } else {
            starts = BGNBD.defaultStarts(patterns, scale: scale)
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
        if startingPoints == nil && patterns.count >= BGNBD.warmStartPatterns {
            let sub = BGNBDLikelihood(patterns: patterns, timeScale: scale, stride: BGNBD.warmStartStride(patterns.count), modified: true)
            warm = LogParameterMLE(optimizer: optimizer, objective: objective(sub, sub.totalWeight), curvature: curvature(sub, sub.totalWeight))
        }
        let mle = LogParameterMLE(optimizer: optimizer, objective: objective(likelihood, totalWeight),
                                  curvature: curvature(likelihood, totalWeight))
        guard let outcome = mle.run(startingPoints: starts, warmStart: warm) else {
            throw CLVError.likelihoodNotFinite(model: "MBG/NBD", startingPoints: starts.count)
        }
        let theta = outcome.result.x
        let parameters = MBGNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]) / scale, a: exp(theta[2]), b: exp(theta[3]))
        let natural = [parameters.r, parameters.alpha, parameters.a, parameters.b]
        let covariance = LogParameterMLE.covariance(hessian: outcome.hessian, parameters: natural, totalWeight: totalWeight)
        // −LL/W on scaled time; in weeks LL = LL_scaled + ln(scale) · Σ w x (see `BGNBD.fit`).
        var purchases = 0.0
        for k in 0..<patterns.count { purchases += patterns.weight[k] * Double(patterns.frequency[k]) }
        return MBGNBDFit(
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
}
