import Foundation
import Testing
@testable import Clientele

// The CLV kernels' own properties: the summary definition, gradients, edge cases, holdout
// validation, the value matrix and parameter recovery on generated data.

/// Generates `customers` synthetic customers, loads their transactions and returns the orders,
/// the customer index and the population (for E and as-of).
func clvGenerated(customers: Int, seed: UInt64) throws -> (TransactionLoader.Loaded, SyntheticPopulation) {
    let population = SyntheticPopulation(customers: customers, seed: seed)
    let files = try population.render()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-clv-\(customers)-\(seed)-\(UUID().uuidString.prefix(8)).csv").path
    try Data(files.transactions).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return (try TransactionLoader(source: CSVSource(path: path)).load(), population)
}

/// Orders from (customer, day, cents) rows.
func clvOrders(customers: Int, _ rows: [(Int, Int32, Int64)]) -> OrderTable {
    OrderTable(customers: customers, customer: rows.map { Int32($0.0) }, firstDay: rows.map(\.1), lastDay: rows.map(\.1),
               netCents: rows.map(\.2), lines: rows.map { _ in 1 })
}

@Suite("CalibrationSummary")
struct CLVCalibrationSummaryTests {
    @Test("from generated orders it equals the independent pandas summary in Fixtures/clv exactly")
    func matchesReference() throws {
        let ref = CLVReference.shared
        let (loaded, population) = try clvGenerated(customers: 2000, seed: 7)
        let summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf)
        #expect(summary.includedCount == ref.customerIDs.count)
        #expect(summary.holdoutWeeks == 26)
        for (row, id) in ref.customerIDs.enumerated() {
            let c = Int(try #require(loaded.customers.id(of: id)))
            #expect(Int(summary.frequency[c]) == ref.frequency[row])
            #expect(summary.recency[c] == Double(ref.recencyDays[row]) / 7)
            #expect(summary.age[c] == Double(ref.ageDays[row]) / 7)
            #expect(Int(summary.holdoutPurchases[c]) == ref.holdout[row])
            if ref.frequency[row] > 0 {
                #expect(abs(summary.repeatSpend[c] - Double(ref.repeatCents[row]) / 100 / Double(ref.frequency[row])) < 1e-9)
            }
        }
    }

    @Test("a hand-made history follows docs/definitions.md, E inclusive and as-of exclusive")
    func handMade() throws {
        // Customer 0: orders on days 10 (1000 c), 17 (500 c), 24 (−100 c), 30 (holdout), 40 (on as-of: ignored).
        // Customer 1: a single order on E itself (T = 0). Customer 2: only holdout orders.
        // Customer 3: two orders on one day (x = 1, t_x = 0), the later-sorted one worth 300 c.
        let orders = clvOrders(customers: 4, [
            (0, 10, 1000), (0, 17, 500), (0, 24, -100), (0, 30, 700), (0, 40, 900),
            (1, 24, 1234), (2, 26, 50), (2, 27, 60), (3, 20, 200), (3, 20, 300),
        ])
        let summary = try CalibrationSummary(orders: orders, calibrationEnd: CalendarDay(daysSinceEpoch: 24),
                                             asOf: CalendarDay(daysSinceEpoch: 40))
        #expect(summary.frequency == [2, 0, -1, 1])
        #expect(summary.recency[0] == 2 && summary.age[0] == 2)
        #expect(summary.repeatSpend[0] == 2.0)          // (500 − 100) / 2 cents → money units
        #expect(summary.holdoutPurchases == [1, 0, 2, 0])
        #expect(summary.age[1] == 0 && summary.recency[1] == 0)
        #expect(!summary.isIncluded(2) && summary.recency[2].isNaN)
        #expect(summary.recency[3] == 0 && summary.repeatSpend[3] == 3.0)
        #expect(summary.includedCount == 3)
        #expect(summary.holdoutWeeks == 15.0 / 7)
        #expect(summary.hasPositiveRepeatSpend(0) && !summary.hasPositiveRepeatSpend(1))
        let patterns = CalibrationPatterns(summary)
        #expect(patterns.totalWeight == 3 && patterns.patternOfCustomer[2] == -1)
    }

