import ClienteleStore

/// RFM scores and segments of the active customers, with the settings that produced them.
public struct RFMResult: Sendable {
    public let scorer: RFMScorer
    public let asOf: CalendarDay
    /// Customer ids scored, ascending (so in customer_id order); all other arrays align with it.
    public let customers: [Int32]
    public let recencyDays: [Int32]
    public let frequency: [Int32]
    /// Net revenue (or mean order value, per `scorer.monetary`) in cents.
    public let monetaryCents: [Int64]
    /// Net revenue in cents (equals `monetaryCents` when monetary is the total).
    public let revenueCents: [Int64]
    /// net revenue × margin, rounded to the cent (held as a whole number of cents). Exact while
    /// below 2⁵³ cents in magnitude; always within ±`CentsLimit.largestDouble`, so `Int64(_:)`
    /// takes every value (a total at `CentsLimit.maximum`, as a `Double`, would round up to 2⁶³).
    public let historicalCLVCents: [Double]
    public let r: [UInt8]
    public let f: [UInt8]
    public let m: [UInt8]
    /// Index into `scorer.segments.names`.
    public let segment: [UInt8]

    public var count: Int { customers.count }

    /// Net revenue of all scored customers, in cents: the sum of `revenueCents`.
    ///
    /// Checked arithmetic that cannot trap on loaded data: the customers' totals are sums of
    /// disjoint sets of orders, which the `OrderTable` invariant bounds by ±`CentsLimit.maximum`.
    public var netRevenueCents: Int64 { revenueCents.reduce(0, +) }

    /// One row of `segments.csv`.
    public struct SegmentSummary: Sendable, Equatable {
        public var name: String
        public var customers: Int
        public var share: Double
        public var revenueCents: Int64
        /// Revenue over total net revenue; `nil` when the total is not positive.
        public var revenueShare: Double?
        public var meanRecencyDays: Double?
        public var meanFrequency: Double?
        public var meanMonetary: Double?
    }

    /// Per-segment counts, revenue and means, in the map's report order (empty segments included).
    public var segmentSummaries: [SegmentSummary] { RFMSegmentSums(self).summaries(names: scorer.segments.names) }
}
