import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

// Issue 13's charts as a specification: value concentration on hand-computed fixtures, the
// P(alive) matrix against the per-customer P(alive) it averages, the tracking plot against the
// model's own expectations and the holdout check, the CLV distribution's bins, and RFM frequency
// scores from fixed breaks.

@Suite("Value concentration")
struct ReportConcentrationTests {
    /// Net values 50, 20, 15, 10, 5 (total 100), in cents, shuffled.
    static let five: [Int64] = [1_000, 5_000, 500, 2_000, 1_500]

    @Test("five customers: top shares interpolate the Pareto curve, Gini 0.4 by hand, nobody at or below zero")
    func fiveCustomers() throws {
        let c = ValueConcentration(netCents: Self.five)
        #expect(c.customers == 5 && c.totalCents == 10_000)
        // The top 20% is one customer (50 of 100); 1%, 5%, 10% are 0.05, 0.25, 0.5 of that customer;
        // the top 50% is 2.5 customers: 50 + 20 + 0.5 · 15 = 77.5.
        let expected: [Double] = [0.025, 0.125, 0.25, 0.5, 0.775]
        for (share, want) in zip(c.topShares, expected) { #expect(abs(try #require(share) - want) < 1e-12) }
        // Ascending 5, 10, 15, 20, 50: Σ (2i − n − 1) w_i = −20 − 20 + 0 + 40 + 200 = 200; / (5 · 100) = 0.4.
        #expect(abs(try #require(c.gini) - 0.4) < 1e-12)
        #expect(c.nonPositiveCustomers == 0 && c.negativeCustomers == 0 && c.nonPositiveShare == 0 && c.negativeCents == 0)
    }

    @Test("zero and negative net values: counted, their share and total, and a Gini above the all-positive case")
    func zeroAndNegative() throws {
        // 60, 30, 20, 0, −10: total 100; two customers at or below zero, one below.
        let c = ValueConcentration(netCents: [0, 6_000, -1_000, 2_000, 3_000])
        #expect(c.nonPositiveCustomers == 2 && c.nonPositiveShare == 0.4)
        #expect(c.negativeCustomers == 1 && c.negativeShare == 0.2 && c.negativeCents == -1_000)
        #expect(abs(try #require(c.topShares[3]) - 0.6) < 1e-12, "top 20% = the 60")
        // Ascending −10, 0, 20, 30, 60: 40 + 0 + 0 + 60 + 240 = 340; / 500 = 0.68.
        #expect(abs(try #require(c.gini) - 0.68) < 1e-12)
        // The curve passes 110% at 80% of customers (before the negative one) and ends at exactly 1.
        let at80 = c.curve[80]
        #expect(at80.customerShare == 0.8 && abs(at80.valueShare - 1.1) < 1e-12)
        #expect(c.curve.last!.valueShare == 1)
        let report = ConcentrationReport(c)
        #expect(report.customersNonPositive == 2 && report.negativeValue == -10 && report.netValue == 100)
        #expect(report.reading.contains("The top 20% of customers bring 60.0% of net revenue"))
        #expect(report.reading.contains("2 customers (40.0%) bring zero or negative net value, 1 of them negative"))
    }

    @Test("the Pareto (Lorenz) curve: 101 points from (0, 0), non-decreasing while values are positive, ending at (1, 1)")
    func curveShape() throws {
        var random = SystemRandomNumberGenerator()
        let values = (0..<997).map { _ in Int64.random(in: 1...500_000, using: &random) }
        let c = ValueConcentration(netCents: values)
        #expect(c.curve.count == ValueConcentration.curvePoints + 1)
        #expect(c.curve.first!.customerShare == 0 && c.curve.first!.valueShare == 0)
        #expect(c.curve.last!.customerShare == 1 && c.curve.last!.valueShare == 1)
        for (a, b) in zip(c.curve, c.curve.dropFirst()) { #expect(b.valueShare >= a.valueShare) }
        // Concave: the most valuable come first, so the curve lies on or above the diagonal.
        #expect(c.curve.allSatisfy { $0.valueShare >= $0.customerShare - 1e-12 })
        // Exact where q·n is whole: the top 0 customers and all of them; elsewhere against a plain sort.
        let sorted = values.sorted(by: >), total = Double(values.reduce(0, +))
        let k = Int((0.2 * 997).rounded(.down)), frac = 0.2 * 997 - Double(k)
        let want = (Double(sorted.prefix(k).reduce(0, +)) + frac * Double(sorted[k])) / total
        #expect(abs(try #require(c.topShares[3]) - want) < 1e-12)
    }

    @Test("independent of the thread count")
    func threads() {
        var random = SystemRandomNumberGenerator()
        let values = (0..<200_000).map { _ in Int64.random(in: -5_000...900_000, using: &random) }
        let one = Parallelism.withThreads(1) { ValueConcentration(netCents: values) }
        let three = Parallelism.withThreads(3) { ValueConcentration(netCents: values) }
        #expect(one == three)
    }

    @Test("no positive total: no shares, no Gini, no curve; the reading says so")
    func nonPositiveTotal() {
        let c = ValueConcentration(netCents: [-500, 0, 200])
        #expect(c.topShares.allSatisfy { $0 == nil } && c.gini == nil && c.curve.isEmpty)
        #expect(ConcentrationReport(c).reading.hasPrefix("Net revenue in total is not positive"))
    }
}

/// A fitted BG/NBD on 2,000 generated customers, with its inputs.
private struct FittedCLV: @unchecked Sendable {
    let loaded: TransactionLoader.Loaded
    let population: SyntheticPopulation
    let fit: CLVModelFit

    static let shared: FittedCLV = try! {
        let (loaded, population) = try clvGenerated(customers: 2000, seed: 11)
        let activity = CustomerActivity(orders: loaded.orders, asOf: population.asOf)
        let historical = (0..<activity.count).map { activity.isActive($0) ? Double(activity.netCents[$0]) / 100 : .nan }
        var model = CLVModel()
        model.purchaseModel = .fixed(.bgnbd)
        let fit = try model.fit(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf, historicalValue: historical)
        return FittedCLV(loaded: loaded, population: population, fit: fit)
    }()
}

@Suite("CLV charts: P(alive) matrix, tracking plot, CLV distribution")
struct ReportCLVChartsTests {
    @Test("each P(alive) matrix cell is the mean of its customers' P(alive) (customers.csv p_alive at as-of), every customer in one cell")
    func aliveMatrixCells() throws {
        let f = FittedCLV.shared
        let activity = CustomerActivity(orders: f.loaded.orders, asOf: f.population.asOf)
        let pAlive = f.fit.predictions.probabilityAlive
        let m = ProbabilityAliveMatrix(activity: activity, probabilityAlive: pAlive)
        #expect(m.totalCustomers == f.fit.currentCustomers)
        #expect(m.customers.reduce(0, +) == m.totalCustomers)
        var members = [[Double]](repeating: [], count: m.rows * m.columns)
        for c in 0..<activity.count where activity.isActive(c) {
            let x = Int(activity.frequency[c]) - 1, tx = Double(activity.lastDay[c] - activity.firstDay[c]) / 7
            // The model's own P(alive) for this customer's (x, t_x, T) at as-of.
            let T = Double(f.population.asOf.daysSinceEpoch - 1 - activity.firstDay[c]) / 7
            let own = try #require(f.fit.bgnbd).probabilityAlive(frequency: x, recency: tx, age: T)
            #expect(abs(own - pAlive[c]) < 1e-9)
            let row = min(m.rows - 1, Int(tx / Double(m.recencyWeeksPerRow)))
            members[row * m.columns + min(x, m.columns - 1)].append(pAlive[c])
        }
        for k in members.indices {
            #expect(m.customers[k] == members[k].count)
            if members[k].isEmpty {
                #expect(m.meanProbabilityAlive[k].isNaN)
            } else {
                let mean = members[k].reduce(0, +) / Double(members[k].count)
                #expect(abs(m.meanProbabilityAlive[k] - mean) < 1e-12, "cell \(k)")
            }
        }
        // x = 0 customers have t_x = 0: bottom-left cell; BG/NBD gives them P(alive) = 1.
        #expect(m.cell(row: 0, column: 0).mean == 1)
    }

    @Test("P(alive) matrix bins: one column per x while they fit, then an open last column; whole-week recency rows")
    func aliveMatrixBins() {
        let m = ProbabilityAliveMatrix(frequency: [0, 1, 2, 12, -1], recency: [0, 3.5, 9.9, 40, .nan], probabilityAlive: [1, 0.5, 0.25, 0.75, 0.9],
                                       maximumColumns: 4, maximumRows: 4)
        #expect(m.frequencies == [0, 1, 2, 3] && m.lastColumnOpen)
        #expect(m.recencyWeeksPerRow == 10 && m.rows == 4)
        #expect(m.cell(row: 0, column: 0) == (1, 1) && m.cell(row: 0, column: 1) == (1, 0.5) && m.cell(row: 0, column: 2) == (1, 0.25))
        #expect(m.cell(row: 3, column: 3) == (1, 0.75), "t_x 40 on the closed last row, x 12 in 3+")
        #expect(m.totalCustomers == 4)
    }

    @Test("tracking: cumulative expected at each point is Σ E[X(day − first order)] over calibration customers; the holdout matches the holdout check")
    func tracking() throws {
        let f = FittedCLV.shared
        let model = f.fit.purchaseModel
        let t = try #require(RepeatPurchaseTracking(orders: f.loaded.orders, calibrationEnd: f.fit.calibrationEnd, asOf: f.fit.asOf, model: model))
        let orders = f.loaded.orders
        var firsts = [Int32]()
        for c in 0..<orders.customerCount {
            guard let p = orders.orders(of: c).first, orders.firstDay[p] <= f.fit.calibrationEnd.daysSinceEpoch else { continue }
            firsts.append(orders.firstDay[p])
        }
        #expect(t.customers == firsts.count && t.customers == f.fit.calibrationCustomers)
        #expect(t.days.last == f.fit.asOf.adding(days: -1) && t.days.contains(f.fit.calibrationEnd))
        // The expected cumulative total at the holdout end: Σ over customers of the model's E[X(t)].
        let end = t.days.last!.daysSinceEpoch
        let direct = firsts.reduce(0.0) { $0 + model.expectedPurchases(within: Double(end - $1) / 7) }
        #expect(abs(t.expectedCumulative.last! - direct) <= 1e-9 * direct)
        // Weekly points; curves start at 0 and never fall.
        #expect(t.actualCumulative.first == 0 && t.expectedCumulative.first == 0)
        #expect(zip(t.weeks, t.weeks.dropFirst()).allSatisfy { $1 > $0 && $1 - $0 <= 1 + 1e-12 })
        #expect(zip(t.actualCumulative, t.actualCumulative.dropFirst()).allSatisfy { $1 >= $0 })
        #expect(zip(t.expectedCumulative, t.expectedCumulative.dropFirst()).allSatisfy { $1 >= $0 })
        // Against the holdout check: actual repeat purchases by E are Σ x; in the holdout the actual
        // orders equal its actual total, and the expected rise is its unconditional forecast
        // Σ (E[X(T + t*)] − E[X(T)]) exactly; its conditional forecast differs but is close.
        let summary = try CalibrationSummary(orders: orders, calibrationEnd: f.fit.calibrationEnd, asOf: f.fit.asOf)
        let k = t.calibrationEndIndex
        #expect(t.actualCumulative[k] == summary.frequency.filter { $0 >= 0 }.reduce(0) { $0 + Int($1) })
        let validation = try #require(f.fit.validation)
        #expect(Double(t.actualCumulative.last! - t.actualCumulative[k]) == validation.actualPurchases)
        let expectedHoldout = t.expectedCumulative.last! - t.expectedCumulative[k]
        #expect(abs(expectedHoldout - validation.unconditionalPredictedPurchases) <= 1e-9 * expectedHoldout)
        #expect(abs(expectedHoldout - validation.predictedPurchases) / validation.predictedPurchases < 0.25)
        let report = CLVChartsReport.Tracking(t)
        #expect(report.actualAtEnd - report.actualAtCalibrationEnd == Int(validation.actualPurchases))
    }

    @Test("three orders of two customers: the fit has no finite expectation, so no tracking plot, and report.json is written")
    func degenerateFit() throws {
        try withScratch { scratch in
            let path = try scratch.write("t.csv", "customer_id,order_id,order_date,amount\nA,1,2025-01-01,10.00\nB,2,2025-01-15,20.00\nA,3,2025-02-04,15.00\n")
            let config = configuration(transactions: path, out: scratch.join("report"), clv: true)
            let outcome = try Run(configuration: config).execute()
            #expect(outcome.report.clvCharts?.tracking == nil)
            let json = try JSONSerialization.jsonObject(with: Data(bytes(scratch.join("report/report.json")))) as? [String: Any]
            #expect(json?["clv_charts"] != nil)
        }
    }

    @Test("tracking needs a customer by the calibration end")
    func trackingEmpty() {
        let orders = clvOrders(customers: 1, [(0, 100, 500)])
        let fit = FittedCLV.shared.fit.purchaseModel
        #expect(RepeatPurchaseTracking(orders: orders, calibrationEnd: CalendarDay(daysSinceEpoch: 50), asOf: CalendarDay(daysSinceEpoch: 200), model: fit) == nil)
    }

    @Test("CLV distribution: 1–2–5 bins from the 1st percentile, every finite value counted once, ≤ 0 apart, NaN left out")
    func distribution() throws {
        let values: [Double] = [.nan, -1, 0, 0.3, 1.5, 1.5, 4, 9, 10, 11, 55, 180] + [Double](repeating: 3, count: 88)
        let d = CLVDistribution(predictedCLV: values)
        #expect(d.customers == 99)
        #expect(d.bins.reduce(0) { $0 + $1.customers } == 99)
        #expect(d.bins.first?.lower == nil && d.bins.first?.customers == 2)
        #expect(abs(d.bins.reduce(0) { $0 + $1.value } - d.total) < 1e-9)
        // The 1st percentile of the 97 positive values is 0.3, so the edges start at 0.2 (no value
        // at or below it, so no "0 – 0.2" bin) and end at 200, above the largest value 180.
        let edges = d.bins.dropFirst().map(\.upper), want: [Double] = [0.5, 1, 2, 5, 10, 20, 50, 100, 200]
        #expect(edges.count == want.count && zip(edges, want).allSatisfy { abs($0 - $1) < 1e-12 }, "\(edges)")
        #expect(abs(d.bins[1].lower! - 0.2) < 1e-12)
        for b in d.bins.dropFirst() {
            let inside = values.filter { $0.isFinite && $0 > b.lower! && $0 <= b.upper }
            #expect(b.customers == inside.count, "\(b.lower!)–\(b.upper)")
        }
        #expect(d.median == 3 && d.percentile90 == 3 && d.percentile99 == 180)
    }

    @Test("the run writes concentration and clv_charts into report.json, and draws the four sections")
    func endToEnd() throws {
        try withScratch { scratch in
            let population = SyntheticPopulation(customers: 3000, seed: 5)
            let files = try population.render()
            let path = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            var config = configuration(transactions: path, out: scratch.join("report"), clv: true)
            config.asOf = population.asOf
            config.calibrationEnd = population.calibrationEnd
            let outcome = try Run(configuration: config).execute()
            let report = outcome.report
            let concentration = try #require(report.concentration)
            #expect(concentration.customers == report.customers.scored)
            #expect(abs(concentration.netValue - report.customers.netRevenue) < 0.005)
            let charts = try #require(report.clvCharts)
            let tracking = try #require(charts.tracking), holdout = try #require(report.clv?.holdout)
            #expect(Double(tracking.actualAtEnd - tracking.actualAtCalibrationEnd) == holdout.actualPurchases)
            #expect(try #require(charts.aliveMatrix).customers.reduce(0, +) == report.clv?.predictedCustomers)
            #expect(try #require(charts.distribution).customers == report.clv?.predictedCustomers)
            let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join("report/report.json")))) as? [String: Any])
            let c = try #require(json["concentration"] as? [String: Any])
            for key in ["top_shares", "gini", "customers_non_positive", "customers_negative", "non_positive_share", "curve_customer_share", "curve_value_share"] {
                #expect(c[key] != nil, "\(key)")
            }
            let cc = try #require(json["clv_charts"] as? [String: Any])
            #expect(cc["distribution"] != nil && cc["alive_matrix"] != nil && cc["tracking"] != nil)
            let html = try text(scratch.join("report/report.html"))
            for id in ["value-concentration", "clv-distribution", "alive-matrix", "tracking"] {
                #expect(html.contains("<section id=\"\(id)\" class=\"report-section\">"), "\(id)")
            }
            let md = try text(scratch.join("report/report.md"))
            #expect(md.contains("## Value concentration") && md.contains("### P(alive) matrix") && md.contains("### Tracking"))
            for line in md.split(separator: "\n") where line.count > MarkdownLayout.terminalWidth {
                #expect(line.hasPrefix("#") || !line.contains(" "), "report.md fits 100 columns: \(line)")
            }
        }
    }
}

