#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The repeat-purchase ("buy till you die") models a run can fit, by their job-file names.
public enum RepeatPurchaseModelKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Fader, Hardie & Lee (2005): dropout only right after a repeat purchase.
    case bgnbd = "bg-nbd"
    /// Batislam, Denizel & Filiztekin (2007): dropout also possible right after the first purchase.
    case mbgnbd = "mbg-nbd"
    /// Schmittlein, Morrison & Colombo (1987): dropout at any time, at an exponential rate.
    case paretonbd = "pareto-nbd"

    /// The name reports show ("BG/NBD", "MBG/NBD", "Pareto/NBD").
    public var title: String {
        switch self {
        case .bgnbd: "BG/NBD"
        case .mbgnbd: "MBG/NBD"
        case .paretonbd: "Pareto/NBD"
        }
    }
}

/// One estimated parameter of a fitted model, in the data's time unit (weeks).
public struct ModelParameterEstimate: Sendable, Hashable {
    public let name: String
    public let value: Double
    /// From the observed information matrix; nil when that matrix is not positive definite.
    public let standardError: Double?

    public init(name: String, value: Double, standardError: Double?) {
        self.name = name
        self.value = value
        self.standardError = standardError
    }
}

/// A fitted repeat-purchase model, as model choice, holdout validation, forecasts and the
/// parametric bootstrap see it: every prediction depends on a customer only through the
/// pattern (x, t_x, T), so each is computed per `CalibrationPatterns` pattern.
///
/// Conformers: `BGNBDFit` (and the MBG/NBD and Pareto/NBD fits). Parameters are positive, so
/// the bootstrap draws them in log space: θ = ln(parameter), in the order of `estimates`.
public protocol RepeatPurchaseModelFit: Sendable {
    var kind: RepeatPurchaseModelKind { get }
    /// The estimates, in the model's conventional order (BG/NBD: r, alpha, a, b).
    var estimates: [ModelParameterEstimate] { get }
    /// Σ over customers of ln L at the estimates, times in weeks.
    var logLikelihood: Double { get }
    /// Whether the optimiser met its convergence criteria.
    var converged: Bool { get }
    /// Customers (total weight) fitted.
    var customers: Double { get }
    /// Covariance of θ = ln(parameters) from the observed information (delta method); nil
    /// when the information matrix is not positive definite.
    var logParameterCovariance: [[Double]]? { get }
    /// The same model at θ = ln(parameters) (bootstrap draws); fit diagnostics are kept.
    func withLogParameters(_ theta: [Double]) -> Self
    /// E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired (weeks).
    func expectedPurchases(within t: Double) -> Double
    /// Per pattern k: P(alive)ₖ; `outputs[j][k]` = Σᵢ `weights[j][i]` · E[Y(`times[i]`) | xₖ, t_xₖ, Tₖ];
    /// and `noPurchase[h][k]` = P(no purchase in (T, T + `noPurchaseWithin[h]`] | xₖ, t_xₖ, Tₖ).
    func patternForecast(_ patterns: CalibrationPatterns, times: [Double], weights: [[Double]],
                         noPurchaseWithin: [Double]) -> RepeatPurchasePatternForecast
}

extension RepeatPurchaseModelFit {
    /// Free parameters (for AIC and BIC).
    public var parameterCount: Int { estimates.count }
    /// AIC = 2k − 2 ln L.
    public var akaikeInformationCriterion: Double { 2 * Double(parameterCount) - 2 * logLikelihood }
    /// BIC = k ln n − 2 ln L, n the customers fitted.
    public var bayesianInformationCriterion: Double { Double(parameterCount) * log(customers) - 2 * logLikelihood }
    /// θ̂ = ln(estimates).
    public var logParameters: [Double] { estimates.map { log($0.value) } }
}

/// What `RepeatPurchaseModelFit.patternForecast` returns, indexed by pattern.
public struct RepeatPurchasePatternForecast: Sendable {
    public let probabilityAlive: [Double]
    /// `outputs[j][k]`: functional j at pattern k.
    public let outputs: [[Double]]
    /// `noPurchase[h][k]`: P(no purchase within horizon h) at pattern k.
    public let noPurchase: [[Double]]
    /// Patterns (or pattern groups) whose series did not meet its tolerance within the term limit.
    public let seriesNotConverged: Int

    public init(probabilityAlive: [Double], outputs: [[Double]], noPurchase: [[Double]], seriesNotConverged: Int) {
        self.probabilityAlive = probabilityAlive
        self.outputs = outputs
        self.noPurchase = noPurchase
        self.seriesNotConverged = seriesNotConverged
    }
}

/// Covariance in θ = ln p from the covariance in p: Cov(θ) = D⁻¹ Cov(p) D⁻¹, D = diag(p) (delta method).
package func logParameterCovariance(natural covariance: [[Double]]?, values: [Double]) -> [[Double]]? {
    guard let covariance else { return nil }
    return covariance.indices.map { i in covariance[i].indices.map { j in covariance[i][j] / (values[i] * values[j]) } }
}
