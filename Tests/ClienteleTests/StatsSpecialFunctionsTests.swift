import Foundation
import Testing
@testable import Clientele

@Suite("SpecialFunctions")
struct StatsSpecialFunctionsTests {
    static let eulerGamma = 0.57721566490153286061

    @Test("digamma matches published values at 1, 1/2, 2 and 10", arguments: [
        (1.0, -0.57721566490153286061),
        (0.5, -0.57721566490153286061 - 2 * 0.69314718055994530942),
        (2.0, 1 - 0.57721566490153286061),
        (10.0, 2.25175258906672110764),
        (0.001, -1000.5755719318103),
    ])
    func digammaKnownValues(x: Double, expected: Double) {
        #expect(abs(SpecialFunctions.digamma(x) - expected) <= 1e-14 * max(1, abs(expected)))
    }

    @Test("digamma is the derivative of log-gamma and obeys the recurrence")
    func digammaDerivative() {
        for x in [0.03, 0.7, 1.3, 4.9, 12.5, 250.0, 1e5] {
            let h = 1e-5 * max(1, x)
            let fd = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h)
            #expect(abs(SpecialFunctions.digamma(x) - fd) <= 1e-7 * max(1, abs(fd)))
            #expect(abs(SpecialFunctions.digamma(x + 1) - SpecialFunctions.digamma(x) - 1 / x) <= 1e-13 * max(1, 1 / x))
        }
    }

    @Test("digamma has poles at non-positive integers and reflects elsewhere")
    func digammaDomain() {
        #expect(SpecialFunctions.digamma(0).isNaN)
        #expect(SpecialFunctions.digamma(-3).isNaN)
        #expect(SpecialFunctions.digamma(.nan).isNaN)
        // ψ(−1/2) = ψ(1/2) + 2.
        #expect(abs(SpecialFunctions.digamma(-0.5) - (SpecialFunctions.digamma(0.5) + 2)) < 1e-13)
    }

    @Test("trigamma matches published values at 1, 1/2, 2 and 10", arguments: [
        (1.0, 1.64493406684822643647),  // π²/6
        (0.5, 4.93480220054467930942),  // π²/2
        (2.0, 0.64493406684822643647),  // π²/6 − 1
        (10.0, 0.10516633568168574612),
        (0.001, 1_000_001.6425331958),
    ])
    func trigammaKnownValues(x: Double, expected: Double) {
        #expect(abs(SpecialFunctions.trigamma(x) - expected) <= 1e-14 * max(1, abs(expected)))
    }

    @Test("trigamma is the derivative of digamma and obeys the recurrence")
    func trigammaDerivative() {
        for x in [0.03, 0.7, 1.3, 4.9, 9.99, 10.01, 12.5, 250.0, 1e5] {
            let h = 1e-5 * x
            let fd = (SpecialFunctions.digamma(x + h) - SpecialFunctions.digamma(x - h)) / (2 * h)
            #expect(abs(SpecialFunctions.trigamma(x) - fd) <= 1e-7 * max(1, abs(fd)))
            #expect(abs(SpecialFunctions.trigamma(x) - SpecialFunctions.trigamma(x + 1) - 1 / (x * x)) <= 1e-13 * max(1, 1 / (x * x)))
        }
    }

    @Test("trigamma has poles at non-positive integers, reflects elsewhere and vanishes at infinity")
    func trigammaDomain() {
        #expect(SpecialFunctions.trigamma(0).isNaN)
        #expect(SpecialFunctions.trigamma(-3).isNaN)
        #expect(SpecialFunctions.trigamma(.nan).isNaN)
        #expect(SpecialFunctions.trigamma(.infinity) == 0)
        // ψ′(−1/2) = π²/sin²(−π/2) − ψ′(3/2) = π² − (π²/2 − 4) = π²/2 + 4.
        #expect(abs(SpecialFunctions.trigamma(-0.5) - (Double.pi * Double.pi / 2 + 4)) < 1e-12)
    }

    @Test("log-gamma of integers is the log factorial")
    func logGammaFactorial() {
        var logFactorial = 0.0
        for n in 1...30 {
            #expect(abs(SpecialFunctions.logGamma(Double(n)) - logFactorial) <= 1e-13 * max(1, logFactorial))
            logFactorial += log(Double(n))
        }
    }

    @Test("log-add-exp and the logistic neither overflow nor lose the small side")
    func logSumExp() {
        #expect(SpecialFunctions.logAddExp(1000, 1000) == 1000 + log(2))
        #expect(SpecialFunctions.logAddExp(-1000, 0) == 0)
        #expect(SpecialFunctions.logAddExp(-.infinity, -.infinity) == -.infinity)
        #expect(SpecialFunctions.logistic(800) == 1)
        #expect(SpecialFunctions.logistic(-800) > 0 || SpecialFunctions.logistic(-800) == 0)
        #expect(abs(SpecialFunctions.logistic(-30) - exp(-30) / (1 + exp(-30))) < 1e-25)
    }
}

