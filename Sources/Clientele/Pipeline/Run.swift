import Foundation
import Logging
import ClienteleSupport
import ClienteleIngest
import ClienteleReports

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

    /// The stages of this run, in order; each decides for itself whether it applies. The cohorts
    /// and clusters need only the RFM scores and the customer table, so they run beside the
    /// purchase models, satisfaction and churn. (The churn fit could too, but its design matrix
    /// beside satisfaction's columns would raise the run's peak memory by a tenth for a few
    /// hundredths of a second.)
    var stages: [any RunStage] {
        [TransactionsStage(), InteractionsStage(source: configuration.interactions), InputCheckStage(), CustomerTableStage(),
         RFMStage(), SideBySideStages(side: [CohortStage(), ClusterStage()], main: [CLVStage(), SatisfactionStage(), ChurnStage()])]
    }

    /// Runs the stages, writes the report into the staged folder, and lands it (with the history);
    /// on a failure `execute()` abandons the staged folder.
    private func execute(into folder: OutputFolder, history: HistoryDatabase?, rejectsFile: RejectsFile) throws -> Outcome {
        let started = ContinuousClock.now
        // Connected before anything is read: a wrong URL or password fails at once (exit 73).
        let sink = try configuration.results.map { target throws(ResultSinkError) in try PostgresResultSink(target: target) }
        var state = RunState(configuration: configuration, logger: logger, rejectsFile: rejectsFile)
        for stage in stages { try state.perform(stage) }
        let start = ContinuousClock.now
        logger.info("writing the report", metadata: ["folder": "\(configuration.out)"])
        // customers.csv is written while the report's sections are put together beside it.
        let finished = state, customersFile = ReportStage.customersFile(state)
        var (_, report) = try beside({ try customersFile.write(folder.path(customersFile.name)) }, { ReportStage.report(finished) })
        // Built once: its customer snapshots give the movers now and are recorded at landing
        // (it reads the settings, inputs, counts and segments, which do not change below).
        let historyRun = try history.map { _ in try ReportStage.historyRun(state, report: report) }
        if let history, let historyRun, let migration = try history.migration(fromLatestTo: historyRun) {
            report.summary?.movers = ReportStage.movers(migration, topAtRisk: configuration.report.topAtRisk)
        }
        let files = ReportStage.dataFiles(state, report: report)  // after customers.csv
        report.outputs = [customersFile.name] + files.map(\.name) + ["report.json", "report.md", "report.html"]
        report.results = configuration.results.map {
            .init(sink: $0.displayName, runId: folder.token, schema: $0.schema, customersTable: $0.customersTable,
                  segmentsTable: $0.segmentsTable, runsTable: $0.runsTable)
        }
        for file in files { try file.write(folder.path(file.name)) }
        state.lap("reports", since: start)
        // The results in PostgreSQL, keyed by the folder's token: copied now in an open
        // transaction, committed just before the folder lands (below).
        let resultsStart = ContinuousClock.now
        let results = try sink.map { sink throws(ResultSinkError) in
            logger.info("writing the results", metadata: ["sink": "\(sink.target.displayName)", "run_id": "\(folder.token)"])
            let pending = try sink.write(runID: folder.token, report: report, customers: ReportStage.customersWriter(state),
                                         reportFolder: OutputFolder.resolve(folder.finalPath))
            state.lap("results", since: resultsStart)
            return pending
        }
        let resultsTime = ContinuousClock.now - resultsStart
        state.lap("total", since: started)
        report.timings = state.timings
        // report.html (its charts) beside report.md and report.json: three serial writers, two cores.
        let written = report, finalState = state
        _ = try beside({
            // Every money figure of the page, notes built here included, carries the run's currency.
            let page = SVGNumber.$currency.withValue(written.settings.moneyFormat) {
                HTMLReportWriter(report: written, input: ReportStage.htmlInput(finalState, report: written)).bytes()
            }
            try FileSink.write(page, to: folder.path("report.html"))
        }, {
            try FileSink.write(Array(MarkdownReportWriter(report: written).text().utf8), to: folder.path("report.md"))
            try FileSink.write(try JSONReportWriter(report: written).bytes(), to: folder.path("report.json"))
        })
        state.lap("reports", since: start + resultsTime)  // files cannot time their own writing: this covers every one (not the results)
        // The results' COMMIT comes last before the folder swap: a failed COMMIT leaves the previous
        // report (and history); a failed swap after it deletes the run's rows again (best effort).
        let land = { () throws in
            try results?.commit()
            do { try folder.commit() } catch {
                results?.retract()
                throw error
            }
        }
        if let history, let historyRun {
            // Committed as pending, the folder swapped in, then completed: report and history
            // land together or not at all (HistoryDatabase.record).
            logger.info("recording the run", metadata: ["history": "\(history.path)"])
            try history.record(historyRun,
                               landing: .init(token: folder.token, folder: folder.finalPath, land: land))
        } else {
            try land()
        }
        rejectsFile.removeStale()  // one from an earlier failed run
        state.lap("total", since: started)
        report.timings = state.timings
        return Outcome(report: report, folder: folder.finalPath)
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
}
