#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The four population parameters of the BG/NBD purchase model (Fader, Hardie & Lee 2005,
/// "\"Counting your customers\" the easy way: an alternative to the Pareto/NBD model",
/// Marketing Science 24(2)), time unit weeks.
///
/// While active, a customer buys at Poisson rate λ, with λ ~ Gamma(shape `r`, rate `alpha`)
/// across customers; after each repeat purchase the customer becomes inactive for good with
/// probability p, with p ~ Beta(`a`, `b`) across customers; λ and p are independent.
public struct BGNBDParameters: Sendable, Hashable, Codable {
    /// r: shape of the Gamma distribution of purchase rates λ (smaller r, more heterogeneity).
    public var r: Double
    /// alpha: rate of that Gamma distribution, in weeks; mean λ = r / alpha purchases a week.
    public var alpha: Double
    /// a: first shape of the Beta distribution of dropout probabilities p.
    public var a: Double
    /// b: second shape of it; mean p = a / (a + b).
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The generator's default: r = 0.5, alpha = 12 (mean λ ≈ 0.042 a week, 2.2 a year),
    /// a = 1.5, b = 3.5 (mean p = 0.3). Over a 156-week window with births in the first 117
    /// weeks this gives about 1.74 repeat purchases, 2.74 orders and 5.3 lines a customer.
    public static let generatorDefault = BGNBDParameters(r: 0.5, alpha: 12, a: 1.5, b: 3.5)

    /// E[λ] = r / alpha.
    public var meanPurchaseRate: Double { r / alpha }

    /// E[p] = a / (a + b).
    public var meanDropoutProbability: Double { a / (a + b) }

    /// P(X(t) = 0) = (alpha / (alpha + t))^r: the share of customers with no repeat purchase in
    /// (0, t] (the x = 0 case of the model's P(X(t) = x); dropout only follows a purchase).
    public func probabilityOfNoRepeat(within t: Double) -> Double {
        pow(alpha / (alpha + t), r)
    }
}
