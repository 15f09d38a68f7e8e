/// The churn label and features that `ChurnFeatures.run` derives from orders and interactions.
///
/// Two row sets, both in ascending customer id:
/// - **labelled**: customers with an order on or before the calibration end E, with features as
///   of E + 1 and the label `churned` (no order after E and before as-of);
/// - **current**: customers with an order before the as-of date, with the same features as of the
///   as-of date, to be scored for the next period of the same length.
public struct ChurnDataset: Sendable {
    /// Feature names, in column order (defaults first, then extra columns).
    public let featureNames: [String]
    /// Labelled rows (features as of E + 1).
    public let labelled: ChurnFeatureMatrix
    /// Customer id of each labelled row.
    public let labelledCustomers: [Int32]
    /// The label of each labelled row: `true` = churned (no order in the holdout window).
    public let churned: [Bool]
    /// Current rows (features as of the as-of date).
    public let current: ChurnFeatureMatrix
    /// Customer id of each current row.
    public let currentCustomers: [Int32]
    /// The value that filled a missing `mean_satisfaction` (mean of the customers who answered a
    /// survey) in the labelled and the current rows; `nil` when that feature is not used.
    public let satisfactionFill: (labelled: Double, current: Double)?
    /// Default features left out, and why (e.g. no interactions file).
    public let notes: [String]
    /// Number of customers in the index (length of per-customer arrays).
    public let customerCount: Int
    /// The settings that produced this dataset.
    public let settings: ChurnFeatures

    /// Number of labelled customers who churned.
    public var churners: Int { churned.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
