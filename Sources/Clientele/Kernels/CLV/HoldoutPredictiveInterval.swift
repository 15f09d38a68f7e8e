import ClienteleSupport

/// A predictive interval for the total purchases of the calibration customers in the holdout
/// window: one that should contain the *actual* total with probability `level`, so it carries
/// both the parameters' uncertainty and the randomness of the purchases themselves (the
/// bootstrap of `CLVIntervals` carries the first only and so bounds the *expected* total).
///
/// Draw d = 1…D: θ_d ~ N(θ̂, Σθ) in log-parameter space — the same draws, from the same seed
/// and stream, as `CLVIntervals` (`CLVIntervals.gaussianDraws`, `CLVIntervals.purchaseStream`),
/// refused for the same reasons (no convergence, no covariance, a log-parameter standard
/// deviation above `CLVIntervals.maximumLogStandardDeviation`). Under θ_d every calibration
/// customer's holdout purchases Y_i(t*) are drawn from the model's posterior given (x, t_x, T)
/// (`PosteriorPurchaseSampler`: alive ~ Bernoulli(P(alive)); given alive, λ ~ Gamma(r + x, α + T)
/// and p ~ Beta(a, b + x) for BG/NBD, Beta(a, b + x + 1) for MBG/NBD, μ ~ Gamma(s, β + T) for
/// Pareto/NBD; then the purchase process over t*), and the total is S_d = Σ_i Y_i. The interval
/// is the (1 − level)/2 and (1 + level)/2 quantiles of S_1…S_D (type 7, `CLVIntervals.quantile`),
/// the posterior predictive distribution of the total integrated over the parameters' sampling
/// distribution — the simulation counterpart of CLVTools' prediction intervals, and what the
/// calibration/holdout check of Fader, Hardie & Lee 2005 (§4) can be judged with: on data the
/// model generated, the actual total should fall inside in about `level` of replications.
///
/// Determinism: draw d's purchases come from `RandomSource(seed:, stream: holdoutStream + d)`,
/// patterns in their sorted order, `weight` customers each; draws run in parallel, each writing
/// its own total. Results are the same bytes for any thread count and any input row order.
///
/// - Complexity: O(D · (patterns + customers + purchases drawn)); P(alive) is evaluated once per
///   pattern and draw (two series per pattern for Pareto/NBD). Memory O(D).
public struct HoldoutPredictiveInterval: Sendable, Hashable {
    /// D, parameter draws (one simulated total each); 0 turns the interval off.
    public var draws: Int
    /// Coverage of the interval, in (0, 1). Default 0.9.
    public var level: Double
    /// Seed of the parameter draws and the simulations; the run's seed.
    public var seed: UInt64

    public init(draws: Int = 0, level: Double = 0.9, seed: UInt64 = 42) {
        self.draws = draws
        self.level = level
        self.seed = seed
    }

    /// The interval that goes with the bootstrap `intervals`: its draws, level and seed.
    public init(_ intervals: CLVIntervals) {
        self.init(draws: intervals.draws, level: intervals.level, seed: intervals.seed)
    }

    /// The first stream of the purchase simulations; draw d uses `holdoutStream + d`.
    package static let holdoutStream: UInt64 = 0x434C_5648_4F4C_0000

    /// Simulates the holdout totals of `summary`'s calibration customers under `model`.
    /// - Parameters:
    ///   - model: the repeat-purchase model fitted on `summary`'s calibration period.
    ///   - summary: the calibration summary, with its holdout (`holdoutWeeks`, `holdoutPurchases`).
    ///   - patterns: `summary`'s patterns (built when nil).
    /// - Throws: `CLVError.invalidSetting` for bad settings or a summary without a holdout;
    ///   `CLVError.lengthMismatch` when the patterns do not map the summary's customers.
    public func run(model: any RepeatPurchaseModelFit, summary: CalibrationSummary,
                    patterns: CalibrationPatterns? = nil) throws -> HoldoutPredictiveIntervalResult {
        try CLVIntervals(draws: draws, level: level, seed: seed).validate()
        guard let weeks = summary.holdoutWeeks else {
            throw CLVError.invalidSetting(name: "holdout", value: "none", requirement: "needs an as-of after the calibration end")
        }
        let patterns = patterns ?? CalibrationPatterns(summary)
        guard patterns.patternOfCustomer.count == summary.count else {
            throw CLVError.lengthMismatch(name: "patterns.patternOfCustomer", count: patterns.patternOfCustomer.count, expected: summary.count)
        }
        var actual = 0.0
        for c in 0..<summary.count where summary.isIncluded(c) { actual += Double(summary.holdoutPurchases[c]) }
        return try run(model: model, actualPurchases: actual, holdoutWeeks: weeks, patterns: patterns)
    }

