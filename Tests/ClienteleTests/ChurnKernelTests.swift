import Foundation
import Testing
@testable import Clientele

/// Every number in an evaluation.
func churnNumbers(_ e: ChurnEvaluation) -> [Double] {
    var numbers: [Double] = [e.auc, e.logLoss, e.brierScore, e.churnRate, e.baseRate]
    for c in [e.atHalf, e.atBaseRate] {
        numbers += [c.threshold, c.precision, c.recall, c.specificity, c.accuracy, c.f1, c.flaggedShare]
    }
    for d in e.deciles {
        numbers += [d.meanPredicted, d.observedRate, d.lift, d.cumulativeShare, d.cumulativeGain, d.cumulativeLift]
    }
    for point in e.rocCurve!.points + e.rocChart.points {
        numbers += [point.falsePositiveRate, point.truePositiveRate, point.threshold ?? 0]
    }
    return numbers
}

@Suite("Churn kernel")
struct ChurnKernelTests {
    /// The 20,000-customer fit (seed 7), shared by the tests below.
    static let large = Result { () throws -> ChurnFit in
        let generated = try ChurnGenerated.large.get()
        return try Churn(features: generated.features).fit(generated.input)
    }

    @Test("on 20,000 generated customers the model's test AUC beats the recency-only baseline, and both are reported")
    func beatsBaseline() throws {
        let fit = try Self.large.get()
        let baseline = try #require(fit.baselineEvaluation)
        #expect(fit.evaluation.auc > baseline.auc)
        #expect(fit.aucGain > 0)
        #expect(fit.evaluation.logLoss < baseline.logLoss)
        #expect(fit.evaluation.auc > 0.7)
        #expect(fit.model.converged && fit.baseline?.converged == true)
        #expect(fit.baseline?.featureNames == [ChurnFeatures.recencyName])
        #expect(fit.evaluation.rows == fit.testRows)
        #expect(fit.trainingRows + fit.testRows == fit.labelledCustomers)
        #expect(abs(Double(fit.testRows) / Double(fit.labelledCustomers) - 0.3) < 0.02)
    }

