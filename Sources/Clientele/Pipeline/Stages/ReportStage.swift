import ClienteleReports

/// The report folder's files: each written by its own writer from the run's results, listed
/// only when its section ran, so that report.json's `outputs` is the list of files written.
struct ReportStage {
    /// One file of the report folder and how to write it.
    struct ReportFile {
        var name: String
        var write: (_ path: String) throws -> Void
    }

    /// The data files of this run after customers.csv (`customersFile`, written while the report
    /// is put together); report.json, report.md and report.html follow them.
    static func dataFiles(_ state: RunState, report: RunReport) -> [ReportFile] {
        let policy = state.cellPolicy, customers = state.transactions.customers, rfm = state.rfm!
        var files = [ReportFile(name: "segments.csv") { try FileSink.write(SegmentsCSVWriter(segments: report.rfm.segments, cellPolicy: policy).bytes(), to: $0) }]
        if let cohorts = state.cohorts {
            files.append(ReportFile(name: "cohorts.csv") { try FileSink.write(CohortsCSVWriter(table: cohorts).bytes(), to: $0) })
        }
        if let clv = report.clv {
            files.append(ReportFile(name: "clv_model.json") { try FileSink.write(try JSONReportWriter.bytes(of: clv, file: "clv_model.json"), to: $0) })
        }
        if let clusters = report.clusters {
            files.append(ReportFile(name: "clusters.csv") { try FileSink.write(ClustersCSVWriter(report: clusters).bytes(), to: $0) })
        }
        if let churn = report.churn {
            files.append(ReportFile(name: "churn_model.csv") { try FileSink.write(ChurnModelCSVWriter(report: churn, cellPolicy: policy).bytes(), to: $0) })
            files.append(ReportFile(name: "churn_risk.csv") { path in
                try ChurnRiskCSVWriter(rows: state.churnRisk, customers: customers, rfm: rfm, cellPolicy: policy).write(to: path)
            })
        }
        if let satisfaction = report.satisfaction {
            files.append(ReportFile(name: "correlations.csv") { try FileSink.write(CorrelationsCSVWriter(report: satisfaction, cellPolicy: policy).bytes(), to: $0) })
        }
        if state.configuration.ingest.onBadRow == .skip {
            files.append(ReportFile(name: "rejects.csv") { try FileSink.write(RejectsCSVWriter(rejects: state.rejects, cellPolicy: policy).bytes(), to: $0) })
        }
        return files
    }

    /// The report folder's files in the order a run lists them (report.json's `outputs`):
    /// customers.csv, the data files in `dataFiles`'s order, then report.json, report.md and
    /// report.html. A run spread over partitions lists its files in this order too.
    static let fileOrder = ["customers.csv", "segments.csv", "cohorts.csv", "clv_model.json", "clusters.csv", "churn_model.csv",
                            "churn_risk.csv", "correlations.csv", "rejects.csv", "report.json", "report.md", "report.html"]

