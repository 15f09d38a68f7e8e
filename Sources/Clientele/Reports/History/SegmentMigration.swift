/// How customers moved between segments from one recorded run to another: the migration
/// matrix, the customers who arrived or left, and the valuable customers now at risk.
///
/// Customers are matched by customer_id. `counts[i][j]` is the number of customers in segment
/// `segments[i]` in the previous run and `segments[j]` in the current one, so the diagonal is
/// the customers who stayed; `newCustomers[j]` counts customers present only in the current
/// run, `goneCustomers[i]` those present only in the previous one. Postconditions: row sums
/// plus `goneCustomers` give the previous run's segment sizes; column sums plus `newCustomers`
/// give the current run's.
public struct SegmentMigration: Sendable, Equatable {
    /// Segments whose customers a business most wants to keep: the best R×F cells of the
    /// standard map (Champions, Loyal Customers, Potential Loyalists) and the former best
    /// customers who have gone quiet but bought often (Can't Lose Them — valuable by their
    /// frequency, which is why a move out of it into the other at-risk segments is flagged).
    public static let valuableSegments = ["Champions", "Loyal Customers", "Potential Loyalists", "Can't Lose Them"]
    /// Segments of customers drifting away: low recency with low or middling frequency
    /// (At Risk, Hibernating, About to Sleep), and Lost for segment maps that name it.
    /// Can't Lose Them is deliberately not here: it is in `valuableSegments`.
    public static let atRiskSegments = ["At Risk", "Hibernating", "About to Sleep", "Lost"]

    /// A customer who moved from a valuable segment into an at-risk one.
    public struct Mover: Sendable, Equatable, Codable {
        public var customerID: String
        public var previousSegment: String
        public var currentSegment: String
        /// Monetary value in the previous and the current run.
        public var previousMonetary: Double
        public var monetary: Double
        public var recencyDays: Int
        /// From the current run, when its kernels produced them.
        public var predictedCLV: Double?
        public var churnProbability: Double?
    }

    public var previous: HistoryRunInfo
    public var current: HistoryRunInfo
    /// Row and column labels: the current run's segments in report order, then any others.
    public var segments: [String]
    /// `counts[i][j]`: previous segment `segments[i]` → current segment `segments[j]`.
    public var counts: [[Int]]
    /// Per current segment: customers not in the previous run.
    public var newCustomers: [Int]
    /// Per previous segment: customers not in the current run.
    public var goneCustomers: [Int]
    public var valuableSegments: [String]
    public var atRiskSegments: [String]
    /// Customers from a valuable segment into an at-risk one, in customer_id order.
    public var valuableToAtRisk: [Mover]

    /// Customers in both runs.
    public var matched: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Customers in both runs and in the same segment.
    public var stayed: Int { segments.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// Customers in both runs whose segment changed.
    public var changed: Int { matched - stayed }
    public var previousSizes: [Int] { segments.indices.map { i in counts[i].reduce(0, +) + goneCustomers[i] } }
    public var currentSizes: [Int] { segments.indices.map { j in counts.reduce(0) { $0 + $1[j] } + newCustomers[j] } }
}
