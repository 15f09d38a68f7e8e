/// A churn feature beyond the defaults, chosen in the job file (`[churn] features`): each is
/// measured twice, as of the day after the calibration end (fit and evaluation) and as of as-of
/// (scoring), from the orders and interactions dated before that day (DESIGN, Definitions).
public enum ChurnExtraFeature: String, Sendable, CaseIterable {
    /// Net revenue per order.
    case meanOrderValue = "mean_order_value"
    /// Repeat orders per 30 days since the first order.
    case repeatRate = "repeat_rate"
    /// Mean likelihood-to-recommend answer; customers without one get the mean of those with one.
    case meanRecommend = "mean_recommend"
    /// Support contacts.
    case supportContacts = "support_contacts"
    /// Interactions of any kind.
    case interactions

    public var needsInteractions: Bool {
        switch self {
        case .meanRecommend, .supportContacts, .interactions: return true
        case .meanOrderValue, .repeatRate: return false
        }
    }

    /// The feature's values by customer id at both dates.
    func column(orders: OrderTable, interactions: InteractionTable?, calibrationEnd: CalendarDay, asOf: CalendarDay) -> ChurnFeatureColumn {
        ChurnFeatureColumn(name: rawValue,
                           calibration: values(before: calibrationEnd.daysSinceEpoch + 1, orders: orders, interactions: interactions),
                           current: values(before: asOf.daysSinceEpoch, orders: orders, interactions: interactions))
    }

    /// Values as of `day` (exclusive) for every customer id; customers without an order before
    /// `day` get 0 (they are neither labelled nor scored at that date).
    func values(before day: Int32, orders: OrderTable, interactions: InteractionTable?) -> [Double] {
        let n = orders.customerCount
        switch self {
        case .meanOrderValue, .repeatRate:
            return (0..<n).map { c in
                var count = 0, cents: Int64 = 0, first = Int32.max
                for o in orders.orders(of: c) where orders.firstDay[o] < day {
                    count += 1; cents += orders.netCents[o]; first = min(first, orders.firstDay[o])
                }
                guard count > 0 else { return 0 }
                return self == .meanOrderValue
                    ? Double(cents) / 100 / Double(count)
                    : Double(count - 1) * LoyaltyMeasures.repeatRateDays / Double(day - first)
            }
        case .supportContacts, .interactions:
            var counts = [Double](repeating: 0, count: n)
            if let t = interactions {
                for i in 0..<t.count where t.day[i] < day && (self == .interactions || t.kind[i] == .support) {
                    counts[Int(t.customer[i])] += 1
                }
            }
            return counts
        case .meanRecommend:
            var sum = [Double](repeating: 0, count: n), answers = [Int](repeating: 0, count: n)
            if let t = interactions {
                for i in 0..<t.count where t.day[i] < day && !t.recommend[i].isNaN {
                    sum[Int(t.customer[i])] += Double(t.recommend[i]); answers[Int(t.customer[i])] += 1
                }
            }
            // Fill: the mean over the customers active by `day` who answered.
            var total = 0.0, present = 0
            for c in 0..<n where answers[c] > 0 && orders.orders(of: c).contains(where: { orders.firstDay[$0] < day }) {
                total += sum[c] / Double(answers[c]); present += 1
            }
            let fill = present > 0 ? total / Double(present) : 0
            return (0..<n).map { answers[$0] > 0 ? sum[$0] / Double(answers[$0]) : fill }
        }
    }
}
