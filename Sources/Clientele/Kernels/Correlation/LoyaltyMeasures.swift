import ClienteleStore

/// Per-customer loyalty measures that satisfaction is correlated with (DESIGN, Correlation),
/// indexed by customer id; NaN where a measure is not defined for the customer.
///
/// - frequency: distinct orders before as-of (the RFM frequency);
/// - tenure_days: as-of − first order date;
/// - repeat_rate: repeat orders per 30 days of tenure, (frequency − 1) · 30 / tenure_days. Unlike
///   the repeat share (frequency − 1) / frequency, which ranks customers exactly as frequency does,
///   it separates a customer who came back twice in a month from one who took three years;
/// - retained_in_holdout: 1 when a customer active by the calibration end E ordered again after E
///   (before as-of), 0 when not; NaN for customers whose first order is after E or without a holdout.
public struct LoyaltyMeasures: Sendable, Equatable {
    public static let repeatRateDays = 30.0

    public let frequency: [Double]
    public let tenureDays: [Double]
    public let repeatRate: [Double]
    /// nil without a calibration period.
    public let retainedInHoldout: [Double]?

    /// Measures from the orders (through a `CustomerTable` of their own).
    /// - Complexity: O(orders + customers).
    public init(activity: CustomerActivity, orders: OrderTable, calibrationEnd: CalendarDay?) {
        self.init(table: CustomerTable(orders: orders, interactions: nil, asOf: activity.asOf, calibrationEnd: calibrationEnd))
    }

    /// Measures from a customer table's current facts and, when it has a calibration period, its
    /// holdout orders.
    /// - Complexity: O(customers).
    public init(table: CustomerTable) {
        let activity = table.current
        let n = activity.count, asOf = activity.asOf.daysSinceEpoch
        var frequency = [Double](repeating: .nan, count: n), tenure = frequency, rate = frequency
        for c in 0..<n where activity.isActive(c) {
            let f = Double(activity.frequency[c]), days = Double(asOf - activity.firstDay[c])
            frequency[c] = f
            tenure[c] = days
            rate[c] = (f - 1) * Self.repeatRateDays / days  // days ≥ 1: the first order is before as-of
        }
        self.frequency = frequency
        tenureDays = tenure
        repeatRate = rate
        retainedInHoldout = table.calibration.map { calibration in
            let holdout = table.holdoutOrders!
            return (0..<n).map { c in calibration.isActive(c) ? (holdout[c] > 0 ? 1 : 0) : .nan }
        }
    }
}
