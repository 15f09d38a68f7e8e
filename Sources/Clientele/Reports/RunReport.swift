/// Everything in `report.json`: settings, input accounting, per-kernel summaries, timings, versions.
/// The Markdown and HTML writers render the same value, so the reports never disagree.
public struct RunReport: Codable, Sendable {
    public struct Tool: Codable, Sendable {
        public var name = "clientele"
        public var version = ClienteleVersion.current
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
        public var margin: Double
        public var onBadRow: String
        public var maxRejectShare: Double
        public var threads: Int
        public var seed: UInt64
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
    }

    public struct RFM: Codable, Sendable {
        public var ties: String
        public var quantiles: Int
        public var segments: [Segment]
    }

    /// A kernel or section that did not run, and why.
    public struct Skipped: Codable, Sendable {
        public var section: String
        public var reason: String
    }

    public var tool = Tool()
    public var startedAt: String
    public var settings: Settings
    public var inputs: [InputFile]
    public var customers: Customers
    public var rfm: RFM
    /// Predictive CLV (BG/NBD + Gamma-Gamma); nil when it did not run (see `skipped`).
    public var clv: CLVReport?
    /// K-means clusters; nil when they did not run (see `skipped`).
    public var clusters: ClusterReport?
    /// The churn model and its evaluation; nil when it did not run (see `skipped`).
    public var churn: ChurnReport?
    /// Satisfaction against loyalty; nil when it did not run (see `skipped`).
    public var satisfaction: SatisfactionReport?
    public var skipped: [Skipped]
    /// Seconds per stage. The report files hold them as they stood before report.md, report.html
    /// and report.json were written; `Run.Outcome.report` has the final ones, where "reports" covers
    /// every file of the folder and "total" the whole run.
    public var timings: [String: Double]
    public var outputs: [String]
}

/// The version written into every report.
public enum ClienteleVersion {
    public static let current = "0.1.0"
}
