extension MBGNBD {
    /// The MBG/NBD log-likelihood of the patterns, Σ weight · ln L, in the data's time unit:
    ///
    ///     L(r, α, a, b | x, t_x, T) = B(a, b + x + 1)/B(a, b) · Γ(r + x) αʳ / (Γ(r) (α + T)^{r+x})
    ///                                + B(a + 1, b + x)/B(a, b) · Γ(r + x) αʳ / (Γ(r) (α + t_x)^{r+x})
    ///
    /// (Batislam, Denizel & Filiztekin 2007; lifetimes' `ModifiedBetaGeoFitter._negative_log_likelihood`,
    /// which returns minus the mean). BG/NBD's eq. 6 with b + x − 1 → b + x and the second term
    /// present for x = 0 too, evaluated by the same log-sum-exp (`BGNBDLikelihood` with `modified`).
    /// - Returns: the sum, or NaN for parameters that are not all finite and > 0.
    /// - Complexity: O(patterns + distinct x, t_x, T values).
    public static func logLikelihood(_ parameters: MBGNBDParameters, _ patterns: CalibrationPatterns) -> Double {
        BGNBDLikelihood(patterns: patterns, timeScale: 1, modified: true).evaluate(parameters.bgnbd, gradient: false).value
    }

    /// ∂/∂(r, α, a, b) of `logLikelihood` (analytic).
    public static func logLikelihoodGradient(_ parameters: MBGNBDParameters, _ patterns: CalibrationPatterns) -> [Double] {
        BGNBDLikelihood(patterns: patterns, timeScale: 1, modified: true).evaluate(parameters.bgnbd, gradient: true).gradient
    }

    /// ∂²/∂(r, α, a, b)² of `logLikelihood` (analytic, `BGNBDLikelihood.hessian`); minus it is
    /// the observed information matrix.
    public static func logLikelihoodHessian(_ parameters: MBGNBDParameters, _ patterns: CalibrationPatterns) -> [[Double]] {
        BGNBDLikelihood(patterns: patterns, timeScale: 1, modified: true).hessian(parameters.bgnbd)
    }
}
