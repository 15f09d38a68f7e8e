import Foundation
import Testing
@testable import Clientele

/// Fixtures/churn/reference.json: statsmodels and scikit-learn on Fixtures/churn/design.csv
/// (written by Benchmarks/churn/churn_reference.py with the versions it records).
struct ChurnReference: Decodable, Sendable {
    struct Logit: Decodable, Sendable {
        let params: [Double], bse: [Double], z: [Double]
        let p_values: [Double], ci_low: [Double], ci_high: [Double]
        let llf: Double, llnull: Double, llnull_closed_form: Double, prsquared: Double, aic: Double, bic: Double
        let iterations: Int, converged: Bool
    }
    struct Raw: Decodable, Sendable { let params: [Double], bse: [Double], llf: Double }
    struct Scores: Decodable, Sendable { let roc_auc: Double, log_loss: Double, brier: Double }
    struct Test: Decodable, Sendable { let model: Scores, baseline: Scores, probe: Scores }
    struct Design: Decodable, Sendable { let sha256: String, rows: Int, train_rows: Int, test_rows: Int, features: [String] }
    struct Standardisation: Decodable, Sendable { let means: [Double], sds: [Double] }
    struct Ridge: Decodable, Sendable { let lambda: Double, intercept: Double, coef: [Double] }
    let versions: [String: String]
    let design: Design
    let standardisation: Standardisation
    let logit: Logit
    let logit_raw: Raw
    let baseline: Logit
    let test: Test
    let ridge: Ridge

    static let shared = Result {
        try JSONDecoder().decode(ChurnReference.self, from: Data(contentsOf: URL(fileURLWithPath: churnFixturePath("reference.json"))))
    }
}

/// |a − b| ≤ tolerance × max(|b|, floor): relative, with an absolute floor for values near 0.
func churnClose(_ a: Double, _ b: Double, relative tolerance: Double, floor: Double = 1e-300) -> Bool {
    abs(a - b) <= tolerance * max(abs(b), floor)
}

/// The model and baseline fitted by Clientele on the fixture's training rows.
struct ChurnReferenceFits: Sendable {
    let fixture: ChurnDesignFixture
    let model: LogisticRegressionFit
    let baseline: LogisticRegressionFit
    let testLabels: [Bool]
    let testModel: [Double]
    let testBaseline: [Double]

    static let shared = Result {
        let fixture = try ChurnDesignFixture.shared.get()
        let train = fixture.rows(test: false), test = fixture.rows(test: true)
        let x = fixture.features.selecting(rows: train), xTest = fixture.features.selecting(rows: test)
        let y = train.map { fixture.churned[$0] }
        let model = try LogisticRegression().fit(x, labels: y)
        let recency = [ChurnFeatures.recencyName]
        let baseline = try LogisticRegression().fit(x.selecting(columns: recency), labels: y)
        return ChurnReferenceFits(fixture: fixture, model: model, baseline: baseline, testLabels: test.map { fixture.churned[$0] },
                                  testModel: try model.probabilities(xTest),
                                  testBaseline: try baseline.probabilities(xTest.selecting(columns: recency)))
    }
}

@Suite("Churn model against statsmodels and scikit-learn")
struct ChurnReferenceTests {
    @Test("the reference was computed on the committed design matrix, with pinned versions recorded")
    func provenance() throws {
        let reference = try ChurnReference.shared.get()
        let fixture = try ChurnDesignFixture.shared.get()
        #expect(reference.design.rows == fixture.isTest.count)
        #expect(reference.design.test_rows == fixture.rows(test: true).count)
        #expect(reference.design.features == fixture.features.names)
        for package in ["numpy", "scipy", "pandas", "statsmodels", "scikit-learn"] {
            #expect(reference.versions[package] != nil, "version of \(package) missing")
        }
    }

    @Test("training means and population standard deviations equal numpy's to 1e-13")
    func standardisation() throws {
        let reference = try ChurnReference.shared.get(), fits = try ChurnReferenceFits.shared.get()
        for j in reference.standardisation.means.indices {
            #expect(churnClose(fits.model.means[j], reference.standardisation.means[j], relative: 1e-13))
            #expect(churnClose(fits.model.standardDeviations[j], reference.standardisation.sds[j], relative: 1e-13))
        }
    }

