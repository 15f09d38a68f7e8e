import Foundation
import Testing
@testable import Clientele

// Pareto/NBD and MBG/NBD predictions against Monte Carlo over the population distribution, and
// P(alive)'s properties.

/// E[f(θ) | history] by importance sampling from the prior: θᵢ drawn from the mixing
/// distributions, weighted by the individual likelihood Lᵢ; returns Σ Lᵢ fᵢ / Σ Lᵢ and its
/// standard error (delta method for a ratio).
func btydPosteriorMean(draws: Int, seed: UInt64, _ sample: (inout RandomSource) -> (likelihood: Double, value: Double)) -> (mean: Double, error: Double) {
    var random = RandomSource(seed: seed)
    var l = [Double](), v = [Double]()
    l.reserveCapacity(draws); v.reserveCapacity(draws)
    for _ in 0..<draws { let d = sample(&random); l.append(d.likelihood); v.append(d.value) }
    let sl = l.reduce(0, +), mean = zip(l, v).reduce(0) { $0 + $1.0 * $1.1 } / sl
    let n = Double(draws), lbar = sl / n
    let variance = zip(l, v).reduce(0) { $0 + pow($1.0 * ($1.1 - mean), 2) } / (n - 1)
    return (mean, (variance / n).squareRoot() / lbar)
}

@Suite("Pareto/NBD and MBG/NBD predictions against Monte Carlo; P(alive) properties")
struct CLVParetoNBDPropertyTests {
    static let pareto = ParetoNBDParameters(r: 0.8, alpha: 9, s: 0.7, beta: 14)
    static let mbg = MBGNBDParameters(r: 0.8, alpha: 9, a: 1.2, b: 2.5)

    /// Fits carrying the given parameters (a fit's parameters replaced through `withLogParameters`).
    static func fits() throws -> (ParetoNBDFit, MBGNBDFit) {
        let patterns = try CalibrationPatterns(frequency: [0, 1, 2, 5, 3], recency: [0, 5, 12, 30, 8], age: [20, 30, 35, 40, 38],
                                               weight: [5, 3, 2, 1, 2])
        let p = pareto, m = mbg
        let pf = try ParetoNBD(startingPoints: [p]).fit(patterns).withLogParameters([p.r, p.alpha, p.s, p.beta].map { log($0) })
        let mf = try MBGNBD(startingPoints: [m]).fit(patterns).withLogParameters([m.r, m.alpha, m.a, m.b].map { log($0) })
        return (pf, mf)
    }

    @Test("Pareto/NBD P(no purchase in (T, T + h]) and P(alive) equal a Monte Carlo over (λ, μ)",
          arguments: [(0, 0.0, 20.0, 8.0), (2, 12.0, 30.0, 13.0), (5, 30.0, 40.0, 26.0), (3, 8.0, 38.0, 4.0)])
    func paretoNoPurchase(x: Int, tx: Double, T: Double, h: Double) throws {
        let (fit, _) = try Self.fits()
        let p = Self.pareto, xd = Double(x)
        let lambdas = GammaSampler(shape: p.r, rate: p.alpha), mus = GammaSampler(shape: p.s, rate: p.beta)
        // Individual likelihood: alive at T, λˣ e^{−(λ+μ)T}, or dead at τ ∈ (t_x, T],
        // λˣ μ/(λ+μ) (e^{−(λ+μ)t_x} − e^{−(λ+μ)T}); no purchase in h once alive: survive h, or die first.
        func draw(_ random: inout RandomSource) -> (alive: Double, dead: Double, stay: Double) {
            let lambda = lambdas.next(using: &random), mu = mus.next(using: &random), k = lambda + mu
            let alive = pow(lambda, xd) * exp(-k * T)
            let dead = pow(lambda, xd) * mu / k * (exp(-k * tx) - exp(-k * T))
            return (alive, dead, exp(-k * h) + mu / k * -expm1(-k * h))
        }
        let none = btydPosteriorMean(draws: 200_000, seed: 17) { r in let d = draw(&r); return (d.alive + d.dead, (d.dead + d.alive * d.stay) / (d.alive + d.dead)) }
        let got = fit.probabilityOfNoPurchase(within: h, frequency: x, recency: tx, age: T)
        #expect(abs(got - none.mean) <= 4 * none.error + 1e-12, "P(no purchase) \(got) vs MC \(none.mean) ± \(none.error)")
        let alive = btydPosteriorMean(draws: 200_000, seed: 18) { r in let d = draw(&r); return (d.alive + d.dead, d.alive / (d.alive + d.dead)) }
        let pa = fit.probabilityAlive(frequency: x, recency: tx, age: T)
        #expect(abs(pa - alive.mean) <= 4 * alive.error, "P(alive) \(pa) vs MC \(alive.mean) ± \(alive.error)")
    }

