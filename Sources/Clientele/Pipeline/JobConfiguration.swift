import ClienteleSupport
import ClienteleStore
import ClienteleIngest
import ClienteleKernels
import ClienteleReports

/// Everything one run needs to know: inputs, periods, kernel settings, outputs.
///
/// Built from defaults, then a job file (`JobFile`), then command-line flags, each overriding
/// the one before. Validated once by `validate()` before anything is read.
public struct JobConfiguration: Sendable {
    public var transactions: CSVSource?
    public var transactionColumns = TransactionColumns()
    public var interactions: CSVSource?
    /// A step of a run spread over partitions that reads the transactions alone while the run
    /// has interactions (read by other steps): features from the interactions pass the check.
    public var interactionsElsewhere = false
    public var interactionColumns = InteractionColumns()
    /// The report folder, replaced whole by each successful run.
    public var out = "clientele-report"
    /// Analysis date; default the day after the last transaction.
    public var asOf: CalendarDay?
    /// Last day of the calibration period, inclusive (used by the predictive kernels).
    public var calibrationEnd: CalendarDay?
    public var ingest = IngestOptions()
    public var rfm = RFMScorer()
    public var clv = CLVSettings()
    public var clusters = ClusterSettings()
    public var churn = ChurnSettings()
    public var satisfaction = SatisfactionSettings()
    public var seed: UInt64 = 42
    /// SQLite run history to append this run to (`--history DB`), or nil.
    public var history: String?
    /// PostgreSQL tables the results are also written to (`[results]`), or nil.
    public var results: PostgresResultsTarget?
    /// The job file this configuration was read from, if any: the report folder never holds it.
    public var jobFile: String?
    /// Threads; default every core.
    public var threads: Int = defaultThreadCount()
    public var quiet = false
    /// Write CSV cells as they are (`[run] raw_csv`, `--raw-csv`). By default a text cell that a
    /// spreadsheet would run as a formula (one starting with = + - @ tab or CR) gets a leading `'`.
    public var rawCSV = false
    public var format: SummaryFormat = .text
    /// How the report writes money and what it recommends (`[run] currency`, `currency_decimals`,
    /// `top_at_risk`; `[rfm.actions]`).
    public var report = ReportSettings()

    public enum SummaryFormat: String, Sendable, CaseIterable { case text, json }

    public init() {}

    /// Checks what can be checked before reading any file.
    public func validate() throws(ConfigurationError) {
        guard let transactions, !transactions.path.isEmpty else {
            throw .missing("no transactions file: pass --transactions PATH or set [transactions] path in the job file")
        }
        if let interactions, interactions.path == CSVFileScanner.standardInput, transactions.path == CSVFileScanner.standardInput {
            throw .invalid("--transactions - and --interactions -: only one input can be standard input")
        }
        if let interactions, interactions.path == transactions.path {
            throw .invalid("interactions and transactions name the same file \(interactions.path)")
        }
        guard !out.isEmpty else { throw .invalid("--out must name a folder") }
        for (key, path) in [("transactions.path (--transactions)", transactions.path), ("interactions.path (--interactions)", interactions?.path),
                            ("run.out (--out)", out), ("run.history (--history)", history)] {
            guard let path, path.utf8.contains(0) else { continue }
            throw .invalid("\(key) holds a NUL byte; a path cannot contain one")
        }
        guard ingest.maxRejectShare >= 0, ingest.maxRejectShare <= 1 else {
            throw .invalid("max-reject-share = \(ingest.maxRejectShare): must be between 0 and 1")
        }
        try validateNumbers()
        guard (0...6).contains(report.currencyDecimals) else {
            throw .invalid("run.currency_decimals = \(report.currencyDecimals): must be between 0 and 6")
        }
        guard (0...1000).contains(report.topAtRisk) else { throw .invalid("run.top_at_risk = \(report.topAtRisk): must be between 0 and 1000") }
        guard report.currency.unicodeScalars.count <= 8, !report.currency.contains(where: \.isNewline) else {
            throw .invalid("run.currency = \"\(report.currency)\": at most 8 characters on one line, e.g. \"€\" or \"CHF \"")
        }
        guard threads >= 1, threads <= 256 else { throw .invalid("threads = \(threads): must be between 1 and 256") }
        for (key, day) in [("as-of", asOf), ("calibration-end", calibrationEnd)] {
            guard let day, !CalendarDay.representable.contains(day) else { continue }
            throw .invalid("\(key) \(day) is outside 0000-01-01 ... 9999-12-31")
        }
        if let asOf, let calibrationEnd, calibrationEnd >= asOf {
            throw .invalid("calibration-end \(calibrationEnd) must be before as-of \(asOf)")
        }
        if clusters.enabled, interactions == nil, !interactionsElsewhere, let f = clusters.features.features.first(where: { $0.needsInteractions }) {
            throw .invalid("clusters.features: \(f.rawValue) comes from the interactions; pass --interactions or drop it")
        }
        if churn.enabled, interactions == nil, !interactionsElsewhere, let f = churn.extraFeatures.first(where: { $0.needsInteractions }) {
            throw .invalid("churn.features: \(f.rawValue) comes from the interactions; pass --interactions or drop it")
        }
        guard !clusters.features.features.isEmpty else { throw .invalid("clusters.features: name at least one feature") }
        guard rfm.margin.isFinite, rfm.margin >= 0, rfm.margin <= 1 else {
            throw .invalid("margin = \(rfm.margin): the profit share of revenue, between 0 and 1")
        }
        if let breaks = rfm.frequencyBreaks, let why = RFMScorer.frequencyBreaksProblem(breaks, quantiles: rfm.quantiles) {
            throw .invalid("rfm.frequency_breaks = \(breaks): \(why)")
        }
    }
}

