import ClienteleSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws Gamma(shape, rate) variates: Marsaglia & Tsang, "A simple method for generating gamma
/// variables" (ACM TOMS 26(3), 2000), with their boost `G(k) = G(k + 1) · U^{1/k}` for k < 1.
///
/// The constants `d = k − 1/3` and `c = 1/√(9d)` are computed once, so a sampler for a fixed
/// shape (the Gamma-Gamma order value, say) costs one normal, one uniform and usually no logarithm
/// per draw. Mean `shape / rate`, variance `shape / rate²`.
public struct GammaSampler: Sendable, Hashable {
    /// Shape k > 0.
    public let shape: Double
    /// Rate (inverse scale) θ > 0.
    public let rate: Double
    private let d: Double
    private let c: Double
    private let boostExponent: Double?

    /// A sampler for Gamma(shape, rate); both must be finite and positive (checked).
    public init(shape: Double, rate: Double = 1) {
        precondition(shape > 0 && shape.isFinite, "shape=\(shape) should be > 0")
        precondition(rate > 0 && rate.isFinite, "rate=\(rate) should be > 0")
        self.shape = shape
        self.rate = rate
        let k = shape < 1 ? shape + 1 : shape
        d = k - 1.0 / 3.0
        c = 1.0 / (9.0 * d).squareRoot()
        boostExponent = shape < 1 ? 1 / shape : nil
    }

    /// One draw; ≥ 0 (it can underflow to 0 for very small shapes).
    public func next(using random: inout RandomSource) -> Double {
        var value: Double
        while true {
            var x: Double
            var v: Double
            repeat {
                x = random.standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.uniformPositive()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { value = d * v; break }  // the squeeze
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { value = d * v; break }
        }
        if let boostExponent { value *= pow(random.uniformPositive(), boostExponent) }
        return value / rate
    }
}

extension RandomSource {
    /// Standard normal by the Box–Muller transform (Box & Muller 1958), cosine branch only, so
    /// no state is carried between calls.
    @inline(__always)
    public mutating func standardNormal() -> Double {
        let radius = (-2 * log(uniformPositive())).squareRoot()
        return radius * cos(2 * Double.pi * uniform())
    }

    /// Exponential with the given rate, by inversion: `−ln(U) / rate`; +∞ when `rate` is 0.
    @inline(__always)
    public mutating func exponential(rate: Double) -> Double {
        -log(uniformPositive()) / rate
    }

    /// Beta(a, b) as `X / (X + Y)` with X ~ Gamma(a), Y ~ Gamma(b) independent (samplers must have
    /// rate 1); redraws in the (underflow) case X + Y = 0.
    public mutating func beta(_ a: GammaSampler, _ b: GammaSampler) -> Double {
        while true {
            let x = a.next(using: &self)
            let y = b.next(using: &self)
            if x + y > 0 { return x / (x + y) }
        }
    }

    /// Poisson(mean) by sequential inversion of the CDF (Devroye 1986, §X.3.2); means above 64
    /// are split into equal parts and summed, which keeps `e^{−mean}` far from underflow.
    /// - Complexity: one uniform per part of mean ≤ 64, O(mean) arithmetic.
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let parts = Int((mean / 64).rounded(.up))
        let partMean = mean / Double(parts)
        var total = 0
        for _ in 0..<parts {
            let u = uniform()
            var k = 0
            var probability = exp(-partMean)
            var cumulative = probability
            while u >= cumulative && k < 10_000 {
                k += 1
                probability *= partMean / Double(k)
                cumulative += probability
                if probability == 0 { break }
            }
            total += k
        }
        return total
    }

    /// Index `i` with probability `cumulative[i] − cumulative[i − 1]`; `cumulative` ascends to 1.
    @inline(__always)
    public mutating func categorical(cumulative: [Double]) -> Int {
        let u = uniform()
        for (i, bound) in cumulative.enumerated() where u < bound { return i }
        return cumulative.count - 1
    }
}
