import Foundation
import Testing
@testable import Clientele

/// A feature matrix from named columns (test shorthand).
func churnMatrix(_ columns: [(String, [Double])]) throws -> ChurnFeatureMatrix {
    try ChurnFeatureMatrix(columns: columns.map { (name: $0.0, values: $0.1) })
}

/// The `ChurnError` that `body` throws; records an issue when it throws nothing or another type.
func churnError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> ChurnError? {
    do {
        _ = try body()
        Issue.record("expected a ChurnError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ChurnError {
        return error
    } catch {
        Issue.record("expected a ChurnError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Seeded rows of a known logistic model: 3 features, P(y) = σ(−0.5 + 1.2 x₀ − 0.7 x₁ + 0.3 x₂).
func churnSimulated(rows: Int, seed: UInt64) throws -> (ChurnFeatureMatrix, [Bool]) {
    var random = RandomSource(seed: seed)
    var columns = [[Double]](repeating: [], count: 3), labels: [Bool] = []
    for _ in 0..<rows {
        let x = [random.uniform() * 4 - 2, random.uniform() * 10, Double(random.index(below: 5))]
        for j in 0..<3 { columns[j].append(x[j]) }
        let eta = -0.5 + 1.2 * x[0] - 0.7 * (x[1] - 5) / 2.9 + 0.3 * x[2]
        labels.append(random.uniform() < LogisticRegressionFit.sigmoid(eta))
    }
    return (try churnMatrix([("a", columns[0]), ("b", columns[1]), ("c", columns[2])]), labels)
}

/// Every number a fit reports is finite (odds ratios may overflow only for huge coefficients).
func churnAllFinite(_ fit: LogisticRegressionFit) -> Bool {
    let stats: [Double] = [fit.logLikelihood, fit.nullLogLikelihood, fit.pseudoRSquared, fit.aic, fit.bic, fit.newtonDecrement,
                 fit.gradientNorm, fit.reciprocalCondition, fit.lastLogLikelihoodChange, fit.penalisedLogLikelihood]
    let terms: [Double] = fit.terms.flatMap { t -> [Double] in [t.coefficient, t.standardError, t.z, t.pValue, t.ciLow, t.ciHigh, t.oddsRatio,
                                                          t.rawCoefficient, t.rawStandardError, t.oddsRatioPerUnit] }
    return (stats + terms + fit.covariance).allSatisfy(\.isFinite)
}

@Suite("LogisticRegression")
struct ChurnLogisticRegressionTests {
    @Test("a binary feature reproduces the closed form: log-odds of each group, SE² = Σ 1/(n p q)")
    func closedForm() throws {
        // Group x = 0: 1 churner in 4 (p = 1/4); group x = 1: 3 in 4 (p = 3/4).
        let x = try churnMatrix([("x", [0, 0, 0, 0, 1, 1, 1, 1])])
        let y = [true, false, false, false, true, true, true, false]
        let fit = try LogisticRegression().fit(x, labels: y)
        #expect(fit.converged)
        // Raw units: β₀ = logit(1/4) = −ln 3, β₁ = 2 ln 3; Var β₁ = 2 / (4 · 3/16) = 8/3, Var β₀ = 4/3.
        #expect(abs(fit.rawCoefficients[0] + log(3)) < 1e-14)
        #expect(abs(fit.rawCoefficients[1] - 2 * log(3)) < 1e-14)
        #expect(abs(fit.rawStandardErrors[1] - (8.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(fit.rawStandardErrors[0] - (4.0 / 3).squareRoot()) < 1e-12)
        // Standardised (mean 1/2, SD 1/2): β₀ = 0 (log-odds at the mean), β₁ = ln 3 per SD.
        #expect(abs(fit.coefficients[0]) < 1e-13)
        #expect(abs(fit.coefficients[1] - log(3)) < 1e-14)
        #expect(abs(fit.terms[1].oddsRatio - 3) < 1e-14)
        #expect(abs(fit.terms[1].oddsRatioPerUnit - 9) < 1e-13)
        let p = try fit.probabilities(x)
        for (i, value) in p.enumerated() { #expect(abs(value - (i < 4 ? 0.25 : 0.75)) < 1e-14) }
        // ℓ = 2 [ln ¼ + 3 ln ¾] and ℓ₀ = 8 ln ½.
        #expect(abs(fit.logLikelihood - 2 * (log(0.25) + 3 * log(0.75))) < 1e-12)
        #expect(abs(fit.nullLogLikelihood - 8 * log(0.5)) < 1e-12)
        #expect(fit.aic == -2 * fit.logLikelihood + 4)
    }

    @Test("the pass's gradient and information equal finite differences of its log-likelihood")
    func derivatives() throws {
        let (x, labels) = try churnSimulated(rows: 500, seed: 3)
        let (means, sds) = try LogisticRegression.standardisation(x)
        let z = LogisticRegression.standardisedDesign(x, means: means, deviations: sds)
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let beta = [0.2, -0.4, 0.9, 0.1], k = 4, h = 1e-5
        let pass = LogisticPass(design: z, labels: y, rows: 500, k: k, beta: beta)
        func at(_ j: Int, _ step: Double) -> LogisticPass {
            var b = beta
            b[j] += step
            return LogisticPass(design: z, labels: y, rows: 500, k: k, beta: b)
        }
        for j in 0..<k {
            let plus = at(j, h), minus = at(j, -h)
            let numericGradient = (plus.logLikelihood - minus.logLikelihood) / (2 * h)
            #expect(abs(numericGradient - pass.gradient[j]) < 1e-5 * max(1, abs(pass.gradient[j])))
            for i in 0..<k {
                // information = −∂²ℓ/∂β∂β = −∂gradient/∂β
                let numericInformation = -(plus.gradient[i] - minus.gradient[i]) / (2 * h)
                #expect(abs(numericInformation - pass.information[i * k + j]) < 1e-5 * max(1, abs(pass.information[i * k + j])))
            }
        }
    }

    @Test("the log-likelihood is the direct sum, and the gradient vanishes at the estimates")
    func optimality() throws {
        let (x, labels) = try churnSimulated(rows: 3_000, seed: 5)
        let fit = try LogisticRegression().fit(x, labels: labels)
        let p = try fit.probabilities(x)
        let direct = zip(labels, p).reduce(0.0) { $0 + ($1.0 ? log($1.1) : log(1 - $1.1)) }
        #expect(abs(direct - fit.logLikelihood) < 1e-9 * abs(direct))
        #expect(fit.gradientNorm < 1e-8)
        #expect(fit.newtonDecrement / (2 * 3_000) <= 1e-20)
        // Recovers the generating slopes (per raw unit) within a few standard errors.
        let truth = [1.2, -0.7 / 2.9, 0.3]
        for j in 0..<3 { #expect(abs(fit.rawCoefficients[j + 1] - truth[j]) < 4 * fit.rawStandardErrors[j + 1]) }
    }

    @Test("the thread count does not change a single bit of the fit")
    func threadsDoNotMatter() throws {
        let (x, labels) = try churnSimulated(rows: 9_000, seed: 11)  // 5 blocks of 2,048 rows
        let one = try Parallelism.withThreads(1) { try LogisticRegression().fit(x, labels: labels) }
        for threads in [2, 3, 8] {
            let other = try Parallelism.withThreads(threads) { try LogisticRegression().fit(x, labels: labels) }
            #expect(other.coefficients == one.coefficients)
            #expect(other.covariance == one.covariance)
            #expect(other.logLikelihood == one.logLikelihood)
        }
    }

    @Test("row order does not change the fit beyond rounding")
    func rowOrder() throws {
        let (x, labels) = try churnSimulated(rows: 2_000, seed: 13)
        let order = Array((0..<2_000).reversed())
        let a = try LogisticRegression().fit(x, labels: labels)
        let b = try LogisticRegression().fit(x.selecting(rows: order), labels: order.map { labels[$0] })
        for (u, v) in zip(a.coefficients + a.standardErrors, b.coefficients + b.standardErrors) { #expect(abs(u - v) < 1e-12 * max(1, abs(u))) }
    }

    @Test("an L2 penalty shrinks the slopes and never the intercept")
    func penaltySparesIntercept() throws {
        let (x, labels) = try churnSimulated(rows: 1_000, seed: 17)
        let huge = try LogisticRegression(l2Penalty: 1e12).fit(x, labels: labels)
        let rate = Double(labels.filter { $0 }.count) / 1_000
        #expect(abs(huge.coefficients[0] - log(rate / (1 - rate))) < 1e-6)
        for slope in huge.coefficients.dropFirst() { #expect(abs(slope) < 1e-8) }
        let plain = try LogisticRegression().fit(x, labels: labels), mild = try LogisticRegression(l2Penalty: 10).fit(x, labels: labels)
        for j in 1..<4 { #expect(abs(mild.coefficients[j]) < abs(plain.coefficients[j])) }
        #expect(mild.penalisedLogLikelihood < mild.logLikelihood)
    }

    @Test("perfect separation is a data error (65) naming the separating feature, not a fit")
    func perfectSeparation() throws {
        let x = try churnMatrix([("noise", [3, 1, 4, 1, 5, 9, 2, 6]), ("spend", [1, 2, 3, 4, 5, 6, 7, 8])])
        let y = [false, false, false, false, true, true, true, true]
        let error = try #require(churnError { try LogisticRegression().fit(x, labels: y) })
        guard case .perfectSeparation(_, let strongest) = error else { Issue.record("got \(error)"); return }
        #expect(strongest == "spend")
        #expect(error.exitStatus == .dataError)
        #expect(error.description.contains("perfectly separated"))
        #expect(error.description.contains("L2 penalty"))
        // A penalty makes the same data fittable, with finite numbers.
        let ridge = try LogisticRegression(l2Penalty: 1).fit(x, labels: y)
        #expect(churnAllFinite(ridge))
    }

    @Test("quasi-complete separation is a data error (65): the coefficients have no finite estimate")
    func quasiSeparation() throws {
        // x ≤ 2 never churns, x ≥ 4 always does, x = 3 is mixed.
        let x = try churnMatrix([("x", [1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5])])
        let y = [false, false, false, false, false, true, false, true, true, true, true, true]
        let error = try #require(churnError { try LogisticRegression().fit(x, labels: y) })
        guard case .quasiCompleteSeparation(let rows, let strongest) = error else { Issue.record("got \(error)"); return }
        #expect(rows == 8 && strongest == "x")
        #expect(error.exitStatus == .dataError)
        #expect(error.description.contains("quasi-complete separation"))
        #expect(churnAllFinite(try LogisticRegression(l2Penalty: 0.5).fit(x, labels: y)))
    }

    @Test("an extreme customer with a fitted probability of 1 gives a warning, not an error")
    func extremeRow() throws {
        let (x, labels) = try churnSimulated(rows: 2_000, seed: 29)
        var values = x.values, y = labels
        values += [60, 5, 2]  // a = 60: η ≈ 70, far beyond the others' range of a ∈ [−2, 2]
        y.append(true)
        let fit = try LogisticRegression().fit(try ChurnFeatureMatrix(names: x.names, rows: 2_001, values: values), labels: y)
        #expect(fit.converged)
        #expect(fit.saturatedRows == 1)
        #expect(fit.warnings.contains { $0.contains("numerically 0 or 1") })
        #expect(churnAllFinite(fit))
    }

    @Test("an iteration limit that is too low gives a flagged, finite fit")
    func nonConvergence() throws {
        let (x, labels) = try churnSimulated(rows: 1_000, seed: 19)
        let fit = try LogisticRegression(maxIterations: 1).fit(x, labels: labels)
        #expect(!fit.converged)
        #expect(fit.stopReason == .maxIterations)
        #expect(fit.iterations == 1)
        #expect(fit.warnings.contains { $0.contains("did not converge in 1 steps") })
        #expect(churnAllFinite(fit))
    }

    @Test("data problems are typed errors with exit status 65 and a message that says what to change",
          arguments: [
            ("constant feature", [("flat", [7.0, 7, 7, 7, 7]), ("x", [1.0, 2, 3, 4, 5])], [true, false, true, false, false],
             ChurnError.constantFeature(name: "flat", value: 7), "drop it"),
            ("single class", [("x", [1.0, 2, 3, 4, 5])], [true, true, true, true, true],
             ChurnError.singleClass(part: "training", rows: 5, churners: 5), "only churners"),
            ("fewer rows than parameters", [("a", [1.0, 2]), ("b", [3.0, 1]), ("c", [0.0, 5])], [true, false],
             ChurnError.tooFewRows(part: "training", rows: 2, parameters: 4), "should be >= parameters=4"),
            ("collinear features", [("x", [1.0, 2, 3, 4, 5, 6]), ("double_x", [5.0, 7, 9, 11, 13, 15])], [true, false, false, true, true, false],
             ChurnError.collinearFeatures(name: "double_x", reciprocalCondition: 0), "linear combination"),
            ("non-finite value", [("x", [1.0, .nan, 3, 4, 5])], [true, false, true, false, false],
             ChurnError.nonFiniteFeature(name: "x", row: 1, value: .nan), "finite"),
          ])
    func dataErrors(_ name: String, _ columns: [(String, [Double])], _ labels: [Bool], _ expected: ChurnError, _ advice: String) throws {
        let x = try churnMatrix(columns)
        let error = try #require(churnError { try LogisticRegression().fit(x, labels: labels) })
        switch (error, expected) {
        case let (.collinearFeatures(a, _), .collinearFeatures(b, _)): #expect(a == b)
        case let (.nonFiniteFeature(a, r, v), .nonFiniteFeature(b, s, _)): #expect(a == b && r == s && v.isNaN)
        default: #expect(error == expected)
        }
        #expect(error.exitStatus == .dataError)
        #expect(error.description.hasPrefix("churn: "))
        #expect(error.description.contains(advice), "\(error.description)")
    }

    @Test("invalid settings are usage errors (64) naming the setting",
          arguments: [
            (LogisticRegression(l2Penalty: -1), "l2Penalty"), (LogisticRegression(l2Penalty: .nan), "l2Penalty"),
            (LogisticRegression(maxIterations: 0), "maxIterations"), (LogisticRegression(tolerance: 0), "tolerance"),
            (LogisticRegression(maxStepHalvings: -1), "maxStepHalvings"), (LogisticRegression(conditionWarning: 1), "conditionWarning"),
          ])
    func invalidSettings(_ regression: LogisticRegression, _ name: String) throws {
        let x = try churnMatrix([("x", [1, 2, 3, 4])])
        let error = try #require(churnError { try regression.fit(x, labels: [true, false, true, false]) })
        #expect(error.exitStatus == .usage)
        #expect(error.description.hasPrefix("churn: \(name)="))
    }

    @Test("a strongly collinear pair is fitted with an ill-conditioning warning")
    func illConditioned() throws {
        var random = RandomSource(seed: 23)
        let a = (0..<2_000).map { _ in random.uniform() }
        let b = a.map { $0 + 1e-4 * random.uniform() }
        let labels = a.map { _ in random.uniform() < 0.4 }
        let fit = try LogisticRegression().fit(try churnMatrix([("a", a), ("b", b)]), labels: labels)
        #expect(fit.conditionNumber > 1e6)
        #expect(fit.warnings.contains { $0.contains("ill-conditioned") })
        #expect(churnAllFinite(fit))  // odds ratios per raw unit saturate instead of overflowing
        #expect(fit.terms.contains { $0.oddsRatioPerUnit > 1e307 })
    }
}
