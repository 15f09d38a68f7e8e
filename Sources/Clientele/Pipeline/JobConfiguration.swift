/// Everything one run needs to know: inputs, periods, kernel settings, outputs.
///
/// Built from defaults, then a job file (`JobFile`), then command-line flags, each overriding
/// the one before. Validated once by `validate()` before anything is read.
public struct JobConfiguration: Sendable {
    public var transactions: CSVSource?
    public var transactionColumns = TransactionColumns()
    public var interactions: CSVSource?
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
    /// The job file this configuration was read from, if any: the report folder never holds it.
    public var jobFile: String?
    /// Threads; default every core.
    public var threads: Int = defaultThreadCount()
    public var quiet = false
    public var format: SummaryFormat = .text

    public enum SummaryFormat: String, Sendable, CaseIterable { case text, json }

    public init() {}

    /// Checks what can be checked before reading any file.
    public func validate() throws(ConfigurationError) {
        guard let transactions, !transactions.path.isEmpty else {
            throw .missing("no transactions file: pass --transactions PATH or set [transactions] path in the job file")
        }
        if let interactions, interactions.path == transactions.path {
            throw .invalid("interactions and transactions name the same file \(interactions.path)")
        }
        guard !out.isEmpty else { throw .invalid("--out must name a folder") }
        guard ingest.maxRejectShare >= 0, ingest.maxRejectShare <= 1 else {
            throw .invalid("max-reject-share = \(ingest.maxRejectShare): must be between 0 and 1")
        }
        guard threads >= 1, threads <= 256 else { throw .invalid("threads = \(threads): must be between 1 and 256") }
        if let asOf, let calibrationEnd, calibrationEnd >= asOf {
            throw .invalid("calibration-end \(calibrationEnd) must be before as-of \(asOf)")
        }
        if clusters.enabled, interactions == nil, let f = clusters.features.features.first(where: { $0.needsInteractions }) {
            throw .invalid("clusters.features: \(f.rawValue) comes from the interactions; pass --interactions or drop it")
        }
        if churn.enabled, interactions == nil, let f = churn.extraFeatures.first(where: { $0.needsInteractions }) {
            throw .invalid("churn.features: \(f.rawValue) comes from the interactions; pass --interactions or drop it")
        }
        guard !clusters.features.features.isEmpty else { throw .invalid("clusters.features: name at least one feature") }
        guard rfm.margin.isFinite, rfm.margin >= 0, rfm.margin <= 1 else {
            throw .invalid("margin = \(rfm.margin): the profit share of revenue, between 0 and 1")
        }
    }
}

/// Predictive CLV settings: whether it runs, and the model's configuration (horizon, discount).
public struct CLVSettings: Sendable {
    public var enabled = true
    public var model = CLVModel()
    public init() {}
}

/// Churn settings: whether it runs, and the share of labelled customers held out for testing.
public struct ChurnSettings: Sendable {
    public var enabled = true
    public var testShare = 0.3
    /// Features added to the defaults (DESIGN: recency, frequency, monetary, tenure, complaints, mean CSAT).
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

/// A configuration that cannot run; exit 64 with a message saying what to change.
public enum ConfigurationError: ClienteleError, Equatable {
    case missing(String)
    case invalid(String)
    case jobFile(path: String, line: Int?, column: Int?, reason: String)

    public var exitStatus: ExitStatus { .usage }

    public var description: String {
        switch self {
        case .missing(let text), .invalid(let text): return text
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
