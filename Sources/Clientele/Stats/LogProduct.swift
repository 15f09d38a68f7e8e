#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Σ ln xᵢ accumulated as the logarithm of the product Π xᵢ: one `log` at the end instead of
/// one per term, which is most of the cost of a likelihood pass that sums ln(1 + e) or ln(γ + m x)
/// over hundreds of thousands of rows.
///
/// The running product is kept in (2⁻²⁵⁶, 2²⁵⁶) by moving whole powers of two into an integer
/// exponent (exact), so it neither overflows nor underflows; `logarithm` is
/// ln(product) + exponent · ln 2, with ln 2 split in two parts (fdlibm's) to keep the multiple
/// accurate. Each multiplication rounds once: for n factors the result is
/// within about n · 2⁻⁵³ of Σ ln xᵢ, the same order as adding n rounded logarithms.
/// Factors outside [2⁻⁵⁰⁰, 2⁵⁰⁰] — and 0, negatives, NaN, ∞ — are added as `log(x)` directly,
/// so the edge cases are log's: a 0 gives −∞, a negative or NaN gives NaN.
@usableFromInline package struct LogProduct {
    @usableFromInline var product = 1.0
    private var exponent = 0
    @usableFromInline var direct = 0.0

    package init() {}

    @inlinable @inline(__always)
    package mutating func add(logOf x: Double) {
        if x >= 0x1p-500 && x <= 0x1p500 {
            product *= x
            if !(product < 0x1p256 && product > 0x1p-256) { rescale() }
        } else {
            direct += log(x)
        }
    }

    @usableFromInline mutating func rescale() {
        exponent += Int(product.exponent)
        product = product.significand
    }

    /// Σ ln xᵢ over the factors added so far (0 for none).
    package var logarithm: Double {
        // ln 2 = ln2High + ln2Low; ln2High has 32 significant bits, so e · ln2High is exact for
        // |e| < 2²¹.
        let ln2High = 6.93147180369123816490e-01, ln2Low = 1.90821492927058770002e-10
        let e = Double(exponent)
        return log(product) + e * ln2Low + e * ln2High + direct
    }
}