extension JobConfiguration {
    /// Every number a job file or flag can set is finite and in its range. NaN passes no
    /// comparison, so a NaN threshold left to the kernels would surface only when the report
    /// is written; each message names the job-file key.
    func validateNumbers() throws(ConfigurationError) {
        func finite(_ key: String, _ value: Double) throws(ConfigurationError) {
            guard value.isFinite else { throw .invalid("\(key) = \(value): must be a finite number") }
        }
        for (key, scale) in [("interactions.satisfaction_scale", interactionColumns.satisfactionScale),
                             ("interactions.recommend_scale", interactionColumns.recommendScale)] {
            guard scale.lowerBound.isFinite, scale.upperBound.isFinite, scale.lowerBound < scale.upperBound else {
                throw .invalid("\(key) = [\(scale.lowerBound), \(scale.upperBound)]: must be [low, high] with finite low < high, e.g. [1, 5]")
            }
        }
        guard churn.testShare > 0, churn.testShare < 1 else {
            throw .invalid("churn.test_share = \(churn.testShare): must be between 0 and 1")
        }
        if let s = satisfaction.satisfiedAtLeast { try finite("satisfaction.satisfied_at_least", s) }
        let matrix = satisfaction.analysis.matrix
        try finite("satisfaction.satisfied_at_least", matrix.satisfiedAtLeast)
        try finite("satisfaction.loyal_at_least", matrix.loyalAtLeast)
        try finite("satisfaction.promoter_at_least", matrix.promoterAtLeast)
        try finite("satisfaction.detractor_at_most", matrix.detractorAtMost)
        guard matrix.detractorAtMost < matrix.promoterAtLeast else {
            throw .invalid("satisfaction.detractor_at_most = \(matrix.detractorAtMost) must be below promoter_at_least = \(matrix.promoterAtLeast)")
        }
        let level = satisfaction.analysis.correlation.confidenceLevel
        guard level > 0, level < 1 else {
            throw .invalid("satisfaction.confidence_level = \(level): must be between 0 and 1 (e.g. 0.95)")
        }
        let rate = clv.model.forecast.monthlyDiscountRate
        guard rate >= 0, rate < 1 else { throw .invalid("clv.monthly_discount_rate = \(rate): must be in [0, 1)") }
        let intervals = clv.model.intervals
        guard intervals.level > 0, intervals.level < 1 else {
            throw .invalid("clv.interval_level = \(intervals.level): must be between 0 and 1 (e.g. 0.9)")
        }
        guard intervals.draws == 0 || (intervals.draws >= 2 && intervals.draws <= 100_000) else {
            throw .invalid("clv.interval_draws = \(intervals.draws): must be 0 (no intervals) or between 2 and 100000")
        }
        if clv.enabled {
            do { try clv.model.purchaseModel.validate() } catch { throw .invalid(error.description) }
        }
    }
}

