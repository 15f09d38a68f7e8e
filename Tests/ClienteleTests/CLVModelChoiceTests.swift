import Foundation
import Testing
@testable import Clientele

@Suite("RepeatPurchaseModelSelection")
struct CLVModelChoiceTests {
    static func score(_ kind: RepeatPurchaseModelKind, holdout: Double?, bic: Double, converged: Bool = true) -> RepeatPurchaseModelScore {
        RepeatPurchaseModelScore(kind: kind, holdoutError: holdout, logLikelihood: -bic / 2, aic: bic - 1, bic: bic, converged: converged)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let scores: [RepeatPurchaseModelScore]
        let choice: RepeatPurchaseModelChoice
        let chosen: RepeatPurchaseModelKind
        let criterion: RepeatPurchaseModelCriterion
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "the smallest holdout error wins, even against a smaller BIC",
             scores: [score(.bgnbd, holdout: 0.030, bic: 900), score(.mbgnbd, holdout: 0.020, bic: 1000), score(.paretonbd, holdout: 0.025, bic: 800)],
             choice: .auto, chosen: .mbgnbd, criterion: .holdoutError),
        Case(label: "equal holdout errors go to the smaller BIC",
             scores: [score(.bgnbd, holdout: 0.02, bic: 1000), score(.paretonbd, holdout: 0.02, bic: 990)],
             choice: .auto, chosen: .paretonbd, criterion: .holdoutError),
        Case(label: "without a holdout the smallest BIC wins",
             scores: [score(.bgnbd, holdout: nil, bic: 1000), score(.mbgnbd, holdout: nil, bic: 998), score(.paretonbd, holdout: nil, bic: 999)],
             choice: .auto, chosen: .mbgnbd, criterion: .bic),
        Case(label: "a candidate that did not converge is set aside",
             scores: [score(.bgnbd, holdout: 0.03, bic: 1000), score(.paretonbd, holdout: 0.01, bic: 900, converged: false)],
             choice: .auto, chosen: .bgnbd, criterion: .holdoutError),
        Case(label: "when none converged, all are compared",
             scores: [score(.bgnbd, holdout: 0.03, bic: 1000, converged: false), score(.paretonbd, holdout: 0.01, bic: 900, converged: false)],
             choice: .auto, chosen: .paretonbd, criterion: .holdoutError),
        Case(label: "a named model is used whatever the errors",
             scores: [score(.bgnbd, holdout: 0.05, bic: 1000), score(.paretonbd, holdout: 0.01, bic: 900)],
             choice: .fixed(.bgnbd), chosen: .bgnbd, criterion: .requested),
        Case(label: "one candidate is chosen by the holdout error it has",
             scores: [score(.bgnbd, holdout: 0.04, bic: 1000)], choice: .auto, chosen: .bgnbd, criterion: .holdoutError),
    ]

    @Test("auto chooses by the stated criterion", arguments: cases)
    func choosesByCriterion(_ c: Case) throws {
        let s = try #require(RepeatPurchaseModelSelection.select(Array(c.scores.reversed()), choice: c.choice))
        #expect(s.chosen == c.chosen)
        #expect(s.criterion == c.criterion)
        #expect(s.scores.map(\.kind) == RepeatPurchaseModelKind.allCases.filter { k in c.scores.contains { $0.kind == k } },
                "scores come back in allCases order")
        #expect(s.reason.contains(c.chosen.title), "the reason names the chosen model: \(s.reason)")
    }

    @Test("the reason line names the criterion and the figures compared")
    func reasonLine() throws {
        let holdout = try #require(RepeatPurchaseModelSelection.select(
            [Self.score(.bgnbd, holdout: 0.0312, bic: 900), Self.score(.paretonbd, holdout: 0.0205, bic: 1000)], choice: .auto))
        #expect(holdout.reason == "Pareto/NBD has the smallest holdout error (mean squared error of holdout purchases per customer: BG/NBD 0.0312, Pareto/NBD 0.0205)")
        let bic = try #require(RepeatPurchaseModelSelection.select(
            [Self.score(.bgnbd, holdout: nil, bic: 1234.5), Self.score(.mbgnbd, holdout: nil, bic: 1200.25)], choice: .auto))
        #expect(bic.reason == "no holdout window, so selected by BIC: MBG/NBD has the smallest (BG/NBD 1234.5, MBG/NBD 1200.25)")
        let failed = try #require(RepeatPurchaseModelSelection.select(
            [Self.score(.bgnbd, holdout: 0.02, bic: 10)], choice: .auto, failures: [.init(kind: .paretonbd, reason: "likelihood not finite")]))
        #expect(failed.reason.hasSuffix("; Pareto/NBD could not be fitted (likelihood not finite)"))
        #expect(RepeatPurchaseModelSelection.select([], choice: .auto) == nil)
    }

    @Test("figures too large or too small for fixed point are written with an exponent, never trapped")
    func extremeFigures() throws {
        let huge = try #require(RepeatPurchaseModelSelection.select([Self.score(.bgnbd, holdout: 2.5e20, bic: 10)], choice: .auto))
        #expect(huge.reason.contains("holdout error 2.5e+20"), "\(huge.reason)")
        let tiny = try #require(RepeatPurchaseModelSelection.select([Self.score(.bgnbd, holdout: 3e-300, bic: 10)], choice: .auto))
        #expect(tiny.reason.contains("holdout error 3e-300"), "\(tiny.reason)")
        let plain = try #require(RepeatPurchaseModelSelection.select([Self.score(.bgnbd, holdout: 0.0125, bic: 10)], choice: .auto))
        #expect(plain.reason.contains("holdout error 0.0125"), "\(plain.reason)")
    }

    @Test("every job-file name parses, and nothing else does")
    func names() {
        for name in RepeatPurchaseModelChoice.names { #expect(RepeatPurchaseModelChoice(name: name)?.name == name) }
        #expect(RepeatPurchaseModelChoice.names == ["auto", "bg-nbd", "mbg-nbd", "pareto-nbd"])
        for bad in ["", "Auto", "bgnbd", "BG/NBD", "pareto"] { #expect(RepeatPurchaseModelChoice(name: bad) == nil) }
        #expect(RepeatPurchaseModelChoice.auto.kinds == RepeatPurchaseModelKind.available)
        #expect(RepeatPurchaseModelKind.available.contains(.bgnbd))
    }

    @Test("the job file reads model, interval_draws, interval_level and no_purchase_days, and names a bad value")
    func jobFile() throws {
        try withScratch { scratch in
            let job = try scratch.write("job.toml", """
                [transactions]
                path = "t.csv"
                [clv]
                model = "bg-nbd"
                interval_draws = 50
                interval_level = 0.8
                no_purchase_days = 30
                """)
            let config = try JobFile(path: job).apply(to: JobConfiguration())
            #expect(config.clv.model.purchaseModel == .fixed(.bgnbd))
            #expect(config.clv.model.intervals.draws == 50 && config.clv.model.intervals.level == 0.8)
            #expect(config.clv.model.forecast.noPurchaseDays == 30)
            let defaults = JobConfiguration().clv.model
            #expect(defaults.purchaseModel == .auto && defaults.intervals.draws == 0 && defaults.intervals.level == 0.9
                    && defaults.forecast.noPurchaseDays == 90)
            let bad: [(String, String)] = [
                ("model = \"lifetimes\"", "clv.model = \"lifetimes\": use one of auto, bg-nbd, mbg-nbd, pareto-nbd"),
                ("interval_draws = 1", "clv.interval_draws = 1: must be 0 (no intervals) or between 2 and 100000"),
                ("interval_level = 1.5", "clv.interval_level = 1.5: must be between 0 and 1 (e.g. 0.9)"),
                ("no_purchase_days = -1", "clv.no_purchase_days = -1: must be 0 (no column) or between 1 and 36500"),
            ]
            for (k, (line, message)) in bad.enumerated() {
                let path = try scratch.write("bad\(k).toml", "[clv]\n\(line)\n")
                #expect(throws: ConfigurationError.jobFile(path: path, line: nil, column: nil, reason: message)) {
                    try JobFile(path: path).apply(to: JobConfiguration())
                }
            }
            let off = try scratch.write("off.toml", "[clv]\ninterval_draws = 0\nno_purchase_days = 0\n")
            let offConfig = try JobFile(path: off).apply(to: JobConfiguration())
            #expect(offConfig.clv.model.intervals.draws == 0 && offConfig.clv.model.forecast.noPurchaseDays == nil)
        }
    }

    @Test("on generated data, the fitted BG/NBD beats a perturbed one on the holdout and the selection says so")
    func fittedBeatsPerturbed() throws {
        let (loaded, population) = try clvGenerated(customers: 4000, seed: 11)
        let summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf)
        let patterns = CalibrationPatterns(summary)
        let fit = try BGNBD().fit(patterns)
        // The same model with ln r moved by +0.4 (r × 1.49): a worse description of the data.
        var theta = fit.logParameters
        theta[0] += 0.4
        let perturbed = fit.withLogParameters(theta)
        let good = try HoldoutValidation().run(model: fit, summary: summary, patterns: patterns)
        let bad = try HoldoutValidation().run(model: perturbed, summary: summary, patterns: patterns)
        #expect(good.meanSquaredError < bad.meanSquaredError)
        #expect(good.bucketMeanAbsoluteError < bad.bucketMeanAbsoluteError)
        // As MBG/NBD and Pareto/NBD stand-ins (the selection only reads the scores).
        let scores = [RepeatPurchaseModelScore(fit, validation: good),
                      RepeatPurchaseModelScore(kind: .paretonbd, holdoutError: bad.meanSquaredError, logLikelihood: fit.logLikelihood,
                                               aic: fit.akaikeInformationCriterion, bic: fit.bayesianInformationCriterion - 50, converged: true)]
        let s = try #require(RepeatPurchaseModelSelection.select(scores, choice: .auto))
        #expect(s.chosen == .bgnbd && s.criterion == .holdoutError)
        // The generic holdout check is the BG/NBD one.
        let legacy = try HoldoutValidation().run(bgnbd: fit, summary: summary, patterns: patterns)
        #expect(legacy.meanSquaredError == good.meanSquaredError && legacy.predictedPerCustomer == good.predictedPerCustomer)
    }

    @Test("CLVModel with auto reports every candidate, chooses on the holdout, and on BIC without one")
    func clvModelChoice() throws {
        let (loaded, population) = try clvGenerated(customers: 2000, seed: 7)
        let n = loaded.orders.customerCount
        var model = CLVModel()
        model.intervals.draws = 0
        let fit = try model.fit(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf,
                                historicalValue: [Double](repeating: 1, count: n))
        #expect(fit.candidates.map(\.fit.kind) == RepeatPurchaseModelKind.available)
        #expect(fit.selection.criterion == .holdoutError && fit.selection.chosen == fit.purchaseModel.kind)
        let chosen = try #require(fit.candidates.first { $0.fit.kind == fit.selection.chosen })
        let best = fit.candidates.compactMap { $0.validation?.meanSquaredError }.min()
        #expect(chosen.validation?.meanSquaredError == best)
        #expect(fit.validation?.meanSquaredError == best)
        let noHoldout = try model.fit(orders: loaded.orders, calibrationEnd: nil, asOf: population.asOf,
                                      historicalValue: [Double](repeating: 1, count: n))
        #expect(noHoldout.selection.criterion == .bic && noHoldout.validation == nil)
        #expect(noHoldout.selection.reason.contains("no holdout window"))
        #expect(noHoldout.candidates.allSatisfy { $0.validation == nil })
    }
}
