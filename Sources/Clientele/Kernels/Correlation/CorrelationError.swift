import ClienteleSupport

/// Invalid input to `Correlation.run`; messages quote the numbers and say what to change.
public enum CorrelationError: ClienteleError, Equatable {
    case noVariables
    case lengthMismatch(variable: String, count: Int, expected: Int)
    case duplicateName(String)
    case infiniteValue(variable: String, row: Int, value: Double)
    case unknownGroup(label: Int, groups: Int)
    case invalidConfidenceLevel(Double)
    /// The satisfaction–loyalty analysis found no scored customer with a survey answer.
    case noSurveyAnswers(interactions: Int)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidConfidenceLevel: return .usage
        case .noSurveyAnswers: return .dataError
        default: return .software
        }
    }

    public var description: String {
        switch self {
        case .noVariables:
            return "correlation needs at least one x and one y variable"
        case .lengthMismatch(let v, let count, let expected):
            return "correlation: \(v) has \(count) values, expected \(expected) (one per customer)"
        case .duplicateName(let name):
            return "correlation: variable name \"\(name)\" appears twice on one side; names must be unique"
        case .infiniteValue(let v, let row, let value):
            return "correlation: \(v) row \(row) is \(value); use NaN for a missing value"
        case .unknownGroup(let label, let groups):
            return "correlation: group label \(label) should be < number of group names=\(groups)"
        case .invalidConfidenceLevel(let c):
            return "correlation confidence level = \(c): must be strictly between 0 and 1 (e.g. 0.95)"
        case .noSurveyAnswers(let rows):
            return "none of the \(rows) interactions before as-of carries a satisfaction or recommend answer from a scored customer"
        }
    }
}
