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
package enum ShortestDecimal {
    /// The longest text `write` produces (`description` of a double: "-2.2250738585072014e-308").
    package static let maxLength = 24

    /// 10⁰ … 10²¹.
    private static let powers: [UInt128] = {
        var p: [UInt128] = [1]
        for _ in 1...21 { p.append(p[p.count - 1] * 10) }
        return p
    }()

    /// 10⁻⁴ … 10¹⁵ as doubles (the literals round correctly), for the decimal exponent.
    private static let decades: [Double] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                            1e11, 1e12, 1e13, 1e14, 1e15]

    /// Writes `x` at `out` and returns the number of bytes written (≤ `maxLength`).
    package static func write(_ x: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let a = x.magnitude
        guard a >= 1e-4, a < 1e15 else { return fallback(x, to: out) }
        // a = m / 2^k with the implicit bit: all such a are normal, and k = 52 − exponent ∈ [3, 66].
        let m = UInt128(a.significandBitPattern | (1 << 52))
        let k = 52 - (Int(a.exponentBitPattern) - 1023)  // a is normal here
        // Wrapping operators (&*, &<<, …) below: every bound is shown in the comments, and the
        // checked ones would add an overflow test to each 128-bit step.
        // d10 = ⌊log10 a⌋ (the decade table can be off by one next to a power of ten: the digit
        // count of Q below corrects it).
        var d10 = -4
        while d10 < 14 && a >= decades[d10 + 5] { d10 += 1 }
        // The 17-digit scale: a · 10ᵖ = Q + R / 2ᵏ exactly, Q with 17 digits.
        var p = 16 - d10
        var product = m &* powers[p]
        var q = product &>> k
        if q >= powers[17] { p -= 1; product = m &* powers[p]; q = product &>> k }
        else if q < powers[16] { p += 1; product = m &* powers[p]; q = product &>> k }
        let r = product &- (q &<< k)
        let q64 = UInt64(q)  // < 10¹⁷
        let mIsPowerOfTwo = a.significandBitPattern == 0
        // Fewest digits first: drop s = 2 or 1 of the 17 digits, rounding half to even on the
        // exact value, when that still reads back; 17 digits always do.
        for s in [2, 1] {
            let t: UInt64 = s == 2 ? 100 : 10
            var digits = s == 2 ? q64 / 100 : q64 / 10   // constant divisors: multiplications
            let rest = q64 &- digits &* t                   // Q = digits · t + rest
            // Reading back needs the decimal within half a gap of a, and a gap is under 23 units
            // of Q (10ᵖ / 2ᵏ = (Q + R / 2ᵏ) / m < 10¹⁷ / 2⁵²): a rest far from 0 and t fails at once.
            if min(rest, t - rest) > 12 { continue }
            // Round on rest + R/2ᵏ against t/2, in units of 2⁻ᵏ.
            let twice = 2 &* ((UInt128(rest) &<< k) &+ r), scaledT = UInt128(t) &<< k
            if twice > scaledT || (twice == scaledT && digits & 1 == 1) { digits += 1 }
            // Error of digits · 10ˢ against a · 10ᵖ = (Q · 2ᵏ + R) / 2ᵏ, in units of 2⁻ᵏ.
            let decimal = UInt128(digits &* t) &<< k, exact = (q &<< k) &+ r
            let below = decimal < exact
            let e = below ? exact &- decimal : decimal &- exact
            let limit = powers[p]
            let readsBack = (mIsPowerOfTwo && below) ? 4 &* e < limit : 2 &* e < limit
            if readsBack { return layout(digits, decimalsAfterPoint: p - s, negative: x < 0, to: out) }
        }
        // 17 significant digits, rounded half to even.
        var digits = q64
        if r > (UInt128(1) &<< (k - 1)) || (r == (UInt128(1) &<< (k - 1)) && digits & 1 == 1) { digits += 1 }
        return layout(digits, decimalsAfterPoint: p, negative: x < 0, to: out)
    }

    /// "00" "01" … "99": two digits per division.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Writes digits · 10⁻ᵖ positionally: "123.45", "0.00123", "5.0".
    private static func layout(_ digits: UInt64, decimalsAfterPoint p: Int, negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var d = digits, places = p
        // Trailing zeros, eight, four, two, one at a time.
        while places >= 8 && d % 100_000_000 == 0 { d /= 100_000_000; places -= 8 }
        if places >= 4 && d % 10_000 == 0 { d /= 10_000; places -= 4 }
        if places >= 2 && d % 100 == 0 { d /= 100; places -= 2 }
        if places >= 1 && d % 10 == 0 { d /= 10; places -= 1 }
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 scratch bytes for the digits
        return withUnsafeMutableBytes(of: &text) { scratch in
            // The digits, least significant first, two per division; the low eight of a long
            // number in 32 bits, apart from the rest, so the two division chains overlap.
            let pairs = digitPairs.utf8Start
            var count = 0
            if d >= 100_000_000 {
                var low = UInt32(d % 100_000_000)
                d /= 100_000_000
                for _ in 0..<4 {
                    let pair = Int(low % 100)
                    low /= 100
                    scratch[count] = pairs[2 * pair + 1]; scratch[count + 1] = pairs[2 * pair]
                    count += 2
                }
            }
            var high = d
            while high >= 100 {
                let pair = Int(high % 100)
                high /= 100
                scratch[count] = pairs[2 * pair + 1]; scratch[count + 1] = pairs[2 * pair]
                count += 2
            }
            if high >= 10 {
                scratch[count] = pairs[2 * Int(high) + 1]; scratch[count + 1] = pairs[2 * Int(high)]
                count += 2
            } else {
                scratch[count] = UInt8(48 + high)
                count += 1
            }
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

    private static func fallback(_ x: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        for c in x.description.utf8 { out[n] = c; n += 1 }
        return n
    }
}
