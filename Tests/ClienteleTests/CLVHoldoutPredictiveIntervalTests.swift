import Foundation
import Testing
@testable import Clientele

@Suite("HoldoutPredictiveInterval")
struct CLVHoldoutPredictiveIntervalTests {
    static let bgnbd = BGNBDParameters(r: 0.5, alpha: 12, a: 1.5, b: 3.5)
    static let mbgnbd = MBGNBDParameters(r: 0.8, alpha: 9, a: 1.2, b: 2.5)
    static let pareto = ParetoNBDParameters(r: 0.8, alpha: 9, s: 0.7, beta: 14)

    /// Fits of the three models carrying the parameters above (a fit's parameters replaced
    /// through `withLogParameters`).
    static func fits() throws -> [any RepeatPurchaseModelFit] {
        let patterns = try CalibrationPatterns(frequency: [0, 1, 2, 5, 3], recency: [0, 5, 12, 30, 8], age: [20, 30, 35, 40, 38],
                                               weight: [5, 3, 2, 1, 2])
        let b = bgnbd, m = mbgnbd, p = pareto
        return [
            try BGNBD(startingPoints: [b]).fit(patterns).withLogParameters([b.r, b.alpha, b.a, b.b].map { log($0) }),
            try MBGNBD(startingPoints: [m]).fit(patterns).withLogParameters([m.r, m.alpha, m.a, m.b].map { log($0) }),
            try ParetoNBD(startingPoints: [p]).fit(patterns).withLogParameters([p.r, p.alpha, p.s, p.beta].map { log($0) }),
        ]
    }

    /// The closed-form E[Y(t) | x, t_x, T] of each model's fit type.
    static func conditionalExpectation(_ model: any RepeatPurchaseModelFit, t: Double, x: Int, tx: Double, T: Double) -> Double {
        switch model {
        case let m as BGNBDFit: m.conditionalExpectedPurchases(within: t, frequency: x, recency: tx, age: T)
        case let m as MBGNBDFit: m.conditionalExpectedPurchases(within: t, frequency: x, recency: tx, age: T)
        case let m as ParetoNBDFit: m.conditionalExpectedPurchases(within: t, frequency: x, recency: tx, age: T)
        default: .nan
        }
    }

