import ClienteleStats

/// A fitted BG/NBD model: estimates, their uncertainty, and how the fit went.
///
/// Immutable; carries the settings that produced it. Predictions are in
/// `BGNBDFit+Predictions.swift`.
public struct BGNBDFit: Sendable, Codable {
    /// Maximum-likelihood estimates of (r, α, a, b); α in weeks (the summary's unit).
    public let parameters: BGNBDParameters
    /// Covariance of (r, α, a, b) from the observed information matrix; `nil` when that matrix
    /// is not positive definite at the reported point (see `converged`).
    public let covariance: [[Double]]?
    /// Σ over customers of ln L(r, α, a, b | x, t_x, T) at the estimates, times in weeks
    /// (FHL 2005 eq. 7). lifetimes stores minus the mean on its internally scaled time; the two
    /// differ by Σ x · ln(scale) / W and the factor −W.
    public let logLikelihood: Double
    /// BFGS iterations and likelihood evaluations of the accepted run.
    public let iterations: Int
    public let evaluations: Int
    /// Why the optimiser stopped.
    public let stopReason: BFGSMinimizer.StopReason
    /// ‖∇‖∞ of the mean negative log-likelihood over log-parameters at the estimates.
    public let gradientNorm: Double
    /// Starting points tried (1 when the first converged).
    public let attempts: Int
    /// Why each earlier starting point was set aside (empty when the first converged).
    public let rejectedAttempts: [BFGSMinimizer.StopReason]
    /// Customers (total weight) and repeat customers (x > 0) fitted; distinct patterns.
    public let customers: Double
    public let repeatCustomers: Double
    public let patterns: Int
    /// The internal time scale, 1 / max T.
    public let timeScale: Double
    /// The settings that produced this fit.
    public let settings: BGNBD

    /// Whether the optimiser met its convergence criteria. A fit that did not converge is still
    /// returned, so that callers can report it rather than hide it.
    public var converged: Bool { stopReason.isConvergence }

    /// Standard errors of (r, α, a, b): square roots of the covariance diagonal.
    public var standardErrors: BGNBDParameters? {
        guard let c = covariance else { return nil }
        return BGNBDParameters(r: c[0][0].squareRoot(), alpha: c[1][1].squareRoot(),
                               a: c[2][2].squareRoot(), b: c[3][3].squareRoot())
    }
}
