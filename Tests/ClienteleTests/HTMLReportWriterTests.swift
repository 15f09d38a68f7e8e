import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// A report with every section filled, for the writer and browser suites.
///
/// The run report is genuine (the RFM fixture through `Run`), then relabelled as the 100,000-customer
/// demo: its RFM grid and segments are the numbers `clientele demo --customers 100000` (seed 42)
/// wrote. The CLV, k-means, correlation and churn payloads are illustrative — plausible shapes, not a
/// model's output (the adapters from the kernels' report values are tested separately below).
enum HTMLReportSample {
    static func report() throws -> RunReport {
        try withScratch("html-sample") { scratch in
            try Run(configuration: configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))).execute().report
        }
    }

    static func demoReport() throws -> RunReport {
        var r = try report()
        r.settings.transactions = "demo/data/transactions.csv"
        r.settings.interactions = "demo/data/interactions.csv"
        r.settings.asOf = "2025-12-28"
        r.settings.asOfDefaulted = false
        r.settings.calibrationEnd = "2025-06-28"
        r.inputs = [r.inputs[0], r.inputs[0]]
        r.inputs[0].path = "demo/data/transactions.csv"
        (r.inputs[0].rowsRead, r.inputs[0].rowsUsed, r.inputs[0].rowsRejected, r.inputs[0].rowsAfterAsOf) = (527_406, 527_406, 0, 0)
        r.inputs[1].role = "interactions"
        r.inputs[1].path = "demo/data/interactions.csv"
        (r.inputs[1].rowsRead, r.inputs[1].rowsUsed, r.inputs[1].rowsRejected, r.inputs[1].rowsAfterAsOf) = (129_185, 129_185, 0, nil)
        (r.customers.inTransactions, r.customers.scored, r.customers.notYetActive) = (100_000, 100_000, 0)
        (r.customers.orders, r.customers.netRevenue) = (273_132, 8_214_750.93)
        let segments: [(String, Int, Double, Double?)] = [
            ("Champions", 14_541, 2_623_386.20, 0.3193506683713903), ("Loyal Customers", 13_340, 1_814_605.23, 0.22089595234995152),
            ("Potential Loyalists", 12_487, 753_534.93, 0.09172949203464163), ("New Customers", 0, 0, 0), ("Promising", 5_008, 150_028.20, 0.018263268269291276),
            ("Need Attention", 0, 0, 0), ("About to Sleep", 14_541, 616_167.71, 0.07500747317240938), ("At Risk", 5_646, 561_816.91, 0.06839122875268965),
            ("Can't Lose Them", 1_878, 383_016.24, 0.04662542337117456), ("Hibernating", 32_559, 1_312_195.51, 0.15973649367845166),
        ]
        r.rfm.segments = segments.map { .init(segment: $0.0, customers: $0.1, share: Double($0.1) / 100_000, revenue: $0.2, revenueShare: $0.3) }
        r.skipped = []
        r.timings = ["ingest_transactions": 5.836, "ingest_interactions": 2.035, "rfm": 0.434, "reports": 3.025, "total": 11.370]
        return r
    }

    /// The demo's R × F grid (rows R 1...5, columns F 1...5).
    static let demoGrid = HTMLReportInput.RFMGrid(
        quantiles: 5,
        customerCounts: [11_967, 5_282, 0, 2_233, 538,
                         9_142, 6_168, 0, 3_413, 1_340,
                         8_480, 6_061, 0, 3_775, 1_644,
                         5_008, 7_082, 0, 5_162, 2_759,
                         0, 5_405, 0, 6_955, 7_586],
        revenues: [353_985.53, 319_515.96, 0, 218_815.71, 104_711.03,
                   275_419.59, 363_274.43, 0, 343_001.20, 278_305.21,
                   252_508.06, 363_659.65, 0, 378_523.42, 338_325.80,
                   150_028.20, 427_240.86, 0, 510_205.99, 587_550.02,
                   0, 326_294.07, 0, 720_019.57, 1_903_366.63])

    static func fullInput(report: RunReport) -> HTMLReportInput {
        var input = HTMLReportInput(rfmGrid: demoGrid, segments: report.rfm.segments, cohorts: cohorts)
        input.valueMatrix = valueMatrix
        input.holdout = holdout
        input.clusters = clusters
        input.correlations = correlations
        input.satisfactionLoyalty = .satisfactionLoyalty(loyalists: 21_480, mercenaries: 11_920, hostages: 8_714, defectors: 19_120,
                                                         satisfactionSplit: "mean CSAT ≥ 4", loyaltySplit: "repeat buyer in the holdout")
        input.roc = roc
        input.liftGains = liftGains
        input.calibration = calibration
        input.concentration = concentration
        input.clvDistribution = clvDistribution
        input.aliveMatrix = aliveMatrix
        input.tracking = tracking
        return input
    }

    /// 1,000 customers with net values on a skewed deterministic ramp, 3% of them zero or negative (illustrative).
    static var concentration: ConcentrationReport {
        let cents = (0..<1_000).map { (k: Int) -> Int64 in
            if k < 30 { return Int64(-150 * k) }
            let spread: Int = 500 + (k * k * 37) % 90_000
            return Int64(spread / (1 + k % 7))
        }
        return ConcentrationReport(ValueConcentration(netCents: cents))
    }

    /// Predicted CLV of 1,000 customers, log-normal-ish (illustrative).
    static var clvDistribution: CLVChartsReport.Distribution {
        .init(CLVDistribution(predictedCLV: (0..<1_000).map { k in exp(Double((k * 7919) % 1_000) / 160) / 3 }), forecast: CLVForecast())
    }

    /// 2,000 customers spread over x 0…14 and t_x 0…150 weeks, P(alive) rising with t_x (illustrative).
    static var aliveMatrix: CLVChartsReport.AliveMatrix {
        let n = 2_000
        let x = (0..<n).map { Int32(($0 * 13) % 15) }, tx = (0..<n).map { x[$0] == 0 ? 0 : Double(($0 * 31) % 151) }
        let p = (0..<n).map { x[$0] == 0 ? 1 : min(1, 0.05 + tx[$0] / 160) }
        return .init(ProbabilityAliveMatrix(frequency: x, recency: tx, probabilityAlive: p), model: .bgnbd)
    }

    /// 130 weeks of calibration and 26 of holdout, actual wobbling around expected (illustrative).
    static var tracking: CLVChartsReport.Tracking {
        let weeks = (0...156).map(Double.init)
        let expected = weeks.map { 4_000 * (1 - exp(-$0 / 120)) * $0 / 156 }
        let actual = expected.enumerated().map { Int(($0.element * (1 + 0.03 * sin(Double($0.offset)))).rounded()) }
        var days = weeks.map { CalendarDay(iso: "2022-12-31")!.adding(days: Int($0) * 7).description }
        days[days.count - 1] = "2025-12-27"
        return .init(model: "BG/NBD", customers: 3_000, startDay: "2022-12-31", calibrationEnd: days[130], lastDay: "2025-12-27", days: days,
                     weeks: weeks, actualCumulative: actual, expectedCumulative: expected, actualAtCalibrationEnd: actual[130],
                     expectedAtCalibrationEnd: expected[130], actualAtEnd: actual.last!, expectedAtEnd: expected.last!)
    }

    /// 30 monthly cohorts, 2023-07 to 2025-12, as of 2025-12-28: shares that fall off over the months
    /// with a little deterministic ripple (illustrative), revenue per customer in step with them.
    static var cohorts: CohortReport {
        let last = 12 * 2025 + 11
        let list = (0..<30).map { r -> CohortReport.Cohort in
            let month = last - 29 + r, customers = 2_800 + (r * 397) % 1_700
            let shares = (0..<(30 - r)).map { k in k == 0 ? 1.0 : 0.16 * exp(-Double(k) / 14) + 0.01 * Double((r * 7 + k * 3) % 5) / 4 }
            let active = shares.map { Int(($0 * Double(customers)).rounded()) }
            let share = active.map { Double($0) / Double(customers) }
            let perCustomer = share.enumerated().map { $0.offset == 0 ? 31.4 : ($0.element * 38.5 * 100).rounded() / 100 }
            return .init(cohortMonth: CohortReport.monthText(month), customers: customers, activeCustomers: active, activeShare: share,
                         revenue: perCustomer.map { $0 * Double(customers) }, revenuePerCustomer: perCustomer)
        }
        return CohortReport(asOf: "2025-12-28", lastDay: "2025-12-27", lastMonth: "2025-12", lastMonthComplete: false,
                            customers: list.reduce(0) { $0 + $1.customers }, cohorts: list)
    }

    /// Through the adapter from `CLVReport.ValueMatrix`, as `Run` will pass it.
    static var valueMatrix: HTMLReportInput.QuadrantMatrix {
        HTMLReportInput.QuadrantMatrix(valueMatrix: clvValueMatrix)
    }

    static var clvValueMatrix: CLVReport.ValueMatrix {
        CLVReport.ValueMatrix(currentThreshold: 52.8, futureThreshold: 41.1, quadrants: [
            .init(quadrant: "most_valuable", title: "Most valuable (high current, high future)", customers: 31_210,
                  currentValue: 5_102_331.70, futureValue: 4_391_870.66, revenue: 5_102_331.70),
            .init(quadrant: "growth_potential", title: "Growth potential (low current, high future)", customers: 18_790,
                  currentValue: 512_008.11, futureValue: 1_208_455.10, revenue: 512_008.11),
            .init(quadrant: "declining", title: "Declining (high current, low future)", customers: 18_790,
                  currentValue: 1_998_214.00, futureValue: 611_930.25, revenue: 1_998_214.00),
            .init(quadrant: "low_value", title: "Low value (low current, low future)", customers: 31_210,
                  currentValue: 602_197.12, futureValue: 402_118.40, revenue: 602_197.12),
        ])
    }

    static var holdout: HTMLReportInput.HoldoutPurchases {
        let actual: [Double] = [0.09, 0.31, 0.55, 0.79, 1.02, 1.27, 1.45, 1.83]
        let predicted: [Double] = [0.11, 0.33, 0.53, 0.76, 1.05, 1.22, 1.51, 1.77]
        let customers: [Int] = [38_000, 22_000, 14_000, 9_000, 6_000, 4_000, 3_000, 4_000]
        var bins: [HTMLReportInput.HoldoutPurchases.Bin] = []
        for x in 0..<8 {
            bins.append(.init(label: x == 7 ? "7+" : "\(x)", customers: customers[x], actual: actual[x], predicted: predicted[x]))
        }
        return HTMLReportInput.HoldoutPurchases(calibrationEnd: "2025-06-28", holdoutWeeks: 26.1, customers: 100_000, bins: bins,
                                                totalActual: 32_118, totalPredicted: 31_804.6, meanAbsoluteError: 0.412)
    }

    static var clusters: HTMLReportInput.ClusterProfiles {
        typealias Cluster = HTMLReportInput.ClusterProfiles.Cluster
        let list: [Cluster] = [
            Cluster(label: "1", customers: 29_870, share: 0.2987, means: [712, 1.2, 38.5], standardizedMeans: [1.21, -0.84, -0.77]),
            Cluster(label: "2", customers: 24_110, share: 0.2411, means: [402, 2.4, 92.1], standardizedMeans: [0.12, -0.11, -0.02]),
            Cluster(label: "3", customers: 27_640, share: 0.2764, means: [118, 3.1, 121.7], standardizedMeans: [-0.93, 0.28, 0.35]),
            Cluster(label: "4", customers: 18_380, share: 0.1838, means: [64, 7.8, 356.0], standardizedMeans: [-1.12, 1.95, 2.21]),
        ]
        return HTMLReportInput.ClusterProfiles(features: ["recency (days)", "frequency", "monetary"], clusters: list, inertia: 61_402.7, silhouette: 0.412)
    }

    static var correlations: HTMLReportInput.CorrelationMatrix {
        let r: [Double] = [0.31, 0.12, 0.27, 0.22, 0.29, 0.35, 0.10, 0.30, 0.25, 0.33, -0.18, -0.04, -0.21, -0.26, -0.15]
        let p: [Double] = [1e-9, 0.002, 1e-8, 1e-6, 1e-9, 1e-9, 0.011, 1e-9, 1e-7, 1e-9, 1e-5, 0.31, 1e-6, 1e-7, 0.0004]
        return HTMLReportInput.CorrelationMatrix(method: "Spearman", n: 61_234, rowNames: ["mean CSAT", "mean recommend", "complaints"],
                                                 columnNames: ["frequency", "tenure", "repeat rate", "P(alive)", "predicted CLV"],
                                                 coefficients: r, pValues: p)
    }

    /// A ROC curve tpr = fpr^(1/3.5), whose area is 3.5 / 4.5.
    static var roc: HTMLReportInput.ROCCurve {
        let fpr: [Double] = (0...40).map { Double($0) / 40 }
        let tpr: [Double] = fpr.map { pow($0, 1 / 3.5) }
        return HTMLReportInput.ROCCurve(falsePositiveRate: fpr, truePositiveRate: tpr, auc: 3.5 / 4.5, positives: 6_200, negatives: 13_800)
    }

    static var liftGains: HTMLReportInput.LiftGains {
        let lifts: [Double] = [2.35, 1.82, 1.41, 1.18, 0.96, 0.79, 0.61, 0.42, 0.29, 0.17]
        var cumulative = 0.0
        var deciles: [HTMLReportInput.LiftGains.Decile] = []
        for (i, lift) in lifts.enumerated() {
            cumulative += lift / 10
            let positives = Int((lift * 0.31 * 2_000).rounded())
            deciles.append(.init(decile: i + 1, customers: 2_000, positives: positives, lift: lift, cumulativeGain: cumulative))
        }
        return HTMLReportInput.LiftGains(baseRate: 0.31, deciles: deciles)
    }

    static var calibration: HTMLReportInput.CalibrationCurve {
        let offsets: [Double] = [0.01, -0.02, 0.03, -0.01, 0.02, -0.03, 0.01, 0.02, -0.02, -0.01]
        var bins: [HTMLReportInput.CalibrationCurve.Bin] = []
        for i in 0..<10 {
            let predicted = (Double(i) + 0.5) / 10
            bins.append(.init(meanPredicted: predicted, observedRate: predicted + offsets[i], customers: 2_000))
        }
        return HTMLReportInput.CalibrationCurve(bins: bins, brier: 0.1843, logLoss: 0.5471)
    }
}