@Suite("RFM frequency scores from fixed breaks")
struct RFMFrequencyBreaksTests {
    /// Customers 0…7 with 1…8 orders each, one a day.
    static func activity() -> CustomerActivity {
        var rows: [(Int, Int32, Int64)] = []
        for c in 0..<8 { for k in 0...c { rows.append((c, Int32(100 + k), 1_000)) } }
        return CustomerActivity(orders: clvOrders(customers: 8, rows), asOf: CalendarDay(daysSinceEpoch: 200))
    }

    @Test("breaks [1, 2, 3, 5]: 1 order → F 1, 2 → 2, 3 → 3, 4–5 → 4, 6 or more → 5 (pandas cut over [0, 1, 2, 3, 5, ∞])")
    func scores() throws {
        var scorer = RFMScorer()
        scorer.frequencyBreaks = [1, 2, 3, 5]
        let result = try scorer.run(Self.activity())
        let byOrders = Dictionary(uniqueKeysWithValues: zip(result.frequency.map(Int.init), result.f.map(Int.init)))
        #expect(byOrders == [1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 5, 7: 5, 8: 5])
        // R and M keep their quantile scores.
        #expect(result.r == (try RFMScorer().run(Self.activity())).r)
    }

    @Test("validation: N − 1 positive, strictly ascending breaks", arguments: [
        ([1, 2, 3], "give 4 breaks for 5 scores (quantiles − 1), not 3"),
        ([0, 2, 3, 5], "breaks are order counts, at least 1 (not 0)"),
        ([1, 3, 3, 5], "breaks must be strictly ascending"),
    ])
    func validation(breaks: [Int], why: String) {
        #expect(RFMScorer.frequencyBreaksProblem(breaks, quantiles: 5) == why)
        var scorer = RFMScorer()
        scorer.frequencyBreaks = breaks
        #expect(throws: RFMError.invalidFrequencyBreaks(breaks, why)) { try scorer.run(Self.activity()) }
        #expect(RFMScorer.frequencyBreaksProblem([1, 2, 3, 5], quantiles: 5) == nil)
    }

    @Test("the job file's [rfm] frequency_breaks reaches the scorer; a list of non-integers is refused")
    func jobFile() throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", "[rfm]\nfrequency_breaks = [1, 2, 3, 5]\n")
            let config = try JobFile(path: path).apply(to: JobConfiguration())
            #expect(config.rfm.frequencyBreaks == [1, 2, 3, 5])
            let bad = try folder.write("bad.toml", "[rfm]\nfrequency_breaks = [\"one\"]\n")
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: bad).apply(to: JobConfiguration()) }
            #expect(error?.description.contains("rfm.frequency_breaks must be a list of order counts") == true)
        }
    }
}
