import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// A run report with every section and healthy numbers (no warning), which each test spoils in one
/// place: the churn model well above recency, every score and segment used, converged fits, a close
/// holdout total, and 2,000 of 10,000 customers answering surveys.
enum WarningSample {
    static let scored = 10_000

    static func report() -> RunReport {
        let settings = RunReport.Settings(transactions: "transactions.csv", interactions: "interactions.csv", asOf: "2025-12-28", asOfDefaulted: false,
                                          calibrationEnd: "2025-06-28", calibrationEndDefaulted: false, rfmTies: "average", rfmQuantiles: 5,
                                          rfmMonetary: "total", margin: 0.3, onBadRow: "fail", maxRejectShare: 0.01, threads: 2, seed: 42)
        let segments = ["Champions", "Loyal Customers", "At Risk", "Hibernating"].map {
            RunReport.Segment(segment: $0, customers: scored / 4, share: 0.25, revenue: 1_000, revenueShare: 0.25)
        }
        let perScore = [Int](repeating: scored / 5, count: 5)
        return RunReport(startedAt: "2025-12-28T00:00:00Z", settings: settings, inputs: [],
                         customers: .init(inTransactions: scored, scored: scored, notYetActive: 0, orders: 30_000, netRevenue: 4_000),
                         rfm: .init(ties: "average", quantiles: 5, segments: segments, customersPerScore: .init(r: perScore, f: perScore, m: perScore)),
                         clv: clv, churn: churn, satisfaction: satisfaction(respondents: 2_000), skipped: [], timings: [:], outputs: [])
    }

    static func model(_ name: String, kind: String?, converged: Bool = true) -> CLVReport.Model {
        CLVReport.Model(model: name, reference: "", estimates: [], logLikelihood: -1_000, iterations: converged ? 31 : 500, converged: converged,
                        stopReason: converged ? "gradient small" : "iteration limit", customers: 8_000, kind: kind)
    }

    static var clv: CLVReport {
        CLVReport(calibrationEnd: "2025-06-28", asOf: "2025-12-28", horizonMonths: 12, monthlyDiscountRate: 0.01, margin: 0.3,
                  calibrationCustomers: 8_000, predictedCustomers: scored, bgnbd: model("BG/NBD", kind: "bg-nbd"),
                  models: [model("BG/NBD", kind: "bg-nbd"), model("Pareto/NBD", kind: "pareto-nbd")], purchaseModel: "bg-nbd",
                  gammaGamma: model("Gamma-Gamma", kind: nil),
                  holdout: holdout(actual: 1_000, predicted: 1_050),
                  valueMatrix: HTMLReportSample.clvValueMatrix, totalPredictedCLV: 123_456)
    }

    static func holdout(actual: Double, predicted: Double) -> CLVReport.Holdout {
        CLVReport.Holdout(holdoutWeeks: 26, customers: 8_000, actualPurchases: actual, predictedPurchases: predicted, meanAbsoluteError: 0.4,
                          buckets: [], model: "BG/NBD")
    }

    /// A churn evaluation of 1,000 test rows whose first decile has `topLift`.
    static func evaluation(auc: Double, topLift: Double) -> ChurnReport.Evaluation {
        let confusion = ChurnReport.Confusion(threshold: 0.5, truePositives: 100, falsePositives: 50, trueNegatives: 650, falseNegatives: 200,
                                              precision: 0.67, recall: 0.33)
        let deciles = (1...10).map { d in
            ChurnReport.Decile(decile: d, customers: 100, churners: 30, meanPredicted: 0.3, observedRate: 0.3,
                               lift: d == 1 ? topLift : 0.9, cumulativeGain: Double(d) / 10)
        }
        // Listed out of order, as nothing promises the order: the top decile is the one numbered 1.
        return ChurnReport.Evaluation(rows: 1_000, churners: 300, auc: auc, logLoss: 0.5, brierScore: 0.18, atHalf: confusion, atBaseRate: confusion,
                                      deciles: deciles.reversed())
    }

    static var churn: ChurnReport { churn(auc: 0.80, baselineAUC: 0.729, topLift: 2.4) }

    static func churn(auc: Double, baselineAUC: Double, topLift: Double) -> ChurnReport {
        ChurnReport(calibrationEnd: "2025-06-28", labelledCustomers: 8_000, churnRate: 0.3, trainingRows: 7_000, testRows: 1_000, terms: [],
                    logLikelihood: -3_000, nullLogLikelihood: -3_500, pseudoRSquared: 0.14, aic: 6_010, bic: 6_050, iterations: 6, converged: true,
                    model: evaluation(auc: auc, topLift: topLift), recencyBaseline: evaluation(auc: baselineAUC, topLift: 1.8), warnings: [])
    }