@Suite("Hypergeometric2F1")
struct StatsHypergeometricTests {
    @Test("the series equals closed forms over [0, 1)", arguments: [0.0, 0.1, 0.5, 0.9, 0.99])
    func closedForms(z: Double) {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z
        let log = Hypergeometric2F1(a: 1, b: 1, c: 2).evaluate(at: z)
        #expect(log.converged)
        let expectedLog = z == 0 ? 1 : -Foundation.log(1 - z) / z
        #expect(abs(log.value - expectedLog) <= 1e-13 * expectedLog)
        // ₂F₁(a, b; b; z) = (1 − z)^−a
        let power = Hypergeometric2F1(a: 2.5, b: 3, c: 3).evaluate(at: z)
        #expect(abs(power.value - pow(1 - z, -2.5)) <= 1e-13 * pow(1 - z, -2.5))
        // ₂F₁(1/2, 1/2; 3/2; s²) = arcsin(s)/s
        let s = z.squareRoot()
        let arcsine = Hypergeometric2F1(a: 0.5, b: 0.5, c: 1.5).evaluate(at: z)
        let expectedArcsine = s == 0 ? 1 : asin(s) / s
        #expect(abs(arcsine.value - expectedArcsine) <= 1e-13 * expectedArcsine)
    }

    @Test("a non-positive integer parameter gives the exact polynomial")
    func polynomial() {
        // ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b + 1)z²/(c(c + 1))
        let (b, c, z) = (1.5, 2.5, 0.7)
        let value = Hypergeometric2F1(a: -2, b: b, c: c).evaluate(at: z)
        #expect(value.converged)
        #expect(abs(value.value - (1 - 2 * b * z / c + b * (b + 1) * z * z / (c * (c + 1)))) < 1e-15)
    }

    @Test("outside its domain the series says NaN, and a term limit is reported")
    func domain() {
        #expect(Hypergeometric2F1(a: 1, b: 1, c: 2).evaluate(at: 1).value.isNaN)
        #expect(Hypergeometric2F1(a: 1, b: 1, c: -2).evaluate(at: 0.5).value.isNaN)
        #expect(Hypergeometric2F1(a: 1, b: 1, c: 2).evaluate(at: -0.1).value.isNaN)
        #expect(!Hypergeometric2F1(a: 1, b: 1, c: 2, maximumTerms: 10).evaluate(at: 0.999).converged)
    }
}

