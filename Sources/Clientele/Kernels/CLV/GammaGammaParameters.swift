/// The three population parameters of the Gamma-Gamma spend model (Colombo & Jiang 1999;
/// Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", JMR 42(4); Fader & Hardie
/// 2013, "The Gamma-Gamma model of monetary value").
///
/// Each transaction's value z ~ Gamma(shape `p`, rate ν), so a customer's mean order value is
/// p / ν; ν ~ Gamma(shape `q`, rate `gamma`) across customers, independent of the purchase
/// process. Then E[z] = p · gamma / (q − 1) for q > 1.
public struct GammaGammaParameters: Sendable, Hashable, Codable {
    /// p: shape of the per-transaction Gamma distribution of spend.
    public var p: Double
    /// q: shape of the Gamma distribution of the customers' rates ν.
    public var q: Double
    /// gamma: rate of that distribution (in money units).
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// The generator's default: p = 6, q = 4, gamma = 15, so the mean order value is
    /// 6 · 15 / 3 = 30 money units (standard deviation about 26 across orders).
    public static let generatorDefault = GammaGammaParameters(p: 6, q: 4, gamma: 15)

    /// E[z] = p · gamma / (q − 1); infinite when q ≤ 1.
    public var meanTransactionValue: Double {
        q > 1 ? p * gamma / (q - 1) : .infinity
    }
}
