#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The four population parameters of the MBG/NBD purchase model (Batislam, Denizel & Filiztekin
/// 2007, "Empirical validation and comparison of models for customer base analysis",
/// International Journal of Research in Marketing 24(3), 201–209), time unit weeks.
///
/// As BG/NBD (`BGNBDParameters`), but a customer may also drop out at time 0, right after the
/// first purchase: while active, purchases at Poisson rate λ ~ Gamma(shape `r`, rate `alpha`);
/// at time 0 and after each repeat purchase, inactive for good with probability p ~ Beta(`a`, `b`).
/// So one-time buyers (x = 0) can be inactive, which BG/NBD rules out.
public struct MBGNBDParameters: Sendable, Hashable, Codable {
    /// r: shape of the Gamma distribution of purchase rates λ.
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

    /// The generator's default for `--purchase-model mbg-nbd`: BG/NBD's defaults
    /// (r = 0.5, alpha = 12, a = 1.5, b = 3.5).
    public static let generatorDefault = MBGNBDParameters(r: 0.5, alpha: 12, a: 1.5, b: 3.5)

    /// E[λ] = r / alpha.
    public var meanPurchaseRate: Double { r / alpha }

    /// E[p] = a / (a + b).
    public var meanDropoutProbability: Double { a / (a + b) }

    /// P(X(t) = 0) = b/(a + b) · (alpha/(alpha + t))ʳ + a/(a + b): dropout at time 0 (probability
    /// E[p]) or no purchase while alive.
    public func probabilityOfNoRepeat(within t: Double) -> Double {
        let p = a / (a + b)
        return p + (1 - p) * pow(alpha / (alpha + t), r)
    }

    /// The same numbers as BG/NBD parameters (the likelihood and series code is shared).
    package var bgnbd: BGNBDParameters { BGNBDParameters(r: r, alpha: alpha, a: a, b: b) }
}