    @Test("no number anywhere in the fit is NaN or infinite")
    func finite() throws {
        let fit = try Self.large.get()
        #expect(churnAllFinite(fit.model))
        #expect(churnAllFinite(try #require(fit.baseline)))
        #expect(churnNumbers(fit.evaluation).allSatisfy { $0.isFinite })
        #expect(churnNumbers(try #require(fit.baselineEvaluation)).allSatisfy { $0.isFinite })
        #expect(fit.scores.probabilities.allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test("every current customer is scored, and a labelled customer is a current one")
    func scoring() throws {
        let generated = try ChurnGenerated.large.get(), fit = try Self.large.get()
        let orders = generated.transactions.orders
        let current = (0..<orders.customerCount).filter { c in orders.orders(of: c).contains { orders.firstDay[$0] < generated.population.asOf.daysSinceEpoch } }
        #expect(fit.scores.customers == current.map(Int32.init))
        #expect(fit.scores.customerCount == generated.transactions.customers.count)
        let byCustomer = fit.scores.probabilityByCustomer
        for (i, id) in fit.scores.customers.enumerated() where i % 997 == 0 {
            #expect(fit.scores.probability(of: id) == fit.scores.probabilities[i])
            #expect(byCustomer[Int(id)] == fit.scores.probabilities[i])
        }
        // Customers who bought recently are less likely to churn than those who lapsed long ago.
        let dataset = try generated.features.run(orders: orders, interactions: generated.interactions)
        let recency = try #require(dataset.current.column(named: ChurnFeatures.recencyName))
        let recent = zip(recency, fit.scores.probabilities).filter { $0.0 < 30 }.map(\.1)
        let lapsed = zip(recency, fit.scores.probabilities).filter { $0.0 > 365 }.map(\.1)
        let recentMean: Double = recent.reduce(0, +) / Double(recent.count)
        let lapsedMean: Double = lapsed.reduce(0, +) / Double(lapsed.count)
        #expect(recentMean < lapsedMean)
    }

    @Test("the value-at-risk ranking is probability × value, highest first, ties by customer id")
    func riskRanking() throws {
        let fit = try Self.large.get()
        let values = (0..<fit.scores.customerCount).map { Double(($0 * 7919) % 500) - 50 }
        let rows = try fit.scores.riskRanking(values: values)
        #expect(rows.count == fit.scores.customers.count)
        #expect(rows.map(\.rank) == Array(1...rows.count))
        for (a, b) in zip(rows, rows.dropFirst()) {
            #expect(a.valueAtRisk > b.valueAtRisk || (a.valueAtRisk == b.valueAtRisk && a.customer < b.customer))
        }
        for row in rows.prefix(50) {
            #expect(row.valueAtRisk == row.churnProbability * values[Int(row.customer)])
            #expect(row.value == values[Int(row.customer)])
        }
        let top = try fit.scores.riskRanking(values: values, limit: 10)
        #expect(top == Array(rows.prefix(10)))
        let short = try #require(churnError { try fit.scores.riskRanking(values: [1, 2]) })
        #expect(short.exitStatus == .software)
        var bad = values
        bad[Int(fit.scores.customers[3])] = .nan
        let nan = try #require(churnError { try fit.scores.riskRanking(values: bad) })
        #expect(nan.exitStatus == .software)
        #expect(nan.description.contains("customer \(fit.scores.customers[3])"))
    }

    @Test("Churn.fit on the fixture population reproduces the statsmodels reference through the whole pipeline")
    func pipelineMatchesReference() throws {
        let generated = try ChurnGenerated.fixture.get(), reference = try ChurnReference.shared.get()
        let fit = try Churn(features: generated.features).fit(generated.input)
        for (a, b) in zip(fit.model.coefficients + fit.model.standardErrors, reference.logit.params + reference.logit.bse) {
            #expect(churnClose(a, b, relative: 1e-6))
        }
        #expect(abs(fit.evaluation.auc - reference.test.model.roc_auc) <= 1e-12)
        #expect(abs(try #require(fit.baselineEvaluation).auc - reference.test.baseline.roc_auc) <= 1e-12)
        #expect(fit.model.terms.map(\.name) == ["intercept"] + ChurnFeatures.defaultNames)
    }

    @Test("the same settings give the same fit, another seed another split")
    func deterministic() throws {
        let generated = try ChurnGenerated.fixture.get()
        let a = try Churn(features: generated.features).fit(generated.input)
        let b = try Churn(features: generated.features).fit(generated.input)
        #expect(a.model.coefficients == b.model.coefficients)
        #expect(a.scores.probabilities == b.scores.probabilities)
        let c = try Churn(features: generated.features, split: ChurnSplit(seed: 99)).fit(generated.input)
        #expect(c.model.coefficients != a.model.coefficients)
        #expect(c.labelledCustomers == a.labelledCustomers)
    }

    @Test("too few customers for a test split, and a bad ROC limit, are typed errors")
    func kernelErrors() throws {
        let input = ChurnInput(orders: ChurnHandWorked.orders, interactions: ChurnHandWorked.interactions,
                               customers: CustomerIndex.sorting(KeyInterner.churnKeys(["a", "b", "c", "d", "e"])).0)
        let small = try #require(churnError { try Churn(features: ChurnHandWorked.features).fit(input) })
        #expect(small.exitStatus == .dataError)
        let noTest = try #require(churnError { try Churn(features: ChurnHandWorked.features).fit(
            try ChurnHandWorked.features.run(orders: ChurnHandWorked.orders, interactions: nil), isTest: [false, false, false, false]) })
        #expect(noTest == .tooFewRows(part: "test", rows: 0, parameters: 1))
        #expect(noTest.description.contains("larger test share"))
        let limit = try #require(churnError { try Churn(features: ChurnHandWorked.features, rocPointLimit: 1).fit(input) })
        #expect(limit.exitStatus == .usage)
        let share = try #require(churnError { try Churn(features: ChurnHandWorked.features, split: ChurnSplit(testShare: 2)).fit(input) })
        #expect(share.exitStatus == .usage)
    }

    @Test("every error case has its documented exit status and a message that starts with churn:",
          arguments: [
            (ChurnError.invalidSetting(name: "testShare", value: "2", requirement: "should be in (0, 1)"), Clientele.ExitStatus.usage),
            (.emptyHoldout(calibrationEnd: CalendarDay(daysSinceEpoch: 1), asOf: CalendarDay(daysSinceEpoch: 2)), .usage),
            (.duplicateFeature(name: "x"), .usage),
            (.noLabelledCustomers(calibrationEnd: CalendarDay(daysSinceEpoch: 1)), .dataError),
            (.singleClass(part: "training", rows: 5, churners: 0), .dataError),
            (.tooFewRows(part: "training", rows: 2, parameters: 7), .dataError),
            (.constantFeature(name: "x", value: 1), .dataError),
            (.nonFiniteFeature(name: "x", row: 1, value: .infinity), .dataError),
            (.perfectSeparation(iterations: 4, strongest: "x"), .dataError),
            (.quasiCompleteSeparation(rows: 3, strongest: "x"), .dataError),
            (.collinearFeatures(name: "x", reciprocalCondition: 0), .dataError),
            (.lengthMismatch(name: "x", count: 1, expected: 2), .software),
            (.nonFiniteValue(name: "x", customer: 1, value: .nan), .software),
            (.lapackFailure(routine: "dpotrs", info: -3), .software),
          ])
    func exitStatuses(_ error: ChurnError, _ status: Clientele.ExitStatus) {
        #expect(error.exitStatus == status)
        #expect(error.description.hasPrefix("churn: "))
        #expect(!error.description.contains("\n"))
    }
}

extension KeyInterner {
    /// An interner holding `keys` in order (test shorthand).
    static func churnKeys(_ keys: [String]) -> KeyInterner {
        var interner = KeyInterner(capacity: 16)
        for key in keys { var k = key; _ = k.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) } }
        return interner
    }
}
