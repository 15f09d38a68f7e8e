import ClienteleSupport
import ClienteleStore

/// Why a customer-lifetime-value model could not be fitted or applied. Each case carries the
/// numbers that explain it and its message says what to do.
public enum CLVError: ClienteleError, Equatable {
    /// No customer has an order on or before the calibration end.
    case emptyCalibration(calibrationEnd: CalendarDay?)
    /// Every calibration customer bought once (x = 0 for all): the BG/NBD dropout process is not
    /// identified and the likelihood has no interior maximum.
    case noRepeatPurchases(customers: Int)
    /// No customer has x > 0 with a positive mean repeat spend: Gamma-Gamma cannot be fitted.
    case noPositiveRepeatSpend(repeatCustomers: Int)
    /// A summary value breaks the model's domain (x ≥ 0 integer, 0 ≤ t_x ≤ T, t_x = 0 when x = 0,
    /// spend > 0 and finite for Gamma-Gamma input).
    case invalidSummary(customer: Int, field: String, value: String, requirement: String)
    /// Array arguments of different lengths.
    case lengthMismatch(name: String, count: Int, expected: Int)
    /// A setting out of range: `horizonMonths=0 should be >= 1`.
    case invalidSetting(name: String, value: String, requirement: String)
    /// No starting point led to a finite likelihood: the data cannot be evaluated by the model.
    case likelihoodNotFinite(model: String, startingPoints: Int)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidSetting: .usage
        case .lengthMismatch, .likelihoodNotFinite: .software
        default: .dataError
        }
    }

    public var description: String {
        switch self {
        case let .emptyCalibration(end):
            if let end {
                return "clv: no customer has an order on or before the calibration end \(end); choose a later --calibration-end"
            }
            return "clv: the calibration summary has no customer"
        case let .noRepeatPurchases(customers):
            return "clv: all \(customers) calibration customers bought exactly once (x = 0), so BG/NBD cannot be fitted; choose a later --calibration-end or use a longer history"
        case let .noPositiveRepeatSpend(repeatCustomers):
            return "clv: none of the \(repeatCustomers) repeat customers has a positive mean repeat order value, so Gamma-Gamma is skipped; predicted CLV needs it"
        case let .invalidSummary(customer, field, value, requirement):
            return "clv: customer \(customer): \(field)=\(value) \(requirement)"
        case let .lengthMismatch(name, count, expected):
            return "clv: \(name) has \(count) values, expected \(expected) (one per customer)"
        case let .invalidSetting(name, value, requirement):
            return "clv: \(name)=\(value) \(requirement)"
        case let .likelihoodNotFinite(model, startingPoints):
            return "clv: the \(model) log-likelihood is not finite at any of \(startingPoints) starting points; check the summary for extreme values"
        }
    }
}