    @Test("an as-of not after the calibration end is refused")
    func asOfOrder() {
        let orders = clvOrders(customers: 1, [(0, 10, 100)])
        #expect(throws: CLVError.self) {
            try CalibrationSummary(orders: orders, calibrationEnd: CalendarDay(daysSinceEpoch: 20), asOf: CalendarDay(daysSinceEpoch: 20))
        }
    }

    @Test("column summaries refuse values outside the model's domain", arguments: [
        ([-1], [0.0], [1.0], "frequency"),
        ([1], [2.0], [1.0], "recency"),
        ([0], [0.5], [1.0], "recency"),
        ([0], [0.0], [Double.nan], "T"),
    ])
    func domain(x: [Int], t: [Double], T: [Double], field: String) {
        #expect { try CalibrationSummary(frequency: x, recency: t, age: T) } throws: { error in
            guard case let .invalidSummary(_, f, _, _) = error as? CLVError else { return false }
            return f == field
        }
    }
}

@Suite("BGNBD")
struct CLVBGNBDTests {
    static func summary() throws -> CalibrationSummary { try CLVReference.shared.summary() }

    @Test("the analytic gradient equals central finite differences", arguments: [
        BGNBDParameters.generatorDefault, BGNBDParameters(r: 0.24, alpha: 4.41, a: 0.79, b: 2.43),
        BGNBDParameters(r: 3, alpha: 50, a: 1, b: 0.4),
    ])
    func gradient(p: BGNBDParameters) throws {
        let patterns = CalibrationPatterns(try Self.summary())
        let g = BGNBD.logLikelihoodGradient(p, patterns)
        let values = [p.r, p.alpha, p.a, p.b]
        for i in 0..<4 {
            let h = 1e-6 * values[i]
            var plus = values, minus = values
            plus[i] += h; minus[i] -= h
            let fd = (BGNBD.logLikelihood(clvBGNBD(plus), patterns) - BGNBD.logLikelihood(clvBGNBD(minus), patterns)) / (2 * h)
            #expect(abs(g[i] - fd) <= 1e-5 * max(1, abs(fd)), "component \(i): \(g[i]) vs \(fd)")
        }
    }

    @Test("the analytic Hessian equals central finite differences of the analytic gradient", arguments: [
        BGNBDParameters.generatorDefault, BGNBDParameters(r: 0.24, alpha: 4.41, a: 0.79, b: 2.43),
        BGNBDParameters(r: 3, alpha: 50, a: 1, b: 0.4),
    ])
    func hessian(p: BGNBDParameters) throws {
        let patterns = CalibrationPatterns(try Self.summary())
        let h = BGNBD.logLikelihoodHessian(p, patterns)
        let values = [p.r, p.alpha, p.a, p.b]
        for i in 0..<4 {
            let step = 1e-6 * values[i]
            var plus = values, minus = values
            plus[i] += step; minus[i] -= step
            let gPlus = BGNBD.logLikelihoodGradient(clvBGNBD(plus), patterns)
            let gMinus = BGNBD.logLikelihoodGradient(clvBGNBD(minus), patterns)
            for j in 0..<4 {
                let fd = (gPlus[j] - gMinus[j]) / (2 * step)
                #expect(abs(h[i][j] - fd) <= 1e-5 * max(1, abs(fd)), "entry (\(i), \(j)): \(h[i][j]) vs \(fd)")
                #expect(h[i][j] == h[j][i])
            }
        }
    }

