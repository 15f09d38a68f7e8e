import ClienteleSupport
import ClienteleLinear

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LogisticRegression {
    /// Fits the model to `features` (one row per customer) and `labels` (`true` = 1).
    ///
    /// Starts from β = (logit ȳ, 0, …, 0), the null model's estimate.
    /// - Complexity: O(iterations × n k²) flops plus O(k³) per iteration; memory n × k doubles for
    ///   the standardised design.
    /// - Throws: `ChurnError` — `invalidSetting` (64); `tooFewRows`, `singleClass`,
    ///   `nonFiniteFeature`, `constantFeature`, `collinearFeatures`, `perfectSeparation` (65);
    ///   `lengthMismatch`, `lapackFailure` (70).
    public func fit(_ features: ChurnFeatureMatrix, labels: [Bool]) throws(ChurnError) -> LogisticRegressionFit {
        try validate()
        let n = features.rows, p = features.columns, k = p + 1
        guard labels.count == n else { throw .lengthMismatch(name: "labels", count: labels.count, expected: n) }
        guard n >= k, n >= 1 else { throw .tooFewRows(part: "training", rows: n, parameters: k) }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, positives < n else { throw .singleClass(part: "training", rows: n, churners: positives) }
        let (means, deviations) = try Self.standardisation(features)
        let design = Self.standardisedDesign(features, means: means, deviations: deviations)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let outcome = try newton(rows: n, positives: positives, featureNames: features.names, means: means, deviations: deviations) { beta in
            LogisticPass(design: design, labels: y, rows: n, k: k, beta: beta)
        }
        guard case .fitted(let fit) = outcome else { preconditionFailure("a local logistic pass always has its sums") }
        return fit
    }

    /// The Newton iterations from β = (logit ȳ, 0, …, 0) on a standardised design that `pass`
    /// sums at any β (`LogisticPass`: over local rows, or merged over partitions). When `pass`
    /// returns nil (those sums are not at hand yet), the iterations stop with `.needs(β)`: a
    /// distributed fit evaluates them elsewhere and replays, and, being deterministic, the replay
    /// asks for the same β in the same order (`LogisticNewtonOutcome`).
    /// - Precondition: `positives` in 1..<rows, rows ≥ featureNames.count + 1, settings validated.
    package func newton(rows n: Int, positives: Int, featureNames: [String], means: [Double], deviations: [Double],
                        pass sums: ([Double]) throws(ChurnError) -> LogisticPass?) throws(ChurnError) -> LogisticNewtonOutcome {
        let k = featureNames.count + 1
        let names = [Self.interceptName] + featureNames
        let rate = Double(positives) / Double(n)
        var beta = [Double](repeating: 0, count: k)
        beta[0] = log(rate / (1 - rate))
        guard var pass = try sums(beta) else { return .needs(beta) }
        var objective = penalised(pass.logLikelihood, beta)
        var iterations = 0, halvings = 0, lastChange = 0.0
        var stop = StopReason.converged
        var cholesky: Cholesky
        var decrement: Double
        var gradient: [Double]
        var polished = false
        let progress = RunProgress.current
        while true {
            gradient = penalisedGradient(pass.gradient, beta)
            cholesky = try Self.factorInformation(penalisedInformation(pass.information, k: k), names: names)
            let step = try ChurnError.lapack { () throws(LAPACKFailure) in try cholesky.solve(gradient) }
            decrement = zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 }
            guard decrement.isFinite else { throw .lapackFailure(routine: "dpotrs (non-finite Newton step)", info: 0) }
            if polished { break }
            // Converged: take this last (tiny) step too, so the estimates sit at rounding level,
            // and stop at the next iterate with its information matrix.
            let small = decrement / (2 * Double(n)) <= tolerance
            if iterations == maxIterations {
                if !small { stop = .maxIterations }
                break
            }
            let slack = 1e-12 * (abs(objective) + 1)
            var t = 1.0, accepted: (beta: [Double], pass: LogisticPass, objective: Double)? = nil
            for _ in 0...maxStepHalvings {
                let candidate = zip(beta, step).map { $0 + t * $1 }
                guard let trial = try sums(candidate) else { return .needs(candidate) }
                let value = penalised(trial.logLikelihood, candidate)
                if value >= objective - slack { accepted = (candidate, trial, value); break }
                halvings += 1
                t /= 2
            }
            guard let next = accepted else {
                // Nothing improves: converged if a full step could gain no more than rounding, stuck otherwise.
                if !small, decrement / 2 > slack { stop = .noImprovement }
                break
            }
            iterations += 1
            progress?.iteration(iterations)
            lastChange = next.objective - objective
            (beta, pass, objective) = next
            polished = small
            if l2Penalty == 0, pass.misclassified == 0 {
                throw .perfectSeparation(iterations: iterations, strongest: names[Self.largestSlope(beta)])
            }
        }

        let rcond = try ChurnError.lapack { () throws(LAPACKFailure) in try cholesky.reciprocalCondition() }
        if l2Penalty == 0, pass.saturated > 0, rcond < Self.singularReciprocalCondition || stop != .converged {
            throw .quasiCompleteSeparation(rows: pass.saturated, strongest: names[Self.largestSlope(beta)])
        }
        if rcond < Self.singularReciprocalCondition {
            let shares = cholesky.unexplainedShares(original: penalisedInformation(pass.information, k: k))
            let worst = (1..<k).min { shares[$0] < shares[$1] } ?? 0
            throw .collinearFeatures(name: names[worst], reciprocalCondition: rcond)
        }
        let covariance = try ChurnError.lapack { () throws(LAPACKFailure) in try cholesky.inverse() }
        var warnings: [String] = []
        switch stop {
        case .converged: break
        case .maxIterations:
            warnings.append("the Newton iterations did not converge in \(maxIterations) steps (decrement per row \(decrement / (2 * Double(n)))); estimates and standard errors are the last iterate's")
        case .noImprovement:
            warnings.append("the Newton iterations stopped after \(iterations) steps: no halved step improved the log-likelihood (decrement per row \(decrement / (2 * Double(n)))); the fit did not converge")
        }
        if l2Penalty == 0, pass.saturated > 0 {
            warnings.append("\(pass.saturated) training rows have fitted probabilities numerically 0 or 1 (extreme feature values, or a feature that nearly separates churners); check those customers, or set an L2 penalty")
        }
        if 1 / rcond > conditionWarning {
            warnings.append("the information matrix is ill-conditioned (condition number about \(Self.shortNumber(1 / rcond))): some features are strongly collinear, so their coefficients have inflated standard errors")
        }
        return .fitted(LogisticRegressionFit(
            featureNames: featureNames, means: means, standardDeviations: deviations, coefficients: beta,
            covariance: covariance, rows: n, positives: positives, logLikelihood: pass.logLikelihood,
            penalisedLogLikelihood: objective, iterations: iterations, stepHalvings: halvings, stopReason: stop,
            newtonDecrement: decrement, lastLogLikelihoodChange: lastChange,
            gradientNorm: gradient.reduce(0) { max($0, abs($1)) }, reciprocalCondition: rcond,
            saturatedRows: pass.saturated, warnings: warnings, settings: self))
    }

    /// The index of the slope with the largest magnitude (0 when there is none).
    package static func largestSlope(_ beta: [Double]) -> Int {
        (1..<beta.count).max { abs(beta[$0]) < abs(beta[$1]) } ?? 0
    }

    /// ℓ − (λ/2) Σⱼ≥₁ βⱼ².
    package func penalised(_ logLikelihood: Double, _ beta: [Double]) -> Double {
        guard l2Penalty > 0 else { return logLikelihood }
        return logLikelihood - 0.5 * l2Penalty * beta.dropFirst().reduce(0) { $0 + $1 * $1 }
    }

    /// ∇ℓ − λ β̃ (β̃ = β with the intercept zeroed).
    package func penalisedGradient(_ gradient: [Double], _ beta: [Double]) -> [Double] {
        guard l2Penalty > 0 else { return gradient }
        return gradient.indices.map { $0 == 0 ? gradient[0] : gradient[$0] - l2Penalty * beta[$0] }
    }

    /// ZᵀWZ + λ Ĩ (Ĩ = identity with a zero for the intercept).
    package func penalisedInformation(_ information: [Double], k: Int) -> [Double] {
        guard l2Penalty > 0 else { return information }
        var h = information
        for j in 1..<k { h[j * k + j] += l2Penalty }
        return h
    }

    /// Cholesky of the information; a failing leading minor names the collinear feature.
    package static func factorInformation(_ information: [Double], names: [String]) throws(ChurnError) -> Cholesky {
        switch Cholesky.factor(information, n: names.count) {
        case .success(let cholesky):
            return cholesky
        case .failure(let failure):
            guard failure.info > 0 else { throw .lapackFailure(routine: "dpotrf", info: failure.info) }
            throw .collinearFeatures(name: names[Int(failure.info) - 1], reciprocalCondition: 0)
        }
    }

    /// Training means and population standard deviations (two passes), checking finiteness and
    /// rejecting constant columns.
    package static func standardisation(_ x: ChurnFeatureMatrix) throws(ChurnError) -> (means: [Double], deviations: [Double]) {
        let n = x.rows, p = x.columns
        // One column a task: each column's sums run over the rows in order, as on one thread.
        let columns = parallelBlocks(p, size: 1) { range -> Result<(mean: Double, deviation: Double), ChurnError> in
            let j = range.lowerBound
            return x.values.withUnsafeBufferPointer { values in
                var sum = 0.0, low = Double.infinity, high = -Double.infinity
                for i in 0..<n {
                    let v = values[i * p + j]
                    guard v.isFinite else { return .failure(.nonFiniteFeature(name: x.names[j], row: i, value: v)) }
                    sum += v
                    low = min(low, v)
                    high = max(high, v)
                }
                guard low < high else { return .failure(.constantFeature(name: x.names[j], value: low)) }
                let mean = sum / Double(n)
                var squares = 0.0
                for i in 0..<n { let d = values[i * p + j] - mean; squares += d * d }
                return .success((mean, (squares / Double(n)).squareRoot()))
            }
        }
        var means = [Double](), deviations = [Double]()
        for column in columns {  // the first failing column, as the serial loop found it
            switch column {
            case .success(let c): means.append(c.mean); deviations.append(c.deviation)
            case .failure(let error): throw error
            }
        }
        return (means, deviations)
    }

    /// The n × (p + 1) design [1, (x − x̄) / s], row-major.
    package static func standardisedDesign(_ x: ChurnFeatureMatrix, means: [Double], deviations: [Double]) -> [Double] {
        let n = x.rows, p = x.columns, k = p + 1
        // Written once, on every thread: no serial zeroing of n × k doubles first.
        return [Double](unsafeUninitializedCapacity: n * k) { z, count in
            x.values.withUnsafeBufferPointer { values in
                parallelRanges(n, size: LogisticRegressionFit.rowBlock) { range in
                    for i in range {
                        z[i * k] = 1
                        for j in 0..<p { z[i * k + j + 1] = (values[i * p + j] - means[j]) / deviations[j] }
                    }
                }
            }
            count = n * k
        }
    }

    /// Three significant digits, for messages.
    package static func shortNumber(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return "\(x)" }
        let exponent = Int(floor(log10(abs(x))))
        let mantissa = (x / pow(10, Double(exponent)) * 100).rounded() / 100
        return "\(mantissa)e\(exponent)"
    }
}
