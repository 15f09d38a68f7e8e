import Foundation
import Testing
@testable import Clientele

@Suite("LogProduct")
struct StatsLogProductTests {
    /// Σ ln xᵢ with Neumaier's compensated summation, so that the reference is not the less
    /// accurate side (a plain sum of 10⁵ logarithms drifts by about √n ulps of the total).
    static func sumOfLogs(_ factors: [Double]) -> Double {
        var sum = 0.0, compensation = 0.0
        for x in factors {
            let term = log(x), t = sum + term
            compensation += abs(sum) >= abs(term) ? (sum - t) + term : (term - t) + sum
            sum = t
        }
        return sum + compensation
    }

    /// Named sets of factors.
    static func factors(_ name: String) -> [Double] {
        switch name {
        case "in (1, 2], as ln(1 + e)": return (0..<100_000).map { 1 + Double(($0 * 7_919) % 10_007) / 10_007 }
        case "around 10³, whose plain product overflows": return (0..<100_000).map { 500 + Double(($0 * 31) % 1_000) }
        case "around 10⁻³, whose plain product underflows": return (0..<100_000).map { 1e-3 * (1 + Double($0 % 97) / 97) }
        case "from 10⁻³⁰⁰ to 10³⁰⁰, some added as plain logarithms": return (0..<1_201).map { pow(10, Double($0 - 600) / 2) }
        default: return []
        }
    }

    @Test("equals the sum of logarithms to n ulps for factors of every size", arguments: [
        "in (1, 2], as ln(1 + e)", "around 10³, whose plain product overflows",
        "around 10⁻³, whose plain product underflows", "from 10⁻³⁰⁰ to 10³⁰⁰, some added as plain logarithms", "none",
    ])
    func matchesSumOfLogs(name: String) {
        let factors = Self.factors(name)
        var product = LogProduct()
        for x in factors { product.add(logOf: x) }
        let expected = Self.sumOfLogs(factors)
        // One rounding per multiplication (relative 2⁻⁵³ each, absolute in the logarithm),
        // then a few ulps of the magnitude the parts reach where they are added.
        let magnitude = factors.reduce(0) { $0 + abs(log($1)) }
        let tolerance = Double(factors.count) * 0x1p-52 + 4 * magnitude.ulp
        #expect(abs(product.logarithm - expected) <= tolerance, "\(name): \(product.logarithm) vs \(expected)")
    }

    @Test("a zero factor gives −∞, a negative or NaN factor NaN, as log does")
    func edgeCases() {
        for (factors, check) in [([2.0, 0, 3], { (v: Double) in v == -.infinity }),
                                 ([2.0, -1, 3], { (v: Double) in v.isNaN }),
                                 ([2.0, .nan], { (v: Double) in v.isNaN })] {
            var product = LogProduct()
            for x in factors { product.add(logOf: x) }
            #expect(check(product.logarithm), "\(factors) → \(product.logarithm)")
        }
    }
}
