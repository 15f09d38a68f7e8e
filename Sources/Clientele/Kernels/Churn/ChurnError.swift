import ClienteleSupport
import ClienteleStore

/// Why the churn model could not be built, fitted, evaluated or applied.
///
/// Each case carries the numbers that explain it, and its message says what to change.
/// Exit statuses follow sysexits.h:
/// - **64 (usage)**: a setting is out of range or contradicts another (`invalidSetting`,
///   `emptyHoldout`, `duplicateFeature`): the job file or the flags must change.
/// - **65 (data)**: the data cannot support the model (`noLabelledCustomers`, `singleClass`,
///   `tooFewRows`, `constantFeature`, `nonFiniteFeature`, `perfectSeparation`, `quasiCompleteSeparation`,
///   `collinearFeatures`): the input or the feature list must change.
/// - **70 (software)**: a caller passed arrays of the wrong length or non-finite values, or LAPACK
///   reported an argument error (`lengthMismatch`, `nonFiniteValue`, `lapackFailure`): a bug.
public enum ChurnError: ClienteleError, Equatable {
    /// A setting out of range: `testShare=1.5 should be in (0, 1)`.
    case invalidSetting(name: String, value: String, requirement: String)
    /// The holdout window (E, as-of) has no day: the label cannot be observed.
    case emptyHoldout(calibrationEnd: CalendarDay, asOf: CalendarDay)
    /// Two features share a name (an extra column repeats a default feature or another column).
    case duplicateFeature(name: String)
    /// No customer has an order on or before the calibration end.
    case noLabelledCustomers(calibrationEnd: CalendarDay)
    /// Every row of `part` ("training" or "test") has the same label: the model (or AUC) needs both.
    case singleClass(part: String, rows: Int, churners: Int)
    /// Fewer rows in `part` than the model has parameters (intercept + features), or none at all.
    case tooFewRows(part: String, rows: Int, parameters: Int)
    /// A feature takes one value on every training row: its standard deviation is 0 and its
    /// standardised column would be 0/0.
    case constantFeature(name: String, value: Double)
    /// A feature value is NaN or infinite (extra columns; defaults are always finite).
    case nonFiniteFeature(name: String, row: Int, value: Double)
    /// The training rows are perfectly separated: a linear score classifies every churner and every
    /// retained customer correctly, so the maximum-likelihood estimate does not exist (the
    /// coefficients diverge). `strongest` is the feature with the largest standardised coefficient
    /// when separation was found.
    case perfectSeparation(iterations: Int, strongest: String)
    /// Quasi-complete separation: some training rows are classified perfectly (fitted probabilities
    /// numerically 0 or 1 for `rows` rows) while the information matrix degenerates or the
    /// iterations do not settle, so some coefficients diverge and have no finite estimate.
    case quasiCompleteSeparation(rows: Int, strongest: String)
    /// A feature is (numerically) a linear combination of the intercept and the features before it:
    /// the information matrix is singular. `reciprocalCondition` is LAPACK's estimate (0 when the
    /// Cholesky factorisation itself failed).
    case collinearFeatures(name: String, reciprocalCondition: Double)
    /// An array argument has the wrong length.
    case lengthMismatch(name: String, count: Int, expected: Int)
    /// A caller-supplied value (e.g. a customer value for the risk ranking) is NaN or infinite.
    case nonFiniteValue(name: String, customer: Int, value: Double)
    /// LAPACK reported an illegal argument (`info` < 0) or another failure this code does not expect.
    case lapackFailure(routine: String, info: Int32)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidSetting, .emptyHoldout, .duplicateFeature: .usage
        case .lengthMismatch, .nonFiniteValue, .lapackFailure: .software
        default: .dataError
        }
    }

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, requirement):
            return "churn: \(name)=\(value) \(requirement)"
        case let .emptyHoldout(end, asOf):
            return "churn: calibration end \(end) leaves no holdout day before as-of \(asOf); choose a --calibration-end at least one day before the as-of date"
        case let .duplicateFeature(name):
            return "churn: feature \"\(name)\" is listed twice; give each extra feature a distinct name that is not a default feature"
        case let .noLabelledCustomers(end):
            return "churn: no customer has an order on or before the calibration end \(end); choose a later --calibration-end"
        case let .singleClass(part, rows, churners):
            let which = churners == 0 ? "no churner" : "only churners"
            return "churn: the \(part) rows (\(rows)) contain \(which), so a churn model cannot be fitted or judged; choose a --calibration-end with both returning and lapsed customers, or use more customers"
        case let .tooFewRows(part, rows, parameters):
            if part == "test" {
                return "churn: the test split has \(rows) rows, so the model cannot be judged; use more customers or a larger test share"
            }
            return "churn: \(part) rows=\(rows) should be >= parameters=\(parameters) (intercept + features); use more customers or fewer features"
        case let .constantFeature(name, value):
            return "churn: feature \"\(name)\" is \(value) for every training customer (standard deviation 0); drop it from the churn features"
        case let .nonFiniteFeature(name, row, value):
            return "churn: feature \"\(name)\" is \(value) in row \(row); features must be finite numbers"
        case let .perfectSeparation(iterations, strongest):
            return "churn: the training rows are perfectly separated (found after \(iterations) Newton steps, strongest feature \"\(strongest)\"): the coefficients have no finite maximum-likelihood estimate; drop the feature that gives the label away or set an L2 penalty (churn l2 > 0)"
        case let .quasiCompleteSeparation(rows, strongest):
            return "churn: \(rows) training rows are perfectly classified (quasi-complete separation, strongest feature \"\(strongest)\"): some coefficients have no finite maximum-likelihood estimate; drop or coarsen the feature that gives the label away for those customers, or set an L2 penalty (churn l2 > 0)"
        case let .collinearFeatures(name, rcond):
            return "churn: feature \"\(name)\" is a linear combination of the intercept and the other features (reciprocal condition number \(rcond)); drop it or a feature it duplicates"
        case let .lengthMismatch(name, count, expected):
            return "churn: \(name) has \(count) values, expected \(expected)"
        case let .nonFiniteValue(name, customer, value):
            return "churn: \(name) of customer \(customer) is \(value); values must be finite"
        case let .lapackFailure(routine, info):
            return "churn: LAPACK \(routine) failed with info=\(info)"
        }
    }
}
