import Foundation
import Logging

/// One run: files → Ingest → Store → Kernels → Reports, with timings and input accounting.
public struct Run: Sendable {
    public var configuration: JobConfiguration
    /// Stage progress at `.info`, data warnings at `.notice` (swift-log; the CLI routes it to stderr).
    public var logger: Logger

    public init(configuration: JobConfiguration, logger: Logger = Logger(label: "clientele", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.configuration = configuration
        self.logger = logger
    }

    /// What a successful run produced.
    public struct Outcome: Sendable {
        public var report: RunReport
        /// The report folder, now in place.
        public var folder: String
    }

    /// Runs the job, logging each stage. Before reading anything it checks that the report folder
    /// may be replaced (`OutputFolder`) and opens the history, so a wrong `--out` or `--history`
    /// fails at once; on any failure the staged report is removed and nothing else is touched.
    public func execute() throws -> Outcome {
        let config = configuration
        try config.validate()
        let protected = [("transactions export", config.transactions?.path), ("interactions export", config.interactions?.path),
                         ("job file", config.jobFile), ("history database", config.history)]
            .compactMap { role, path in path.map { OutputFolder.ProtectedPath(role: role, path: $0) } }
        let folder = try OutputFolder(config.out, protecting: protected)
        do {
            let history = try config.history.map { path throws(HistoryError) in try HistoryDatabase(path: path) }
            // Every parallel loop of the run (kernels, writers, ingest) reads this one setting.
            return try Parallelism.withThreads(config.threads) {
                try execute(into: folder, history: history, rejectsFile: RejectsFile(out: config.out))
            }
        } catch {
            folder.abandon()
            throw error
        }
    }

    private func execute(into folder: OutputFolder, history: HistoryDatabase?, rejectsFile: RejectsFile) throws -> Outcome {
        let config = configuration
        let cellPolicy = CSVCellPolicy(rawCSV: config.rawCSV)
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = ISO8601DateFormatter().string(from: Date())
        var timings: [String: Double] = [:]
        func lap(_ name: String, since: ContinuousClock.Instant) {
            let d = clock.now - since
            timings[name] = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            trace(name)
        }
        var ingest = config.ingest
        ingest.lanes = config.threads
        ingest.excludeFrom = config.asOf

        // Ingest.
        var t = clock.now
        logger.info("reading transactions", metadata: ["path": "\(config.transactions!.path)"])
        let transactions = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns, options: ingest).load()
        lap("ingest_transactions", since: t)
        var interactions: InteractionLoader.Loaded?
        if let source = config.interactions {
            t = clock.now
            logger.info("reading interactions", metadata: ["path": "\(source.path)"])
            interactions = try InteractionLoader(source: source, columns: config.interactionColumns, options: ingest)
                .load(customers: transactions.customers)
            lap("ingest_interactions", since: t)
            if let loaded = interactions, loaded.unknownKinds.totalRows > 0 {
                logger.notice("interaction kinds other than support, complaint, survey, marketing and other count as other; report.json lists them",
                              metadata: ["rows": "\(loaded.unknownKinds.totalRows)"])
            }
            if let loaded = interactions, loaded.orphanRows > 0 {
                logger.notice("interactions of customers with no transaction are counted, not analysed",
                              metadata: ["rows": "\(loaded.orphanRows)", "customers": "\(loaded.orphanCustomers)"])
            }
        }
        let rejects = transactions.rejects + (interactions?.rejects ?? [])
        let rejectsPath = rejectsFile.path
        for accounting in [transactions.accounting] + (interactions.map { [$0.accounting] } ?? []) {
            do {
                try RejectVerdict(accounting: accounting).enforce(ingest, rejectsFile: rejectsPath)
            } catch {
                try? rejectsFile.write(RejectsCSVWriter(rejects: rejects, cellPolicy: cellPolicy).bytes())
                throw error
            }
        }

        guard transactions.customers.count > 0, transactions.accounting.rowsUsed > transactions.accounting.rowsAfterAsOf else {
            if let asOf = config.asOf, transactions.accounting.rowsAfterAsOf > 0 {
                throw IngestError.nothingBeforeAsOf(path: transactions.accounting.path, asOf: asOf)
            }
            try? rejectsFile.write(RejectsCSVWriter(rejects: rejects, cellPolicy: cellPolicy).bytes())
            throw IngestError.noUsableRows(path: transactions.accounting.path, rejected: transactions.accounting.rowsRejected, rejectsFile: rejectsPath)
        }

        // Kernels.
        let firstOrderDay = CalendarDay(daysSinceEpoch: transactions.orders.firstDay.min() ?? transactions.lastDay.daysSinceEpoch)
        let periods = try RunPeriods(asOf: config.asOf, calibrationEnd: config.calibrationEnd,
                                     firstDay: firstOrderDay, lastDay: transactions.lastDay)
        let asOf = periods.asOf
        t = clock.now
        let table = CustomerTable(orders: transactions.orders, interactions: interactions?.table, asOf: asOf,
                                  calibrationEnd: periods.calibrationEnd)
        let activity = table.current
        lap("customer_table", since: t)
        t = clock.now
        logger.info("scoring RFM", metadata: ["customers": "\(transactions.customers.count)", "orders": "\(transactions.orders.count)"])
        let rfm = try config.rfm.run(activity)
        lap("rfm", since: t)
        var skipped = Self.skippedSections(config: config)

        // Clusters: k-means on standardised log recency, frequency and monetary (DESIGN), seeded.
        t = clock.now
        var clusterFit: KMeansFit?
        if config.clusters.enabled {
            logger.info("clustering", metadata: ["k": "\(config.clusters.model.clusters)"])
            var kmeans = config.clusters.model
            kmeans.seed = config.seed
            do {
                let features = try config.clusters.features.matrix(rfm: rfm, activity: activity, interactions: interactions?.table)
                clusterFit = try kmeans.fit(features)
            } catch {
                skipped.append(.init(section: "clusters", reason: error.description))
            }
        } else {
            skipped.append(.init(section: "clusters", reason: "disabled in the job file ([clusters] enabled = false)"))
        }
        lap("clusters", since: t)

        // Predicted value: BG/NBD + Gamma-Gamma fitted on the calibration period, judged on the holdout.
        t = clock.now
        var clvFit: CLVModelFit?
        if config.clv.enabled && config.rfm.margin == 0 {
            skipped.append(.init(section: "clv", reason: "margin = 0: every predicted value would be zero"))
        } else if config.clv.enabled {
            logger.info("fitting BG/NBD and Gamma-Gamma", metadata: ["calibration_end": "\(periods.calibrationEnd?.description ?? "none")"])
            var historical = [Double](repeating: .nan, count: transactions.customers.count)
            var revenue = [Double](repeating: .nan, count: transactions.customers.count)
            for (row, c) in rfm.customers.enumerated() {
                historical[Int(c)] = rfm.historicalCLVCents[row] / 100
                revenue[Int(c)] = Double(rfm.revenueCents[row]) / 100
            }
            var model = config.clv.model
            model.forecast.margin = config.rfm.margin
            do {
                clvFit = try model.fit(table: table, historicalValue: historical, revenue: revenue)
                if let fit = clvFit, !fit.bgnbd.converged {
                    logger.warning("BG/NBD did not converge", metadata: ["reason": "\(fit.bgnbd.stopReason.rawValue)"])
                }
            } catch let error as CLVError where error.exitStatus == .dataError {
                skipped.append(.init(section: "clv", reason: error.description))
                logger.notice("predictive CLV skipped", metadata: ["reason": "\(error.description)"])
            }
            if let reason = periods.calibrationSkipReason {
                skipped.append(.init(section: "holdout validation", reason: reason))
            }
            if let gg = clvFit?.gammaGammaSkipped {
                skipped.append(.init(section: "gamma-gamma", reason: gg.description))
            }
        } else {
            skipped.append(.init(section: "clv", reason: "disabled in the job file ([clv] enabled = false)"))
        }
        lap("clv", since: t)

        // Satisfaction against loyalty: correlations, the Jones & Sasser matrix, NPS.
        t = clock.now
        var satisfaction: SatisfactionLoyaltyAnalysisResult?
        if let loaded = interactions, config.satisfaction.enabled {
            logger.info("relating satisfaction to loyalty", metadata: ["interactions": "\(loaded.table.count)"])
            let input = SatisfactionLoyaltyAnalysis.Input(
                table: table, interactionCount: loaded.table.count, customers: rfm.customers, segment: rfm.segment, segmentNames: config.rfm.segments.names,
                probabilityAlive: clvFit?.predictions.probabilityAlive, predictedCLV: clvFit?.predictions.predictedCLV)
            switch Result(catching: { () throws(CorrelationError) in try config.satisfaction.resolved(scale: config.interactionColumns.satisfactionScale).run(input) }) {
            case .success(let result): satisfaction = result
            case .failure(let error) where error.exitStatus == .dataError:
                skipped.append(.init(section: "satisfaction", reason: error.description))
            case .failure(let error): throw error
            }
        } else if interactions != nil {
            skipped.append(.init(section: "satisfaction", reason: "disabled in the job file ([satisfaction] enabled = false)"))
        }
        lap("satisfaction", since: t)

        // Churn early warning: fitted on the calibration period, judged on held-out customers.
        t = clock.now
        var churnFit: ChurnFit?
        var churnRisk: [ChurnRiskRow] = []
        if !config.churn.enabled {
            skipped.append(.init(section: "churn", reason: "disabled in the job file ([churn] enabled = false)"))
        } else if let end = periods.calibrationEnd {
            logger.info("fitting the churn model", metadata: ["calibration_end": "\(end)"])
            let extra = config.churn.extraFeatures.map { $0.column(table: table) }
            let churn = Churn(features: ChurnFeatures(calibrationEnd: end, asOf: asOf, extraColumns: extra),
                              split: ChurnSplit(testShare: config.churn.testShare, seed: config.seed))
            let outcome = Result { () throws(ChurnError) in
                try Self.churn(churn, table: table, customers: transactions.customers, rfm: rfm, clv: clvFit)
            }
            switch outcome {
            case .success(let result):
                churnFit = result.0
                churnRisk = result.1
            case .failure(let error) where error.exitStatus != .software:
                // The data or the periods cannot support the model: the rest of the report still stands.
                skipped.append(.init(section: "churn", reason: error.description))
            case .failure(let error):
                throw error
            }
        } else {
            skipped.append(.init(section: "churn", reason: periods.calibrationSkipReason ?? "no calibration period"))
        }
        lap("churn", since: t)

        // Reports.
        t = clock.now
        logger.info("writing the report", metadata: ["folder": "\(config.out)"])
        var report = RunReport(
            startedAt: startedAt,
            settings: .init(transactions: config.transactions!.path, interactions: config.interactions?.path, asOf: asOf.description,
                            asOfDefaulted: periods.asOfDefaulted, calibrationEnd: periods.calibrationEnd?.description,
                            calibrationEndDefaulted: periods.calibrationEndDefaulted,
                            rfmTies: config.rfm.ties.rawValue, rfmQuantiles: config.rfm.quantiles, rfmMonetary: config.rfm.monetary.rawValue,
                            margin: config.rfm.margin, onBadRow: config.ingest.onBadRow.rawValue,
                            maxRejectShare: config.ingest.maxRejectShare, threads: config.threads, seed: config.seed),
            inputs: [Self.inputFile("transactions", transactions.accounting)] + (interactions.map { [Self.inputFile("interactions", $0)] } ?? []),
            customers: .init(inTransactions: transactions.customers.count, scored: rfm.count,
                             notYetActive: transactions.customers.count - rfm.count, orders: transactions.orders.count,
                             netRevenue: Double(rfm.revenueCents.reduce(0, +)) / 100),
            rfm: .init(ties: config.rfm.ties.rawValue, quantiles: config.rfm.quantiles, segments: rfm.segmentSummaries.map {
                .init(segment: $0.name, customers: $0.customers, share: $0.share, revenue: Double($0.revenueCents) / 100,
                      revenueShare: $0.revenueShare, meanRecencyDays: $0.meanRecencyDays, meanFrequency: $0.meanFrequency,
                      meanMonetary: $0.meanMonetary)
            }),
            clv: clvFit.map(CLVReport.init),
            clusters: clusterFit.map { ClusterReport($0, features: config.clusters.features.descriptions) },
            churn: churnFit.map { ChurnReport($0, calibrationEnd: periods.calibrationEnd!) },
            satisfaction: satisfaction.map { SatisfactionReport($0, customers: rfm.customers) },
            skipped: skipped,
            timings: [:],
            outputs: ["customers.csv", "segments.csv", "report.json", "report.md", "report.html"] + (clvFit == nil ? [] : ["clv_model.json"])
                + (clusterFit == nil ? [] : ["clusters.csv"]) + (churnFit == nil ? [] : ["churn_model.csv", "churn_risk.csv"])
                + (satisfaction == nil ? [] : ["correlations.csv"])
                + (config.ingest.onBadRow == .skip ? ["rejects.csv"] : []))

        do {
            try CustomersCSVWriter(customers: transactions.customers, activity: activity, rfm: rfm, clusters: clusterFit, clv: clvFit,
                                   satisfaction: satisfaction, churn: churnFit?.scores,
                                   cellPolicy: cellPolicy)
                .write(to: folder.path("customers.csv"))
            if let churn = report.churn {
                try FileSink.write(ChurnModelCSVWriter(report: churn, cellPolicy: cellPolicy).bytes(), to: folder.path("churn_model.csv"))
                try ChurnRiskCSVWriter(rows: churnRisk, customers: transactions.customers, rfm: rfm,
                                       cellPolicy: cellPolicy)
                    .write(to: folder.path("churn_risk.csv"))
            }
            if let satisfaction = report.satisfaction {
                try FileSink.write(CorrelationsCSVWriter(report: satisfaction, cellPolicy: cellPolicy).bytes(), to: folder.path("correlations.csv"))
            }
            if let clusters = report.clusters {
                try FileSink.write(ClustersCSVWriter(report: clusters).bytes(), to: folder.path("clusters.csv"))
            }
            if let clv = report.clv {
                try FileSink.write(try JSONReportWriter.bytes(of: clv, file: "clv_model.json"), to: folder.path("clv_model.json"))
            }
            try FileSink.write(SegmentsCSVWriter(segments: report.rfm.segments, cellPolicy: cellPolicy).bytes(), to: folder.path("segments.csv"))
            if config.ingest.onBadRow == .skip {
                try FileSink.write(RejectsCSVWriter(rejects: rejects, cellPolicy: cellPolicy).bytes(), to: folder.path("rejects.csv"))
            }
            lap("reports", since: t)
            lap("total", since: started)
            report.timings = timings
            try FileSink.write(Array(MarkdownReportWriter(report: report).text().utf8), to: folder.path("report.md"))
            // report.html: every chart whose kernel ran; the others say why not.
            let html = HTMLReportInput(
                rfmGrid: .init(r: rfm.r, f: rfm.f, revenueCents: rfm.revenueCents, quantiles: config.rfm.quantiles),
                segments: report.rfm.segments,
                valueMatrix: report.clv.map { .init(valueMatrix: $0.valueMatrix) },
                holdout: report.clv.flatMap { clv in clv.holdout.map { .init(holdout: $0, calibrationEnd: clv.calibrationEnd) } },
                clusters: report.clusters.map { .init(report: $0) },
                correlations: report.satisfaction.flatMap { .init(report: $0) },
                satisfactionLoyalty: report.satisfaction.map { .init(report: $0) },
                roc: report.churn.flatMap { .init(evaluation: $0.model, baseline: $0.recencyBaseline) },
                liftGains: report.churn.map { .init(evaluation: $0.model) },
                calibration: report.churn.map { .init(evaluation: $0.model) })
            try FileSink.write(HTMLReportWriter(report: report, input: html).bytes(), to: folder.path("report.html"))
            try FileSink.write(try JSONReportWriter(report: report).bytes(), to: folder.path("report.json"))
            // Files cannot time their own writing: the outcome's "reports" covers every file above.
            lap("reports", since: t)
            if let history {
                // The run is committed as pending, the folder swapped in, then the run completed:
                // report and history land together or not at all (HistoryDatabase.record).
                logger.info("recording the run", metadata: ["history": "\(history.path)"])
                var run = try HistoryRun(report: report, rfm: rfm, customers: transactions.customers)
                if let clv = clvFit {  // rows are the scored customers, in rfm order
                    run.customers.predictedCLV = rfm.customers.map { clv.predictions.predictedCLV[Int($0)] }
                }
                if let clusters = clusterFit { run.customers.cluster = clusters.labels.map { $0 + 1 } }
                if let churn = churnFit { run.customers.churnProbability = rfm.customers.map { churn.scores.probability(of: $0) ?? .nan } }
                try history.record(run, landing: .init(token: folder.token, folder: folder.finalPath, land: { try folder.commit() }))
            } else {
                try folder.commit()
            }
            rejectsFile.removeStale()  // one from an earlier failed run
            lap("total", since: started)
            report.timings = timings
        } catch {
            folder.abandon()
            throw error
        }
        return Outcome(report: report, folder: folder.finalPath)
    }

