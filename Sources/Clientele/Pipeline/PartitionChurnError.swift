import ClienteleSupport

/// Why a churn step of a run spread over machines cannot go on.
public enum PartitionChurnError: ClienteleError, Equatable {
    /// Pass sums computed at different coefficients cannot be added.
    case passesDiffer
    /// `score --churn-state` with a state that holds no fit.
    case notFitted
    /// Summaries of different candidate features (other job files or flags).
    case candidatesDiffer([String], [String])

    public var exitStatus: ExitStatus {
        switch self {
        case .passesDiffer: return .dataError
        case .candidatesDiffer, .notFitted: return .usage
        }
    }

    public var description: String {
        switch self {
        case .passesDiffer:
            return "the churn pass files were computed at different coefficients; merge only the passes of one request"
        case .notFitted:
            return "the churn state holds no fitted model; give score the state churn-fit wrote with status \"fitted\""
        case .candidatesDiffer(let a, let b):
            return "the churn summaries have different features ([\(a.joined(separator: ", "))] and [\(b.joined(separator: ", "))]); summarise every partition with the same job file and --interactions"
        }
    }
}