/// The `<section>` element with `id` in a parsed page.
func htmlSection(_ page: SVGTestNode, _ id: String) -> SVGTestNode? {
    page.elements("section").first { $0.attributes["id"] == id }
}

@Suite("HTML report writer")
struct HTMLReportWriterTests {
    @Test("the page is well-formed XML whose Content-Security-Policy forbids every load and script")
    func wellFormedAndSealed() throws {
        let report = try HTMLReportSample.demoReport()
        let html = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        let page = try SVGTestXML.parse(html)
        #expect(page.name == "html")
        let csp = try #require(page.elements("meta").first { $0.attributes["http-equiv"] == "Content-Security-Policy" })
        #expect(csp.attributes["content"]?.hasPrefix("default-src 'none'") == true)
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        #expect(page.elements("meta").first?.attributes["charset"] == "utf-8")
    }

    @Test("the page has no script, no external URL and no reference out of the page")
    func selfContained() throws {
        let report = try HTMLReportSample.demoReport()
        let html = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        let lower = html.lowercased()
        for needle in ["<script", "http://", "https://", "javascript:", " src=", "url(", "@import", "<link", "<iframe", "<object", "<img"] {
            #expect(!lower.contains(needle), "\(needle)")
        }
        let page = try SVGTestXML.parse(html)
        let ids = Set(page.all.compactMap { $0.attributes["id"] })
        let links = page.all.compactMap { $0.attributes["href"] }
        #expect(!links.isEmpty)
        for link in links {
            #expect(link.hasPrefix("#") && ids.contains(String(link.dropFirst())), "\(link) points inside the page")
        }
        #expect(page.all.allSatisfy { node in node.attributes.keys.allSatisfy { !$0.lowercased().hasPrefix("on") } }, "no event handlers")
    }

