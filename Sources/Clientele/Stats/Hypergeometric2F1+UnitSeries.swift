#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ₂F₁(1, b; c; z) = Σₙ (b)ₙ/(c)ₙ zⁿ for c > b > 0 and 0 ≤ z < 1, with its partial derivatives in
/// b, c and z from the same pass — the series the Pareto/NBD likelihood needs (after Euler's
/// transformation, see `Hypergeometric2F1.logMagnitude`) with its analytic gradient.
///
///     G = Σₙ tₙ,          tₙ = (b)ₙ/(c)ₙ zⁿ,   tₙ₊₁/tₙ = (b + n)/(c + n) · z < z,
///     ∂G/∂b = Σₙ tₙ Σ_{k<n} 1/(b + k),   ∂G/∂c = −Σₙ tₙ Σ_{k<n} 1/(c + k),   ∂G/∂z = Σₙ n tₙ / z
///
/// (termwise differentiation; d(b)ₙ/db = (b)ₙ (ψ(b + n) − ψ(b))). Every term is positive and the
/// ratio is below z from the start, so the tail after tₙ is below tₙ z/(1 − z); summation stops
/// when that bound, widened by (n + 2)/(1 − z) for the derivative series (whose terms carry
/// n and the harmonic sums), is below 2⁻⁵³ of the sum. About 37/(1 − z) terms at most.
/// - Precondition (not checked; callers validate): c > b > 0, 0 ≤ z < 1, all finite.
public struct HypergeometricUnitSeries: Sendable, Hashable {
    public let value: Double
    public let derivativeB: Double
    public let derivativeC: Double
    public let derivativeZ: Double
    public let terms: Int
    public let converged: Bool

    /// The default term limit (the series needs about 37/(1 − z) terms; 10⁶ allows z up to 1 − 4·10⁻⁵).
    public static let maximumTerms = 1_000_000

    /// Sums the series; with `derivatives` false only `value` is computed (the others are 0).
    /// Stops after `maximumTerms` terms with `converged` false: a caller evaluating many series
    /// per step (a likelihood inside an optimiser) passes a smaller budget so that a point far
    /// out (z → 1) costs little and is refused, instead of costing 10⁶ terms a series.
    @inlinable
    public init(b: Double, c: Double, z: Double, derivatives: Bool, maximumTerms: Int = Self.maximumTerms) {
        var sum = 1.0, sb = 0.0, sc = 0.0, sz = 0.0
        var term = 1.0, hb = 0.0, hc = 0.0
        var n = 0
        var converged = false
        let slack = 1 - z
        while n < maximumTerms {
            let dn = Double(n)
            if derivatives { hb += 1 / (b + dn); hc += 1 / (c + dn) }
            term *= (b + dn) / (c + dn) * z
            n += 1
            sum += term
            if derivatives {
                sb += term * hb
                sc += term * hc
                sz += Double(n) * term
            }
            let bound = derivatives ? term * z * (Double(n) + 2) / (slack * slack) : term * z / slack
            if bound <= 0x1p-53 * sum { converged = true; break }
        }
        value = sum
        derivativeB = sb
        derivativeC = -sc
        derivativeZ = z > 0 ? sz / z : b / c
        terms = n
        self.converged = converged
    }
}
