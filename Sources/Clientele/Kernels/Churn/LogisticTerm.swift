/// One row of the logistic-regression summary (`churn_model.csv`: `term, coefficient, std_error,
/// z, p_value, ci_low, ci_high, odds_ratio`).
///
/// The model is fitted on standardised features, so `coefficient` is the change in log-odds per
/// standard deviation of the feature and `oddsRatio` = exp(coefficient) the odds ratio per SD. The
/// same model in raw units has `rawCoefficient` = coefficient / s (per unit of the feature) and
/// `oddsRatioPerUnit` = exp(rawCoefficient). For the intercept, `coefficient` is the log-odds of a
/// customer at the training means and `rawCoefficient` = β₀ − Σⱼ βⱼ x̄ⱼ / sⱼ the log-odds at all
/// features zero, with its standard error from the full covariance. z and p are the same on both
/// scales for a slope.
///
/// - z = coefficient / SE; p = 2 (1 − Φ(|z|)) = erfc(|z| / √2) (two-sided normal);
/// - 95 % interval: coefficient ± z₀.₉₇₅ SE, z₀.₉₇₅ = 1.959963984540054.
/// Every field is finite: an odds ratio saturates at the largest finite double (≈ 1.8e308) for a
/// coefficient above 709.78, a value that only a degenerate fit (with a warning) reaches.
public struct LogisticTerm: Sendable, Hashable {
    /// Feature name, or `LogisticRegression.interceptName`.
    public let name: String
    /// Log-odds change per standard deviation (intercept: log-odds at the means).
    public let coefficient: Double
    public let standardError: Double
    public let z: Double
    public let pValue: Double
    public let ciLow: Double
    public let ciHigh: Double
    /// exp(coefficient): the odds ratio per standard deviation.
    public let oddsRatio: Double
    /// Log-odds change per raw unit (intercept: log-odds at all features zero).
    public let rawCoefficient: Double
    public let rawStandardError: Double
    /// exp(rawCoefficient): the odds ratio per raw unit.
    public let oddsRatioPerUnit: Double
    /// Training mean and population standard deviation of the feature (0 and 1 for the intercept).
    public let mean: Double
    public let standardDeviation: Double

    /// The 0.975 quantile of the standard normal distribution.
    public static let normalQuantile975 = 1.959963984540054
}
