import ClienteleSupport

/// Why a churn step of a run spread over machines cannot go on.
public enum PartitionChurnError: ClienteleError, Equatable {
    /// Pass sums computed at different coefficients cannot be added.
    case passesDiffer
    /// `[churn] extra_features` needs per-customer columns that are not distributed yet.
    case extraFeatures(names: [String])

    public var exitStatus: ExitStatus {
        switch self {
        case .passesDiffer: return .dataError
        case .extraFeatures: return .usage
        }
    }

    public var description: String {
        switch self {
        case .passesDiffer:
            return "the churn pass files were computed at different coefficients; merge only the passes of one request"
        case .extraFeatures(let names):
            return "[churn] extra_features (\(names.joined(separator: ", "))) are not distributed yet; run clientele run, or leave them out"
        }
    }
}
