import Foundation
import Testing
@testable import Clientele

/// A generated population's current summary (period ending as-of − 1), its patterns, and BG/NBD
/// and Gamma-Gamma fitted on it.
private func currentFits(customers: Int, seed: UInt64) throws -> (CalibrationSummary, CalibrationPatterns, BGNBDFit, GammaGammaFit) {
    let (loaded, population) = try clvGenerated(customers: customers, seed: seed)
    let summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.asOf.adding(days: -1))
    let patterns = CalibrationPatterns(summary)
    return (summary, patterns, try BGNBD().fit(patterns), try GammaGamma().fit(summary))
}

/// A fitted BG/NBD seen through another conformer (as MBG/NBD and Pareto/NBD will be), with its
/// log-parameter covariance scaled by `scale`, or none (`nil`: the information matrix was not
/// positive definite).
private struct WithoutCovariance: RepeatPurchaseModelFit {
    let base: BGNBDFit
    var scale: Double? = nil
    var kind: RepeatPurchaseModelKind { base.kind }
    var estimates: [ModelParameterEstimate] { base.estimates.map { ModelParameterEstimate(name: $0.name, value: $0.value, standardError: nil) } }
    var logLikelihood: Double { base.logLikelihood }
    var converged: Bool { base.converged }
    var customers: Double { base.customers }
    var logParameterCovariance: [[Double]]? { scale.flatMap { s in base.logParameterCovariance.map { $0.map { $0.map { $0 * s } } } } }
    func withLogParameters(_ theta: [Double]) -> WithoutCovariance { WithoutCovariance(base: base.withLogParameters(theta), scale: scale) }
    func expectedPurchases(within t: Double) -> Double { base.expectedPurchases(within: t) }
    func patternForecast(_ patterns: CalibrationPatterns, times: [Double], weights: [[Double]],
                         noPurchaseWithin: [Double]) -> RepeatPurchasePatternForecast {
        base.patternForecast(patterns, times: times, weights: weights, noPurchaseWithin: noPurchaseWithin)
    }
}

/// Same bits, NaN included.
private func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

@Suite("CLVIntervals")
struct CLVIntervalsTests {
    @Test("draws in log space have the mean and covariance asked for, within sampling error")
    func drawCovariance() throws {
        let mean = [log(0.5), log(12.0), log(1.5), log(3.5)]
        // A correlated covariance like a BG/NBD fit's (r with alpha, a with b).
        let sd = [0.05, 0.08, 0.1, 0.12]
        let rho: [[Double]] = [[1, 0.9, 0, 0], [0.9, 1, 0.1, 0.1], [0, 0.1, 1, 0.8], [0, 0.1, 0.8, 1]]
        let covariance = (0..<4).map { i in (0..<4).map { j in rho[i][j] * sd[i] * sd[j] } }
        let n = 40_000
        var random = RandomSource(seed: 9, stream: CLVIntervals.purchaseStream)
        let draws = try #require(CLVIntervals.gaussianDraws(mean: mean, covariance: covariance, count: n, random: &random))
        #expect(draws.count == n && draws.allSatisfy { $0.count == 4 })
        for i in 0..<4 {
            let m = draws.reduce(0) { $0 + $1[i] } / Double(n)
            #expect(abs(m - mean[i]) < 4 * sd[i] / Double(n).squareRoot(), "mean \(i): \(m) vs \(mean[i])")
            for j in 0...i {
                let mj = draws.reduce(0) { $0 + $1[j] } / Double(n)
                let c = draws.reduce(0) { $0 + ($1[i] - m) * ($1[j] - mj) } / Double(n - 1)
                // Standard error of a sample covariance of normals: √((σᵢᵢσⱼⱼ + σᵢⱼ²)/n).
                let se = ((covariance[i][i] * covariance[j][j] + covariance[i][j] * covariance[i][j]) / Double(n)).squareRoot()
                #expect(abs(c - covariance[i][j]) < 4 * se, "cov(\(i), \(j)) = \(c) vs \(covariance[i][j]) ± \(se)")
            }
        }
        // The same seed gives the same draws; a covariance that is not positive definite gives none.
        var again = RandomSource(seed: 9, stream: CLVIntervals.purchaseStream)
        #expect(CLVIntervals.gaussianDraws(mean: mean, covariance: covariance, count: 5, random: &again)! == Array(draws.prefix(5)))
        var other = RandomSource(seed: 1)
        #expect(CLVIntervals.gaussianDraws(mean: [0, 0], covariance: [[1, 2], [2, 1]], count: 3, random: &other) == nil)
    }