    @Test("the posterior simulation's mean is each model's closed-form E[Y(t*) | x, t_x, T], within 5 standard errors",
          arguments: [(0, 0.0, 30.0, 39.0), (1, 3.0, 60.0, 39.0), (2, 10.0, 40.0, 13.0), (5, 35.0, 52.0, 52.0), (3, 50.0, 52.0, 26.0),
                      (12, 80.0, 104.0, 52.0)])
    func meanMatchesClosedForm(x: Int, tx: Double, T: Double, t: Double) throws {
        let n = 200_000
        for model in try Self.fits() {
            let sampler = try #require(PosteriorPurchaseSampler(model))
            let history = sampler.history(frequency: x, recency: tx, age: T)
            var random = RandomSource(seed: 2026, stream: UInt64(x))
            var sum = 0.0, sumSquares = 0.0
            for _ in 0..<n {
                let y = Double(history.draw(within: t, random: &random))
                sum += y
                sumSquares += y * y
            }
            let mean = sum / Double(n)
            let se = ((sumSquares / Double(n) - mean * mean) / Double(n - 1)).squareRoot()
            let closed = Self.conditionalExpectation(model, t: t, x: x, tx: tx, T: T)
            #expect(closed.isFinite && se > 0)
            #expect(abs(mean - closed) < 5 * se,
                    "\(model.kind.title) x=\(x) t_x=\(tx) T=\(T) t=\(t): simulated \(mean) ± \(se), closed form \(closed)")
        }
    }

    @Test("a wrong posterior is caught: BG/NBD's simulation with MBG/NBD's Beta(a, b + x + 1) misses BG/NBD's expectation")
    func wrongPosteriorIsCaught() throws {
        // The same parameters as MBG/NBD: its P(alive) and dropout posterior differ from BG/NBD's.
        let models = try Self.fits()
        let bg = models[0] as! BGNBDFit
        let p = bg.parameters
        let mbgLike = (models[1] as! MBGNBDFit).withLogParameters([p.r, p.alpha, p.a, p.b].map { log($0) })
        let (x, tx, T, t) = (3, 20.0, 40.0, 52.0)
        let history = PosteriorPurchaseSampler.mbgnbd(mbgLike).history(frequency: x, recency: tx, age: T)
        var random = RandomSource(seed: 5)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n { let y = Double(history.draw(within: t, random: &random)); sum += y; sumSquares += y * y }
        let mean = sum / Double(n), se = ((sumSquares / Double(n) - mean * mean) / Double(n - 1)).squareRoot()
        let closed = bg.conditionalExpectedPurchases(within: t, frequency: x, recency: tx, age: T)
        #expect(abs(mean - closed) > 5 * se, "simulated \(mean) ± \(se) should differ from BG/NBD's \(closed)")
    }

    /// A generated population's calibration summary (with its holdout) and the BG/NBD fit on it.
    static func calibrationFit(customers: Int, seed: UInt64) throws -> (CalibrationSummary, CalibrationPatterns, BGNBDFit) {
        let (loaded, population) = try clvGenerated(customers: customers, seed: seed)
        let summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf)
        let patterns = CalibrationPatterns(summary)
        return (summary, patterns, try BGNBD().fit(patterns))
    }

    @Test("the interval is the same bytes for 1, 2 and 3 threads, and contains the bootstrap interval of the expected total")
    func deterministicAndWiderThanBootstrap() throws {
        let (summary, patterns, fit) = try Self.calibrationFit(customers: 3000, seed: 11)
        let settings = HoldoutPredictiveInterval(draws: 60, level: 0.9, seed: 7)
        let one = try Parallelism.withThreads(1) { try settings.run(model: fit, summary: summary, patterns: patterns) }
        let interval = try #require(one.totalPurchases)
        #expect(one.drawTotals.count == 60 && one.unavailableReason == nil && one.model == .bgnbd)
        for threads in [2, 3] {
            let other = try Parallelism.withThreads(threads) { try settings.run(model: fit, summary: summary, patterns: patterns) }
            #expect(other.drawTotals.map(\.bitPattern) == one.drawTotals.map(\.bitPattern))
        }
        // Totals are whole purchases and the actual total is the summary's.
        #expect(one.drawTotals.allSatisfy { $0 == $0.rounded() && $0 >= 0 })
        #expect(one.actualPurchases == Double(summary.holdoutPurchases.enumerated().reduce(0) { $0 + (summary.isIncluded($1.offset) ? Int($1.element) : 0) }))
        // Under the same parameter draws (same seed and stream as `CLVIntervals`), the expected
        // holdout totals carry no purchase noise: the predictive interval is wider and holds their centre.
        let weeks = try #require(summary.holdoutWeeks)
        var random = RandomSource(seed: 7, stream: CLVIntervals.purchaseStream)
        let covariance = try #require(fit.logParameterCovariance)
        let thetas = try #require(CLVIntervals.gaussianDraws(mean: fit.logParameters, covariance: covariance, count: 60, random: &random))
        var means = thetas.map { theta -> Double in
            let m = fit.withLogParameters(theta)
            let f = m.patternForecast(patterns, times: [weeks], weights: [[1]], noPurchaseWithin: [])
            return (0..<patterns.count).reduce(0) { $0 + patterns.weight[$1] * f.outputs[0][$1] }
        }
        let meanLow = CLVIntervals.quantile(&means, 0.05), meanHigh = CLVIntervals.quantile(&means, 0.95)
        #expect(interval.upperBound - interval.lowerBound > meanHigh - meanLow,
                "predictive \(interval) should be wider than the expected total's \(meanLow)...\(meanHigh)")
        let centre = (meanLow + meanHigh) / 2
        #expect(interval.contains(centre), "predictive \(interval) should hold the expected total's centre \(centre)")
    }

    @Test("no interval when intervals are off or the fit has no covariance; a summary without holdout is refused")
    func unavailable() throws {
        let (summary, patterns, fit) = try Self.calibrationFit(customers: 400, seed: 3)
        let off = try HoldoutPredictiveInterval(draws: 0).run(model: fit, summary: summary, patterns: patterns)
        #expect(off.totalPurchases == nil && off.drawTotals.isEmpty && off.unavailableReason != nil && off.coversActual == nil)
        let noHoldout = try CalibrationSummary(frequency: [1, 0], recency: [3, 0], age: [10, 5])
        #expect(throws: CLVError.self) { try HoldoutPredictiveInterval(draws: 10).run(model: fit, summary: noHoldout) }
        #expect(throws: CLVError.self) { try HoldoutPredictiveInterval(draws: 10, level: 1.5).run(model: fit, summary: summary) }
    }
}