    @Test("every section with a payload draws its charts, each with a title, a description and an aria-label")
    func chartsDrawn() throws {
        let report = try HTMLReportSample.demoReport()
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text())
        let expected: [HTMLReportInput.Section: Int] = [.rfmGrid: 2, .segments: 1, .cohorts: 2, .valueMatrix: 1, .holdout: 1, .clusters: 1, .correlations: 1,
                                                         .satisfactionLoyalty: 1, .roc: 1, .liftGains: 2, .calibration: 1,
                                                         .concentration: 1, .clvDistribution: 1, .aliveMatrix: 1, .tracking: 2]
        for section in HTMLReportInput.Section.allCases {
            let node = try #require(htmlSection(page, section.rawValue), "\(section)")
            let charts = node.elements("svg")
            #expect(charts.count == expected[section], "\(section)")
            #expect(node.elements("p").allSatisfy { $0.attributes["class"] != "not-run" }, "\(section) ran")
            for svg in charts {
                #expect(svg.attributes["role"] == "img")
                #expect((svg.attributes["aria-label"] ?? "").count > 30)
                #expect(svg.children.first?.name == "title" && !(svg.children.first?.text.isEmpty ?? true))
                #expect(svg.children.dropFirst().first?.name == "desc" && (svg.children.dropFirst().first?.text.count ?? 0) > 30)
            }
            let keys = try #require(node.elements("aside").first, "\(section) has key numbers beside its charts")
            #expect(!keys.elements("td").isEmpty)
        }
        #expect(page.elements("svg").count == 19)
    }

    @Test("a section without a payload renders its Not run box and no chart", arguments: HTMLReportInput.Section.allCases)
    func nilSection(section: HTMLReportInput.Section) throws {
        let report = try HTMLReportSample.demoReport()
        var input = HTMLReportSample.fullInput(report: report)
        switch section {
        case .rfmGrid: input.rfmGrid = nil
        case .segments: input.segments = nil
        case .cohorts: input.cohorts = nil
        case .valueMatrix: input.valueMatrix = nil
        case .holdout: input.holdout = nil
        case .clusters: input.clusters = nil
        case .correlations: input.correlations = nil
        case .satisfactionLoyalty: input.satisfactionLoyalty = nil
        case .roc: input.roc = nil
        case .liftGains: input.liftGains = nil
        case .calibration: input.calibration = nil
        case .concentration: input.concentration = nil
        case .clvDistribution: input.clvDistribution = nil
        case .aliveMatrix: input.aliveMatrix = nil
        case .tracking: input.tracking = nil
        }
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: input).text())
        let node = try #require(htmlSection(page, section.rawValue))
        #expect(node.elements("svg").isEmpty)
        let box = try #require(node.elements("p").first { $0.attributes["class"] == "not-run" })
        #expect(box.allText == "Not run: the \(section.kernel) step produced no result in this run")
        let others = HTMLReportInput.Section.allCases.filter { $0 != section }
        for other in others {
            #expect(htmlSection(page, other.rawValue)?.elements("svg").isEmpty == false, "\(other) still drawn")
        }
        let nav = try #require(page.elements("nav").first)
        #expect(nav.allText.contains("\(section.heading) (not run)"))
    }

    @Test("the Not run reason comes from the caller, else from the run's skipped list, else a default",
          arguments: [(HTMLReportInput.Section.correlations, "no interactions file given"),
                      (.satisfactionLoyalty, "no interactions file given"),
                      (.roc, "history too short for a holdout window"),
                      (.clusters, "k-means: k = 9 exceeds the 4 customers"),
                      (.valueMatrix, "the CLV (BG/NBD and Gamma-Gamma) step produced no result in this run")])
    func reasons(section: HTMLReportInput.Section, reason: String) throws {
        var report = try HTMLReportSample.report()
        report.skipped = [.init(section: "interactions", reason: "no interactions file given"),
                          .init(section: "churn", reason: "history too short for a holdout window")]
        let input = HTMLReportInput(notRun: [.clusters: "k-means: k = 9 exceeds the 4 customers"])
        let writer = HTMLReportWriter(report: report, input: input)
        #expect(writer.notRunReason(section) == reason)
        let page = try SVGTestXML.parse(writer.text())
        let box = try #require(htmlSection(page, section.rawValue)?.elements("p").first { $0.attributes["class"] == "not-run" })
        #expect(box.allText == "Not run: " + reason)
    }

    @Test("with no payload at all every section says Not run and the page draws no chart")
    func nothingRan() throws {
        let report = try HTMLReportSample.report()
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportInput()).text())
        #expect(page.elements("svg").isEmpty)
        #expect(page.elements("p").filter { $0.attributes["class"] == "not-run" }.count == HTMLReportInput.Section.allCases.count)
        #expect(htmlSection(page, "run") != nil, "the run section is always there")
    }

    @Test("names and paths from the data are escaped: a segment called <script> is shown, not run")
    func escaping() throws {
        var report = try HTMLReportSample.demoReport()
        let hostile = "<script>alert(\"x\")</script> & 'co'"
        report.rfm.segments[0].segment = hostile
        report.settings.transactions = "/data/<b>exports</b>&/t.csv"
        let html = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<b>"))
        let page = try SVGTestXML.parse(html)
        #expect(htmlSection(page, "segments")?.allText.contains(hostile) == true)
        #expect(htmlSection(page, "run")?.allText.contains("/data/<b>exports</b>&/t.csv") == true)
        #expect(page.elements("script").isEmpty && page.elements("b").isEmpty)
    }

    @Test("the header states the settings, the input accounting with reasons, customers and skipped sections")
    func header() throws {
        var report = try HTMLReportSample.demoReport()
        report.inputs[0].rowsRejected = 1_234
        report.inputs[0].rejectedByReason = ["bad_amount": 1_200, "bad_date": 34]
        report.skipped = [.init(section: "interactions", reason: "no interactions file given")]
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportInput()).text())
        let run = try #require(htmlSection(page, "run")).allText
        for expected in ["demo/data/transactions.csv", "2025-12-28", "2025-06-28", "5 quantiles, ties fill", "527,406", "1,234",
                         "bad_amount: 1,200, bad_date: 34", "100,000", "273,132", "8,214,750.93", "interactions not run: no interactions file given"] {
            #expect(run.contains(expected), "\(expected)")
        }
        #expect(try #require(page.elements("title").first).text == "Clientele report, as of 2025-12-28")
    }

    @Test("the RFM section writes every cell's customers and share, and the totals beside the maps")
    func rfmNumbers() throws {
        let report = try HTMLReportSample.demoReport()
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportInput(rfmGrid: HTMLReportSample.demoGrid)).text())
        let section = try #require(htmlSection(page, "rfm-grid"))
        let texts = section.elements("text").map(\.text)
        for count in HTMLReportSample.demoGrid.customerCounts { #expect(texts.contains(SVGNumber.grouped(count)), "\(count)") }
        #expect(texts.contains("7.6%"), "R5 F5: 7,586 of 100,000")
        #expect(texts.contains("1.9M") && texts.contains("23.2%"), "R5 F5 revenue 1,903,366.63 of 8,214,750.93")
        let keys = try #require(section.elements("aside").first).allText
        #expect(keys.contains("100,000") && keys.contains("8,214,750.93"))
        #expect(keys.contains("7,586 customers (7.6%), revenue 1,903,366.63 (23.2%)"))
        // R 5 is the top row, F 5 the right column.
        let first = try #require(section.elements("svg").first?.elements("rect").first { !$0.children.isEmpty })
        #expect(first.children.first?.text.hasPrefix("Recency score R 5, Frequency score F 1: 0 customers") == true)
    }

    @Test("a print stylesheet keeps sections whole and prints colours as drawn")
    func printStyles() {
        let css = HTMLReportWriter.css
        let print = css.range(of: "@media print{").map { String(css[$0.upperBound...]) } ?? ""
        #expect(print.contains("break-inside") || css.contains("break-inside:avoid"))
        #expect(print.contains("print-color-adjust:exact"))
        #expect(print.contains("@page"))
        #expect(print.contains("nav{display:none}"))
    }

    @Test("the same inputs give the same bytes")
    func deterministic() throws {
        let report = try HTMLReportSample.demoReport()
        let input = HTMLReportSample.fullInput(report: report)
        #expect(HTMLReportWriter(report: report, input: input).bytes() == HTMLReportWriter(report: report, input: input).bytes())
    }
}