    static func satisfaction(respondents: Int) -> SatisfactionReport {
        let nps = SatisfactionReport.NPS(respondents: respondents, promoters: respondents / 2, passives: respondents / 4,
                                         detractors: respondents - respondents / 2 - respondents / 4, score: 25)
        return SatisfactionReport(respondents: respondents, satisfactionRespondents: respondents, recommendRespondents: respondents, complaints: 0,
                                  customersWithComplaints: 0, meanSatisfaction: 4.1,
                                  thresholds: .init(satisfiedAtLeast: 4, loyaltyMeasure: "repeat_rate", loyalAtLeast: 0.5, promoterAtLeast: 9, detractorAtMost: 6),
                                  classified: respondents, quadrants: [], nps: nps, npsBySegment: [], confidenceLevel: 0.95,
                                  satisfactionMeasures: ["mean_satisfaction"], loyaltyMeasures: ["repeat_rate"], correlations: [])
    }

    /// The warnings of `report` with `code`.
    static func warnings(_ report: RunReport, _ code: ReportWarning.Code) -> [ReportWarning] {
        ReportWarnings.derive(from: report).filter { $0.code == code }
    }
}

@Suite("Report warnings: what to doubt")
struct ReportWarningTests {
    typealias Sample = WarningSample

    @Test("a report with healthy numbers has no warning, and report.json still holds an empty warnings array")
    func healthy() throws {
        let report = Sample.report()
        #expect(ReportWarnings.derive(from: report).isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportWriter(report: report).bytes())) as? [String: Any])
        let warnings = try #require(json["warnings"] as? [Any])
        #expect(warnings.isEmpty)
        #expect(!MarkdownReportWriter(report: report).text().contains("## Warnings"))
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text())
        #expect(htmlSection(page, "warnings") == nil)
    }

    @Test("sections that did not run give no warning, however bad the rest would be")
    func sectionsNotRun() {
        var report = Sample.report()
        report.churn = nil
        report.clv = nil
        report.satisfaction = nil
        #expect(ReportWarnings.derive(from: report).isEmpty)
        report.customers.scored = 0
        report.rfm.segments[0].customers = 0
        #expect(ReportWarnings.derive(from: report).isEmpty, "no customer scored: every segment is empty and the report says so")
    }

    // MARK: - Churn

    @Test("the churn model warns when its AUC beats recency alone by less than 0.02, naming both AUCs")
    func churnNearRecency() throws {
        var report = Sample.report()
        report.churn = Sample.churn(auc: 0.750, baselineAUC: 0.729, topLift: 2.4)  // + 0.021
        #expect(Sample.warnings(report, .churnNearRecencyBaseline).isEmpty)
        report.churn = Sample.churn(auc: 0.748, baselineAUC: 0.729, topLift: 2.4)  // + 0.019
        let w = try #require(Sample.warnings(report, .churnNearRecencyBaseline).first)
        #expect(w.section == .churn)
        #expect(w.message.contains("0.748") && w.message.contains("0.729") && w.message.contains("0.02"), "\(w.message)")
        #expect(abs(try #require(w.value) - 0.019) < 1e-12 && w.threshold == ReportWarnings.minimumAUCGainOverRecency)

        report.churn = Sample.churn(auc: 0.700, baselineAUC: 0.729, topLift: 2.4)
        let worse = try #require(Sample.warnings(report, .churnNearRecencyBaseline).first)
        #expect(worse.message.contains("0.700") && worse.message.contains("no better than recency"), "\(worse.message)")
    }

    @Test("the churn model warns when its top-decile lift is below 1.5, naming the lift")
    func churnLowLift() throws {
        var report = Sample.report()
        report.churn = Sample.churn(auc: 0.80, baselineAUC: 0.729, topLift: 1.51)
        #expect(Sample.warnings(report, .churnLowTopDecileLift).isEmpty)
        report.churn = Sample.churn(auc: 0.80, baselineAUC: 0.729, topLift: 1.49)
        let w = try #require(Sample.warnings(report, .churnLowTopDecileLift).first)
        #expect(w.message.contains("1.49") && w.message.contains("1.5"), "\(w.message)")
        #expect(w.value == 1.49 && w.threshold == 1.5)
        #expect(Sample.warnings(report, .churnNearRecencyBaseline).isEmpty, "one trigger does not drag the other along")
    }

    // MARK: - RFM

    @Test("an R, F or M score that no customer received is a warning per score; a score with one customer is not")
    func rfmScoreUnused() throws {
        var report = Sample.report()
        report.rfm.customersPerScore?.f = [2_000, 2_000, 1, 2_000, 3_999]
        #expect(Sample.warnings(report, .rfmScoreUnused).isEmpty)
        report.rfm.customersPerScore?.f = [2_000, 2_000, 0, 2_000, 4_000]
        report.rfm.customersPerScore?.m = [0, 2_500, 2_500, 2_500, 2_500]
        let warnings = Sample.warnings(report, .rfmScoreUnused)
        #expect(warnings.map(\.subject) == ["F3", "M1"])
        let f3 = try #require(warnings.first)
        #expect(f3.section == .rfm && f3.value == 0 && f3.threshold == 1)
        #expect(f3.message.hasPrefix("0 customers received frequency score F = 3 (scores 1…5)"), "\(f3.message)")
        // Under share (or split) the message names the cause, tied values, and the rule that fills every score.
        report.rfm.ties = "share"
        let share = try #require(Sample.warnings(report, .rfmScoreUnused).first)
        #expect(share.message.contains("tied frequency values skip the score") && share.message.contains("`fill` (the default)"), "\(share.message)")
        // Under fill a score stays empty only when there are fewer distinct values than scores.
        report.rfm.ties = "fill"
        let fill = try #require(Sample.warnings(report, .rfmScoreUnused).first)
        #expect(fill.message.contains("fewer than 5 distinct ones") && !fill.message.contains("`fill`"), "\(fill.message)")
    }

    @Test("a segment with 0 customers is a warning naming it; a segment with one customer is not")
    func rfmSegmentEmpty() throws {
        var report = Sample.report()
        report.rfm.segments[2].customers = 1
        #expect(Sample.warnings(report, .rfmSegmentEmpty).isEmpty)
        report.rfm.segments[2].customers = 0
        let w = try #require(Sample.warnings(report, .rfmSegmentEmpty).first)
        #expect(w.subject == "At Risk" && w.message.contains("“At Risk” has 0 customers"), "\(w.message)")
    }

    // MARK: - CLV

    @Test("a purchase model or Gamma-Gamma fit that did not converge is a warning naming the model and its iterations")
    func clvNotConverged() throws {
        var report = Sample.report()
        report.clv?.models[1] = Sample.model("Pareto/NBD", kind: "pareto-nbd", converged: false)
        report.clv?.gammaGamma = Sample.model("Gamma-Gamma", kind: nil, converged: false)
        let warnings = Sample.warnings(report, .clvNotConverged)
        #expect(warnings.map(\.subject) == ["Pareto/NBD", "Gamma-Gamma"])
        #expect(warnings.allSatisfy { $0.message.contains("500 iterations") && $0.value == nil && $0.threshold == nil })
        #expect(warnings[0].message.contains("model choice"), "Pareto/NBD was not chosen: its fit only weighs on the choice")

        report.clv?.models[0] = Sample.model("BG/NBD", kind: "bg-nbd", converged: false)
        let chosen = try #require(Sample.warnings(report, .clvNotConverged).first)
        #expect(chosen.subject == "BG/NBD" && chosen.message.contains("predicted from them"), "\(chosen.message)")
    }

    @Test("the chosen model's holdout total off by more than 10% is a warning naming predicted and actual")
    func clvHoldoutTotalOff() throws {
        var report = Sample.report()
        report.clv?.holdout = Sample.holdout(actual: 1_000, predicted: 1_099)
        #expect(Sample.warnings(report, .clvHoldoutTotalOff).isEmpty)
        report.clv?.holdout = Sample.holdout(actual: 1_000, predicted: 901)
        #expect(Sample.warnings(report, .clvHoldoutTotalOff).isEmpty)
        report.clv?.holdout = Sample.holdout(actual: 1_000, predicted: 1_101)
        let w = try #require(Sample.warnings(report, .clvHoldoutTotalOff).first)
        #expect(w.message.contains("10.1%") && w.message.contains("predicted 1,101.0") && w.message.contains("actual 1,000.0")
                && w.message.contains("10%"), "\(w.message)")
        #expect(abs(try #require(w.value) - 0.101) < 1e-12 && w.threshold == 0.10 && w.subject == "BG/NBD")
        report.clv?.holdout = Sample.holdout(actual: 1_000, predicted: 899)
        #expect(Sample.warnings(report, .clvHoldoutTotalOff).count == 1, "too low counts as much as too high")
    }

    // MARK: - Satisfaction

    @Test("fewer than 100 respondents is a warning naming the count and share")
    func fewRespondents() throws {
        var report = Sample.report()
        report.customers.scored = 1_000
        report.satisfaction = Sample.satisfaction(respondents: 100)
        #expect(ReportWarnings.derive(from: report).isEmpty)
        report.satisfaction = Sample.satisfaction(respondents: 99)
        let w = try #require(Sample.warnings(report, .satisfactionFewRespondents).first)
        #expect(w.message.contains("Only 99 customers") && w.message.contains("9.9% of 1,000") && w.message.contains("fewer than 100"), "\(w.message)")
        #expect(w.value == 99 && w.threshold == 100)
        #expect(Sample.warnings(report, .satisfactionLowResponseShare).isEmpty, "9.9% is a fair share")
    }

    @Test("under 5% of scored customers answering is a warning naming the share and count")
    func lowResponseShare() throws {
        var report = Sample.report()
        report.satisfaction = Sample.satisfaction(respondents: 500)  // 5.0% of 10,000
        #expect(ReportWarnings.derive(from: report).isEmpty)
        report.satisfaction = Sample.satisfaction(respondents: 499)
        let w = try #require(Sample.warnings(report, .satisfactionLowResponseShare).first)
        #expect(w.message.contains("Only 4.99% of scored") && w.message.contains("499 of 10,000") && w.message.contains("below 5%"),
                "\(w.message): 4.99%, as 5.0% would read as the threshold itself")
        #expect(w.value == 0.0499 && w.threshold == 0.05)
        #expect(Sample.warnings(report, .satisfactionFewRespondents).isEmpty, "499 respondents are enough in number")
    }

    // MARK: - Rendering

    /// A report with one warning per trigger kind spoiled: lift, an empty segment, the holdout total.
    static func spoiled() -> RunReport {
        var report = Sample.report()
        report.churn = Sample.churn(auc: 0.80, baselineAUC: 0.729, topLift: 1.2)
        report.rfm.segments[3].customers = 0
        report.rfm.segments[3].segment = "<b>Hibernating</b>"
        report.clv?.holdout = Sample.holdout(actual: 1_000, predicted: 1_250)
        return report
    }

    @Test("report.json lists the warnings with code, section, message, value and threshold, and keeps every other key as it was")
    func json() throws {
        let report = Self.spoiled()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportWriter(report: report).bytes())) as? [String: Any])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["code"] as? String } == ["rfm_segment_empty", "clv_holdout_total_off", "churn_low_top_decile_lift"])
        #expect(warnings.map { $0["section"] as? String } == ["rfm", "clv", "churn"])
        let lift = warnings[2]
        #expect(lift["value"] as? Double == 1.2 && lift["threshold"] as? Double == 1.5)
        #expect((lift["message"] as? String)?.contains("1.20") == true)
        #expect(lift["subject"] == nil, "no subject where the section has only one model")

        let bare = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportWriter.bytes(of: report, file: "report.json"))) as? [String: Any])
        #expect(Set(json.keys) == Set(bare.keys).union(["warnings"]))
        #expect((json["rfm"] as? [String: Any])?["customers_per_score"] != nil)
    }

    @Test("report.md lists the warnings after the first screen, before the sections and the run and inputs, escaped")
    func markdown() throws {
        let md = MarkdownReportWriter(report: Self.spoiled()).text()
        let warnings = try #require(md.range(of: "## Warnings\n"))
        let inputs = try #require(md.range(of: "## Run and inputs"))
        #expect(warnings.lowerBound < inputs.lowerBound)
        #expect(md.contains("- **churn** (`churn_low_top_decile_lift`): The churn model's top-decile lift is 1.20, below 1.5"))
        #expect(md.contains("“&lt;b&gt;Hibernating&lt;/b&gt;” has 0 customers"))
    }

    @Test("report.html shows a warning box above the run section, linked to the sections, and a note in each section concerned")
    func html() throws {
        let report = Self.spoiled()
        let text = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        let page = try SVGTestXML.parse(text)
        let box = try #require(htmlSection(page, "warnings"))
        #expect(box.attributes["class"] == "warnings")
        #expect(box.elements("li").count == 3)
        #expect(box.elements("a").map { $0.attributes["href"] } == ["#segments", "#holdout-purchases", "#lift-gains"])
        #expect(box.allText.contains("predicted 1,250.0, actual 1,000.0"))
        #expect(try #require(text.range(of: "id=\"warnings\"")).lowerBound < (try #require(text.range(of: "id=\"run\""))).lowerBound)
        for (section, count) in [("segments", 1), ("holdout-purchases", 1), ("lift-gains", 1), ("roc", 0), ("rfm-grid", 0)] {
            let notes = try #require(htmlSection(page, section)).elements("ul").filter { $0.attributes["class"] == "section-warnings" }
            #expect(notes.flatMap { $0.elements("li") }.count == count, "\(section)")
        }
        #expect(!text.contains("<b>Hibernating"), "names from data are escaped")
        #expect(page.elements("nav").first?.allText.contains("Warnings (3)") == true)
    }

    @Test("a real run counts customers per score, and they add up to the customers scored")
    func customersPerScore() throws {
        let report = try HTMLReportSample.report()
        let counts = try #require(report.rfm.customersPerScore)
        for scores in [counts.r, counts.f, counts.m] {
            #expect(scores.count == report.rfm.quantiles)
            #expect(scores.reduce(0, +) == report.customers.scored)
        }
    }
}
