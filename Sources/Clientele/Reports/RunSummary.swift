/// The first screen of the report: the run's answers in a few numbers, then what to do tomorrow —
/// each segment's size, value and recommended action, the customers with the most value at risk,
/// and, with a history, who moved since the previous run. report.html and report.md open with it;
/// report.json carries it under `summary`.
public struct RunSummary: Codable, Sendable {
    /// One RFM segment with its recommended action.
    public struct SegmentAction: Codable, Sendable {
        public var segment: String
        public var customers: Int
        public var share: Double
        /// Net revenue to date (currency units).
        public var revenue: Double
        /// Summed predicted CLV over the horizon; nil when CLV did not run.
        public var predictedValue: Double?
        /// The recommended action; nil when the segment has no default and the job file names none.
        public var action: String?
        /// "default" (`RunSummary.defaultActions`), "job file" (`[rfm.actions]`) or "none".
        public var actionSource: String

        package init(segment: String, customers: Int, share: Double, revenue: Double, predictedValue: Double? = nil, action: String?, actionSource: String) {
            self.segment = segment; self.customers = customers; self.share = share; self.revenue = revenue
            self.predictedValue = predictedValue; self.action = action; self.actionSource = actionSource
        }
    }

    /// One row of churn_risk.csv: the customers with the most value at risk, most first.
    public struct AtRiskCustomer: Codable, Sendable, Equatable {
        /// 1 = the most value at risk (the row's rank in churn_risk.csv).
        public var rank: Int
        public var customerId: String
        public var segment: String?
        public var churnProbability: Double
        /// Predicted CLV, or historical CLV when CLV did not run (churn_risk.csv's predicted_clv).
        public var value: Double
        /// churnProbability × value.
        public var valueAtRisk: Double

        package init(rank: Int, customerId: String, segment: String?, churnProbability: Double, value: Double, valueAtRisk: Double) {
            self.rank = rank; self.customerId = customerId; self.segment = segment
            self.churnProbability = churnProbability; self.value = value; self.valueAtRisk = valueAtRisk
        }
    }

    /// Segment changes since the previous run in the history (`--history`).
    public struct Movers: Codable, Sendable {
        /// Customers from one segment to another.
        public struct Flow: Codable, Sendable, Equatable {
            public var from: String
            public var to: String
            public var customers: Int
            package init(from: String, to: String, customers: Int) { self.from = from; self.to = to; self.customers = customers }
        }

        /// A customer who moved from a valuable segment into an at-risk one
        /// (`SegmentMigration.valuableSegments` → `SegmentMigration.atRiskSegments`).
        public struct MovedDown: Codable, Sendable, Equatable {
            public var customerId: String
            public var from: String
            public var to: String
            /// Predicted CLV when CLV ran, else monetary value (currency units).
            public var value: Double
            package init(customerId: String, from: String, to: String, value: Double) {
                self.customerId = customerId; self.from = from; self.to = to; self.value = value
            }
        }

        public var previousRunId: Int64
        public var previousAsOf: String
        /// Customers scored in both runs.
        public var matched: Int
        /// Of those, customers whose segment changed.
        public var changed: Int
        /// Scored now, not in the previous run.
        public var newCustomers: Int
        /// In the previous run, not scored now.
        public var goneCustomers: Int
        /// The largest flows between two different segments, most customers first (at most `shownFlows`).
        public var flows: [Flow]
        /// Every customer from a valuable into an at-risk segment.
        public var movedDownCustomers: Int
        /// The most valuable of them, most value first (at most the run's `top_at_risk`).
        public var movedDown: [MovedDown]

        package init(previousRunId: Int64, previousAsOf: String, matched: Int, changed: Int, newCustomers: Int, goneCustomers: Int,
                     flows: [Flow], movedDownCustomers: Int, movedDown: [MovedDown]) {
            self.previousRunId = previousRunId; self.previousAsOf = previousAsOf; self.matched = matched; self.changed = changed
            self.newCustomers = newCustomers; self.goneCustomers = goneCustomers; self.flows = flows
            self.movedDownCustomers = movedDownCustomers; self.movedDown = movedDown
        }

        /// The most flows listed.
        public static let shownFlows = 8
    }

