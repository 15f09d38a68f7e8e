import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleKernels
import ClienteleReports

/// report.json, report.md and segments.csv of a run spread over partitions (`clientele partition
/// report`, on the driver), from the merged statistics and the partitions' scored totals: the
/// settings, both files' input accounting, the customer and order counts, net revenue, the
/// segments and customers per score, and the predictive model (clv_model.json's block, with the
/// value matrix's thresholds when its medians were found), the cohort table and the value
/// concentration (from the merged counts), the clusters when k-means ran, and the churn model
/// with its evaluation (`PartitionChurnEvaluation`) — each the single run's figure. The sections not
/// distributed yet are listed under `skipped` with that reason.
public enum PartitionReport {
    /// Sections a spread run does not compute yet, in the single run's order.
    static let notDistributed = ["clusters", "churn"]

    /// Which periods were left to their defaults (`partition periods` resolved them).
    public struct Defaults: Sendable {
        public var asOf: Bool
        public var calibrationEnd: Bool
        public init(asOf: Bool, calibrationEnd: Bool) { self.asOf = asOf; self.calibrationEnd = calibrationEnd }
    }

    /// The report of the whole run. `transactions` and `interactions` are the paths the report
    /// names (the user's exports, not the partitions' files); `outputs` the files the caller lands
    /// beside the three `write` writes (customers.csv first).
    public static func report(_ config: JobConfiguration, statistics: PartitionStatistics, totals: PartitionTotals,
                              medians: ValueMatrixMedians?, defaults: Defaults, transactions: String, interactions: String?,
                              outputs: [String], clusters: PartitionKMeansState? = nil,
                              clvReport: PartitionCLV.ReportFit? = nil, churn: ChurnReport? = nil,
                              churnComparison: PartitionChurnComparison? = nil,
                              satisfaction: (report: SatisfactionReport, statistics: PartitionSatisfaction)? = nil) throws -> RunReport {
        guard let asOf = config.asOf else { throw PartitionError.missingAsOf }
        let settings = RunReport.Settings(
            transactions: transactions, interactions: interactions, asOf: asOf.description, asOfDefaulted: defaults.asOf,
            calibrationEnd: config.calibrationEnd?.description, calibrationEndDefaulted: defaults.calibrationEnd,
            rfmTies: config.rfm.ties.rawValue, rfmQuantiles: config.rfm.quantiles, rfmMonetary: config.rfm.monetary.rawValue,
            margin: config.rfm.margin, onBadRow: config.ingest.onBadRow.rawValue, maxRejectShare: config.ingest.maxRejectShare,
            threads: config.threads, seed: config.seed)
        var inputs = [inputFile("transactions", path: transactions, read: statistics.rowsRead, used: statistics.rowsUsed,
                                rejected: statistics.rejected, afterAsOf: statistics.rowsAfterAsOf)]
        // The interactions' accounting: from the satisfaction pass's statistics when it ran apart.
        let s = satisfaction?.statistics ?? statistics.satisfaction
        if s.present, let interactions {
            var file = inputFile("interactions", path: interactions, read: s.rowsRead, used: s.rowsUsed, rejected: s.rejected, afterAsOf: nil)
            file.rowsUnmatchedCustomer = Int(s.orphanRows)
            file.unmatchedCustomers = Int(s.orphanCustomers)
            file.unmatchedCustomerExamples = s.orphanExamples
            inputs.append(file)
        }
        let names = config.rfm.segments.names
        let segments = totals.segments.summaries(names: names).map {
            RunReport.Segment(segment: $0.name, customers: $0.customers, share: $0.share, revenue: Double($0.revenueCents) / 100,
                              revenueShare: $0.revenueShare, meanRecencyDays: $0.meanRecencyDays, meanFrequency: $0.meanFrequency,
                              meanMonetary: $0.meanMonetary)
        }
        let scored = totals.scored
        var clv: CLVReport?
        // The driver's fit when given (nil inside: no CLV section), else a refit from the statistics.
        let fitted: CLVReport?
        if let clvReport { fitted = clvReport.report } else {
            fitted = try PartitionCLV.fit(config, statistics: statistics).map { try PartitionCLV.report($0, statistics: statistics, config: config) }
        }
        if let fitted {
            clv = fitted
            if let t = medians?.thresholds {
                clv?.valueMatrix.currentThreshold = t.current
                clv?.valueMatrix.futureThreshold = t.future
                // The cells, from the partitions' sums (scored with these medians).
                if totals.quadrants.count == ValueQuadrant.allCases.count {
                    clv?.valueMatrix.quadrants = zip(ValueQuadrant.allCases, totals.quadrants).map { q, s in
                        CLVReport.Quadrant(quadrant: q.name, title: q.title, customers: s.customers, currentValue: s.currentValue.finite,
                                           futureValue: s.futureValue.finite, revenue: s.revenue.finite)
                    }
                }
            }
        }
        // The totals over every customer's prediction, from the partitions' exact sums, and their
        // bootstrap intervals from the per-draw totals added over the partitions (each partition
        // draws the same parameters), as `CLVIntervals` takes them: the draws' quantiles.
        if clv != nil, let sums = totals.clv {
            let settings = config.clv.model.intervals
            func interval(_ draws: [ExactSum]) -> ClosedRange<Double>? { CLVIntervals.interval(of: draws.map(\.value), level: settings.level) }
            let unavailable = settings.draws == 0 ? CLVIntervals.offReason
                : sums.intervalsUnavailable ?? (sums.drawPurchases.isEmpty ? "no customer was predicted" : nil)
            let purchases = unavailable == nil ? interval(sums.drawPurchases) : nil
            let value = unavailable == nil && sums.clvIntervalsUnavailable == nil ? interval(sums.drawCLV) : nil
            clv?.totalPredictedCLV = sums.predictedCLV.value.finite
            clv?.intervals = CLVReport.Intervals(
                draws: settings.draws, level: settings.level, seed: settings.seed, unavailable: unavailable,
                predictedCLVUnavailable: unavailable == nil ? sums.clvIntervalsUnavailable : nil,
                totalExpectedPurchases: sums.expectedPurchases.value.finite, totalExpectedPurchasesLow: purchases?.lowerBound.finite,
                totalExpectedPurchasesHigh: purchases?.upperBound.finite, totalPredictedCLVLow: value?.lowerBound.finite,
                totalPredictedCLVHigh: value?.upperBound.finite)
        }
        let cohorts = cohortTable(statistics)
        var skipped: [RunReport.Skipped] = []
        if case .failure(let error) = cohorts { skipped.append(.init(section: "cohorts", reason: error.description)) }
        skipped += notDistributed.compactMap { section -> RunReport.Skipped? in
            switch section {
            case "churn" where churn != nil:
                return nil
            case "churn" where outputs.contains("churn_model.csv"):
                return .init(section: section, reason: "in a run spread over partitions the churn model is in churn_model.csv and churn_risk.csv; its evaluation on the test customers is not computed yet")
            case "clusters" where clusters?.phase == .done:
                return nil
            case "clusters" where clusters?.phase == .skipped:
                return .init(section: section, reason: clusters?.reason ?? "")
            default:
                return .init(section: section, reason: "not computed yet in a run spread over partitions (scripts/spark-run)")
            }
        }
        let clusterReport = clusters?.phase == .done ? clusters?.report : nil
        let cohortReport = try? cohorts.map(CohortReport.init).get()
        // Value concentration from the merged counts of net value per customer: the monetary
        // column's counts when monetary is each customer's total.
        let concentration = config.rfm.monetary == .total
            ? ConcentrationReport(ValueConcentration(ascendingValues: statistics.rfm.columns[2].keys, counts: statistics.rfm.columns[2].counts))
            : nil
        if concentration == nil {
            skipped.append(.init(section: "concentration", reason: "in a run spread over partitions the value concentration is computed from the monetary counts, which hold each customer's net value only with [rfm] monetary = \"total\""))
        }
        if config.clv.enabled, clv == nil { skipped.append(.init(section: "clv", reason: "the data cannot support the purchase models, or margin = 0")) }
        if s.present, satisfaction == nil {
            skipped.append(.init(section: "satisfaction", reason: "in a run spread over partitions the satisfaction–loyalty analysis is in satisfaction.json"))
        }
        var report = RunReport(
            startedAt: ISO8601DateFormatter().string(from: Date()), settings: settings, inputs: inputs,
            customers: .init(inTransactions: Int(statistics.customers), scored: scored, notYetActive: Int(statistics.customers) - scored,
                             orders: Int(statistics.orders), netRevenue: Double(totals.segments.revenueCents.reduce(0, +)) / 100),
            rfm: .init(ties: config.rfm.ties.rawValue, quantiles: config.rfm.quantiles, segments: segments,
                       customersPerScore: .init(r: totals.r, f: totals.f, m: totals.m)),
            cohorts: cohortReport, clv: clv, clusters: clusterReport, churn: churn, skipped: skipped, timings: [:],
            outputs: ReportStage.inFileOrder(
                outputs + (clv == nil || outputs.contains("clv_model.json") ? [] : ["clv_model.json"])
                + (cohortReport == nil ? [] : ["cohorts.csv"]) + (clusterReport == nil ? [] : ["clusters.csv"])
                + (satisfaction == nil ? [] : ["correlations.csv"])
                + ["segments.csv", "report.json", "report.md", "report.html"]))
        report.concentration = concentration
        report.satisfaction = satisfaction?.report
        report.summary = ReportStage.summary(
            report: report, config: config, scored: scored, active: totals.active, segmentNames: names,
            predictedBySegment: clv == nil ? nil : totals.clv?.segmentPredictedCLV.map(\.value), valueAtRisk: churn == nil ? nil : totals.churn?.valueAtRisk.value,
            topAtRisk: churn == nil ? [] : totals.churn?.top ?? [], clvRan: clv != nil)
        // P(churn) beside P(no purchase within h days), as the single run compares them when both ran.
        if let comparison = churnComparison, let clv, let days = config.clv.model.forecast.noPurchaseDays {
            let model = clv.purchaseModel.flatMap(RepeatPurchaseModelKind.init(rawValue:)) ?? .bgnbd
            report.churn?.noPurchaseComparison = comparison.report(horizonDays: days, model: model, churnWindowWeeks: clv.holdout?.holdoutWeeks)
        }
        report.clvCharts = clvReport?.charts
        // The CLV distribution: the order statistics found with the value matrix's medians, the
        // bins' customers and sums added up by the scoring passes.
        if let clv, clv.gammaGamma != nil, let plan = medians?.distributionPlan, let bins = totals.clvBins, let sums = totals.clv {
            let distribution = CLVDistribution(plan: plan, customers: bins.customers, values: bins.values.map(\.value),
                                               total: sums.predictedCLV.value)
            report.clvCharts = report.clvCharts ?? CLVChartsReport()
            report.clvCharts?.distribution = CLVChartsReport.Distribution(distribution, forecast: config.clv.model.forecast)
        }
        report.settings.rfmFrequencyBreaks = config.rfm.frequencyBreaks
        report.settings.currency = config.report.currency.isEmpty ? nil : config.report.currency
        report.settings.currencyDecimals = config.report.currencyDecimals
        return report
    }