/// Predictive CLV settings: whether it runs, and the model's configuration (horizon, discount).
/// How the report writes money and what its first screen recommends.
public struct ReportSettings: Sendable, Equatable {
    /// Written before every money figure of report.html and report.md ("€", "$", "CHF "); "": none.
    public var currency = ""
    /// Decimals of money figures in report.html and report.md.
    public var currencyDecimals = 2
    /// Customers listed under "most value at risk" (and valuable customers who moved down).
    public var topAtRisk = 10
    /// Segment name → recommended action (`[rfm.actions]`), replacing `RunSummary.defaultActions`.
    public var actions: [String: String] = [:]

    public init() {}
}

public struct CLVSettings: Sendable {
    public var enabled = true
    public var model = CLVModel()
    public init() {}
}

/// Churn settings: whether it runs, and the share of labelled customers held out for testing.
public struct ChurnSettings: Sendable {
    public var enabled = true
    public var testShare = 0.3
    /// Features added to the defaults (docs/definitions.md: recency, frequency, monetary, tenure, complaints, mean CSAT).
    public var extraFeatures: [ChurnExtraFeature] = []
    public init() {}
}

/// Satisfaction–loyalty settings: whether it runs (it needs an interactions file), the matrix
/// thresholds and the correlation options.
public struct SatisfactionSettings: Sendable {
    public var enabled = true
    public var analysis = SatisfactionLoyaltyAnalysis()
    /// Mean CSAT from which a customer counts as satisfied; nil = three quarters up the
    /// satisfaction scale (4 on the default 1–5 scale: the top-two box).
    public var satisfiedAtLeast: Double?
    public init() {}

    /// The analysis with the satisfied threshold resolved against the interactions' CSAT scale.
    public func resolved(scale: ClosedRange<Double>) -> SatisfactionLoyaltyAnalysis {
        var a = analysis
        a.matrix.satisfiedAtLeast = satisfiedAtLeast ?? scale.lowerBound + 0.75 * (scale.upperBound - scale.lowerBound)
        return a
    }
}

/// K-means settings: whether it runs, and the model (k fixed or chosen by silhouette, restarts).
public struct ClusterSettings: Sendable {
    public var enabled = true
    public var model = KMeans()
    public var features = ClusterFeatureSet()
    public init() {}
}

/// A configuration that cannot run; exit 64 with a message saying what to change, except a job
/// file that is missing or cannot be read: like any input file, exit 66.
public enum ConfigurationError: ClienteleError, Equatable {
    case missing(String)
    case invalid(String)
    case jobFile(path: String, line: Int?, column: Int?, reason: String)
    /// `open` or `read` of the job file failed with `errno` (ENOENT, EACCES, EISDIR, …).
    case unreadableJobFile(path: String, errno: Int32)

    public var exitStatus: ExitStatus {
        if case .unreadableJobFile = self { return .noInput }
        return .usage
    }

    public var description: String {
        switch self {
        case .missing(let text), .invalid(let text): return text
        case .unreadableJobFile(let path, let code):
            let reason = String(cString: strerror(code))
            return code == ENOENT ? "\(path): no such file (\(reason)); check the job file's path"
                                  : "\(path): cannot read the job file: \(reason)"
        case .jobFile(let path, let line, let column, let reason):
            var location = path
            if let line { location += ":\(line)" }
            if let column { location += ":\(column)" }
            return "\(location): \(reason)"
        }
    }
}

/// The number of cores this process may use.
public func defaultThreadCount() -> Int {
    var count = 0
    #if canImport(Glibc)
    count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #endif
    return max(1, count)
}

#if canImport(Glibc)
import Glibc
#endif
