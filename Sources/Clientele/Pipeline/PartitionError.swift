import ClienteleSupport
import ClienteleStats

/// Why a partition worker command could not summarise, read or merge statistics.
public enum PartitionError: ClienteleError, Equatable {
    /// Statistics summarised with different as-of, calibration end or RFM settings.
    case settingsDiffer
    /// A statistics file that is not one, or is cut short, or from another format version.
    case unreadable(path: String, reason: String)
    /// The run's periods must be given: their defaults depend on every partition's rows.
    case missingAsOf
    /// Value-matrix medians handed to `score` before their last pass was merged.
    case incompleteMedians
    /// A step that needs the predictive model on a run without one.
    case noCLVModel
    /// Statistics without the CLV step's pooled rows (`partition merge --omit-clv-rows`) handed
    /// to a step that fits the CLV models.
    case clvRowsOmitted
    /// Statistics whose Gamma-Gamma rows were written in buckets, handed to a step that fits
    /// without asking the buckets.
    case repeatSpendApart

    public var exitStatus: ExitStatus {
        switch self {
        case .settingsDiffer, .missingAsOf, .incompleteMedians, .noCLVModel, .clvRowsOmitted, .repeatSpendApart: return .usage
        case .unreadable: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .settingsDiffer:
            return "the partitions were summarised with different settings (as-of, calibration end, RFM quantiles or monetary); summarise every partition with the same job file and flags"
        case .unreadable(let path, let reason): return "\(path): not a Clientele partition statistics file (\(reason))"
        case .missingAsOf:
            return "partition summarise needs --as-of (and --calibration-end for a holdout): their defaults depend on the last and first transaction of all partitions"
        case .incompleteMedians:
            return "the value-matrix medians are not complete: merge \(PartitionedMedian.passes) passes of partition value-counts with partition value-medians first"
        case .noCLVModel:
            return "this run has no predictive CLV model ([clv] enabled = false, margin 0, or data that cannot support it): there is no value matrix"
        case .repeatSpendApart:
            return "the Gamma-Gamma rows of these statistics are in buckets (partition summarise --repeat-spend-buckets): fit with partition clv --gamma-gamma-passes, which asks the buckets, or give the driver's fit (--clv-fit, --clv-report)"
        case .clvRowsOmitted:
            return "these statistics were written for scoring (partition merge --omit-clv-rows) and cannot fit the CLV models: give the driver's fit with --clv-fit (partition clv --scoring-fit), or the full merged statistics"
        }
    }
}
