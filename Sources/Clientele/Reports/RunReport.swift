import ClienteleStore

/// Everything in `report.json`: settings, input accounting, per-kernel summaries, timings, versions.
/// The Markdown and HTML writers render the same value, so the reports never disagree.
public struct RunReport: Codable, Sendable {
    public struct Tool: Codable, Sendable {
        public var name = "clientele"
        public var version = ClienteleVersion.current

        package init() {}
    }

    public struct Settings: Codable, Sendable {
        public var transactions: String
        public var interactions: String?
        public var asOf: String
        public var asOfDefaulted: Bool
        /// Last calibration day, inclusive; nil when the history is too short for a holdout.
        public var calibrationEnd: String?
        public var calibrationEndDefaulted: Bool
        public var rfmTies: String
        public var rfmQuantiles: Int
        public var rfmMonetary: String
        /// `[rfm] frequency_breaks` when F is scored from fixed breaks; nil: quantiles with `rfmTies`.
        public var rfmFrequencyBreaks: [Int]? = nil
        public var margin: Double
        public var onBadRow: String
        public var maxRejectShare: Double
        public var threads: Int
        public var seed: UInt64
        /// `[run] currency`: written before every money figure of report.html and report.md; nil: none.
        public var currency: String? = nil
        /// `[run] currency_decimals`: decimals of money figures; nil: 2.
        public var currencyDecimals: Int? = nil

        /// How report.html and report.md write money.
        package var moneyFormat: SVGNumber.Currency { SVGNumber.Currency(symbol: currency ?? "", decimals: currencyDecimals ?? 2) }

        package init(transactions: String, interactions: String? = nil, asOf: String, asOfDefaulted: Bool, calibrationEnd: String? = nil, calibrationEndDefaulted: Bool, rfmTies: String, rfmQuantiles: Int, rfmMonetary: String, margin: Double, onBadRow: String, maxRejectShare: Double, threads: Int, seed: UInt64) {
            self.transactions = transactions
            self.interactions = interactions
            self.asOf = asOf
            self.asOfDefaulted = asOfDefaulted
            self.calibrationEnd = calibrationEnd
            self.calibrationEndDefaulted = calibrationEndDefaulted
            self.rfmTies = rfmTies
            self.rfmQuantiles = rfmQuantiles
            self.rfmMonetary = rfmMonetary
            self.margin = margin
            self.onBadRow = onBadRow
            self.maxRejectShare = maxRejectShare
            self.threads = threads
            self.seed = seed
        }
    }

    public struct InputFile: Codable, Sendable {
        public var role: String
        public var path: String
        public var rowsRead: Int
        public var rowsUsed: Int
        public var rowsRejected: Int
        public var rejectedByReason: [String: Int]
        /// Used transaction rows dated on or after an explicit as-of (counted, left out of the analysis).
        public var rowsAfterAsOf: Int?
        /// Used rows whose customer has no transaction (interactions only).
        public var rowsUnmatchedCustomer: Int?
        public var unmatchedCustomers: Int?
        public var unmatchedCustomerExamples: [String]?
        /// Used rows (of known customers) whose `kind` is none of support, complaint, survey,
        /// marketing, other (interactions only; nil when there were none): they count as `other`.
        public var rowsUnknownKind: Int?
        /// Those rows by kind as written, for the `listedUnknownKinds` kinds with the most rows.
        public var unknownKinds: [String: Int]?
        /// Rows of the unknown kinds not named in `unknownKinds` (nil when every one is named).
        public var unknownKindsUnlistedRows: Int?

