/// The exact sum of finite doubles, in any order: each double is an integer multiple of 2⁻¹⁰⁷⁴,
/// added into a fixed-point accumulator of 32-bit limbs (a "superaccumulator", Kulisch), so
/// the sum is the same exact number whatever the order of the terms or how they were split
/// between partitions. `normalized()` gives the one canonical form of that number (every limb
/// but the top one in 0..<2³²), which is what the file form stores, so equal sums are equal bytes.
///
/// `value` rounds the exact sum to a double (within an ulp or two; the same bits for the same
/// exact sum). Used for the cross products of the satisfaction–loyalty correlations, where the
/// terms come from different partitions.
public struct ExactSum: Sendable, Equatable {
    /// Limb i holds the multiple of 2^(32 i − `offset`).
    static let offset = 1088
    static let limbCount = 70
    public private(set) var limbs = [Int64](repeating: 0, count: limbCount)
    /// Terms added since the last normalization (each adds at most 2³² to a limb).
    private var pending = 0

    public init() {}

    init(limbs: [Int64]) {
        precondition(limbs.count == Self.limbCount)
        self.limbs = limbs
        normalize()
    }

    /// Adds `x` exactly. - Precondition: `x` is finite.
    public mutating func add(_ x: Double) {
        precondition(x.isFinite, "ExactSum takes finite values")
        guard x != 0 else { return }
        let m: UInt64, q: Int
        if x.isNormal { m = x.significandBitPattern | (1 << 52); q = Int(x.exponent) - 52 } else { m = x.significandBitPattern; q = -1074 }
        let position = q + Self.offset
        let i = position >> 5, s = position & 31
        let (high, low) = m.multipliedFullWidth(by: UInt64(1) << UInt64(s))
        let sign: Int64 = x < 0 ? -1 : 1
        limbs[i] += sign * Int64(low & 0xffff_ffff)
        limbs[i + 1] += sign * Int64(low >> 32)
        limbs[i + 2] += sign * Int64(high)
        pending += 1
        if pending >= 1 << 29 { normalize() }
    }

    /// Adds `count` copies of `x`: the product split by a fused multiply-add into its rounded
    /// value and its rounding error, both added exactly (exact unless the error underflows, for
    /// products below about 2⁻⁹⁶⁹). - Precondition: `x` finite, 0 ≤ count ≤ 2⁵³.
    public mutating func add(_ x: Double, times count: Int) {
        precondition(count >= 0 && count <= 1 << 53, "ExactSum: count \(count) out of range")
        let n = Double(count), product = x * n
        add(product)
        add((-product).addingProduct(x, n))
    }

    /// Carries propagated: every limb but the top one in 0..<2³².
    public mutating func normalize() {
        for i in 0..<(Self.limbCount - 1) {
            let carry = limbs[i] >> 32  // floor division
            limbs[i] -= carry << 32
            limbs[i + 1] += carry
        }
        pending = 0
    }

    public func normalized() -> ExactSum { var s = self; s.normalize(); return s }

    /// Both sums together, normalized.
    public func merged(with other: ExactSum) -> ExactSum {
        var s = self.normalized()
        let o = other.normalized()
        for i in 0..<Self.limbCount { s.limbs[i] += o.limbs[i] }
        s.normalize()
        return s
    }

    /// The sum as a double: the canonical limbs of its magnitude (all in 0..<2³², so no partial
    /// sum exceeds the total) added from the least significant up, with the sum's sign.
    public var value: Double {
        var s = normalized()
        let negative = s.limbs[Self.limbCount - 1] < 0
        if negative {
            s.limbs = s.limbs.map { -$0 }
            s.normalize()
        }
        var total = 0.0
        for i in 0..<Self.limbCount where s.limbs[i] != 0 {
            total += Double(sign: .plus, exponent: 32 * i - Self.offset, significand: Double(s.limbs[i]))
        }
        return negative ? -total : total
    }

    public static func == (a: ExactSum, b: ExactSum) -> Bool { a.normalized().limbs == b.normalized().limbs }
}
