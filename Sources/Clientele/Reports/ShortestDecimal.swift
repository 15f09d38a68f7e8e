/// The shortest decimal that reads back as the same double, written without allocating.
///
/// Hand-written because `Double.description` builds a `String` (a heap allocation for 16 or more
/// characters) for every value, and customers.csv writes several per customer. For
/// 10⁻⁴ ≤ |x| < 10¹⁵ — probabilities, expected purchases, survey means — x = m / 2ᵏ exactly, with
/// m < 2⁵³ and 3 ≤ k ≤ 66, so m · 10ᵖ fits in 128 bits for the p ≤ 21 needed: the q-digit
/// decimal nearest to x is D = round(m · 10ᵖ / 2ᵏ), exact integer arithmetic, and it reads back
/// as x exactly when |D · 2ᵏ − m · 10ᵖ| < 10ᵖ / 2 (half the gap to the next double; a quarter on
/// the lower side of a power of two, where the gap below is half as wide). q = 15, 16, 17 are
/// tried in turn: at 15 digits at most one decimal falls within x's rounding interval, so with
/// trailing zeros dropped the first that reads back is the shortest, as `description` gives.
/// The layout is `description`'s positional one ("0.25", "3.0", "0.0001"); other magnitudes,
/// zero and non-finite values are left to `description`.
enum ShortestDecimal {
    /// The longest text `write` produces (`description` of a double: "-2.2250738585072014e-308").
    static let maxLength = 24

    /// 10⁰ … 10²¹.
    private static let powers: [UInt128] = {
        var p: [UInt128] = [1]
        for _ in 1...21 { p.append(p[p.count - 1] * 10) }
        return p
    }()

    /// Writes `x` at `out` and returns the number of bytes written (≤ `maxLength`).
    static func write(_ x: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let a = x.magnitude
        guard a >= 1e-4, a < 1e15 else { return fallback(x, to: out) }
        // a = m / 2^k with the implicit bit: all such a are normal, and k = 52 − exponent ∈ [3, 66].
        let m = UInt128(a.significandBitPattern | (1 << 52))
        let k = 52 - Int(a.exponent)
        let mIsPowerOfTwo = a.significandBitPattern == 0
        // d10 = ⌊log10 a⌋ from a double estimate, corrected below by the digit count of D.
        var d10 = Int((Double(a.exponent) * 0.30102999566398120).rounded(.down))
        if a >= pow10(d10 + 1) { d10 += 1 }
        for q in 15...17 {
            var p = q - 1 - d10
            guard p >= 0, p <= 21 else { return fallback(x, to: out) }
            var (digits, error) = nearest(m, times: powers[p], shift: k)
            if digits >= powers[q] {  // d10 was one too small: one digit fewer after the point
                p -= 1
                guard p >= 0 else { return fallback(x, to: out) }
                (digits, error) = nearest(m, times: powers[p], shift: k)
            }
            let below = error < 0, e = UInt128(error.magnitude)
            let readsBack = (mIsPowerOfTwo && below) ? 4 * e < powers[p] : 2 * e < powers[p]
            if readsBack { return layout(UInt64(digits), decimalsAfterPoint: p, negative: x < 0, to: out) }
        }
        return fallback(x, to: out)
    }

    /// D = round-half-even(m · 10ᵖ / 2ᵏ) and the signed error D · 2ᵏ − m · 10ᵖ (|error| ≤ 2ᵏ⁻¹).
    @inline(__always)
    private static func nearest(_ m: UInt128, times power: UInt128, shift k: Int) -> (UInt128, Int128) {
        let product = m * power
        var d = product >> k
        let remainder = product - (d << k), half = UInt128(1) << (k - 1)
        if remainder > half || (remainder == half && d & 1 == 1) { d += 1 }
        return (d, Int128(d << k) - Int128(product))
    }

    /// Writes digits · 10⁻ᵖ positionally: "123.45", "0.00123", "5.0".
    private static func layout(_ digits: UInt64, decimalsAfterPoint p: Int, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var d = digits, places = p
        while places > 0 && d % 10 == 0 { d /= 10; places -= 1 }  // trailing zeros
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 scratch bytes for the digits
        return withUnsafeMutableBytes(of: &text) { scratch in
            var count = 0
            repeat { scratch[count] = UInt8(48 + d % 10); d /= 10; count += 1 } while d > 0
            // scratch holds the digits least significant first; `count` of them.
            var n = 0
            if negative { out[n] = 45; n += 1 }
            if places >= count {  // 0.000ddd
                out[n] = 48; out[n + 1] = 46; n += 2
                for _ in 0..<(places - count) { out[n] = 48; n += 1 }
                for i in stride(from: count - 1, through: 0, by: -1) { out[n] = scratch[i]; n += 1 }
            } else {
                for i in stride(from: count - 1, through: places, by: -1) { out[n] = scratch[i]; n += 1 }
                out[n] = 46; n += 1
                if places == 0 {
                    out[n] = 48; n += 1
                } else {
                    for i in stride(from: places - 1, through: 0, by: -1) { out[n] = scratch[i]; n += 1 }
                }
            }
            return n
        }
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }

    private static func fallback(_ x: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        for c in x.description.utf8 { out[n] = c; n += 1 }
        return n
    }
}