        package init(role: String, path: String, rowsRead: Int, rowsUsed: Int, rowsRejected: Int, rejectedByReason: [String: Int], rowsAfterAsOf: Int? = nil, rowsUnmatchedCustomer: Int? = nil, unmatchedCustomers: Int? = nil, unmatchedCustomerExamples: [String]? = nil, rowsUnknownKind: Int? = nil, unknownKinds: [String: Int]? = nil, unknownKindsUnlistedRows: Int? = nil) {
            self.role = role
            self.path = path
            self.rowsRead = rowsRead
            self.rowsUsed = rowsUsed
            self.rowsRejected = rowsRejected
            self.rejectedByReason = rejectedByReason
            self.rowsAfterAsOf = rowsAfterAsOf
            self.rowsUnmatchedCustomer = rowsUnmatchedCustomer
            self.unmatchedCustomers = unmatchedCustomers
            self.unmatchedCustomerExamples = unmatchedCustomerExamples
            self.rowsUnknownKind = rowsUnknownKind
            self.unknownKinds = unknownKinds
            self.unknownKindsUnlistedRows = unknownKindsUnlistedRows
        }

        /// The most unknown kinds `unknownKinds` names.
        public static let listedUnknownKinds = 20

        /// Fills the unknown-kind fields from an interactions file's counts; nothing when there are none.
        public mutating func record(unknownKinds counts: UnknownValueCounts) {
            guard counts.totalRows > 0 else { return }
            let (listed, others) = counts.listed(limit: Self.listedUnknownKinds)
            rowsUnknownKind = counts.totalRows
            unknownKinds = Dictionary(uniqueKeysWithValues: listed.map { ($0.value, $0.rows) })
            unknownKindsUnlistedRows = others > 0 ? others : nil
        }
    }

    public struct Customers: Codable, Sendable {
        /// Distinct customer_id values with at least one used transaction line.
        public var inTransactions: Int
        /// Of those, customers with an order before as-of (the rows of customers.csv).
        public var scored: Int
        /// Customers whose every order is on or after as-of.
        public var notYetActive: Int
        public var orders: Int
        public var netRevenue: Double

        package init(inTransactions: Int, scored: Int, notYetActive: Int, orders: Int, netRevenue: Double) {
            self.inTransactions = inTransactions
            self.scored = scored
            self.notYetActive = notYetActive
            self.orders = orders
            self.netRevenue = netRevenue
        }
    }

    public struct Segment: Codable, Sendable {
        public var segment: String
        public var customers: Int
        public var share: Double
        public var revenue: Double
        public var revenueShare: Double?
        public var meanRecencyDays: Double?
        public var meanFrequency: Double?
        public var meanMonetary: Double?

        package init(segment: String, customers: Int, share: Double, revenue: Double, revenueShare: Double? = nil, meanRecencyDays: Double? = nil, meanFrequency: Double? = nil, meanMonetary: Double? = nil) {
            self.segment = segment
            self.customers = customers
            self.share = share
            self.revenue = revenue
            self.revenueShare = revenueShare
            self.meanRecencyDays = meanRecencyDays
            self.meanFrequency = meanFrequency
            self.meanMonetary = meanMonetary
        }
    }

    public struct RFM: Codable, Sendable {
        public var ties: String
        public var quantiles: Int
        public var segments: [Segment]
        /// How many customers received each R, F and M score; nil in reports written before it existed.
        public var customersPerScore: ScoreCounts? = nil

        package init(ties: String, quantiles: Int, segments: [Segment], customersPerScore: ScoreCounts? = nil) {
            self.ties = ties
            self.quantiles = quantiles
            self.segments = segments
            self.customersPerScore = customersPerScore
        }
    }

    /// Scored customers per score value: element k − 1 of `r`, `f` and `m` counts score k (1…quantiles).
    /// Ties can leave a score with no customer (`ReportWarnings`).
    public struct ScoreCounts: Codable, Sendable, Equatable {
        public var r: [Int]
        public var f: [Int]
        public var m: [Int]

        package init(r: [Int], f: [Int], m: [Int]) {
            self.r = r
            self.f = f
            self.m = m
        }