    /// Fits the churn model and ranks current customers by value at risk: predicted CLV, or
    /// historical CLV when the predictive model did not run.
    static func churn(_ churn: Churn, table: CustomerTable, customers: CustomerIndex,
                      rfm: RFMResult, clv: CLVModelFit?) throws(ChurnError) -> (ChurnFit, [ChurnRiskRow]) {
        let fit = try churn.fit(table: table, customers: customers)
        var value = [Double](repeating: 0, count: customers.count)
        for (row, c) in rfm.customers.enumerated() {
            let predicted = clv?.predictions.predictedCLV[Int(c)] ?? .nan
            value[Int(c)] = predicted.isFinite ? predicted : rfm.historicalCLVCents[row] / 100
        }
        return (fit, try fit.scores.riskRanking(values: value))
    }

    static func inputFile(_ role: String, _ a: FileAccounting) -> RunReport.InputFile {
        RunReport.InputFile(role: role, path: a.path, rowsRead: a.rowsRead, rowsUsed: a.rowsUsed, rowsRejected: a.rowsRejected,
                            rejectedByReason: Dictionary(uniqueKeysWithValues: a.rejectedByReason.map { ($0.key.rawValue, $0.value) }),
                            rowsAfterAsOf: a.rowsAfterAsOf)
    }

    static func inputFile(_ role: String, _ loaded: InteractionLoader.Loaded) -> RunReport.InputFile {
        var file = inputFile(role, loaded.accounting)
        file.rowsAfterAsOf = nil
        file.rowsUnmatchedCustomer = loaded.orphanRows
        file.unmatchedCustomers = loaded.orphanCustomers
        file.unmatchedCustomerExamples = loaded.orphanExamples
        file.record(unknownKinds: loaded.unknownKinds)
        return file
    }

    static func skippedSections(config: JobConfiguration) -> [RunReport.Skipped] {
        var skipped: [RunReport.Skipped] = []
        if config.interactions == nil {
            skipped.append(.init(section: "interactions", reason: "no interactions file given; satisfaction, complaints and the satisfaction–loyalty analysis need one"))
        }
        return skipped
    }
}
