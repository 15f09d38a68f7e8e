import Foundation
import Testing
@testable import Clientele

@Suite("Distributions")
struct DistributionsTests {
    static var special: [String: Any] { (try? CorrelationReference.json()["special"] as? [String: Any]) ?? [:] }

    @Test("incomplete beta and its complement equal scipy's betainc and betaincc to 1e-12 relative")
    func betaMatchesScipy() throws {
        let grid = try #require(Self.special["beta"] as? [[String: Any]])
        #expect(grid.count == 10)
        for e in grid {
            let a = CorrelationReference.number(e, "a")!, b = CorrelationReference.number(e, "b")!, x = CorrelationReference.number(e, "x")!
            let (lower, upper) = Distributions.incompleteBeta(a: a, b: b, x: x)
            #expect(correlationClose(lower, CorrelationReference.number(e, "betainc")!, relative: 1e-12), "I_\(x)(\(a), \(b)) = \(lower)")
            #expect(correlationClose(upper, CorrelationReference.number(e, "betaincc")!, relative: 1e-12), "1 − I_\(x)(\(a), \(b)) = \(upper)")
        }
    }

    @Test("Student t CDF equals scipy's stdtr to 1e-12 relative")
    func studentMatchesScipy() throws {
        let grid = try #require(Self.special["stdtr"] as? [[String: Any]])
        for e in grid {
            let df = CorrelationReference.number(e, "df")!, t = CorrelationReference.number(e, "t")!
            let p = Distributions.studentTCDF(t, degreesOfFreedom: df)
            #expect(correlationClose(p, CorrelationReference.number(e, "stdtr")!, relative: 1e-12), "stdtr(\(df), \(t)) = \(p)")
        }
    }

    @Test("normal CDF and quantile equal scipy's ndtr and ndtri")
    func normalMatchesScipy() throws {
        for e in try #require(Self.special["ndtr"] as? [[String: Any]]) {
            let x = CorrelationReference.number(e, "x")!
            #expect(correlationClose(Distributions.normalCDF(x), CorrelationReference.number(e, "ndtr")!, relative: 1e-13))
        }
        for e in try #require(Self.special["ndtri"] as? [[String: Any]]) {
            let p = CorrelationReference.number(e, "p")!
            #expect(correlationClose(Distributions.normalQuantile(p), CorrelationReference.number(e, "ndtri")!, relative: 1e-14))
        }
    }

    @Test("closed forms: t with 1 df is Cauchy, with 2 df is ½ + t/(2√(2+t²)); I_x(a, 1) = xᵃ")
    func closedForms() {
        for t in [-30.0, -2.5, -0.1, 0, 0.4, 3, 50] {
            #expect(abs(Distributions.studentTCDF(t, degreesOfFreedom: 1) - (0.5 + atan(t) / .pi)) <= 1e-15)
            #expect(abs(Distributions.studentTCDF(t, degreesOfFreedom: 2) - (0.5 + t / (2 * (2 + t * t).squareRoot()))) <= 1e-15)
        }
        for (a, x) in [(0.5, 0.3), (3.0, 0.9), (40.0, 0.95)] {
            #expect(correlationClose(Distributions.regularizedIncompleteBeta(a: a, b: 1, x: x), pow(x, a), relative: 1e-13))
        }
    }

    @Test("symmetry and complements: I_x(a, b) + I_{1−x}(b, a) = 1, Φ(x) + Φ(−x) = 1, Φ(Φ⁻¹(p)) = p")
    func properties() {
        for (a, b, x) in [(2.0, 3.0, 0.4), (0.5, 8.0, 0.02), (30.0, 30.0, 0.55)] {
            let s = Distributions.regularizedIncompleteBeta(a: a, b: b, x: x) + Distributions.regularizedIncompleteBeta(a: b, b: a, x: 1 - x)
            #expect(abs(s - 1) <= 1e-14)
        }
        for x in [-6.0, -1, 0, 0.3, 2.2] { #expect(abs(Distributions.normalCDF(x) + Distributions.normalCDF(-x) - 1) <= 1e-15) }
        for p in [1e-12, 0.01, 0.5, 0.9, 0.999] {
            #expect(correlationClose(Distributions.normalCDF(Distributions.normalQuantile(p)), p, relative: 1e-13))
        }
    }

    @Test("edge cases: endpoints, NaN and invalid parameters")
    func edges() {
        #expect(Distributions.incompleteBeta(a: 2, b: 3, x: 0) == (0, 1))
        #expect(Distributions.incompleteBeta(a: 2, b: 3, x: 1) == (1, 0))
        #expect(Distributions.regularizedIncompleteBeta(a: -1, b: 3, x: 0.5).isNaN)
        #expect(Distributions.regularizedIncompleteBeta(a: 1, b: 3, x: 1.5).isNaN)
        #expect(Distributions.studentTCDF(.infinity, degreesOfFreedom: 4) == 1)
        #expect(Distributions.studentTCDF(-.infinity, degreesOfFreedom: 4) == 0)
        #expect(Distributions.studentTCDF(1, degreesOfFreedom: 0).isNaN)
        #expect(Distributions.studentTTwoSidedTail(0, degreesOfFreedom: 7) == 1)
        #expect(Distributions.normalQuantile(0) == -.infinity && Distributions.normalQuantile(1) == .infinity)
        #expect(Distributions.normalQuantile(1.5).isNaN && Distributions.normalCDF(.nan).isNaN)
    }
}
