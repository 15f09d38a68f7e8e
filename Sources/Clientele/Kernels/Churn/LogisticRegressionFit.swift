import ClienteleSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fitted logistic regression: estimates, their uncertainty, fit statistics and how the fit went.
///
/// Immutable; carries the settings that produced it. Parameters are indexed intercept first, then
/// the features in `featureNames` order, on the standardised scale (see `LogisticRegression`).
public struct LogisticRegressionFit: Sendable {
    /// Feature names (without the intercept).
    public let featureNames: [String]
    /// Training mean x̄ⱼ and population standard deviation sⱼ of each feature.
    public let means: [Double]
    public let standardDeviations: [Double]
    /// β: intercept, then one coefficient per standard deviation of each feature.
    public let coefficients: [Double]
    /// Covariance of β, k × k row-major: H⁻¹ at the estimates.
    public let covariance: [Double]
    /// Training rows and churners (y = 1) among them.
    public let rows: Int
    public let positives: Int
    /// ℓ(β) = Σ [y η − log(1 + e^η)] at the estimates (unpenalised).
    public let logLikelihood: Double
    /// ℓ(β) − (λ/2) Σⱼ≥₁ βⱼ² (equals `logLikelihood` when λ = 0).
    public let penalisedLogLikelihood: Double
    /// Newton steps taken, and step halvings over all of them.
    public let iterations: Int
    public let stepHalvings: Int
    /// Why the iterations stopped.
    public let stopReason: LogisticRegression.StopReason
    /// λ² = ∇ᵀH⁻¹∇ at the estimates (twice the gain a further Newton step predicts).
    public let newtonDecrement: Double
    /// Change of the penalised log-likelihood in the last step (0 when no step was taken).
    public let lastLogLikelihoodChange: Double
    /// max |∇| of the penalised log-likelihood at the estimates.
    public let gradientNorm: Double
    /// LAPACK `dpocon`'s estimate of 1 / κ₁(H) at the estimates.
    public let reciprocalCondition: Double
    /// Training rows with fitted probability numerically 0 or 1 (|η| > 36).
    public let saturatedRows: Int
    /// Plain-language warnings: non-convergence, quasi-separation, ill-conditioning.
    public let warnings: [String]
    /// The settings that produced this fit.
    public let settings: LogisticRegression

    /// Whether the iterations met the convergence criterion. A fit that did not converge is still
    /// returned (with a warning) so that callers report it rather than hide it.
    public var converged: Bool { stopReason.isConvergence }

    /// Number of parameters k = features + 1.
    public var parameterCount: Int { coefficients.count }

    /// ℓ₀ = n₁ log ȳ + n₀ log(1 − ȳ): the intercept-only model's log-likelihood.
    public var nullLogLikelihood: Double {
        let n1 = Double(positives), n0 = Double(rows - positives), n = Double(rows)
        return n1 * log(n1 / n) + n0 * log(n0 / n)
    }

    /// McFadden's pseudo-R² = 1 − ℓ / ℓ₀ (McFadden 1974).
    public var pseudoRSquared: Double { 1 - logLikelihood / nullLogLikelihood }