@Suite("HTML report RFM grid")
struct HTMLReportRFMGridTests {
    @Test("the grid tallies customers and cents exactly, as a brute-force count does")
    func tallyMatchesBruteForce() {
        var generator = SeededGenerator(seed: 7)
        let n = 10_000, quantiles = 5
        let r = (0..<n).map { _ in UInt8.random(in: 1...5, using: &generator) }
        let f = (0..<n).map { _ in UInt8.random(in: 1...5, using: &generator) }
        let cents = (0..<n).map { _ in Int64.random(in: -5_000...900_000, using: &generator) }
        let grid = HTMLReportInput.RFMGrid(r: r, f: f, revenueCents: cents, quantiles: quantiles)
        var counts: [Int: Int] = [:], sums: [Int: Int64] = [:]
        for k in 0..<n {
            counts[Int(r[k]) * 10 + Int(f[k]), default: 0] += 1
            sums[Int(r[k]) * 10 + Int(f[k]), default: 0] += cents[k]
        }
        for ri in 1...5 {
            for fi in 1...5 {
                #expect(grid.customers(r: ri, f: fi) == counts[ri * 10 + fi, default: 0])
                #expect(grid.revenue(r: ri, f: fi) == Double(sums[ri * 10 + fi, default: 0]) / 100)
            }
        }
        #expect(grid.totalCustomers == n)
        #expect(grid.customerCounts.count == 25 && grid.revenues.count == 25)
    }

