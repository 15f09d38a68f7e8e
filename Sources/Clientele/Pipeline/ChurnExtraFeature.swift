import ClienteleStore
import ClienteleKernels

/// A churn feature beyond the defaults, chosen in the job file (`[churn] features`): each is
/// measured twice, as of the day after the calibration end (fit and evaluation) and as of as-of
/// (scoring), from the orders and interactions dated before that day (docs/definitions.md).
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

    /// The feature's values by customer id at both dates, from the orders and interactions
    /// (through a `CustomerTable` of their own).
    func column(orders: OrderTable, interactions: InteractionTable?, calibrationEnd: CalendarDay, asOf: CalendarDay) -> ChurnFeatureColumn {
        column(table: CustomerTable(orders: orders, interactions: interactions, asOf: asOf, calibrationEnd: calibrationEnd))
    }

    /// The feature's values by customer id at both dates: the day after the table's calibration
    /// end and its as-of date.
    /// - Precondition: the table has a calibration period.
    func column(table: CustomerTable) -> ChurnFeatureColumn {
        guard let calibration = table.calibration else { preconditionFailure("churn features need a calibration period") }
        return ChurnFeatureColumn(name: rawValue,
                                  calibration: values(calibration, contacts: table.calibrationContacts),
                                  current: values(table.current, contacts: table.currentContacts))
    }

    /// Values as of `facts.asOf` (exclusive) for every customer id; customers without an order
    /// before that day get 0 (they are neither labelled nor scored at that date).
    func values(_ facts: CustomerActivity, contacts: CustomerContacts?) -> [Double] {
        let n = facts.count, day = facts.asOf.daysSinceEpoch
        switch self {
        case .meanOrderValue:
            return (0..<n).map { c in facts.isActive(c) ? Double(facts.netCents[c]) / 100 / Double(facts.frequency[c]) : 0 }
        case .repeatRate:
            return (0..<n).map { c in
                facts.isActive(c) ? Double(facts.frequency[c] - 1) * LoyaltyMeasures.repeatRateDays / Double(day - facts.firstDay[c]) : 0
            }
        case .supportContacts:
            return contacts.map { $0.supportContacts.map(Double.init) } ?? [Double](repeating: 0, count: n)
        case .interactions:
            return contacts.map { $0.interactions.map(Double.init) } ?? [Double](repeating: 0, count: n)
        case .meanRecommend:
            guard let contacts else { return [Double](repeating: 0, count: n) }
            // Fill: the mean over the customers active by `day` who answered.
            var total = 0.0, present = 0
            for c in 0..<n where contacts.recommendAnswers[c] > 0 && facts.isActive(c) {
                total += contacts.recommendSum[c] / Double(contacts.recommendAnswers[c]); present += 1
            }
            let fill = present > 0 ? total / Double(present) : 0
            return (0..<n).map { contacts.recommendAnswers[$0] > 0 ? contacts.recommendSum[$0] / Double(contacts.recommendAnswers[$0]) : fill }
        }
    }
}
