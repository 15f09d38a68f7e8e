import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma model of average transaction value (Colombo & Jiang 1999; Fader, Hardie &
/// Lee 2005, "RFM and CLV: using iso-value curves for customer base analysis", JMR 42(4);
/// Fader & Hardie 2013, note 025): maximum-likelihood estimation of (p, q, γ) from the repeat
/// customers' x and mean repeat spend m.
///
/// Estimation as `BGNBD`: BFGS over ln(p, q, γ) on the mean negative log-likelihood
/// (lifetimes' `GammaGammaFitter` objective, penalizer 0, no q constraint), restarts, standard
/// errors from the observed information (analytic Hessian), a subsample warm start from 40 000
/// rows. γ is
/// lifetimes' `v`, in money units.
public struct GammaGamma: Sendable, Codable {
    public var optimizer: BFGSMinimizer
    /// Starting points tried in order. `nil`: lifetimes' start (every log-parameter 0.1), then
    /// a moment-based start (γ = mean spend · (q − 1)/p), then two spread-out points.
    public var startingPoints: [GammaGammaParameters]?

    public init(optimizer: BFGSMinimizer = BFGSMinimizer(), startingPoints: [GammaGammaParameters]? = nil) {
        self.optimizer = optimizer
        self.startingPoints = startingPoints
    }

    /// Fits the summary's customers with x > 0 and mean repeat spend > 0.
    public func fit(_ summary: CalibrationSummary) throws -> GammaGammaFit {
        let sample = RepeatSpendSample(summary)
        if sample.count == 0 {
            var repeats = 0
            for c in 0..<summary.count where summary.frequency[c] > 0 { repeats += 1 }
            throw CLVError.noPositiveRepeatSpend(repeatCustomers: repeats)
        }
        return try fit(sample)
    }

    /// - Throws: `CLVError.noPositiveRepeatSpend` for an empty sample,
    ///   `CLVError.likelihoodNotFinite`, `CLVError.invalidSetting` for bad starting points.
    public func fit(_ sample: RepeatSpendSample) throws -> GammaGammaFit {
        try fit(runs: GammaGammaRuns(sample))
    }

    /// `fit(_:)` over a sample's runs, wherever its rows are (`GammaGammaRuns`).
    package func fit(runs: GammaGammaRuns) throws -> GammaGammaFit {
        guard runs.rows > 0 else { throw CLVError.noPositiveRepeatSpend(repeatCustomers: 0) }
        let likelihood = GammaGammaLikelihood(runs: runs)
        let totalWeight = runs.totalWeight
        let meanSpend = runs.spendSum / totalWeight
        let starts: [[Double]]
        if let startingPoints {
            for (k, p) in startingPoints.enumerated() where !([p.p, p.q, p.gamma].allSatisfy { $0 > 0 && $0.isFinite }) {
                throw CLVError.invalidSetting(name: "starting_points[\(k)]", value: "\(p)", requirement: "should have every parameter finite and > 0")
            }
            starts = startingPoints.map { [log($0.p), log($0.q), log($0.gamma)] }
        } else {
            let mean = meanSpend
            starts = [[0.1, 0.1, 0.1], [log(4), log(3), log(mean * 2 / 4)], [log(1), log(2), log(mean)], [log(20), log(10), log(mean * 9 / 20)]]
        }
        func objective(_ likelihood: GammaGammaLikelihood, _ weight: Double) -> ([Double]) -> (value: Double, gradient: [Double]) {
            { theta in
                let p = GammaGammaParameters(p: exp(theta[0]), q: exp(theta[1]), gamma: exp(theta[2]))
                let (ll, g) = likelihood.evaluate(p, gradient: true)
                let natural = [p.p, p.q, p.gamma]
                return (-ll / weight, (0..<3).map { -g[$0] * natural[$0] / weight })
            }
        }
        func curvature(_ likelihood: GammaGammaLikelihood, _ weight: Double) -> ([Double]) -> [[Double]] {
            { theta in
                let p = GammaGammaParameters(p: exp(theta[0]), q: exp(theta[1]), gamma: exp(theta[2]))
                return likelihood.hessian(p).map { $0.map { -$0 / weight } }
            }
        }
        var warm: LogParameterMLE?
        if startingPoints == nil && runs.rows >= BGNBD.warmStartPatterns {
            let sub = runs.strided(BGNBD.warmStartStride(runs.rows))
            let subLikelihood = GammaGammaLikelihood(sample: sub)
            warm = LogParameterMLE(optimizer: optimizer, objective: objective(subLikelihood, sub.totalWeight),
                                   curvature: curvature(subLikelihood, sub.totalWeight))
        }
        let mle = LogParameterMLE(optimizer: optimizer, objective: objective(likelihood, totalWeight),
                                  curvature: curvature(likelihood, totalWeight))
        guard let outcome = mle.run(startingPoints: starts, warmStart: warm) else {
            throw CLVError.likelihoodNotFinite(model: "Gamma-Gamma", startingPoints: starts.count)
        }
        let theta = outcome.result.x
        let parameters = GammaGammaParameters(p: exp(theta[0]), q: exp(theta[1]), gamma: exp(theta[2]))
        let covariance = LogParameterMLE.covariance(hessian: outcome.hessian, parameters: [parameters.p, parameters.q, parameters.gamma],
                                                    totalWeight: totalWeight)
        return GammaGammaFit(
            parameters: parameters, covariance: covariance,
            logLikelihood: -outcome.result.value * totalWeight,  // the optimiser's −LL/W at the estimates
            iterations: outcome.result.iterations, evaluations: outcome.result.evaluations,
            stopReason: outcome.result.reason, gradientNorm: outcome.result.gradientNorm,
            attempts: outcome.attempts, rejectedAttempts: outcome.rejectedStops, customers: totalWeight,
            frequencySpendCorrelation: runs.frequencySpendCorrelation,
            sampleMeanSpend: meanSpend, settings: self)
    }
}
