import Foundation
import Testing
@testable import Clientele

@Suite("P(no purchase within h)")
struct CLVNoPurchaseTests {
    /// A BG/NBD fit moved to the generator's parameters (r 0.5, α 12, a 1.5, b 3.5).
    static func generatorModel() throws -> BGNBDFit {
        let (loaded, population) = try clvGenerated(customers: 400, seed: 3)
        let fit = try BGNBD().fit(try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.calibrationEnd))
        let p = BGNBDParameters.generatorDefault
        return fit.withLogParameters([log(p.r), log(p.alpha), log(p.a), log(p.b)])
    }

    /// (x, t_x, T) in weeks.
    static let histories: [(Int, Double, Double)] = [(0, 0, 30), (1, 3, 60), (2, 10, 40), (5, 35, 52), (3, 50, 52)]
    static let horizons: [Double] = [90.0 / 7, 26, 52]

    @Test("the BG/NBD closed form equals Monte Carlo integration over the prior, weighted by each history's likelihood")
    func closedFormAgainstMonteCarlo() throws {
        let model = try Self.generatorModel()
        let p = model.parameters
        let patterns = try CalibrationPatterns(frequency: Self.histories.map(\.0), recency: Self.histories.map(\.1),
                                               age: Self.histories.map(\.2), weight: Self.histories.map { _ in 1 })
        let forecast = model.patternForecast(patterns, times: [1], weights: [[1]], noPurchaseWithin: Self.horizons)
        // Draws of (λ, p) from the prior; a customer with history (x, t_x, T) has likelihood
        // A + B, A = (1 − p)^x λ^x e^{−λT} (still active at T), B = p (1 − p)^{x−1} λ^x e^{−λ t_x}
        // (dropped out right after the x-th purchase, x > 0). Given (λ, p) and the history, no
        // purchase in (T, T + h] has probability (A e^{−λh} + B) / (A + B); its posterior mean is
        // the self-normalised weighted mean over the draws.
        let n = 300_000
        var random = RandomSource(seed: 77)
        let rate = GammaSampler(shape: p.r, rate: p.alpha), betaA = GammaSampler(shape: p.a), betaB = GammaSampler(shape: p.b)
        let draws = (0..<n).map { _ in (rate.next(using: &random), random.beta(betaA, betaB)) }
        for k in 0..<patterns.count {
            let x = Double(patterns.frequency[k]), tx = patterns.recency[k], T = patterns.age[k]
            // Log-likelihood parts, shifted by their maximum so that the weights do not underflow.
            let parts = draws.map { (lambda, q) -> (Double, Double) in
                let base = x * log(lambda)
                let a = x * log1p(-q) + base - lambda * T
                let b = x > 0 ? log(q) + (x - 1) * log1p(-q) + base - lambda * tx : -Double.infinity
                return (a, b)
            }
            let shift = parts.map { max($0.0, $0.1) }.max()!
            for (j, h) in Self.horizons.enumerated() {
                var sw = 0.0, swf = 0.0, sw2f2 = 0.0, sw2f = 0.0, sw2 = 0.0
                for (i, (la, lb)) in parts.enumerated() {
                    let a = exp(la - shift), b = exp(lb - shift), w = a + b
                    let f = w > 0 ? (a * exp(-draws[i].0 * h) + b) / w : 0
                    sw += w; swf += w * f; sw2 += w * w; sw2f += w * w * f; sw2f2 += w * w * f * f
                }
                let mean = swf / sw
                // Delta-method standard error of a self-normalised importance-sampling mean.
                let se = (sw2f2 - 2 * mean * sw2f + mean * mean * sw2).squareRoot() / sw
                let closed = forecast.noPurchase[j][k]
                #expect(abs(closed - mean) < 5 * se + 1e-4,
                        "x=\(Int(x)) t_x=\(tx) T=\(T) h=\(h): closed form \(closed), Monte Carlo \(mean) ± \(se)")
            }
        }
    }

    @Test("P(no purchase) is 1 at h = 0, falls with h, and is never below 1 − P(alive)")
    func properties() throws {
        let model = try Self.generatorModel()
        let patterns = try CalibrationPatterns(frequency: Self.histories.map(\.0), recency: Self.histories.map(\.1),
                                               age: Self.histories.map(\.2), weight: Self.histories.map { _ in 1 })
        let f = model.patternForecast(patterns, times: [1], weights: [[1]], noPurchaseWithin: [0, 4, 13, 52, 520])
        for k in 0..<patterns.count {
            #expect(f.noPurchase[0][k] == 1)
            for j in 1..<5 { #expect(f.noPurchase[j][k] < f.noPurchase[j - 1][k]) }
            for j in 0..<5 { #expect(f.noPurchase[j][k] >= 1 - f.probabilityAlive[k] - 1e-15) }
        }
    }

    @Test("CLVForecast writes P(no purchase within 90 days) per customer from the customer's pattern, or nothing when off")
    func perCustomer() throws {
        let (loaded, population) = try clvGenerated(customers: 800, seed: 8)
        let summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.asOf.adding(days: -1))
        let patterns = CalibrationPatterns(summary)
        let bg = try BGNBD().fit(patterns)
        let result = try CLVForecast().run(model: bg, gammaGamma: nil, summary: summary, patterns: patterns)
        let direct = bg.patternForecast(patterns, times: [1], weights: [[1]], noPurchaseWithin: [90.0 / 7])
        for c in 0..<summary.count {
            let k = Int(patterns.patternOfCustomer[c])
            if k < 0 { #expect(result.probabilityNoPurchase[c].isNaN) } else { #expect(result.probabilityNoPurchase[c] == direct.noPurchase[0][k]) }
        }
        let off = try CLVForecast(noPurchaseDays: nil).run(model: bg, gammaGamma: nil, summary: summary, patterns: patterns)
        #expect(off.probabilityNoPurchase.isEmpty)
        #expect(zip(off.expectedPurchases, result.expectedPurchases).allSatisfy { $0.bitPattern == $1.bitPattern })
        #expect(zip(off.probabilityAlive, result.probabilityAlive).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}