@Suite("BFGSMinimizer")
struct StatsBFGSTests {
    static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let (a, b) = (x[0], x[1])
        return (100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a),
                [-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)])
    }

    @Test("Rosenbrock's valley is followed to (1, 1) with a tiny gradient")
    func rosenbrock() {
        let result = BFGSMinimizer().minimize(from: [-1.2, 1], Self.rosenbrock)
        #expect(result.converged)
        #expect(abs(result.x[0] - 1) < 1e-7 && abs(result.x[1] - 1) < 1e-7)
        #expect(result.gradientNorm <= 1e-9 || result.reason == .functionTolerance)
        #expect(result.iterations < 200)
    }

    @Test("a quadratic is minimised exactly, in few iterations")
    func quadratic() {
        // f = ½ xᵀAx − bᵀx, A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]]
        let a = [[4.0, 1, 0], [1, 3, 1], [0, 1, 2]], b = [1.0, 2, 3]
        let result = BFGSMinimizer().minimize(from: [0, 0, 0]) { x in
            let ax = a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
            let f = 0.5 * zip(x, ax).reduce(0) { $0 + $1.0 * $1.1 } - zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
            return (f, zip(ax, b).map { $0 - $1 })
        }
        #expect(result.converged)
        let ax = a.map { row in zip(row, result.x).reduce(0) { $0 + $1.0 * $1.1 } }
        for i in 0..<3 { #expect(abs(ax[i] - b[i]) < 1e-8) }
        #expect(result.iterations <= 12)
    }

    @Test("a non-finite start is reported, not hidden")
    func nonFiniteStart() {
        let result = BFGSMinimizer().minimize(from: [1]) { _ in (.nan, [0]) }
        #expect(result.reason == .nonFiniteStart)
        #expect(!result.converged)
    }

    @Test("the line search backs off from a region where f is not finite")
    func barrier() {
        // f = x − ln(x) has its minimum at 1 and is undefined for x ≤ 0.
        let result = BFGSMinimizer().minimize(from: [0.05]) { x in
            x[0] > 0 ? (x[0] - log(x[0]), [1 - 1 / x[0]]) : (.nan, [.nan])
        }
        #expect(result.converged)
        #expect(abs(result.x[0] - 1) < 1e-8)
    }

    @Test("an unbounded function stops at the iteration limit with converged false")
    func unbounded() {
        let result = BFGSMinimizer(maximumIterations: 20).minimize(from: [0]) { x in (-x[0], [-1]) }
        #expect(!result.converged)
        #expect(result.reason == .maximumIterations || result.reason == .lineSearchFailed || result.reason == .maximumEvaluations)
    }
}

@Suite("SmallSymmetricMatrix")
struct StatsSmallMatrixTests {
    @Test("the Cholesky inverse times the matrix is the identity")
    func inverse() throws {
        let a = [[4.0, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]
        let inv = try #require(SmallSymmetricMatrix.inverse(a))
        for i in 0..<3 {
            for j in 0..<3 {
                let p = (0..<3).reduce(0.0) { $0 + a[i][$1] * inv[$1][j] }
                #expect(abs(p - (i == j ? 1 : 0)) < 1e-14)
            }
        }
    }

    @Test("a matrix that is not positive definite has no Cholesky inverse")
    func indefinite() {
        #expect(SmallSymmetricMatrix.inverse([[1, 2], [2, 1]]) == nil)
        #expect(SmallSymmetricMatrix.inverse([[0]]) == nil)
    }

    @Test("the finite-difference Hessian of an analytic gradient is exact for a cubic to 1e-8")
    func hessian() {
        // f = x³y + y², ∇f = (3x²y, x³ + 2y), H = [[6xy, 3x²], [3x², 2]]
        let h = SmallSymmetricMatrix.hessian(of: { v in [3 * v[0] * v[0] * v[1], v[0] * v[0] * v[0] + 2 * v[1]] }, at: [1.5, -0.5])
        #expect(abs(h[0][0] - 6 * 1.5 * -0.5) < 1e-8)
        #expect(abs(h[0][1] - 3 * 2.25) < 1e-8 && abs(h[1][0] - 3 * 2.25) < 1e-8)
        #expect(abs(h[1][1] - 2) < 1e-8)
    }
}