    private static func inputFile(_ role: String, path: String, read: Int64, used: Int64, rejected: [Int64], afterAsOf: Int64?) -> RunReport.InputFile {
        var byReason: [String: Int] = [:]
        for (reason, n) in zip(RejectReason.allCases, rejected) where n > 0 { byReason[reason.rawValue] = Int(n) }
        return RunReport.InputFile(role: role, path: path, rowsRead: Int(read), rowsUsed: Int(used), rowsRejected: Int(rejected.reduce(0, +)),
                                   rejectedByReason: byReason, rowsAfterAsOf: afterAsOf.map(Int.init))
    }

    /// The run's cohort table from the merged counts, or the single run's reason for having none.
    public static func cohortTable(_ statistics: PartitionStatistics) -> Result<CohortTable, CohortError> {
        Result { () throws(CohortError) in try statistics.cohorts.table(asOf: statistics.settings.asOf) }
    }

    /// report.html's charts of a spread run: every section drawn from what the report holds (the
    /// RFM grid from the partitions' totals); the sections not distributed say why.
    static func htmlInput(_ report: RunReport, totals: PartitionTotals) -> HTMLReportInput {
        let notDistributed = "not computed yet in a run spread over partitions (scripts/spark-run)"
        var notRun: [HTMLReportInput.Section: String] = report.clvCharts?.distribution == nil ? [.clvDistribution: notDistributed] : [:]
        if report.churn == nil {
            for section in [HTMLReportInput.Section.roc, .liftGains, .calibration] { notRun[section] = notDistributed }
        }
        if report.satisfaction == nil, report.inputs.contains(where: { $0.role == "interactions" }) {
            notRun[.correlations] = "in a run spread over partitions the satisfaction–loyalty analysis is in satisfaction.json"
            notRun[.satisfactionLoyalty] = notRun[.correlations]
        }
        // The quadrants' customers need every customer's prediction, which the report does not hold.
        let quadrants = report.clv.flatMap { $0.valueMatrix.quadrants.isEmpty ? nil : HTMLReportInput.QuadrantMatrix(valueMatrix: $0.valueMatrix) }
        if report.clv != nil, quadrants == nil { notRun[.valueMatrix] = notDistributed }
        var input = HTMLReportInput(
            rfmGrid: report.customers.scored > 0 ? totals.grid : nil, segments: report.rfm.segments, cohorts: report.cohorts,
            valueMatrix: quadrants,
            holdout: report.clv.flatMap { clv in clv.holdout.map { .init(holdout: $0, calibrationEnd: clv.calibrationEnd) } },
            clusters: report.clusters.map { .init(report: $0) },
            roc: report.churn.flatMap { .init(evaluation: $0.model, baseline: $0.recencyBaseline) },
            liftGains: report.churn.map { .init(evaluation: $0.model) },
            calibration: report.churn.map { .init(evaluation: $0.model) }, notRun: notRun)
        input.correlations = report.satisfaction.flatMap { .init(report: $0) }
        input.satisfactionLoyalty = report.satisfaction.map { .init(report: $0) }
        ReportStage.addFromReport(&input, report: report)
        if report.clv != nil, input.aliveMatrix == nil { input.notRun[.aliveMatrix] = notDistributed }
        return input
    }

