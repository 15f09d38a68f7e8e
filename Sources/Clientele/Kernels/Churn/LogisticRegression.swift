import Foundation

/// Binary logistic regression fitted by Newton's method (iteratively reweighted least squares),
/// with standardised features and an optional L2 penalty that never touches the intercept.
///
/// Model: P(y = 1 | x) = σ(β₀ + Σⱼ βⱼ zⱼ), zⱼ = (xⱼ − x̄ⱼ) / sⱼ, where x̄ⱼ and sⱼ are the training
/// rows' mean and population standard deviation, σ(t) = 1 / (1 + e^−t). The fit maximises
///
///     ℓ(β) − (λ/2) Σⱼ≥₁ βⱼ²,   ℓ(β) = Σᵢ [yᵢ ηᵢ − log(1 + e^ηᵢ)],
///
/// (λ = `l2Penalty`; scikit-learn's `C` is 1/λ on the same standardised design). Each iteration
/// forms the gradient Zᵀ(y − p) − λβ̃ and the information H = ZᵀWZ + λĨ (W = diag p(1 − p); BLAS
/// `dsyrk` in blocks over both cores, `LogisticPass`), solves H δ = ∇ by Cholesky (LAPACK
/// `dpotrf`/`dpotrs`) and halves the step until the penalised log-likelihood does not fall
/// (McCullagh & Nelder 1989, §4.4; Boyd & Vandenberghe 2004, §9.5).
///
/// **Convergence**: the Newton decrement λ² = ∇ᵀH⁻¹∇, twice the predicted gain of a full step,
/// satisfies λ² / (2n) ≤ `tolerance` (default 1e-20: standardised coefficients within about 1e-10
/// of the optimum); that last step is then taken as well, which by Newton's quadratic convergence
/// leaves the estimates at rounding level, and the summary is computed at the new iterate. The
/// log-likelihood change of the last step is reported too. Standard errors
/// are the square roots of diag(H⁻¹) at the estimates (`dpotri`): the Wald standard errors that
/// statsmodels' `Logit` reports when λ = 0; with λ > 0 they are the inverse of the penalised
/// information, a ridge approximation.
///
/// **What is said plainly**:
/// - perfect (complete) separation, i.e. some iterate classifies every training row strictly
///   correctly, so the likelihood has no maximum: `ChurnError.perfectSeparation` (exit 65);
///   quasi-complete separation, i.e. fitted probabilities numerically 0 or 1 (|η| > 36) while the
///   information matrix becomes singular or the iterations do not settle:
///   `ChurnError.quasiCompleteSeparation` (65). Both only without penalty (a penalised fit always
///   exists);
/// - a constant feature, one class only, fewer rows than parameters, non-finite values, a feature
///   that is a linear combination of others: typed errors (exit 65);
/// - non-convergence (iteration limit, or no step improves the objective before the decrement is
///   at rounding level): returned, with `converged == false` and a warning, so that the report can
///   show it;
/// - fitted probabilities numerically 0 or 1 in an otherwise well-determined fit (extreme feature
///   values) and an ill-conditioned information matrix (LAPACK `dpocon` estimate of κ₁(H) above
///   `conditionWarning`): warnings.
///
/// The initialiser only stores settings; `fit` validates them and the data.
public struct LogisticRegression: Sendable, Hashable {
    /// λ ≥ 0, the L2 penalty on the standardised slopes (never on the intercept). Default 0.
    public var l2Penalty: Double
    /// Newton steps at most (≥ 1). Default 50 (statsmodels: 35; Newton needs about 6–10).
    public var maxIterations: Int
    /// Convergence threshold on λ² / (2n), > 0. Default 1e-20.
    public var tolerance: Double
    /// Step halvings per iteration before giving up (≥ 0). Default 30.
    public var maxStepHalvings: Int
    /// κ₁(H) above which the fit carries an ill-conditioning warning (> 1). Default 1e6, i.e. a
    /// condition number of √W·Z above 1000.
    public var conditionWarning: Double

    public init(l2Penalty: Double = 0, maxIterations: Int = 50, tolerance: Double = 1e-20, maxStepHalvings: Int = 30,
                conditionWarning: Double = 1e6) {
        self.l2Penalty = l2Penalty
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.maxStepHalvings = maxStepHalvings
        self.conditionWarning = conditionWarning
    }

    /// The name of the intercept term in summaries and `churn_model.csv`.
    public static let interceptName = "intercept"

    /// Reciprocal condition numbers below this mean the information matrix is singular to working
    /// precision: a collinear feature, reported as an error.
    public static let singularReciprocalCondition = 1e-13

    /// Why the Newton iterations stopped.
    public enum StopReason: String, Sendable, Hashable, Codable {
        /// λ² / (2n) ≤ tolerance, or no step could improve an objective already within rounding.
        case converged
        /// `maxIterations` steps were taken without convergence.
        case maxIterations
        /// No halved step improved the objective while the decrement was still above rounding level.
        case noImprovement

        public var isConvergence: Bool { self == .converged }
    }

    /// Checks every setting.
    /// - Throws: `ChurnError.invalidSetting` (exit 64) naming the first bad one.
    public func validate() throws(ChurnError) {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws(ChurnError) {
            if !ok { throw .invalidSetting(name: name, value: "\(value)", requirement: requirement) }
        }
        try check(l2Penalty >= 0 && l2Penalty.isFinite, "l2Penalty", l2Penalty, "should be a finite number >= 0")
        try check(maxIterations >= 1, "maxIterations", maxIterations, "should be >= 1")
        try check(tolerance > 0 && tolerance.isFinite, "tolerance", tolerance, "should be a finite number > 0")
        try check(maxStepHalvings >= 0, "maxStepHalvings", maxStepHalvings, "should be >= 0")
        try check(conditionWarning > 1 && conditionWarning.isFinite, "conditionWarning", conditionWarning, "should be a finite number > 1")
    }
}