    /// AIC = −2ℓ + 2k (with λ > 0, a nominal value that counts every parameter).
    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount) }

    /// BIC = −2ℓ + k log n.
    public var bic: Double { -2 * logLikelihood + Double(parameterCount) * log(Double(rows)) }

    /// The estimated condition number κ₁(H) = 1 / `reciprocalCondition`.
    public var conditionNumber: Double { 1 / reciprocalCondition }

    /// Standard errors √diag(H⁻¹).
    public var standardErrors: [Double] {
        let k = parameterCount
        return (0..<k).map { max(covariance[$0 * k + $0], 0).squareRoot() }
    }

    /// Coefficients per raw unit: β₀ − Σ βⱼ x̄ⱼ / sⱼ, then βⱼ / sⱼ.
    public var rawCoefficients: [Double] {
        let slopes = (0..<featureNames.count).map { coefficients[$0 + 1] / standardDeviations[$0] }
        let intercept = coefficients[0] - zip(slopes, means).reduce(0) { $0 + $1.0 * $1.1 }
        return [intercept] + slopes
    }

    /// Standard errors per raw unit: aᵀ C a with the affine map's rows a.
    public var rawStandardErrors: [Double] {
        let k = parameterCount
        var a = [Double](repeating: 0, count: k)
        a[0] = 1
        for j in 0..<featureNames.count { a[j + 1] = -means[j] / standardDeviations[j] }
        var variance = 0.0
        for i in 0..<k { for j in 0..<k { variance += a[i] * covariance[i * k + j] * a[j] } }
        let slopes = (0..<featureNames.count).map { standardErrors[$0 + 1] / standardDeviations[$0] }
        return [max(variance, 0).squareRoot()] + slopes
    }

    /// The summary table, intercept first: the rows of `churn_model.csv`.
    public var terms: [LogisticTerm] {
        let se = standardErrors, raw = rawCoefficients, rawSE = rawStandardErrors
        let names = [LogisticRegression.interceptName] + featureNames
        return names.indices.map { i in
            let b = coefficients[i], s = se[i]
            let z = s > 0 ? b / s : 0
            let half = LogisticTerm.normalQuantile975 * s
            return LogisticTerm(
                name: names[i], coefficient: b, standardError: s, z: z, pValue: s > 0 ? erfc(abs(z) / 2.0.squareRoot()) : 1,
                ciLow: b - half, ciHigh: b + half, oddsRatio: Self.odds(b), rawCoefficient: raw[i], rawStandardError: rawSE[i],
                oddsRatioPerUnit: Self.odds(raw[i]), mean: i == 0 ? 0 : means[i - 1], standardDeviation: i == 0 ? 1 : standardDeviations[i - 1])
        }
    }

    /// The linear predictor η = β₀ + Σ βⱼ (xⱼ − x̄ⱼ) / sⱼ for each row of `features`, whose columns
    /// must be `featureNames` in order.
    /// - Throws: `ChurnError.lengthMismatch` when the columns differ; `.nonFiniteFeature` for NaN/∞.
    public func linearPredictor(_ features: ChurnFeatureMatrix) throws(ChurnError) -> [Double] {
        guard features.names == featureNames else {
            throw .lengthMismatch(name: "feature columns [\(features.names.joined(separator: ", "))] for the model's", count: features.columns, expected: featureNames.count)
        }
        let p = featureNames.count, rows = features.rows
        // Rows in fixed blocks on every thread; each row's sum is the serial one, so the bits do
        // not depend on the thread count. A block reports its first non-finite value.
        var eta = [Double](repeating: 0, count: rows)
        let failures = eta.withUnsafeMutableBufferPointer { out in
            parallelBlocks(rows, size: Self.rowBlock) { range -> ChurnError? in
                features.values.withUnsafeBufferPointer { x in
                    for i in range {
                        var t = coefficients[0]
                        for j in 0..<p {
                            let v = x[i * p + j]
                            guard v.isFinite else { return .nonFiniteFeature(name: featureNames[j], row: i, value: v) }
                            t += coefficients[j + 1] * ((v - means[j]) / standardDeviations[j])  // as in the training design
                        }
                        out[i] = t
                    }
                    return nil
                }
            }
        }
        if let first = failures.first(where: { $0 != nil }) ?? nil { throw first }
        return eta
    }

    /// Rows per block of the per-row passes (prediction, probabilities).
    package static let rowBlock = 32_768

    /// Fitted probabilities σ(η) for each row of `features` (columns `featureNames`, in order).
    public func probabilities(_ features: ChurnFeatureMatrix) throws(ChurnError) -> [Double] {
        var eta = try linearPredictor(features)
        eta.withUnsafeMutableBufferPointer { values in
            parallelRanges(values.count, size: Self.rowBlock) { range in
                for i in range { values[i] = Self.sigmoid(values[i]) }
            }
        }
        return eta
    }

    /// The largest t whose exp(t) is finite.
    package static let largestExponent = log(Double.greatestFiniteMagnitude)

    /// exp(t), saturating at the largest finite double instead of overflowing to +∞.
    package static func odds(_ t: Double) -> Double { exp(min(t, largestExponent)) }

    /// σ(t) = 1 / (1 + e^−t), computed without overflow.
    @inline(__always)
    public static func sigmoid(_ t: Double) -> Double {
        if t >= 0 { return 1 / (1 + exp(-t)) }
        let e = exp(t)
        return e / (1 + e)
    }
}