    /// Writes segments.csv, cohorts.csv (with a cohorts section), clusters.csv (with a clusters
    /// section), clv_model.json (with a CLV section), correlations.csv (with a satisfaction
    /// section), report.md, report.html and report.json (none may exist) into `folder`.
    public static func write(_ report: RunReport, statistics: PartitionStatistics, totals: PartitionTotals, config: JobConfiguration,
                             into folder: String) throws {
        let policy = CSVCellPolicy(rawCSV: config.rawCSV)
        try PartitionWorker.land(folder + "/segments.csv") {
            try FileSink.write(SegmentsCSVWriter(segments: report.rfm.segments, cellPolicy: policy).bytes(), to: $0)
        }
        if report.cohorts != nil, case .success(let table) = cohortTable(statistics) {
            try PartitionWorker.land(folder + "/cohorts.csv") { try FileSink.write(CohortsCSVWriter(table: table).bytes(), to: $0) }
        }
        if let clusters = report.clusters {
            try PartitionWorker.land(folder + "/clusters.csv") { try FileSink.write(ClustersCSVWriter(report: clusters).bytes(), to: $0) }
        }
        // clv_model.json as the single run writes it: the report's CLV section, now with the value
        // matrix's cells, the totals and their intervals added up over the partitions.
        if let clv = report.clv {
            try PartitionWorker.land(folder + "/clv_model.json") {
                try FileSink.write(try JSONReportWriter.bytes(of: clv, file: "clv_model.json"), to: $0)
            }
        }
        if let satisfaction = report.satisfaction {
            try PartitionWorker.land(folder + "/correlations.csv") {
                try FileSink.write(CorrelationsCSVWriter(report: satisfaction, cellPolicy: policy).bytes(), to: $0)
            }
        }
        try PartitionWorker.land(folder + "/report.md") { try FileSink.write(Array(MarkdownReportWriter(report: report).text().utf8), to: $0) }
        let page = SVGNumber.$currency.withValue(report.settings.moneyFormat) {
            HTMLReportWriter(report: report, input: htmlInput(report, totals: totals)).bytes()
        }
        try PartitionWorker.land(folder + "/report.html") { try FileSink.write(page, to: $0) }
        try PartitionWorker.land(folder + "/report.json") { try FileSink.write(try JSONReportWriter(report: report).bytes(), to: $0) }
    }
}

private extension Double {
    /// The value, or nil when it is not finite (as report.json leaves such figures out).
    var finite: Double? { isFinite ? self : nil }
}