    @Test("the log-likelihood is finite for huge x and T, and for T = 0")
    func extremes() throws {
        let summary = try CalibrationSummary(frequency: [0, 0, 5000, 1, 3, 100_000], recency: [0, 0, 9000, 0, 1e6, 1e6],
                                             age: [0, 1e6, 10_000, 0, 1e6, 1e6])
        let patterns = CalibrationPatterns(summary)
        for p in [BGNBDParameters.generatorDefault, BGNBDParameters(r: 1e-3, alpha: 1e-3, a: 1e-3, b: 1e3)] {
            let ll = BGNBD.logLikelihood(p, patterns)
            #expect(ll.isFinite)
            #expect(BGNBD.logLikelihoodGradient(p, patterns).allSatisfy { $0.isFinite })
        }
        // x = 0, T = 0 contributes nothing: ln L = r ln α − r ln α = 0.
        let zero = CalibrationPatterns(try CalibrationSummary(frequency: [0], recency: [0], age: [0]))
        #expect(abs(BGNBD.logLikelihood(.generatorDefault, zero)) < 1e-14)
        #expect(BGNBD.logLikelihood(BGNBDParameters(r: -1, alpha: 1, a: 1, b: 1), zero).isNaN)
    }

    @Test("predictions stay finite and ordered for extreme histories")
    func extremePredictions() throws {
        let fit = try BGNBD().fitAt(.generatorDefault, Self.summary())
        // Very large x, very recent: alive, many purchases; very large x, long silent: dead.
        let busy = fit.probabilityAlive(frequency: 5000, recency: 1000, age: 1000)
        let silent = fit.probabilityAlive(frequency: 5000, recency: 10, age: 1000)
        #expect(busy > 0.99 && silent == 0)
        let e = fit.conditionalExpectedPurchases(within: 52, frequency: 5000, recency: 1000, age: 1000)
        #expect(e.isFinite && e > 100)
        #expect(fit.conditionalExpectedPurchases(within: 52, frequency: 5000, recency: 10, age: 1000) == 0)
        // T = 0 (first order on the last calibration day): alive, expectation = unconditional E[X(t)].
        #expect(fit.probabilityAlive(frequency: 0, recency: 0, age: 0) == 1)
        #expect(clvClose(fit.conditionalExpectedPurchases(within: 26, frequency: 0, recency: 0, age: 0), fit.expectedPurchases(within: 26), relative: 1e-15))
        #expect(fit.conditionalExpectedPurchases(within: 0, frequency: 3, recency: 5, age: 9) == 0)
        // Long horizons: z near 1, the series still converges.
        let long = fit.conditionalExpectedPurchases(within: 5000, frequency: 0, recency: 0, age: 0)
        #expect(long.isFinite && long > fit.expectedPurchases(within: 520))
    }

    @Test("expected purchases are continuous through a = 1 (no 0/0)")
    func aEqualsOne() throws {
        let summary = try Self.summary()
        let values = [1 - 1e-9, 1.0, 1 + 1e-9].map { a in
            try! BGNBD().fitAt(BGNBDParameters(r: 0.5, alpha: 12, a: a, b: 3.5), summary)
                .conditionalExpectedPurchases(within: 30, frequency: 2, recency: 20, age: 40)
        }
        #expect(values.allSatisfy { $0.isFinite })
        #expect(abs(values[0] - values[1]) < 1e-8 && abs(values[2] - values[1]) < 1e-8)
    }

