/// A statistic that is either defined, with its value, or not defined, with the reason.
///
/// Correlation is not defined for fewer than three complete pairs or when a variable is
/// constant on them; reports print the reason (or an empty cell), never NaN.
public enum Estimate<Value: Sendable & Equatable>: Sendable, Equatable {
    case defined(Value)
    case notDefined(NotDefined)

    /// The value when defined.
    public var value: Value? {
        if case .defined(let v) = self { return v }
        return nil
    }

    /// The reason when not defined.
    public var reason: NotDefined? {
        if case .notDefined(let r) = self { return r }
        return nil
    }
}

/// Why a correlation statistic is not defined.
public enum NotDefined: Sendable, Equatable, CustomStringConvertible {
    /// Fewer complete pairs than the statistic needs (3: a p-value needs n − 2 ≥ 1 degrees of freedom).
    case tooFewPairs(n: Int, minimum: Int)
    /// A variable takes one value on all complete pairs, so its spread is 0.
    case constant(variable: String, value: Double)
    /// The statistic was switched off in the settings (`Correlation.includeKendall`).
    case notComputed

    public var description: String {
        switch self {
        case .tooFewPairs(let n, let minimum):
            return "not defined: n=\(n) complete pairs, needs at least \(minimum)"
        case .constant(let variable, let value):
            return "not defined: \(variable) is constant (\(value)) on the complete pairs"
        case .notComputed:
            return "not computed (switched off in the settings)"
        }
    }
}

/// Pearson's r with its two-sided p-value and Fisher-z confidence interval.
public struct PearsonEstimate: Sendable, Equatable {
    /// r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² Σ(y − ȳ)²), clipped to [−1, 1].
    public var r: Double
    /// Two-sided p-value of H₀: ρ = 0 (exact under bivariate normality; equals the t test with n − 2 df).
    public var pValue: Double
    /// Fisher-z interval `tanh(atanh r ∓ z₍₁₊c₎/₂ / √(n − 3))`; (−1, 1) when n = 3.
    public var confidenceLow: Double
    public var confidenceHigh: Double
    public var confidenceLevel: Double
}

/// Spearman's ρ (Pearson's r of average ranks) with its two-sided p-value (t, n − 2 df).
public struct SpearmanEstimate: Sendable, Equatable {
    public var rho: Double
    public var pValue: Double
}

/// Kendall's τ-b with its two-sided p-value and the pair counts behind it.
public struct KendallEstimate: Sendable, Equatable {
    /// How the p-value was computed.
    public enum PValueMethod: String, Sendable, Equatable, Codable {
        /// The exact permutation distribution (no ties only).
        case exact
        /// The normal approximation with tie-corrected variance.
        case asymptotic
    }
    /// τ-b = (C − D) / √((N₀ − N₁)(N₀ − N₂)), N₀ = n(n−1)/2, N₁/N₂ = pairs tied in x/y.
    public var tauB: Double
    public var pValue: Double
    public var method: PValueMethod
    /// C − D, concordant minus discordant pairs.
    public var concordantMinusDiscordant: Int64
    /// D, discordant pairs.
    public var discordant: Int64
    /// N₁, N₂ and pairs tied in both.
    public var tiedX: Int64
    public var tiedY: Int64
    public var tiedBoth: Int64
}