    @Test("coefficients and standard errors equal statsmodels Logit(newton) to 1e-6 relative")
    func coefficients() throws {
        let reference = try ChurnReference.shared.get(), fit = try ChurnReferenceFits.shared.get().model
        #expect(fit.converged)
        #expect(fit.coefficients.count == reference.logit.params.count)
        for (a, b) in zip(fit.coefficients, reference.logit.params) { #expect(churnClose(a, b, relative: 1e-6), "coefficient \(a) vs \(b)") }
        for (a, b) in zip(fit.standardErrors, reference.logit.bse) { #expect(churnClose(a, b, relative: 1e-6), "standard error \(a) vs \(b)") }
    }

    @Test("z, p-values and 95 % intervals equal statsmodels' to 1e-6 relative")
    func inference() throws {
        let reference = try ChurnReference.shared.get(), terms = try ChurnReferenceFits.shared.get().model.terms
        for (i, term) in terms.enumerated() {
            #expect(churnClose(term.z, reference.logit.z[i], relative: 1e-6))
            #expect(churnClose(term.pValue, reference.logit.p_values[i], relative: 1e-6), "\(term.name): p \(term.pValue) vs \(reference.logit.p_values[i])")
            #expect(churnClose(term.ciLow, reference.logit.ci_low[i], relative: 1e-6))
            #expect(churnClose(term.ciHigh, reference.logit.ci_high[i], relative: 1e-6))
            #expect(term.oddsRatio == exp(term.coefficient))
        }
        #expect(terms.map(\.name) == ["intercept"] + ChurnFeatures.defaultNames)
    }

    @Test("coefficients and standard errors per raw unit equal statsmodels on the raw design to 1e-6 relative")
    func rawUnits() throws {
        let reference = try ChurnReference.shared.get(), fit = try ChurnReferenceFits.shared.get().model
        for (a, b) in zip(fit.rawCoefficients, reference.logit_raw.params) { #expect(churnClose(a, b, relative: 1e-6), "raw coefficient \(a) vs \(b)") }
        for (a, b) in zip(fit.rawStandardErrors, reference.logit_raw.bse) { #expect(churnClose(a, b, relative: 1e-6), "raw standard error \(a) vs \(b)") }
        #expect(churnClose(fit.logLikelihood, reference.logit_raw.llf, relative: 1e-12))
    }

    @Test("log-likelihood, null log-likelihood, pseudo-R², AIC and BIC equal statsmodels' (its null model is fitted numerically: 1e-9)")
    func fitStatistics() throws {
        let reference = try ChurnReference.shared.get().logit, fit = try ChurnReferenceFits.shared.get().model
        #expect(churnClose(fit.logLikelihood, reference.llf, relative: 1e-12))
        #expect(churnClose(fit.nullLogLikelihood, reference.llnull_closed_form, relative: 1e-14))
        #expect(churnClose(fit.nullLogLikelihood, reference.llnull, relative: 1e-9))
        #expect(churnClose(fit.pseudoRSquared, reference.prsquared, relative: 1e-8))
        #expect(churnClose(fit.aic, reference.aic, relative: 1e-12))
        #expect(churnClose(fit.bic, reference.bic, relative: 1e-12))
        #expect(abs(fit.iterations - reference.iterations) <= 2, "iterations \(fit.iterations) vs statsmodels \(reference.iterations)")
    }

    @Test("the recency-only baseline equals statsmodels' to 1e-6 relative")
    func baseline() throws {
        let reference = try ChurnReference.shared.get().baseline, fit = try ChurnReferenceFits.shared.get().baseline
        for (a, b) in zip(fit.coefficients, reference.params) { #expect(churnClose(a, b, relative: 1e-6)) }
        for (a, b) in zip(fit.standardErrors, reference.bse) { #expect(churnClose(a, b, relative: 1e-6)) }
        #expect(churnClose(fit.logLikelihood, reference.llf, relative: 1e-12))
    }

    @Test("test-row AUC, log loss and Brier of model and baseline equal scikit-learn's to 1e-12")
    func testScores() throws {
        let reference = try ChurnReference.shared.get().test, fits = try ChurnReferenceFits.shared.get()
        for (probabilities, expected) in [(fits.testModel, reference.model), (fits.testBaseline, reference.baseline)] {
            let evaluation = try ChurnEvaluation(labels: fits.testLabels, probabilities: probabilities, baseRate: 0.78)
            #expect(abs(evaluation.auc - expected.roc_auc) <= 1e-12, "AUC \(evaluation.auc) vs \(expected.roc_auc)")
            #expect(abs(evaluation.logLoss - expected.log_loss) <= 1e-12, "log loss \(evaluation.logLoss) vs \(expected.log_loss)")
            #expect(abs(evaluation.brierScore - expected.brier) <= 1e-12, "Brier \(evaluation.brierScore) vs \(expected.brier)")
        }
    }

    @Test("on a probe score with heavy ties and exact 0 and 1, AUC, log loss and Brier equal scikit-learn's to 1e-12")
    func probeScores() throws {
        let reference = try ChurnReference.shared.get().test.probe, fixture = try ChurnDesignFixture.shared.get()
        let test = fixture.rows(test: true)
        let labels = test.map { fixture.churned[$0] }, probe = test.map { fixture.probe[$0] }
        #expect(probe.contains(0) && probe.contains(1))
        let auc = try #require(ChurnMetrics.rocAUC(labels: labels, scores: probe))
        #expect(abs(auc - reference.roc_auc) <= 1e-12, "AUC \(auc) vs \(reference.roc_auc)")
        let logLoss = ChurnMetrics.logLoss(labels: labels, probabilities: probe)
        #expect(abs(logLoss - reference.log_loss) <= 1e-12, "log loss \(logLoss) vs \(reference.log_loss)")
        let brier = ChurnMetrics.brierScore(labels: labels, probabilities: probe)
        #expect(abs(brier - reference.brier) <= 1e-12, "Brier \(brier) vs \(reference.brier)")
    }

    @Test("an L2-penalised fit equals scikit-learn's newton-cholesky LogisticRegression with C = 1/λ to 1e-6")
    func ridge() throws {
        let reference = try ChurnReference.shared.get().ridge, fixture = try ChurnDesignFixture.shared.get()
        let train = fixture.rows(test: false)
        let fit = try LogisticRegression(l2Penalty: reference.lambda).fit(fixture.features.selecting(rows: train),
                                                                         labels: train.map { fixture.churned[$0] })
        #expect(fit.converged)
        #expect(churnClose(fit.coefficients[0], reference.intercept, relative: 1e-6))
        for (a, b) in zip(fit.coefficients.dropFirst(), reference.coef) { #expect(churnClose(a, b, relative: 1e-6), "ridge coefficient \(a) vs \(b)") }
        // The penalty shrinks every slope towards 0 compared with the unpenalised fit.
        let plain = try ChurnReferenceFits.shared.get().model
        let shrunk = fit.coefficients.dropFirst().reduce(0) { $0 + $1 * $1 }, free = plain.coefficients.dropFirst().reduce(0) { $0 + $1 * $1 }
        #expect(shrunk < free)
    }
}
