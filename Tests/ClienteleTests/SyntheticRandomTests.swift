import Foundation
import Testing
@testable import Clientele
@testable import ClienteleSupport

@Suite("RandomSource and GammaSampler")
struct SyntheticRandomTests {
    @Test("SplitMix64 reproduces the reference outputs for seed 1234567")
    func splitMixReference() {
        var generator = SplitMix64(state: 1_234_567)
        let expected: [UInt64] = [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                                  4_593_380_528_125_082_431, 16_408_922_859_458_223_821]
        #expect((0..<5).map { _ in generator.next() } == expected)
    }

    @Test("xoshiro256** reproduces the reference outputs from state (1, 2, 3, 4)")
    func xoshiroReference() {
        var random = RandomSource(state: (1, 2, 3, 4))
        let expected: [UInt64] = [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
                                  607_988_272_756_665_600, 16_172_922_978_634_559_625, 8_476_171_486_693_032_832,
                                  10_595_114_339_597_558_777, 2_904_607_092_377_533_576]
        #expect((0..<10).map { _ in random.next() } == expected)
    }

    @Test("a seed and stream always give the same sequence, and other streams or seeds do not")
    func streams() {
        func first(_ seed: UInt64, _ stream: UInt64) -> [UInt64] {
            var random = RandomSource(seed: seed, stream: stream)
            return (0..<8).map { _ in random.next() }
        }
        #expect(first(7, 3) == first(7, 3))
        #expect(first(7, 3) != first(7, 4))
        #expect(first(7, 3) != first(8, 3))
        #expect(first(0, 0) != first(0, 1))
    }

    @Test("uniforms stay in their intervals and bounded integers cover their range evenly")
    func uniforms() {
        var random = RandomSource(seed: 11)
        var buckets = [Int](repeating: 0, count: 10)
        let n = 100_000
        for _ in 0..<n {
            let u = random.uniform()
            #expect(u >= 0 && u < 1)
            let v = random.uniformPositive()
            #expect(v > 0 && v <= 1)
            buckets[random.index(below: 10)] += 1
        }
        // Chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile.
        let expected = Double(n) / 10
        let chiSquare = buckets.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 27.9)
    }

    @Test("Gamma draws have mean k/θ and variance k/θ², including shapes below one", arguments: [
        (0.3, 1.0), (0.5, 12.0), (1.0, 2.0), (4.0, 15.0), (6.0, 1.0),
    ])
    func gammaMoments(shape: Double, rate: Double) {
        let sampler = GammaSampler(shape: shape, rate: rate)
        var random = RandomSource(seed: 5, stream: UInt64(shape * 1000 + rate))
        let n = 100_000
        var sum = 0.0
        var sumSquares = 0.0
        for _ in 0..<n {
            let x = sampler.next(using: &random)
            #expect(x >= 0)
            sum += x
            sumSquares += x * x
        }
        let mean = sum / Double(n)
        let variance = sumSquares / Double(n) - mean * mean
        let trueMean = shape / rate
        let trueVariance = shape / (rate * rate)
        // Standard error of the mean is √(var/n); of the variance, √((μ4 − σ⁴)/n) with
        // μ4 = 3k(k + 2)/θ⁴ for a Gamma, so μ4 − σ⁴ = (2k² + 6k)/θ⁴.
        #expect(abs(mean - trueMean) < 5 * (trueVariance / Double(n)).squareRoot())
        let varianceError = ((2 * shape * shape + 6 * shape) / pow(rate, 4) / Double(n)).squareRoot()
        #expect(abs(variance - trueVariance) < 5 * varianceError)
    }

    @Test("Beta draws have mean a/(a+b)")
    func betaMean() {
        let (a, b) = (1.5, 3.5)
        var random = RandomSource(seed: 9)
        let samplerA = GammaSampler(shape: a)
        let samplerB = GammaSampler(shape: b)
        let n = 100_000
        var sum = 0.0
        for _ in 0..<n { sum += random.beta(samplerA, samplerB) }
        let variance = a * b / ((a + b) * (a + b) * (a + b + 1))
        #expect(abs(sum / Double(n) - a / (a + b)) < 5 * (variance / Double(n)).squareRoot())
    }

    @Test("Poisson draws have mean and variance equal to the mean, also past the split at 64",
          arguments: [0.2, 1.3, 7.0, 150.0])
    func poissonMoments(mean: Double) {
        var random = RandomSource(seed: 13, stream: UInt64(mean * 10))
        let n = 50_000
        var sum = 0.0
        var sumSquares = 0.0
        for _ in 0..<n {
            let k = Double(random.poisson(mean: mean))
            sum += k
            sumSquares += k * k
        }
        let sampleMean = sum / Double(n)
        let sampleVariance = sumSquares / Double(n) - sampleMean * sampleMean
        #expect(abs(sampleMean - mean) < 5 * (mean / Double(n)).squareRoot())
        // Var of the sample variance of a Poisson ≈ (μ + 2μ²)/n.
        #expect(abs(sampleVariance - mean) < 5 * ((mean + 2 * mean * mean) / Double(n)).squareRoot())
    }

    @Test("a mean of zero gives zero events and an exponential with rate zero never arrives")
    func edgeCases() {
        var random = RandomSource(seed: 1)
        #expect(random.poisson(mean: 0) == 0)
        #expect(random.exponential(rate: 0) == .infinity)
    }
}
