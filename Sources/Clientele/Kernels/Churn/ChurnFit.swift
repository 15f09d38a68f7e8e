/// What the churn kernel produced: the model with its summary, its evaluation on the test rows next
/// to the recency-only baseline's, and every current customer's churn probability.
///
/// Immutable; carries the settings that produced it. No field is NaN.
public struct ChurnFit: Sendable {
    /// The logistic regression on all features, fitted on the training rows (`model.terms` are the
    /// rows of `churn_model.csv`).
    public let model: LogisticRegressionFit
    /// The model on the test rows.
    public let evaluation: ChurnEvaluation
    /// Intercept + recency only, same training rows and settings; `nil` (with a note) when it
    /// could not be fitted.
    public let baseline: LogisticRegressionFit?
    public let baselineEvaluation: ChurnEvaluation?
    /// Churn probability of every current customer, and the value-at-risk ranking.
    public let scores: ChurnScores
    /// Feature names in model order.
    public let featureNames: [String]
    /// Labelled customers (an order on or before E) and how many churned.
    public let labelledCustomers: Int
    public let labelledChurners: Int
    /// Rows on each side of the split.
    public let trainingRows: Int
    public let testRows: Int
    /// Fill values of a missing `mean_satisfaction` (labelled rows, current rows), when used.
    public let satisfactionFill: (labelled: Double, current: Double)?
    /// Features left out and why; a baseline that could not be fitted.
    public let notes: [String]
    /// The settings that produced this fit.
    public let settings: Churn

    /// Test AUC of the model minus that of the baseline (0 without a baseline).
    public var aucGain: Double { evaluation.auc - (baselineEvaluation?.auc ?? evaluation.auc) }

    /// Every warning worth a line in the report: the model's, then the notes.
    public var warnings: [String] { model.warnings + notes }
}