    /// The same from the calibration patterns alone (pooled from every partition of a run spread
    /// over machines, in the single run's order), the actual total and t* given.
    package func run(model: any RepeatPurchaseModelFit, actualPurchases actual: Double, holdoutWeeks weeks: Double,
                     patterns: CalibrationPatterns) throws -> HoldoutPredictiveIntervalResult {
        try CLVIntervals(draws: draws, level: level, seed: seed).validate()
        func unavailable(_ reason: String) -> HoldoutPredictiveIntervalResult {
            HoldoutPredictiveIntervalResult(totalPurchases: nil, drawTotals: [], actualPurchases: actual, holdoutWeeks: weeks,
                                            model: model.kind, unavailableReason: reason, settings: self)
        }
        guard draws > 0 else { return unavailable(CLVIntervals.offReason) }
        guard PosteriorPurchaseSampler(model) != nil else {
            return unavailable("the \(model.kind.title) fit has no posterior sampler")
        }
        guard model.converged else {
            return unavailable("the \(model.kind.title) fit did not converge, so its estimates are no centre to draw parameters around")
        }
        guard let covariance = model.logParameterCovariance else {
            return unavailable("the \(model.kind.title) information matrix is not positive definite at the estimates, so there is no covariance to draw parameters from")
        }
        if let why = CLVIntervals.tooUncertain(covariance, names: model.estimates.map(\.name), model: model.kind.title) {
            return unavailable(why)
        }
        var random = RandomSource(seed: seed, stream: CLVIntervals.purchaseStream)
        guard let thetas = CLVIntervals.gaussianDraws(mean: model.logParameters, covariance: covariance, count: draws, random: &random) else {
            return unavailable("the \(model.kind.title) log-parameter covariance is not positive definite (Cholesky failed)")
        }
        let samplers = thetas.map { PosteriorPurchaseSampler(model.withLogParameters($0))! }
        RunProgress.current?.step("holdout interval")
        let totals = Self.simulateTotals(samplers: samplers, patterns: patterns, weeks: weeks, seed: seed)
        var finiteTotals = totals
        let lowerQ = (1 - level) / 2, upperQ = (1 + level) / 2
        let low = CLVIntervals.quantile(&finiteTotals, lowerQ), high = CLVIntervals.quantile(&finiteTotals, upperQ)
        return HoldoutPredictiveIntervalResult(totalPurchases: low <= high ? low...high : nil, drawTotals: totals,
                                               actualPurchases: actual, holdoutWeeks: weeks, model: model.kind,
                                               unavailableReason: nil, settings: self)
    }

    /// S_d for every draw d: Σ over patterns k (in order) of `weight[k]` draws of Y(`weeks`) from
    /// pattern k's posterior under `samplers[d]`, on stream `holdoutStream + d` of `seed`.
    /// Weights are customer counts (rounded to whole customers).
    package static func simulateTotals(samplers: [PosteriorPurchaseSampler], patterns: CalibrationPatterns,
                                       weeks: Double, seed: UInt64) -> [Double] {
        var totals = [Double](repeating: 0, count: samplers.count)
        totals.withUnsafeMutableBufferPointer { totals in
            parallelFor(samplers.count) { d in
                var random = RandomSource(seed: seed, stream: holdoutStream &+ UInt64(d))
                var total = 0
                for k in 0..<patterns.count {
                    let customers = Int(patterns.weight[k].rounded())
                    guard customers > 0 else { continue }
                    let history = samplers[d].history(frequency: Int(patterns.frequency[k]), recency: patterns.recency[k], age: patterns.age[k])
                    for _ in 0..<customers { total += history.draw(within: weeks, random: &random) }
                }
                totals[d] = Double(total)
            }
        }
        return totals
    }
}

/// The holdout total's predictive interval beside the actual total.
public struct HoldoutPredictiveIntervalResult: Sendable {
    /// The `level` interval of the total holdout purchases; nil when unavailable.
    public let totalPurchases: ClosedRange<Double>?
    /// The simulated totals S_d, in draw order (empty when unavailable).
    public let drawTotals: [Double]
    /// Σ actual holdout purchases of the calibration customers (`HoldoutValidationResult.actualPurchases`).
    public let actualPurchases: Double
    /// t*, weeks.
    public let holdoutWeeks: Double
    /// The model simulated.
    public let model: RepeatPurchaseModelKind
    /// Why there is no interval (intervals off, no covariance, …); nil when there is one.
    public let unavailableReason: String?
    public let settings: HoldoutPredictiveInterval

    public var isAvailable: Bool { totalPurchases != nil }
    /// Whether the interval contains the actual total; nil without an interval.
    public var coversActual: Bool? { totalPurchases.map { $0.contains(actualPurchases) } }
}
