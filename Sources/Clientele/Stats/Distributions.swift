#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Cumulative distribution functions for hypothesis tests: the regularized incomplete beta
/// function, Student's t and the standard normal, with upper tails computed directly (never as
/// `1 − cdf`) so that small p-values keep their relative precision.
///
/// Goals, in order: agreement with `scipy.special` (`betainc`, `betaincc`, `stdtr`, `ndtr`,
/// `ndtri`) to about 1e-13 relative over the ranges hypothesis tests use; no allocation; pure
/// functions safe to call from any thread.
public enum Distributions {
    /// `log Γ(x)` for `x > 0`, through the re-entrant `lgamma_r` (the plain `lgamma` writes the
    /// global `signgam`, a data race when tests run in parallel).
    @inlinable @inline(__always)
    package static func logGammaPositive(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// `log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)` for `a, b > 0`.
    package static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGammaPositive(a) + logGammaPositive(b) - logGammaPositive(a + b)
    }
}