    @Test("every customer a one-time buyer is a typed error, not NaN")
    func oneTimeBuyers() {
        #expect(throws: CLVError.noRepeatPurchases(customers: 3)) {
            try BGNBD().fit(try CalibrationSummary(frequency: [0, 0, 0], recency: [0, 0, 0], age: [1, 5, 0]))
        }
        #expect(throws: CLVError.emptyCalibration(calibrationEnd: nil)) {
            try BGNBD().fit(try CalibrationSummary(frequency: [], recency: [], age: []))
        }
    }

    @Test("a fit that cannot converge says so and keeps its diagnostics")
    func nonConvergence() throws {
        let fit = try BGNBD(optimizer: BFGSMinimizer(maximumIterations: 2)).fit(try Self.summary())
        #expect(!fit.converged)
        #expect(fit.stopReason == .maximumIterations)
        #expect(fit.attempts == 4)
        #expect(fit.logLikelihood.isFinite && fit.gradientNorm > 1e-9)
    }

    @Test("the fit does not depend on the order of customers")
    func orderInvariance() throws {
        let ref = CLVReference.shared
        let reversed = try CalibrationSummary(frequency: ref.frequency.reversed(), recency: ref.recency.reversed(), age: ref.age.reversed())
        let a = try BGNBD().fit(try Self.summary()), b = try BGNBD().fit(reversed)
        #expect(a.parameters == b.parameters)
        #expect(a.logLikelihood == b.logLikelihood)
    }
}

@Suite("GammaGamma")
struct CLVGammaGammaTests {
    @Test("the analytic gradient equals central finite differences", arguments: [
        GammaGammaParameters.generatorDefault, GammaGammaParameters(p: 0.8, q: 1.5, gamma: 200),
    ])
    func gradient(p: GammaGammaParameters) throws {
        let sample = RepeatSpendSample(try CLVReference.shared.summary())
        let g = GammaGamma.logLikelihoodGradient(p, sample)
        let values = [p.p, p.q, p.gamma]
        for i in 0..<3 {
            let h = 1e-6 * values[i]
            var plus = values, minus = values
            plus[i] += h; minus[i] -= h
            let f = { (v: [Double]) in GammaGamma.logLikelihood(GammaGammaParameters(p: v[0], q: v[1], gamma: v[2]), sample) }
            let fd = (f(plus) - f(minus)) / (2 * h)
            #expect(abs(g[i] - fd) <= 1e-5 * max(1, abs(fd)), "component \(i): \(g[i]) vs \(fd)")
        }
    }

    @Test("the analytic Hessian equals central finite differences of the analytic gradient", arguments: [
        GammaGammaParameters.generatorDefault, GammaGammaParameters(p: 0.8, q: 1.5, gamma: 200),
    ])
    func hessian(p: GammaGammaParameters) throws {
        let sample = RepeatSpendSample(try CLVReference.shared.summary())
        let h = GammaGamma.logLikelihoodHessian(p, sample)
        let values = [p.p, p.q, p.gamma]
        let gradient = { (v: [Double]) in GammaGamma.logLikelihoodGradient(GammaGammaParameters(p: v[0], q: v[1], gamma: v[2]), sample) }
        for i in 0..<3 {
            let step = 1e-6 * values[i]
            var plus = values, minus = values
            plus[i] += step; minus[i] -= step
            let gPlus = gradient(plus), gMinus = gradient(minus)
            for j in 0..<3 {
                let fd = (gPlus[j] - gMinus[j]) / (2 * step)
                #expect(abs(h[i][j] - fd) <= 1e-5 * max(1, abs(fd)), "entry (\(i), \(j)): \(h[i][j]) vs \(fd)")
                #expect(h[i][j] == h[j][i])
            }
        }
    }

    @Test("no positive repeat spend skips Gamma-Gamma with a typed reason while BG/NBD still fits")
    func noRepeatSpend() throws {
        let ref = CLVReference.shared
        let summary = try CalibrationSummary(frequency: ref.frequency, recency: ref.recency, age: ref.age,
                                             repeatSpend: ref.frequency.map { $0 > 0 ? -1 : 0 })
        let repeats = ref.frequency.filter { $0 > 0 }.count
        #expect(throws: CLVError.noPositiveRepeatSpend(repeatCustomers: repeats)) { try GammaGamma().fit(summary) }
        #expect(try BGNBD().fit(summary).converged)
    }