    /// `names` sorted by `fileOrder`: customers.csv written as part files (the folder
    /// `customers`) comes first, a name it does not list comes before report.json, in its place.
    static func inFileOrder(_ names: [String]) -> [String] {
        func rank(_ name: String) -> Int {
            name == "customers" ? 0 : fileOrder.firstIndex(of: name) ?? fileOrder.firstIndex(of: "report.json")! - 1
        }
        return names.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// customers.csv, the largest file: it reads the results but not the report.
    static func customersFile(_ state: RunState) -> ReportFile {
        ReportFile(name: "customers.csv") { path in try customersWriter(state).write(to: path) }
    }

    /// customers.csv's writer; the PostgreSQL results sink writes the same rows.
    static func customersWriter(_ state: RunState) -> CustomersCSVWriter {
        CustomersCSVWriter(customers: state.transactions.customers, activity: state.table.current, rfm: state.rfm, clusters: state.clusters,
                           clv: state.clv, satisfaction: state.satisfaction, churn: state.churn?.scores, cellPolicy: state.cellPolicy)
    }

    /// The run's summary: settings, input accounting, every section's figures (timings come last).
    static func report(_ state: RunState) -> RunReport {
        var report = reportWithoutSummary(state)
        report.settings.currency = state.configuration.report.currency.isEmpty ? nil : state.configuration.report.currency
        report.settings.currencyDecimals = state.configuration.report.currencyDecimals
        report.summary = summary(state, report: report)
        trace("report summary")
        return report
    }

    private static func reportWithoutSummary(_ state: RunState) -> RunReport {
        let config = state.configuration, periods = state.periods!, rfm = state.rfm!, transactions = state.transactions!
        var report = RunReport(
            startedAt: state.startedAt,
            settings: .init(transactions: config.transactions!.path, interactions: config.interactions?.path, asOf: periods.asOf.description,
                            asOfDefaulted: periods.asOfDefaulted, calibrationEnd: periods.calibrationEnd?.description,
                            calibrationEndDefaulted: periods.calibrationEndDefaulted,
                            rfmTies: config.rfm.ties.rawValue, rfmQuantiles: config.rfm.quantiles, rfmMonetary: config.rfm.monetary.rawValue,
                            margin: config.rfm.margin, onBadRow: config.ingest.onBadRow.rawValue,
                            maxRejectShare: config.ingest.maxRejectShare, threads: config.threads, seed: config.seed),
            inputs: [Run.inputFile("transactions", transactions.accounting)] + (state.interactions.map { [Run.inputFile("interactions", $0)] } ?? []),
            customers: .init(inTransactions: transactions.customers.count, scored: rfm.count,
                             notYetActive: transactions.customers.count - rfm.count, orders: transactions.orders.count,
                             netRevenue: Double(rfm.revenueCents.reduce(0, +)) / 100),
            rfm: .init(ties: config.rfm.ties.rawValue, quantiles: config.rfm.quantiles, segments: rfm.segmentSummaries.map {
                .init(segment: $0.name, customers: $0.customers, share: $0.share, revenue: Double($0.revenueCents) / 100,
                      revenueShare: $0.revenueShare, meanRecencyDays: $0.meanRecencyDays, meanFrequency: $0.meanFrequency,
                      meanMonetary: $0.meanMonetary)
            }, customersPerScore: .init(r: rfm.r, f: rfm.f, m: rfm.m, quantiles: config.rfm.quantiles)),
            cohorts: state.cohorts.map(CohortReport.init),
            clv: state.clv.map(CLVReport.init),
            clusters: state.clusters.map { ClusterReport($0, features: config.clusters.features.descriptions) },
            churn: state.churn.map { churn in
                var report = ChurnReport(churn, calibrationEnd: periods.calibrationEnd!)
                report.noPurchaseComparison = noPurchaseComparison(state, churn: churn)
                return report
            },
            satisfaction: state.satisfaction.map { SatisfactionReport($0, customers: rfm.customers) },
            skipped: state.skipped,
            timings: [:],
            outputs: [])
        report.settings.rfmFrequencyBreaks = config.rfm.frequencyBreaks
        trace("report sections")
        report.concentration = concentration(state)
        trace("report concentration")
        report.clvCharts = clvCharts(state)
        trace("report clv charts")
        return report
    }

    /// The churn model's P(churn) beside the purchase model's P(no purchase within h days), when both ran.
    static func noPurchaseComparison(_ state: RunState, churn: ChurnFit) -> ChurnReport.NoPurchaseComparison? {
        guard let clv = state.clv, let days = clv.settings.forecast.noPurchaseDays, !clv.predictions.probabilityNoPurchase.isEmpty,
              let result = ChurnNoPurchaseComparison().run(churn: churn.scores, noPurchase: clv.predictions.probabilityNoPurchase)
        else { return nil }
        let customers = state.transactions.customers
        return ChurnReport.NoPurchaseComparison(result, horizonDays: days, model: clv.selection.chosen,
                                                churnWindowWeeks: clv.validation?.holdoutWeeks, customerID: customers.customerID)
    }

    /// report.html's notes under the value matrix: which model predicts and why, and the totals' intervals.
    static func clvNotes(_ clv: CLVReport) -> [String] {
        var notes = [String]()
        if let s = clv.selection { notes.append("Purchase model: \(s.chosenModel) (criterion: \(s.criterion.split(separator: "_").joined(separator: " "))). \(s.reason).") }
        if let i = clv.intervals {
            let level = SVGNumber.percent(i.level, digits: i.level * 100 == (i.level * 100).rounded() ? 0 : 1)
            if let why = i.unavailable {
                notes.append("No \(level) intervals: \(why).")
            } else {
                if let lo = i.totalExpectedPurchasesLow, let hi = i.totalExpectedPurchasesHigh, let t = i.totalExpectedPurchases {
                    notes.append("Total expected purchases over the horizon: \(SVGNumber.fixed(t, digits: 1, grouping: true)), \(level) interval "
                                 + "\(SVGNumber.fixed(lo, digits: 1, grouping: true)) – \(SVGNumber.fixed(hi, digits: 1, grouping: true)) (parametric bootstrap, \(i.draws) draws).")
                }
                if let why = i.predictedCLVUnavailable {
                    notes.append("Predicted CLV has no interval: \(why).")
                } else if let lo = i.totalPredictedCLVLow, let hi = i.totalPredictedCLVHigh, let t = clv.totalPredictedCLV {
                    notes.append("Total predicted CLV: \(SVGNumber.money(t)), \(level) interval \(SVGNumber.money(lo)) – \(SVGNumber.money(hi)).")
                }
            }
        }
        return notes
    }

    /// report.html's charts: every one whose kernel ran; the others say why not.
    static func htmlInput(_ state: RunState, report: RunReport) -> HTMLReportInput {
        var input = htmlCharts(state, report: report)
        addFromReport(&input, report: report)
        return input
    }

    /// What report.html draws from report.json's figures alone (a run spread over machines too):
    /// the concentration, the CLV charts, the value matrix's notes and the churn comparison.
    static func addFromReport(_ input: inout HTMLReportInput, report: RunReport) {
        input.concentration = report.concentration
        input.clvDistribution = report.clvCharts?.distribution
        input.aliveMatrix = report.clvCharts?.aliveMatrix
        input.tracking = report.clvCharts?.tracking
        if let clv = report.clv { input.sectionNotes[.valueMatrix] = clvNotes(clv) }
        if let x = report.churn?.noPurchaseComparison {
            input.sectionNotes[.calibration] = [x.note, "Over \(SVGNumber.grouped(x.customers)) customers: Pearson r = "
                + (x.pearsonR.map { SVGNumber.fixed($0, digits: 3) } ?? "—") + "."]
            input.noPurchaseComparison = x
        }
    }

    private static func htmlCharts(_ state: RunState, report: RunReport) -> HTMLReportInput {
        let rfm = state.rfm!
        return HTMLReportInput(
            rfmGrid: .init(r: rfm.r, f: rfm.f, revenueCents: rfm.revenueCents, quantiles: state.configuration.rfm.quantiles),
            segments: report.rfm.segments,
            cohorts: report.cohorts,
            valueMatrix: report.clv.map { .init(valueMatrix: $0.valueMatrix) },
            holdout: report.clv.flatMap { clv in clv.holdout.map { .init(holdout: $0, calibrationEnd: clv.calibrationEnd) } },
            clusters: report.clusters.map { .init(report: $0) },
            correlations: report.satisfaction.flatMap { .init(report: $0) },
            satisfactionLoyalty: report.satisfaction.map { .init(report: $0) },
            roc: report.churn.flatMap { .init(evaluation: $0.model, baseline: $0.recencyBaseline) },
            liftGains: report.churn.map { .init(evaluation: $0.model) },
            calibration: report.churn.map { .init(evaluation: $0.model) })
    }

    /// The run's history row: its report, segments and per-customer scores (rows in RFM order).
    static func historyRun(_ state: RunState, report: RunReport) throws -> HistoryRun {
        let rfm = state.rfm!
        var run = try HistoryRun(report: report, rfm: rfm, customers: state.transactions.customers)
        if let clv = state.clv { run.customers.predictedCLV = rfm.customers.map { clv.predictions.predictedCLV[Int($0)] } }
        if let clusters = state.clusters { run.customers.cluster = clusters.labels.map { $0 + 1 } }
        if let churn = state.churn { run.customers.churnProbability = rfm.customers.map { churn.scores.probability(of: $0) ?? .nan } }
        return run
    }
}