    @Test("the grid of the RFM fixture agrees with its per-customer scores, and empty cells are zero")
    func fixtureGrid() {
        // Three customers: (R 1, F 1, −0.05), (R 2, F 1, 0.99), (R 4, F 1, 1234567.89).
        let grid = HTMLReportInput.RFMGrid(r: [1, 2, 4], f: [1, 1, 1], revenueCents: [-5, 99, 123_456_789], quantiles: 5)
        #expect(grid.customers(r: 1, f: 1) == 1 && grid.customers(r: 2, f: 1) == 1 && grid.customers(r: 4, f: 1) == 1)
        #expect(grid.revenue(r: 1, f: 1) == -0.05 && grid.revenue(r: 4, f: 1) == 1_234_567.89)
        #expect(grid.customers(r: 5, f: 5) == 0 && grid.revenue(r: 5, f: 5) == 0)
        #expect(grid.totalRevenue == (-0.05 + 0.99 + 1_234_567.89))
        #expect(HTMLReportInput.RFMGrid(r: [], f: [], revenueCents: [], quantiles: 3).totalCustomers == 0)
    }

    @Test("writing a million customers' grid gives a page the size of a thousand customers' page")
    func pageSizeIndependentOfCustomers() throws {
        let report = try HTMLReportSample.demoReport()
        func page(customers: Int) -> String {
            var generator = SeededGenerator(seed: 11)
            let r = (0..<customers).map { _ in UInt8.random(in: 1...5, using: &generator) }
            let f = (0..<customers).map { _ in UInt8.random(in: 1...5, using: &generator) }
            let cents = (0..<customers).map { _ in Int64.random(in: 0...50_000, using: &generator) }
            let grid = HTMLReportInput.RFMGrid(r: r, f: f, revenueCents: cents, quantiles: 5)
            var input = HTMLReportSample.fullInput(report: report)
            input.rfmGrid = grid
            return HTMLReportWriter(report: report, input: input).text()
        }
        let small = page(customers: 1_000), large = page(customers: 1_000_000)
        #expect(large.contains("1,000,000"))
        let ratio = Double(large.utf8.count) / Double(small.utf8.count)
        #expect(ratio < 1.02 && ratio > 0.98, "sizes \(small.utf8.count) and \(large.utf8.count)")
    }
}

