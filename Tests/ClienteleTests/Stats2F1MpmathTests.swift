import Foundation
import Testing
@testable import Clientele

// ₂F₁ against mpmath 1.3.0 at 60 digits (Fixtures/clv/hyp2f1_mpmath.json, made by
// Benchmarks/clv/hyp2f1_reference.py in its venv): the Pareto/NBD likelihood's
// ₂F₁(a, b; a + 1; z) over x up to 5 000, z from 10⁻¹² (α ≈ β) to 1 − 10⁻⁴, and general cases
// with z < 0 and c − a − b < 0.

struct Hyp2F1Case: @unchecked Sendable, CustomTestStringConvertible {
    let a: Double, b: Double, c: Double, z: Double
    let label: String
    let log: Double
    let sign: Double
    let value: Double?
    var testDescription: String { "\(label) 2F1(\(a), \(b); \(c); \(z))" }

    static let all: [Hyp2F1Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/clv/hyp2f1_mpmath.json")
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (json["cases"] as! [[String: Any]]).map { c in
            Hyp2F1Case(a: (c["a"] as! NSNumber).doubleValue, b: (c["b"] as! NSNumber).doubleValue,
                       c: (c["c"] as! NSNumber).doubleValue, z: (c["z"] as! NSNumber).doubleValue,
                       label: c["label"] as! String, log: Double(c["log"] as! String)!,
                       sign: (c["sign"] as! NSNumber).doubleValue, value: (c["value"] as? String).flatMap(Double.init))
        }
    }()

    /// 1e-12 relative on the value where it is a normal Double; beyond that, on ln|₂F₁| to
    /// 1e-12 · max(1, |ln|) — the same relative accuracy, short of the rounding of ln itself.
    func check(logValue: Double, sign: Double, what: String) {
        #expect(sign == self.sign, "\(what): sign")
        if let value {
            let got = sign * Foundation.exp(logValue)
            #expect(abs(got - value) <= 1e-12 * abs(value), "\(what): \(got) vs mpmath \(value), rel \(abs(got - value) / abs(value))")
        } else {
            #expect(abs(logValue - log) <= 1e-12 * max(1, abs(log)), "\(what): ln \(logValue) vs mpmath \(log)")
        }
    }
}

@Suite("Hypergeometric 2F1 against mpmath")
struct Stats2F1MpmathTests {
    @Test("the table covers alpha ≈ beta, large x and z → 1")
    func coverage() {
        let cases = Hyp2F1Case.all
        #expect(cases.count == 504)
        #expect(cases.contains { $0.z <= 1e-12 && $0.z > 0 })
        #expect(cases.contains { $0.z >= 0.9999 })
        #expect(cases.contains { $0.a > 5000 && $0.value == nil })
        #expect(cases.contains { $0.z < 0 })
    }

    @Test("logMagnitude (Pfaff and Euler transformations, then the series) is accurate to 1e-12 relative")
    func transformed() {
        for c in Hyp2F1Case.all {
            let v = Hypergeometric2F1(a: c.a, b: c.b, c: c.c).logMagnitude(at: c.z)
            #expect(v.converged, "\(c.testDescription)")
            c.check(logValue: v.logValue, sign: v.sign, what: c.testDescription)
        }
    }

    @Test("the Pareto/NBD series G = 2F1(1, a + 1 − b; a + 1; z) gives 2F1(a, b; a + 1; z) = (1 − z)^{1−b} G to 1e-12")
    func unitSeries() {
        for c in Hyp2F1Case.all where c.c == c.a + 1 && c.z >= 0 {
            let g = HypergeometricUnitSeries(b: c.a + 1 - c.b, c: c.a + 1, z: c.z, derivatives: true)
            #expect(g.converged)
            c.check(logValue: (1 - c.b) * log1p(-c.z) + Foundation.log(g.value), sign: 1, what: "unit series " + c.testDescription)
        }
    }

    @Test("the series' derivatives in b, c and z equal central differences")
    func derivatives() {
        for (b, c, z) in [(0.8, 2.3, 0.4), (5.5, 6.1, 0.95), (1.6, 501.2, 0.7), (500.5, 502.1, 0.3), (2.0, 3.0, 0.0)] {
            let g = HypergeometricUnitSeries(b: b, c: c, z: z, derivatives: true)
            func value(_ b: Double, _ c: Double, _ z: Double) -> Double { HypergeometricUnitSeries(b: b, c: c, z: z, derivatives: false).value }
            let h = 1e-6
            let db = (value(b + h, c, z) - value(b - h, c, z)) / (2 * h)
            let dc = (value(b, c + h, z) - value(b, c - h, z)) / (2 * h)
            let dz = (value(b, c, z + h) - value(b, c, max(0, z - h))) / (z > 0 ? 2 * h : h)
            #expect(abs(g.derivativeB - db) <= 1e-6 * max(1, abs(db)), "∂b at \(b), \(c), \(z)")
            #expect(abs(g.derivativeC - dc) <= 1e-6 * max(1, abs(dc)), "∂c at \(b), \(c), \(z)")
            #expect(abs(g.derivativeZ - dz) <= 1e-5 * max(1, abs(dz)), "∂z at \(b), \(c), \(z)")
        }
    }
}
