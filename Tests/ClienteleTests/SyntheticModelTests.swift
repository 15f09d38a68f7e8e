import Foundation
import Testing
@testable import Clientele

/// Sample moments of a large synthetic population against the closed forms of the models that
/// generated it. Tolerances are 4–5 standard errors, so a correct generator fails about once in
/// 10^4–10^6 runs (and never with these fixed seeds).
@Suite("Synthetic BG/NBD and Gamma-Gamma draws")
struct SyntheticModelTests {
    static let population = SyntheticPopulation(customers: 200_000, seed: 2024)

    /// Per-customer facts gathered in one pass (shared by the tests below).
    struct Sample {
        var n = 0
        var lambda = Moments()
        var dropout = Moments()
        var firstOrderValue = Moments()
        var oneOrder = 0
        var repeatResidual = Moments()
        var linesPerOrder = Moments()
        var satisfactionLoyal = Moments()
        var satisfactionDisloyal = Moments()
        var complaintsLoyal = Moments()
        var complaintsDisloyal = Moments()
    }

    struct Moments {
        var count = 0.0
        var sum = 0.0
        var sumSquares = 0.0
        mutating func add(_ x: Double) { count += 1; sum += x; sumSquares += x * x }
        var mean: Double { sum / count }
        var variance: Double { sumSquares / count - mean * mean }
        var standardError: Double { (variance / count).squareRoot() }
    }

    static let sample: Sample = {
        let plan = SyntheticPlan(population)
        var sample = Sample()
        var customer = SyntheticCustomer()
        let window = Double(population.weeks)
        for number in 1...population.customers {
            plan.simulate(number: number, into: &customer)
            sample.n += 1
            sample.lambda.add(customer.purchaseRate)
            sample.dropout.add(customer.dropoutProbability)
            sample.firstOrderValue.add(Double(customer.orders[0].netCents) / 100)
            if customer.orders.count == 1 { sample.oneOrder += 1 }
            // E[X(t) | λ, p] = (1 − e^{−λpt}) / p repeat purchases in (0, t] (Fader, Hardie & Lee 2005).
            let (lambda, p) = (customer.purchaseRate, customer.dropoutProbability)
            let t = window - customer.birthWeek
            sample.repeatResidual.add(Double(customer.orders.count - 1) - (1 - exp(-lambda * p * t)) / p)
            for order in customer.orders { sample.linesPerOrder.add(Double(order.lines.count)) }
            for interaction in customer.interactions {
                let loyal = customer.loyalty > 0
                if interaction.kind == .survey, let s = interaction.satisfaction {
                    if loyal { sample.satisfactionLoyal.add(Double(s)) } else { sample.satisfactionDisloyal.add(Double(s)) }
                }
                let complaint = interaction.kind == .complaint ? 1.0 : 0.0
                if loyal { sample.complaintsLoyal.add(complaint) } else { sample.complaintsDisloyal.add(complaint) }
            }
        }
        return sample
    }()

    @Test("mean purchase rate matches r / alpha")
    func purchaseRate() {
        let bgnbd = Self.population.purchase
        let se = (bgnbd.r / (bgnbd.alpha * bgnbd.alpha) / Double(Self.sample.n)).squareRoot()
        #expect(abs(Self.sample.lambda.mean - bgnbd.meanPurchaseRate) < 5 * se)
        #expect(abs(Self.sample.lambda.variance / (bgnbd.r / (bgnbd.alpha * bgnbd.alpha)) - 1) < 0.05)
    }

    @Test("mean dropout probability matches a / (a + b)")
    func dropout() {
        let bgnbd = Self.population.purchase
        let (a, b) = (bgnbd.a, bgnbd.b)
        let variance = a * b / ((a + b) * (a + b) * (a + b + 1))
        #expect(abs(Self.sample.dropout.mean - a / (a + b)) < 5 * (variance / Double(Self.sample.n)).squareRoot())
        #expect(abs(Self.sample.dropout.variance / variance - 1) < 0.03)
    }

    @Test("mean order value matches p · gamma / (q − 1)")
    func orderValue() {
        let spend = Self.population.spend
        // Var z = E[p/ν²] + p² Var(1/ν), with E[1/ν] = γ/(q−1), E[1/ν²] = γ²/((q−1)(q−2)).
        let (p, q, g) = (spend.p, spend.q, spend.gamma)
        let inverseSquare = g * g / ((q - 1) * (q - 2))
        let variance = p * inverseSquare + p * p * (inverseSquare - (g / (q - 1)) * (g / (q - 1)))
        #expect(abs(Self.sample.firstOrderValue.mean - spend.meanTransactionValue)
                < 5 * (variance / Double(Self.sample.n)).squareRoot())
    }

    @Test("the share of one-time buyers matches (alpha / (alpha + T))^r averaged over birth times")
    func oneTimeBuyers() {
        // T = weeks − birth is uniform on [W − B, W]:
        // (1/B) ∫ (α/(α+T))^r dT = α^r [(α+W)^{1−r} − (α+W−B)^{1−r}] / (B (1 − r)), r ≠ 1.
        let bgnbd = Self.population.purchase
        let (r, alpha) = (bgnbd.r, bgnbd.alpha)
        let w = Double(Self.population.weeks)
        let b = Self.population.birthWeeks
        let expected = pow(alpha, r) * (pow(alpha + w, 1 - r) - pow(alpha + w - b, 1 - r)) / (b * (1 - r))
        let observed = Double(Self.sample.oneOrder) / Double(Self.sample.n)
        let se = (expected * (1 - expected) / Double(Self.sample.n)).squareRoot()
        #expect(abs(observed - expected) < 5 * se, "observed \(observed), expected \(expected)")
        // And the midpoint rule agrees with the closed form.
        let steps = 10_000
        let numeric = (0..<steps).reduce(0.0) { sum, k in
            sum + bgnbd.probabilityOfNoRepeat(within: w - b + b * (Double(k) + 0.5) / Double(steps))
        } / Double(steps)
        #expect(abs(numeric - expected) < 1e-6)
    }

    @Test("repeat purchases match E[X(t) | λ, p] = (1 − e^{−λpt}) / p customer by customer")
    func repeatPurchases() {
        let residual = Self.sample.repeatResidual
        #expect(abs(residual.mean) < 5 * residual.standardError, "mean residual \(residual.mean)")
    }

    @Test("orders have the configured mean number of lines, returns included")
    func linesPerOrder() {
        let lines = Self.population.lines
        let expected = lines.meanLineCount + lines.returnProbability
        #expect(abs(Self.sample.linesPerOrder.mean - expected) < 5 * Self.sample.linesPerOrder.standardError)
    }

    @Test("loyal customers answer surveys more satisfied and complain less")
    func loyaltySignal() {
        let s = Self.sample
        #expect(s.satisfactionLoyal.mean - s.satisfactionDisloyal.mean > 0.5)
        #expect(s.complaintsDisloyal.mean > 2 * s.complaintsLoyal.mean)
    }
}
