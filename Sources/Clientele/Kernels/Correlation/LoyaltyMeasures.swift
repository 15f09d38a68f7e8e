import ClienteleSupport
import ClienteleStore

/// Per-customer loyalty measures that satisfaction is correlated with (docs/definitions.md),
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
        let holdout = table.holdoutOrders
        let calibration = table.calibration
        // Blocks of customers over the threads, each measure written once.
        let columns = writeOnceColumns(calibration == nil ? 3 : 4, length: n) { out in
            let frequency = out[0], tenure = out[1], rate = out[2]
            activity.frequency.withUnsafeBufferPointer { orders in
                activity.firstDay.withUnsafeBufferPointer { firstDay in
                    parallelRanges(n, size: Correlation.rowBlock) { block in
                        for c in block {
                            guard orders[c] > 0 else { frequency[c] = .nan; tenure[c] = .nan; rate[c] = .nan; continue }
                            let f = Double(orders[c]), days = Double(asOf - firstDay[c])
                            frequency[c] = f
                            tenure[c] = days
                            rate[c] = (f - 1) * Self.repeatRateDays / days  // days ≥ 1: the first order is before as-of
                        }
                        if let calibration {
                            let retained = out[3], holdout = holdout!
                            for c in block { retained[c] = calibration.isActive(c) ? (holdout[c] > 0 ? 1 : 0) : .nan }
                        }
                    }
                }
            }
        }
        frequency = columns[0]
        tenureDays = columns[1]
        repeatRate = columns[2]
        retainedInHoldout = calibration == nil ? nil : columns[3]
    }
}