    @Test("MBG/NBD P(no purchase in (T, T + h]) equals a Monte Carlo over (λ, p)",
          arguments: [(0, 0.0, 20.0, 8.0), (2, 12.0, 30.0, 13.0), (5, 30.0, 40.0, 26.0)])
    func mbgNoPurchase(x: Int, tx: Double, T: Double, h: Double) throws {
        let (_, fit) = try Self.fits()
        let m = Self.mbg, xd = Double(x)
        let lambdas = GammaSampler(shape: m.r, rate: m.alpha), ga = GammaSampler(shape: m.a), gb = GammaSampler(shape: m.b)
        let none = btydPosteriorMean(draws: 200_000, seed: 19) { random in
            let lambda = lambdas.next(using: &random), p = random.beta(ga, gb)
            // Alive: x + 1 coins survived (the first purchase's too); dead right after the last purchase.
            let alive = pow(1 - p, xd + 1) * pow(lambda, xd) * exp(-lambda * T)
            let dead = p * pow(1 - p, xd) * pow(lambda, xd) * exp(-lambda * tx)
            return (alive + dead, (dead + alive * exp(-lambda * h)) / (alive + dead))
        }
        let got = fit.probabilityOfNoPurchase(within: h, frequency: x, recency: tx, age: T)
        #expect(abs(got - none.mean) <= 4 * none.error + 1e-12, "P(no purchase) \(got) vs MC \(none.mean) ± \(none.error)")
    }

    @Test("P(alive) is below 1 for one-time buyers, falls with T and rises with t_x; P(no purchase within h) falls with h")
    func aliveProperties() throws {
        let (pareto, mbg) = try Self.fits()
        for alive in [{ (x: Int, t: Double, T: Double) in pareto.probabilityAlive(frequency: x, recency: t, age: T) },
                      { (x: Int, t: Double, T: Double) in mbg.probabilityAlive(frequency: x, recency: t, age: T) }] {
            #expect(alive(0, 0, 10) < 1 && alive(0, 0, 10) > 0)
            #expect(alive(0, 0, 50) < alive(0, 0, 10))
            #expect(alive(3, 20, 40) < alive(3, 20, 30))
            #expect(alive(3, 10, 40) < alive(3, 35, 40))
            #expect(alive(4000, 10, 1000) == 0 || alive(4000, 10, 1000) < 1e-300)  // extreme histories: no NaN
        }
        // A purchase at T: Pareto/NBD's customer is alive for sure; MBG/NBD's may have dropped out
        // right after it, with odds a/(b + x).
        #expect(abs(pareto.probabilityAlive(frequency: 4000, recency: 1000, age: 1000) - 1) < 1e-12)
        #expect(clvClose(mbg.probabilityAlive(frequency: 4000, recency: 1000, age: 1000), 1 / (1 + Self.mbg.a / (Self.mbg.b + 4000)), relative: 1e-12))
        // Pareto/NBD: alive right after the first purchase, and the limit of P(alive) at t_x = T is 1.
        #expect(pareto.probabilityAlive(frequency: 0, recency: 0, age: 0) == 1)
        #expect(pareto.probabilityAlive(frequency: 2, recency: 30, age: 30) == 1)
        var previous = 1.0
        for h in [0.0, 1, 13, 52, 520] {
            let none = pareto.probabilityOfNoPurchase(within: h, frequency: 2, recency: 12, age: 30)
            #expect(none <= previous && none >= 1 - pareto.probabilityAlive(frequency: 2, recency: 12, age: 30))
            previous = none
        }
        #expect(pareto.probabilityOfNoPurchase(within: 0, frequency: 2, recency: 12, age: 30) == 1)
    }

    @Test("expected purchases: E[X(t)] is the conditional expectation at x = 0, T = 0, and s = 1 is the limit")
    func expectations() throws {
        let (pareto, _) = try Self.fits()
        #expect(clvClose(pareto.expectedPurchases(within: 26), pareto.conditionalExpectedPurchases(within: 26, frequency: 0, recency: 0, age: 0), relative: 1e-14))
        let p = Self.pareto
        let closed = p.r * p.beta / (p.alpha * (p.s - 1)) * (1 - pow(p.beta / (p.beta + 26), p.s - 1))
        #expect(clvClose(pareto.expectedPurchases(within: 26), closed, relative: 1e-12))
        let one = pareto.withLogParameters([log(p.r), log(p.alpha), 0, log(p.beta)])
        let near = pareto.withLogParameters([log(p.r), log(p.alpha), log(1 + 1e-9), log(p.beta)])
        #expect(clvClose(one.expectedPurchases(within: 26), p.r * p.beta / p.alpha * log1p(26 / p.beta), relative: 1e-14))
        #expect(clvClose(near.expectedPurchases(within: 26), one.expectedPurchases(within: 26), relative: 1e-8))
    }
}