    @Test("expected order value shrinks the customer's mean toward the population mean")
    func shrinkage() throws {
        let fit = try GammaGamma().fit(try CLVReference.shared.summary())
        let population = try #require(fit.populationMeanOrderValue)
        #expect(fit.expectedAverageOrderValue(frequency: 0, spend: 0) == population)
        let high = fit.expectedAverageOrderValue(frequency: 1, spend: 500), higher = fit.expectedAverageOrderValue(frequency: 20, spend: 500)
        #expect(high > population && high < 500 && higher > high)
    }

    @Test("column samples refuse non-positive spend and x < 1")
    func domain() {
        #expect(throws: CLVError.self) { try RepeatSpendSample(frequency: [1, 2], spend: [3, 0]) }
        #expect(throws: CLVError.self) { try RepeatSpendSample(frequency: [0], spend: [3]) }
        #expect(throws: CLVError.self) { try RepeatSpendSample(frequency: [1], spend: [3], weight: [1, 2]) }
    }

    @Test("the frequency-spend correlation is Pearson's r")
    func correlation() throws {
        let sample = try RepeatSpendSample(frequency: [1, 2, 3, 4], spend: [10, 20, 30, 40])
        #expect(abs(sample.frequencySpendCorrelation - 1) < 1e-15)
        let flat = try RepeatSpendSample(frequency: [1, 2, 3], spend: [5, 5, 5])
        #expect(flat.frequencySpendCorrelation.isNaN)
    }
}

@Suite("HoldoutValidation")
struct CLVHoldoutValidationTests {
    @Test("buckets add up to the totals, and predictions match the conditional expectation")
    func table() throws {
        let ref = CLVReference.shared
        let summary = try ref.summary()
        let fit = try BGNBD().fit(summary)
        let result = try HoldoutValidation().run(bgnbd: fit, summary: summary)
        #expect(result.buckets.count == 8 && result.buckets.last!.label == "7+" && result.buckets[0].label == "0")
        #expect(result.buckets.reduce(0) { $0 + $1.customers } == 2000)
        #expect(result.actualPurchases == Double(ref.holdout.reduce(0, +)))
        #expect(clvClose(result.buckets.reduce(0) { $0 + $1.predictedPurchases }, result.predictedPurchases, relative: 1e-12))
        let c = 5
        #expect(clvClose(result.predictedPerCustomer[c], fit.conditionalExpectedPurchases(within: 26, frequency: ref.frequency[c], recency: ref.recency[c], age: ref.age[c]), relative: 1e-13))
        var mae = 0.0, mse = 0.0
        for c in 0..<2000 {
            let e = Double(ref.holdout[c]) - result.predictedPerCustomer[c]
            mae += abs(e); mse += e * e
        }
        #expect(clvClose(result.meanAbsoluteError, mae / 2000, relative: 1e-12))
        #expect(clvClose(result.meanSquaredError, mse / 2000, relative: 1e-12))
        // The bucket errors: unweighted over the 8 rows, and weighted by the rows' customers.
        let rows = result.buckets
        #expect(clvClose(result.bucketMeanAbsoluteError, rows.reduce(0) { $0 + abs($1.actualMean - $1.predictedMean) } / 8, relative: 1e-12))
        #expect(clvClose(result.customerWeightedBucketError,
                         rows.reduce(0) { $0 + Double($1.customers) * abs($1.actualMean - $1.predictedMean) } / 2000, relative: 1e-12))
        // A correct model: the totals agree within sampling noise (about 2·√n).
        #expect(abs(result.predictedPurchases - result.actualPurchases) < 3 * result.actualPurchases.squareRoot() + 10)
        #expect(abs(result.unconditionalPredictedPurchases - result.actualPurchases) < 0.25 * result.actualPurchases)
        // Predicted means rise with calibration frequency, as in the paper's Figure 4.
        for b in 1..<5 { #expect(result.buckets[b].predictedMean > result.buckets[b - 1].predictedMean) }
    }

    @Test("without a holdout window the validation is refused")
    func noHoldout() throws {
        let ref = CLVReference.shared
        let summary = try CalibrationSummary(frequency: ref.frequency, recency: ref.recency, age: ref.age)
        let fit = try BGNBD().fit(summary)
        #expect(throws: CLVError.self) { try HoldoutValidation().run(bgnbd: fit, summary: summary) }
    }
}