    /// Scored customers (customers.csv rows).
    public var customers: Int
    /// Customers with an order in the `activeWindowDays` days before as-of.
    public var activeCustomers: Int
    public var activeShare: Double?
    public var activeWindowDays: Int
    /// Net revenue of the scored customers to date.
    public var netRevenue: Double
    /// Total predicted CLV over `horizonMonths`; nil when CLV did not run.
    public var predictedValue: Double?
    public var predictedValueLow: Double?
    public var predictedValueHigh: Double?
    /// The interval's level (0.9); nil without an interval.
    public var predictedValueLevel: Double?
    public var horizonMonths: Int?
    /// Σ churn probability × value over churn_risk.csv; nil when churn did not run.
    public var valueAtRisk: Double?
    /// What "value" is in the value at risk: "predicted CLV" or "historical CLV".
    public var valueAtRiskBasis: String?
    /// Every segment in report order with its action.
    public var segments: [SegmentAction]
    /// Segment → action, for every segment with one.
    public var actions: [String: String]
    /// `[run] top_at_risk`: the length of `topAtRisk` and `movers.movedDown` at most.
    public var topAtRiskLimit: Int
    /// The first rows of churn_risk.csv; empty when churn did not run.
    public var topAtRisk: [AtRiskCustomer]
    /// nil without `--history` or when the history holds no earlier run.
    public var movers: Movers?

    package init(customers: Int, activeCustomers: Int, activeWindowDays: Int, netRevenue: Double, predictedValue: Double? = nil,
                 predictedValueLow: Double? = nil, predictedValueHigh: Double? = nil, predictedValueLevel: Double? = nil, horizonMonths: Int? = nil,
                 valueAtRisk: Double? = nil, valueAtRiskBasis: String? = nil, segments: [SegmentAction], topAtRiskLimit: Int,
                 topAtRisk: [AtRiskCustomer] = [], movers: Movers? = nil) {
        self.customers = customers; self.activeCustomers = activeCustomers
        self.activeShare = customers > 0 ? Double(activeCustomers) / Double(customers) : nil
        self.activeWindowDays = activeWindowDays; self.netRevenue = netRevenue
        self.predictedValue = predictedValue; self.predictedValueLow = predictedValueLow; self.predictedValueHigh = predictedValueHigh
        self.predictedValueLevel = predictedValueLevel; self.horizonMonths = horizonMonths
        self.valueAtRisk = valueAtRisk; self.valueAtRiskBasis = valueAtRiskBasis
        self.segments = segments
        self.actions = Dictionary(segments.compactMap { s in s.action.map { (s.segment, $0) } }, uniquingKeysWith: { a, _ in a })
        self.topAtRiskLimit = topAtRiskLimit; self.topAtRisk = topAtRisk; self.movers = movers
    }

    /// Days before as-of in which an order makes a customer active.
    public static let activeWindowDays = 90

    /// The default action of each segment of the standard map (docs/definitions.md); `[rfm.actions]`
    /// in the job file replaces any of them or names one for another segment.
    public static let defaultActions: [String: String] = [
        "Champions": "Reward them: early access, loyalty perks; ask for reviews and referrals.",
        "Loyal Customers": "Upsell higher-value products; invite them to the loyalty programme.",
        "Potential Loyalists": "Offer a membership or loyalty programme; recommend related products.",
        "New Customers": "Onboard them: welcome series, first-order support, a reason for a second order.",
        "Promising": "Build the relationship: brand content and a time-limited offer on the next order.",
        "Need Attention": "Reactivate with personalised, limited-time offers based on past purchases.",
        "About to Sleep": "Win them back before they lapse: popular products and a renewal discount.",
        "At Risk": "Send personalised win-back messages; offer renewals and helpful resources.",
        "Can't Lose Them": "Win them back now: personal contact and offers on what they used to buy.",
        "Hibernating": "Low-cost reactivation only: one relevant offer, then let them rest.",
        "Lost": "One revival campaign at most; spend the budget elsewhere.",
    ]

    /// The action of `segment`: the job file's, else the default, else none.
    package static func action(for segment: String, overrides: [String: String]) -> (action: String?, source: String) {
        if let a = overrides[segment] { return (a, "job file") }
        if let a = defaultActions[segment] { return (a, "default") }
        return (nil, "none")
    }
}
