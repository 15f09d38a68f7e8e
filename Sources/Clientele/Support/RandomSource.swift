/// A small, fast, seedable random number generator: xoshiro256** seeded through SplitMix64.
///
/// Blackman & Vigna, "Scrambled linear pseudorandom number generators" (ACM TOMS 47(4), 2021):
/// xoshiro256** has a 2^256 − 1 period and passes BigCrush; its 256-bit state is filled from
/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014), as the authors recommend. A source is identified by `(seed, stream)`; distinct
/// streams start from unrelated states, so per-customer streams make generated data independent
/// of how customers are split over threads. Not for cryptography.
public struct RandomSource: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A source for stream `stream` of `seed`: SplitMix64 mixes both into four state words.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var splitMix = SplitMix64(state: SplitMix64.mix(seed &+ 0x9E37_79B9_7F4A_7C15)
            ^ SplitMix64.mix(stream ^ 0xD1B5_4A32_D192_ED03))
        s0 = splitMix.next()
        s1 = splitMix.next()
        s2 = splitMix.next()
        s3 = splitMix.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // the one state xoshiro must avoid
    }

    /// A source with this exact xoshiro256** state (not all zero), for reference test vectors.
    package init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state.0 | state.1 | state.2 | state.3 != 0, "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// The next 64 random bits (xoshiro256**: `rotl(s1 × 5, 7) × 9`, then the linear step).
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform on (0, 1]: safe to take the logarithm of.
    @inlinable @inline(__always)
    public mutating func uniformPositive() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Uniform integer in `0..<bound` (`bound` ≥ 1): Lemire's multiply-shift with rejection
    /// ("Fast random integer generation in an interval", ACM TOMS 29(1), 2019), written out here
    /// so the sequence does not depend on the standard library's version.
    public mutating func index(below bound: Int) -> Int {
        precondition(bound >= 1, "bound=\(bound) should be >= 1")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    @inline(__always)
    @usableFromInline func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a Weyl sequence passed through a 64-bit finaliser.
/// Used only to seed `RandomSource`.
package struct SplitMix64 {
    package var state: UInt64

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser (variant 13 of Stafford's mixers): a bijection on 64-bit words.
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
