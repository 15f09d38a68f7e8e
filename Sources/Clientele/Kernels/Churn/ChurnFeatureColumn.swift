/// An extra churn feature supplied by the caller: one value per customer id, at two dates.
///
/// `calibration[c]` is customer `c`'s value as of the day after the calibration end (used to fit
/// and evaluate the model); `current[c]` is the same quantity as of the as-of date (used to score).
/// A feature that does not move with time (a sign-up channel, a region code) passes the same array
/// twice with `init(name:values:)`. Both arrays are indexed by customer id (`CustomerIndex`), so
/// their length is the number of customers; values of customers outside the labelled or scored
/// rows are ignored, and every value that is used must be finite.
public struct ChurnFeatureColumn: Sendable, Equatable {
    /// Column name in `churn_model.csv` and the report; must differ from every other feature's.
    public var name: String
    /// Values as of the day after the calibration end, by customer id.
    public var calibration: [Double]
    /// Values as of the as-of date, by customer id.
    public var current: [Double]

    public init(name: String, calibration: [Double], current: [Double]) {
        self.name = name
        self.calibration = calibration
        self.current = current
    }

    /// A feature with the same value at both dates.
    public init(name: String, values: [Double]) {
        self.init(name: name, calibration: values, current: values)
    }
}