        /// The counts of `r`, `f` and `m` (one score per customer, each in 1…quantiles).
        package init(r: [UInt8], f: [UInt8], m: [UInt8], quantiles: Int) {
            func counts(_ scores: [UInt8]) -> [Int] {
                var counts = [Int](repeating: 0, count: quantiles)
                for score in scores where score >= 1 && Int(score) <= quantiles { counts[Int(score) - 1] += 1 }
                return counts
            }
            self.init(r: counts(r), f: counts(f), m: counts(m))
        }
    }

    /// A kernel or section that did not run, and why.
    public struct Skipped: Codable, Sendable {
        public var section: String
        public var reason: String

        package init(section: String, reason: String) {
            self.section = section
            self.reason = reason
        }
    }

    public var tool = Tool()
    public var startedAt: String
    /// The first screen: key numbers, actions per segment, top value at risk, movers; nil in
    /// reports written before it existed.
    public var summary: RunSummary? = nil
    public var settings: Settings
    public var inputs: [InputFile]
    public var customers: Customers
    public var rfm: RFM
    /// Cohort retention by first-order month; nil when it did not run (see `skipped`).
    public var cohorts: CohortReport?
    /// Predictive CLV (BG/NBD + Gamma-Gamma); nil when it did not run (see `skipped`).
    public var clv: CLVReport?
    /// K-means clusters; nil when they did not run (see `skipped`).
    public var clusters: ClusterReport?
    /// The churn model and its evaluation; nil when it did not run (see `skipped`).
    public var churn: ChurnReport?
    /// Satisfaction against loyalty; nil when it did not run (see `skipped`).
    public var satisfaction: SatisfactionReport?
    /// How net value is spread over the scored customers (Pareto curve, top shares, Gini, customers
    /// with zero or negative net value); nil in reports written before it existed.
    public var concentration: ConcentrationReport? = nil
    /// The CLV distribution, P(alive) matrix and tracking plot; nil when CLV did not run.
    public var clvCharts: CLVChartsReport? = nil
    public var skipped: [Skipped]
    /// Seconds per stage. The report files hold them as they stood before report.md, report.html
    /// and report.json were written; `Run.Outcome.report` has the final ones, where "reports" covers
    /// every file of the folder and "total" the whole run.
    public var timings: [String: Double]
    public var outputs: [String]
    /// Where the results were also written (`[results]`); nil (absent from report.json) without one.
    public var results: ResultsSink? = nil

    /// The PostgreSQL results sink of a run: the connection without its password, the tables, and
    /// the run id that keys this run's rows (the report folder's token, in its `.clientele-report`).
    public struct ResultsSink: Codable, Sendable {
        public var sink: String
        public var runId: String
        public var schema: String?
        public var customersTable: String
        public var segmentsTable: String
        public var runsTable: String

        package init(sink: String, runId: String, schema: String?, customersTable: String, segmentsTable: String, runsTable: String) {
            self.sink = sink
            self.runId = runId
            self.schema = schema
            self.customersTable = customersTable
            self.segmentsTable = segmentsTable
            self.runsTable = runsTable
        }
    }

    package init(tool: Tool = Tool(), startedAt: String, settings: Settings, inputs: [InputFile], customers: Customers, rfm: RFM, cohorts: CohortReport? = nil, clv: CLVReport? = nil, clusters: ClusterReport? = nil, churn: ChurnReport? = nil, satisfaction: SatisfactionReport? = nil, skipped: [Skipped], timings: [String: Double], outputs: [String]) {
        self.tool = tool
        self.startedAt = startedAt
        self.settings = settings
        self.inputs = inputs
        self.customers = customers
        self.rfm = rfm
        self.cohorts = cohorts
        self.clv = clv
        self.clusters = clusters
        self.churn = churn
        self.satisfaction = satisfaction
        self.skipped = skipped
        self.timings = timings
        self.outputs = outputs
    }
}

/// The version written into every report.
public enum ClienteleVersion {
    public static let current = "0.1.0"
}
