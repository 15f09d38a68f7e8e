import ClienteleStats

/// A fitted Gamma-Gamma spend model: estimates, uncertainty, diagnostics, and the conditional
/// expected average order value.
public struct GammaGammaFit: Sendable, Codable {
    /// Estimates of (p, q, γ); γ (lifetimes' `v`) in money units.
    public let parameters: GammaGammaParameters
    /// Covariance of (p, q, γ) from the observed information; `nil` when not positive definite.
    public let covariance: [[Double]]?
    /// Σ ln f(m | x) over the fitted customers at the estimates.
    public let logLikelihood: Double
    public let iterations: Int
    public let evaluations: Int
    public let stopReason: BFGSMinimizer.StopReason
    public let gradientNorm: Double
    public let attempts: Int
    /// Why each earlier starting point was set aside (empty when the first converged).
    public let rejectedAttempts: [BFGSMinimizer.StopReason]
    /// Customers fitted (x > 0, mean repeat spend > 0).
    public let customers: Double
    /// Pearson's r between x and m among them; the model assumes independence (≈ 0).
    public let frequencySpendCorrelation: Double
    /// Their mean m: the fallback order value when q ≤ 1 (see `expectedAverageOrderValue`).
    public let sampleMeanSpend: Double
    public let settings: GammaGamma

    public var converged: Bool { stopReason.isConvergence }

    public var standardErrors: GammaGammaParameters? {
        guard let c = covariance else { return nil }
        return GammaGammaParameters(p: c[0][0].squareRoot(), q: c[1][1].squareRoot(), gamma: c[2][2].squareRoot())
    }

    /// E[Z] = pγ/(q − 1), the population mean order value; `nil` when q ≤ 1 (infinite).
    public var populationMeanOrderValue: Double? {
        parameters.q > 1 ? parameters.p * parameters.gamma / (parameters.q - 1) : nil
    }

    /// E[M | x, m] = (γ + m x) p / (p x + q − 1), the conditional expected average order value
    /// (Fader & Hardie 2013, note 025, eq. 5; lifetimes `conditional_expected_average_profit`,
    /// which writes it as the weighted mean (1 − w) pγ/(q − 1) + w m, w = px/(px + q − 1)).
    /// Customers without usable spend (x = 0, or m ≤ 0) get the population mean, as lifetimes
    /// gives them with frequency 0; when q ≤ 1 that mean is infinite and `sampleMeanSpend` is
    /// used instead (documented fallback; `populationMeanOrderValue` is then `nil`).
    public func expectedAverageOrderValue(frequency x: Int, spend m: Double) -> Double {
        Self.expectedAverageOrderValue(parameters, sampleMeanSpend: sampleMeanSpend, frequency: x, spend: m)
    }

    /// `expectedAverageOrderValue` at any parameters (the bootstrap's draws), the same operations
    /// in the same order.
    @inline(__always)
    package static func expectedAverageOrderValue(_ parameters: GammaGammaParameters, sampleMeanSpend: Double,
                                                  frequency x: Int, spend m: Double) -> Double {
        let (p, q, g) = (parameters.p, parameters.q, parameters.gamma)
        if x > 0 && m > 0 {
            let px = p * Double(x)
            if px + q - 1 > 0 { return (g + m * Double(x)) * p / (px + q - 1) }
            return m
        }
        return q > 1 ? p * g / (q - 1) : sampleMeanSpend
    }
}
