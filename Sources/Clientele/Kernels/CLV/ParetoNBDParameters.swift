#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The four population parameters of the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987,
/// "Counting your customers: who are they and what will they do next?", Management Science
/// 33(1), 1–24), time unit weeks.
///
/// While alive, a customer buys at Poisson rate λ, λ ~ Gamma(shape `r`, rate `alpha`); the
/// lifetime is exponential with rate μ, μ ~ Gamma(shape `s`, rate `beta`), so dropout can happen
/// at any time, not only after a purchase; λ and μ are independent.
public struct ParetoNBDParameters: Sendable, Hashable, Codable {
    /// r: shape of the Gamma distribution of purchase rates λ.
    public var r: Double
    /// alpha: its rate, in weeks; mean λ = r / alpha purchases a week.
    public var alpha: Double
    /// s: shape of the Gamma distribution of dropout rates μ.
    public var s: Double
    /// beta: its rate, in weeks; mean μ = s / beta dropouts a week.
    public var beta: Double

    public init(r: Double, alpha: Double, s: Double, beta: Double) {
        self.r = r
        self.alpha = alpha
        self.s = s
        self.beta = beta
    }

    /// The generator's default for `--purchase-model pareto-nbd`: r = 0.5, alpha = 12 (as
    /// BG/NBD's), s = 0.6, beta = 60 (mean lifetime rate 0.01 a week, median lifetime of a
    /// customer with the mean rate about 69 weeks).
    public static let generatorDefault = ParetoNBDParameters(r: 0.5, alpha: 12, s: 0.6, beta: 60)

    /// E[λ] = r / alpha.
    public var meanPurchaseRate: Double { r / alpha }

    /// E[μ] = s / beta.
    public var meanDropoutRate: Double { s / beta }
}