    @Test("quantiles interpolate between order statistics as numpy's default (type 7) does", arguments: [
        ([1.0, 2, 3, 4, 5], 0.05, 1.2), ([1.0, 2, 3, 4, 5], 0.95, 4.8), ([5.0, 1, 4, 2, 3], 0.5, 3.0),
        ([10.0, 0], 0.25, 2.5), ([7.0], 0.9, 7.0), ([3.0, 1, 2, 10], 1.0, 10.0), ([3.0, 1, 2, 10], 0.0, 1.0),
    ])
    func quantiles(values: [Double], q: Double, expected: Double) {
        var v = values
        #expect(abs(CLVIntervals.quantile(&v, q) - expected) < 1e-12)
        var empty = [Double]()
        #expect(CLVIntervals.quantile(&empty, 0.5).isNaN)
    }

    @Test("every customer's interval contains its point prediction, and the totals' intervals the totals")
    func containsPointEstimate() throws {
        let (loaded, population) = try clvGenerated(customers: 3000, seed: 21)
        let n = loaded.orders.customerCount
        let fit = try CLVModel(intervals: CLVIntervals(draws: 200)).fit(orders: loaded.orders, calibrationEnd: population.calibrationEnd,
                                                                        asOf: population.asOf, historicalValue: [Double](repeating: 1, count: n))
        let b = fit.intervals, p = fit.predictions
        #expect(b.isAvailable && b.hasCLV && b.settings.draws == 200 && b.settings.level == 0.9)
        var checked = 0
        for c in 0..<n where p.expectedPurchases[c].isFinite {
            checked += 1
            #expect(b.expectedPurchasesLow[c] <= p.expectedPurchases[c] && p.expectedPurchases[c] <= b.expectedPurchasesHigh[c],
                    "customer \(c): \(p.expectedPurchases[c]) in [\(b.expectedPurchasesLow[c]), \(b.expectedPurchasesHigh[c])]")
            #expect(b.predictedCLVLow[c] <= p.predictedCLV[c] && p.predictedCLV[c] <= b.predictedCLVHigh[c],
                    "customer \(c): CLV \(p.predictedCLV[c]) in [\(b.predictedCLVLow[c]), \(b.predictedCLVHigh[c])]")
            #expect(b.expectedPurchasesLow[c] < b.expectedPurchasesHigh[c], "a 90% interval from 200 draws has a width")
        }
        #expect(checked == n)
        let totalPurchases = p.expectedPurchases.reduce(0, +), totalCLV = p.predictedCLV.reduce(0, +)
        #expect(try #require(b.totalExpectedPurchases).contains(totalPurchases))
        #expect(try #require(b.totalPredictedCLV).contains(totalCLV))
        #expect(b.drawTotalsExpectedPurchases.count == 200 && b.drawTotalsPredictedCLV.count == 200)
        // The per-draw totals are the sums of the per-draw customer values: their mean is close to the point total.
        let meanDraw = b.drawTotalsExpectedPurchases.reduce(0, +) / 200
        #expect(abs(meanDraw - totalPurchases) / totalPurchases < 0.02)
    }

    @Test("intervals narrow as customers grow: 16 times the customers, about a quarter of the width")
    func narrows() throws {
        func medianRelativeWidth(_ customers: Int) throws -> Double {
            let (summary, patterns, bg, gg) = try currentFits(customers: customers, seed: 4)
            let forecast = CLVForecast()
            let point = try forecast.run(model: bg, gammaGamma: gg, summary: summary, patterns: patterns)
            let b = try CLVIntervals(draws: 60).run(model: bg, gammaGamma: gg, summary: summary, patterns: patterns, forecast: forecast)
            let widths = (0..<summary.count).compactMap { c -> Double? in
                let e = point.expectedPurchases[c]
                return e > 0 ? (b.expectedPurchasesHigh[c] - b.expectedPurchasesLow[c]) / e : nil
            }
            return Median.of(widths)
        }
        let small = try medianRelativeWidth(500), large = try medianRelativeWidth(8000)
        #expect(large < 0.5 * small, "median relative width \(large) at 8,000 customers vs \(small) at 500")
        #expect(large > 0.1 * small, "… and not collapsed: \(large) vs \(small)")
    }

    @Test("one and four threads give the same bits, across several pattern blocks")
    func threadInvariance() throws {
        let (summary, patterns, bg, gg) = try currentFits(customers: 8000, seed: 13)
        #expect(patterns.count > CLVIntervals.blockPatterns, "more than one block: \(patterns.count) patterns")
        let settings = CLVIntervals(draws: 24, level: 0.8, seed: 5)
        let results = try [1, 4].map { threads in
            try Parallelism.$threads.withValue(threads) {
                try settings.run(model: bg, gammaGamma: gg, summary: summary, patterns: patterns, forecast: CLVForecast(margin: 0.3))
            }
        }
        let (a, b) = (results[0], results[1])
        #expect(sameBits(a.expectedPurchasesLow, b.expectedPurchasesLow) && sameBits(a.expectedPurchasesHigh, b.expectedPurchasesHigh))
        #expect(sameBits(a.predictedCLVLow, b.predictedCLVLow) && sameBits(a.predictedCLVHigh, b.predictedCLVHigh))
        #expect(sameBits(a.drawTotalsExpectedPurchases, b.drawTotalsExpectedPurchases) && sameBits(a.drawTotalsPredictedCLV, b.drawTotalsPredictedCLV))
        // Another seed draws other parameters.
        let reseeded = try CLVIntervals(draws: 24, level: 0.8, seed: 6).run(model: bg, gammaGamma: gg, summary: summary, patterns: patterns,
                                                                             forecast: CLVForecast(margin: 0.3))
        #expect(!sameBits(a.drawTotalsExpectedPurchases, reseeded.drawTotalsExpectedPurchases))
    }

    @Test("without a covariance there are no intervals and the result says why; without Gamma-Gamma, no CLV interval")
    func unavailable() throws {
        let (summary, patterns, bg, gg) = try currentFits(customers: 600, seed: 2)
        let noCovariance = WithoutCovariance(base: bg)
        let none = try CLVIntervals(draws: 200).run(model: noCovariance, gammaGamma: gg, summary: summary, patterns: patterns, forecast: CLVForecast())
        #expect(!none.isAvailable && none.expectedPurchasesLow.isEmpty && none.predictedCLVLow.isEmpty && none.totalExpectedPurchases == nil)
        #expect(none.unavailableReason == "the BG/NBD information matrix is not positive definite at the estimates, so there is no covariance to draw parameters from")
        // A covariance so wide that the draws would say nothing (a tiny history): no intervals either.
        let wide = try CLVIntervals(draws: 200).run(model: WithoutCovariance(base: bg, scale: 1e4), gammaGamma: gg, summary: summary,
                                          patterns: patterns, forecast: CLVForecast())
        #expect(wide.unavailableReason?.hasPrefix("the BG/NBD estimate of r is too uncertain to draw from (standard deviation of its logarithm ") == true,
                "\(wide.unavailableReason ?? "nil")")
        let same = try CLVIntervals(draws: 10).run(model: WithoutCovariance(base: bg, scale: 1), gammaGamma: gg, summary: summary,
                                                   patterns: patterns, forecast: CLVForecast())
        let direct = try CLVIntervals(draws: 10).run(model: bg, gammaGamma: gg, summary: summary, patterns: patterns, forecast: CLVForecast())
        #expect(sameBits(same.predictedCLVHigh, direct.predictedCLVHigh), "any conformer with the same forecasts gives the same intervals")
        let off = try CLVIntervals(draws: 0).run(model: bg, gammaGamma: gg, summary: summary, patterns: patterns, forecast: CLVForecast())
        #expect(off.unavailableReason == "intervals are off ([clv] interval_draws = 0)")
        let noSpend = try CLVIntervals(draws: 10).run(model: bg, gammaGamma: nil, summary: summary, patterns: patterns, forecast: CLVForecast())
        #expect(noSpend.isAvailable && !noSpend.hasCLV && noSpend.predictedCLVLow.isEmpty && noSpend.totalPredictedCLV == nil)
        #expect(noSpend.expectedPurchasesLow.count == summary.count)
        #expect(noSpend.clvUnavailableReason == "Gamma-Gamma was skipped, so predicted CLV has no interval")
        for bad in [CLVIntervals(draws: 1), CLVIntervals(draws: -3), CLVIntervals(level: 1), CLVIntervals(level: 0)] {
            #expect(throws: CLVError.self) { try bad.validate() }
        }
    }
}