@Suite("HTML report payloads from the run report")
struct HTMLReportPayloadTests {
    @Test("the value matrix of report.clv places each quadrant by its name, whatever the order, with its predicted CLV and its meaning")
    func valueMatrix() {
        var m = HTMLReportSample.clvValueMatrix
        m.quadrants.reverse()
        let q = HTMLReportInput.QuadrantMatrix(valueMatrix: m)
        #expect(q.highXHighY == .init(name: "Most valuable", customers: 31_210, value: 4_391_870.66, tone: .good))
        #expect(q.lowXHighY == .init(name: "Growth potential", customers: 18_790, value: 1_208_455.10, tone: .promising))
        #expect(q.highXLowY == .init(name: "Declining", customers: 18_790, value: 611_930.25, tone: .watch))
        #expect(q.lowXLowY == .init(name: "Low value", customers: 31_210, value: 402_118.40, tone: .low))
        #expect(q.xSplit == "high: historical CLV above 52.80" && q.ySplit == "high: predicted CLV above 41.10")
        #expect(q.valueName == "predicted CLV")
    }

    @Test("a value matrix without thresholds or with a missing quadrant still renders, with zero customers there")
    func valueMatrixGaps() throws {
        var m = HTMLReportSample.clvValueMatrix
        m.currentThreshold = nil
        m.quadrants.removeAll { $0.quadrant == "declining" }
        let q = HTMLReportInput.QuadrantMatrix(valueMatrix: m)
        #expect(q.xSplit == nil && q.highXLowY.customers == 0)
        let report = try HTMLReportSample.demoReport()
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportInput(valueMatrix: q)).text())
        #expect(htmlSection(page, "value-matrix")?.elements("svg").count == 1)
    }

    @Test("the holdout table of report.clv keeps its buckets, labels and totals, and undefined means draw no bar")
    func holdout() throws {
        let table = CLVReport.Holdout(holdoutWeeks: 26.142857, customers: 900, actualPurchases: 410, predictedPurchases: 398.5, meanAbsoluteError: 0.37,
                                      buckets: [.init(calibrationFrequency: "0", customers: 500, actualMean: 0.2, predictedMean: 0.25),
                                                .init(calibrationFrequency: "1", customers: 300, actualMean: 0.6, predictedMean: 0.55),
                                                .init(calibrationFrequency: "2+", customers: 100, actualMean: 1.1, predictedMean: nil)])
        let h = HTMLReportInput.HoldoutPurchases(holdout: table, calibrationEnd: "2025-06-28")
        #expect(h.bins.map(\.label) == ["0", "1", "2+"])
        #expect(h.bins.map(\.customers) == [500, 300, 100])
        #expect(h.bins[2].predicted == nil && h.bins[2].actual == 1.1)
        #expect(h.totalActual == 410 && h.totalPredicted == 398.5 && h.meanAbsoluteError == 0.37 && h.customers == 900)
        let report = try HTMLReportSample.demoReport()
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportInput(holdout: h)).text())
        let section = try #require(htmlSection(page, "holdout-purchases"))
        let bars = section.elements("rect").filter { !$0.children.isEmpty }
        #expect(bars.count == 5, "three actual bars, two predicted")
        #expect(section.elements("text").map(\.text).contains("2+"))
        #expect(section.allText.contains("26.1 weeks") && section.allText.contains("398.5"))
    }

    /// Five bins of 20 customers, 30 churners in all; bins listed out of order.
    static var churnEvaluation: ChurnReport.Evaluation {
        let churners = [12, 8, 5, 3, 2]
        let predicted: [Double?] = [0.7, 0.55, 0.4, nil, 0.1]
        let deciles = (1...5).map { d -> ChurnReport.Decile in
            let c = churners[d - 1]
            return ChurnReport.Decile(decile: d, customers: 20, churners: c, meanPredicted: predicted[d - 1],
                                      observedRate: Double(c) / 20, lift: Double(c) / 20 / 0.3,
                                      cumulativeGain: Double(churners.prefix(d).reduce(0, +)) / 30)
        }
        let confusion = ChurnReport.Confusion(threshold: 0.5, truePositives: 12, falsePositives: 8, trueNegatives: 62, falseNegatives: 18, precision: 0.6, recall: 0.4)
        return ChurnReport.Evaluation(rows: 100, churners: 30, auc: 0.74, logLoss: 0.52, brierScore: 0.18, atHalf: confusion, atBaseRate: confusion,
                                      deciles: [deciles[2], deciles[0], deciles[4], deciles[1], deciles[3]],
                                      roc: .init(thresholds: [nil, 0.9, 0.7, 0.4, 0.2, 0.05], truePositives: [0, 12, 20, 25, 28, 30],
                                                 falsePositives: [0, 8, 20, 35, 52, 70]))
    }

    @Test("the churn evaluation gives its ROC curve in rates, lift and gains, and calibration sorted by prediction")
    func churn() throws {
        let e = Self.churnEvaluation
        let roc = try #require(HTMLReportInput.ROCCurve(evaluation: e))
        let tpr: [Double] = [0, 12, 20, 25, 28, 30].map { $0 / 30 }
        let fpr: [Double] = [0, 8, 20, 35, 52, 70].map { $0 / 70 }
        #expect(roc.truePositiveRate == tpr)
        #expect(roc.falsePositiveRate == fpr)
        #expect(roc.auc == 0.74 && roc.positives == 30 && roc.negatives == 70 && roc.cutOffs == "6 points of the exact curve")
        let lift = HTMLReportInput.LiftGains(evaluation: e)
        #expect(lift.baseRate == 0.3 && lift.deciles.count == 5 && lift.deciles.map(\.positives) == [5, 12, 2, 8, 3])
        let calibration = HTMLReportInput.CalibrationCurve(evaluation: e)
        #expect(calibration.bins.map(\.meanPredicted) == [0.1, 0.4, 0.55, 0.7], "decile 4 has no mean prediction")
        #expect(calibration.brier == 0.18 && calibration.logLoss == 0.52)

        var noAUC = e
        noAUC.auc = nil
        #expect(HTMLReportInput.ROCCurve(evaluation: noAUC) == nil)

        let report = try HTMLReportSample.demoReport()
        let input = HTMLReportInput(roc: roc, liftGains: lift, calibration: calibration)
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: input).text())
        let curve = try #require(htmlSection(page, "roc")?.elements("polyline").first)
        #expect(curve.attributes["points"]?.split(separator: " ").count == 6)
        #expect(htmlSection(page, "roc")?.elements("circle").count == 6, "few points get markers")
        #expect(htmlSection(page, "roc")?.allText.contains("at 6 points of the exact curve") == true)
        #expect(htmlSection(page, "calibration")?.elements("circle").count == 4)
    }

    @Test("cluster profiles colour each mean by its distance from the clustered customers' mean, in between-cluster spreads")
    func clusters() throws {
        let report = ClusterReport(k: 3, features: ["a", "b"], profileNames: ["a", "b"], inertia: 12.5, iterations: 4, converged: true, restarts: 2,
                                   silhouette: ["2": 0.2, "3": 0.41],
                                   profiles: [.init(cluster: 1, customers: 30, share: 0.75, means: [1, 4]),
                                              .init(cluster: 2, customers: 10, share: 0.25, means: [5, 4]),
                                              .init(cluster: 3, customers: 0, share: 0, means: [nil, nil])])
        let p = HTMLReportInput.ClusterProfiles(report: report)
        #expect(p.features == ["a", "b"] && p.clusters.map(\.label) == ["1", "2", "3"])
        // a: m = (30·1 + 10·5) / 40 = 2, s = √((30·1 + 10·9) / 40) = √3.
        #expect(abs(p.clusters[0].standardizedMeans[0] + 1 / 3.0.squareRoot()) < 1e-12)
        #expect(abs(p.clusters[1].standardizedMeans[0] - 3.0.squareRoot()) < 1e-12)
        #expect(p.clusters[0].standardizedMeans[1] == 0 && p.clusters[1].standardizedMeans[1] == 0, "no spread: average")
        #expect(p.clusters[2].means[0].isNaN && p.clusters[2].standardizedMeans[0].isNaN)
        #expect(p.silhouette == 0.41 && p.inertia == 12.5)
        let page = try SVGTestXML.parse(HTMLReportWriter(report: try HTMLReportSample.demoReport(), input: HTMLReportInput(clusters: p)).text())
        let cells = try #require(htmlSection(page, "clusters")?.elements("rect").filter { !$0.children.isEmpty })
        #expect(cells.count == 6)
        #expect(cells[4].attributes["fill"] == SVGPalette.missing.hex, "the empty cluster is grey")
    }
}

