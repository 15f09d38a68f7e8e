import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws a customer's repeat purchases Y(t) in (T, T + t] from a fitted model's posterior given
/// the customer's history (x, t_x, T), at the fit's parameters: the purchases themselves, not
/// their expectation, so the sum over customers of such draws is a draw of the total.
///
/// Each model's individual likelihood is a sum of an "alive at T" term and "dropped out before
/// T" terms; the alive term, times the prior, is a product of conjugate kernels, so given alive
/// the latent traits have closed-form posteriors, and by memorylessness the future from T on is
/// the model run afresh with those traits:
///
/// - BG/NBD (Fader, Hardie & Lee 2005, eq. 3: L = (1 − p)^x λ^x e^{−λT} + δ(x>0) p (1 − p)^{x−1}
///   λ^x e^{−λ t_x}): alive with probability P(alive | x, t_x, T) (`BGNBDFit.probabilityAlive`);
///   given alive, the first term times Gamma(λ; r, α) Beta(p; a, b) gives λ ~ Gamma(r + x, α + T)
///   and p ~ Beta(a, b + x), independent. Then Poisson purchases at rate λ, each followed by a
///   dropout coin with probability p.
/// - MBG/NBD (Batislam, Denizel & Filiztekin 2007: a coin also right after the first purchase,
///   L = (1 − p)^{x+1} λ^x e^{−λT} + p (1 − p)^x λ^x e^{−λ t_x}): the same with p ~ Beta(a, b + x + 1).
/// - Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005 note, eq. 3:
///   L = λ^x e^{−(λ+μ)T} + λ^x μ/(λ + μ) (e^{−(λ+μ)t_x} − e^{−(λ+μ)T})): given alive,
///   λ^x e^{−λT} e^{−μT} times Gamma(λ; r, α) Gamma(μ; s, β) gives λ ~ Gamma(r + x, α + T) and
///   μ ~ Gamma(s, β + T), independent; the remaining lifetime is exponential at rate μ and the
///   purchases Poisson at rate λ until it ends.
///
/// A customer not alive at T buys nothing. So E[Y(t)] over the draws is the model's
/// `conditionalExpectedPurchases(within:frequency:recency:age:)` (FHL 2005 eq. 10; the MBG/NBD
/// and Pareto/NBD analogues) — a check the tests make. Time in weeks.
package enum PosteriorPurchaseSampler: Sendable {
    case bgnbd(BGNBDFit)
    case mbgnbd(MBGNBDFit)
    case paretonbd(ParetoNBDFit)

    /// The sampler of a fit of one of the three models; nil for any other conformer.
    package init?(_ model: any RepeatPurchaseModelFit) {
        if let m = model as? BGNBDFit { self = .bgnbd(m) }
        else if let m = model as? MBGNBDFit { self = .mbgnbd(m) }
        else if let m = model as? ParetoNBDFit { self = .paretonbd(m) }
        else { return nil }
    }

    /// The posteriors for one history, built once and drawn from for every customer sharing it.
    package struct History: Sendable {
        /// P(alive | x, t_x, T).
        package let probabilityAlive: Double
        /// λ | alive ~ Gamma(r + x, α + T).
        let purchaseRate: GammaSampler
        /// BG/NBD family: p | alive ~ Beta(a, b + x [+ 1]) as Gamma(a) / (Gamma(a) + Gamma(b + x [+ 1]));
        /// Pareto/NBD: `dropoutA` draws μ | alive ~ Gamma(s, β + T) and `dropoutB` is nil.
        let dropoutA: GammaSampler
        let dropoutB: GammaSampler?

        /// Y(t) for one customer with this history: a uniform for alive or not, then (alive only)
        /// λ, p or μ, and the purchase process in that order, all from `random`.
        /// - Complexity: O(1 + purchases drawn).
        package func draw(within t: Double, random: inout RandomSource) -> Int {
            guard random.uniform() < probabilityAlive else { return 0 }
            let lambda = purchaseRate.next(using: &random)
            var count = 0, clock = 0.0
            if let dropoutB {
                let p = random.beta(dropoutA, dropoutB)
                while true {
                    clock += random.exponential(rate: lambda)
                    guard clock <= t else { break }
                    count += 1
                    if random.uniform() < p { break }
                }
            } else {
                let end = min(t, random.exponential(rate: dropoutA.next(using: &random)))
                while true {
                    clock += random.exponential(rate: lambda)
                    guard clock <= end else { break }
                    count += 1
                }
            }
            return count
        }
    }

    /// The posteriors of history (x, t_x, T); assumes a valid history (x ≥ 0, 0 ≤ t_x ≤ T,
    /// t_x = 0 when x = 0) and finite positive parameters.
    package func history(frequency: Int, recency: Double, age: Double) -> History {
        let x = Double(frequency)
        switch self {
        case .bgnbd(let m):
            let p = m.parameters
            return History(probabilityAlive: m.probabilityAlive(frequency: frequency, recency: recency, age: age),
                           purchaseRate: GammaSampler(shape: p.r + x, rate: p.alpha + age),
                           dropoutA: GammaSampler(shape: p.a), dropoutB: GammaSampler(shape: p.b + x))
        case .mbgnbd(let m):
            let p = m.parameters
            return History(probabilityAlive: m.probabilityAlive(frequency: frequency, recency: recency, age: age),
                           purchaseRate: GammaSampler(shape: p.r + x, rate: p.alpha + age),
                           dropoutA: GammaSampler(shape: p.a), dropoutB: GammaSampler(shape: p.b + x + 1))
        case .paretonbd(let m):
            let p = m.parameters
            return History(probabilityAlive: m.probabilityAlive(frequency: frequency, recency: recency, age: age),
                           purchaseRate: GammaSampler(shape: p.r + x, rate: p.alpha + age),
                           dropoutA: GammaSampler(shape: p.s, rate: p.beta + age), dropoutB: nil)
        }
    }
}