@Suite("ValueMatrix")
struct CLVValueMatrixTests {
    @Test("median split: four quadrants with counts and sums; ties at the median are low")
    func medians() throws {
        let current = [1.0, 2, 3, 4, 5, .nan]
        let future = [10.0, 40, 20, 50, 30, 1]
        let result = try ValueMatrix().run(current: current, future: future, revenue: [1, 1, 1, 1, 1, 1])
        #expect(result.currentThreshold == 3 && result.futureThreshold == 30)
        #expect(result.quadrant(of: 0) == .lowValue)          // 1 ≤ 3, 10 ≤ 30
        #expect(result.quadrant(of: 1) == .growthPotential)   // 2 ≤ 3, 40 > 30
        #expect(result.quadrant(of: 2) == .lowValue)          // tied at both medians
        #expect(result.quadrant(of: 3) == .mostValuable)
        #expect(result.quadrant(of: 4) == .declining)         // 5 > 3, 30 tied
        #expect(result.quadrant(of: 5) == nil && result.quadrant[5] == -1)
        #expect(result.cells.map(\.customers) == [1, 1, 1, 2])
        #expect(result.cells[3].currentValue == 4 && result.cells[3].futureValue == 30 && result.cells[3].revenue == 2)
        #expect(result.customers == 5)
        #expect(ValueQuadrant.allCases.map(\.name) == ["most_valuable", "growth_potential", "declining", "low_value"])
    }

    @Test("fixed thresholds replace the medians")
    func thresholds() throws {
        let result = try ValueMatrix(split: .thresholds(current: 0, future: 100)).run(current: [1, -1], future: [150, 150])
        #expect(result.quadrant(of: 0) == .mostValuable && result.quadrant(of: 1) == .growthPotential)
        #expect(result.cells[0].revenue == nil)
        #expect(throws: CLVError.self) { try ValueMatrix().run(current: [1], future: []) }
    }
}

@Suite("BG/NBD and Gamma-Gamma parameter recovery")
struct CLVRecoveryTests {
    @Test("on 30 000 generated customers every estimate lies within 3 standard errors of the truth")
    func recovery() throws {
        let (loaded, population) = try clvGenerated(customers: 30_000, seed: 2024)
        let summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf)
        let bg = try BGNBD().fit(summary)
        #expect(bg.converged)
        let se = try #require(bg.standardErrors)
        let truth = population.purchase
        for (name, estimate, error, value) in [("r", bg.parameters.r, se.r, truth.r), ("alpha", bg.parameters.alpha, se.alpha, truth.alpha),
                                               ("a", bg.parameters.a, se.a, truth.a), ("b", bg.parameters.b, se.b, truth.b)] {
            #expect(abs(estimate - value) <= 3 * error, "\(name): \(estimate) ± \(error), truth \(value)")
        }
        let gg = try GammaGamma().fit(summary)
        #expect(gg.converged)
        let ggSE = try #require(gg.standardErrors)
        let spend = population.spend
        for (name, estimate, error, value) in [("p", gg.parameters.p, ggSE.p, spend.p), ("q", gg.parameters.q, ggSE.q, spend.q),
                                               ("gamma", gg.parameters.gamma, ggSE.gamma, spend.gamma)] {
            #expect(abs(estimate - value) <= 3 * error, "\(name): \(estimate) ± \(error), truth \(value)")
        }
        #expect(abs(gg.frequencySpendCorrelation) < 0.05)
        // The holdout check on the same data.
        let validation = try HoldoutValidation().run(bgnbd: bg, summary: summary)
        #expect(abs(validation.predictedPurchases / validation.actualPurchases - 1) < 0.05)
    }
}
