import Foundation
import Logging
import ClienteleSupport
import ClienteleStore
import ClienteleIngest
import ClienteleKernels
import ClienteleReports

/// What a run knows so far: its settings, the loaded tables and every kernel's result. Each
/// stage fills in its own part; the report stage reads them all.
struct RunState {
    let configuration: JobConfiguration
    let logger: Logger
    let cellPolicy: CSVCellPolicy
    /// Where `OUT.rejects.csv` goes when a file has too many bad rows.
    let rejectsFile: RejectsFile
    let startedAt: String

    var transactions: TransactionLoader.Loaded!
    var interactions: InteractionLoader.Loaded?
    var periods: RunPeriods!
    var table: CustomerTable!
    var rfm: RFMResult!
    var cohorts: CohortTable?
    var clusters: KMeansFit?
    var clv: CLVModelFit?
    var satisfaction: SatisfactionLoyaltyAnalysisResult?
    var churn: ChurnFit?
    var churnRisk: [ChurnRiskRow] = []
    /// Sections left out, each with the reason the report gives.
    var skipped: [RunReport.Skipped] = []
    /// Wall seconds per stage, in report.json's `timings`.
    var timings: [String: Double] = [:]

    init(configuration: JobConfiguration, logger: Logger, rejectsFile: RejectsFile) {
        self.configuration = configuration
        self.logger = logger
        self.cellPolicy = CSVCellPolicy(rawCSV: configuration.rawCSV)
        self.rejectsFile = rejectsFile
        self.startedAt = ISO8601DateFormatter().string(from: Date())
    }

    /// Every rejected row of both files.
    var rejects: [RejectedRow] { transactions.rejects + (interactions?.rejects ?? []) }

    /// Records the wall time of `name` since `start` (and a trace line).
    mutating func lap(_ name: String, since start: ContinuousClock.Instant) {
        let d = ContinuousClock.now - start
        timings[name] = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        trace(name)
    }

    /// Runs `stage` and records its wall time under its name.
    mutating func perform(_ stage: any RunStage) throws {
        let start = ContinuousClock.now
        try stage.run(&self)
        if let name = stage.name { lap(name, since: start) }
    }
}
