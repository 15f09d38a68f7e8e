import Foundation
import Testing
@testable import Clientele

// The Swift side of Benchmarks/clv/bench_clv.sh. Runs only when CLIENTELE_CLV_BENCH_DIR names a
// folder made by `clientele generate` (transactions.csv, parameters.json); writes the summary
// that lifetimes is timed on and a JSON of timings and estimates to CLIENTELE_CLV_BENCH_OUT.
//
// What is timed, on one calibration summary, step by step (as `CLVModel.fit` does it, but one
// step after another so that each has its own time): the patterns, the fit of every purchase
// model of the registry (BG/NBD, MBG/NBD, Pareto/NBD), Gamma-Gamma, each model's predictions
// (P(alive), expected purchases over the horizon, 12-month CLV, P(no purchase in 90 days)), each
// model's holdout validation, the choice among them (`RepeatPurchaseModelSelection.select`) and
// the bootstrap intervals of the chosen model. The fastest of CLIENTELE_CLV_BENCH_REPEATS runs
// (default 5; the intervals: of CLIENTELE_CLV_BENCH_INTERVAL_REPEATS, default 3) is kept per step.
// Then `CLVModel.fit` itself (auto, the same draws) is timed once end to end, for the record.

private let clvBenchDirectory = ProcessInfo.processInfo.environment["CLIENTELE_CLV_BENCH_DIR"]

@Suite("CLV benchmark (Benchmarks/clv/bench_clv.sh)", .enabled(if: clvBenchDirectory != nil))
struct CLVBenchmarkTests {
    @Test("three purchase models, selection, intervals and predictions on a generated customer base, timed; BG/NBD estimates within 3 standard errors")
    func benchmark() throws {
        // Every core, as `clientele run` uses by default (CLIENTELE_CLV_BENCH_THREADS to choose):
        // outside a run's scope the kernels' loops would run on one thread.
        let threads = Int(ProcessInfo.processInfo.environment["CLIENTELE_CLV_BENCH_THREADS"] ?? "")
            ?? ProcessInfo.processInfo.activeProcessorCount
        try Parallelism.withThreads(threads) { try measure(threads: threads) }
    }

    func measure(threads: Int) throws {
        let directory = try #require(clvBenchDirectory)
        let environment = ProcessInfo.processInfo.environment
        let out = environment["CLIENTELE_CLV_BENCH_OUT"] ?? FileManager.default.temporaryDirectory.path
        let repeats = max(1, Int(environment["CLIENTELE_CLV_BENCH_REPEATS"] ?? "5") ?? 5)
        let intervalRepeats = max(1, min(repeats, Int(environment["CLIENTELE_CLV_BENCH_INTERVAL_REPEATS"] ?? "3") ?? 3))
        let draws = Int(environment["CLIENTELE_CLV_BENCH_DRAWS"] ?? "200") ?? 200
        let parameters = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/parameters.json"))) as! [String: Any]
        let end = try #require(CalendarDay(iso: parameters["calibration_end"] as! String))
        let asOf = try #require(CalendarDay(iso: parameters["as_of"] as! String))
        // Process CPU time (all threads) next to the wall clock: on a shared machine the CPU
        // time is the steadier measure of the work done.
        func processCPUSeconds() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
        var lastCPU = 0.0
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processCPUSeconds()
            try body()
            lastCPU = processCPUSeconds() - cpuStart
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var loaded: TransactionLoader.Loaded!
        let loadSeconds = try seconds { loaded = try TransactionLoader(source: CSVSource(path: directory + "/transactions.csv")).load() }

        let kinds = RepeatPurchaseModelKind.allCases
        let key: [RepeatPurchaseModelKind: String] = [.bgnbd: "bgnbd", .mbgnbd: "mbgnbd", .paretonbd: "paretonbd"]
        let settings = CLVModel(purchaseModel: .auto, intervals: CLVIntervals(draws: draws))
        var best = [String: Double](), bestCPU = [String: Double]()
        var fits = [RepeatPurchaseModelKind: any RepeatPurchaseModelFit]()
        var forecasts = [RepeatPurchaseModelKind: CLVForecastResult](), validations = [RepeatPurchaseModelKind: HoldoutValidationResult]()
        var gg: GammaGammaFit!, selection: RepeatPurchaseModelSelection!, intervals: CLVIntervalResult!
        var summary: CalibrationSummary!, patterns: CalibrationPatterns!
        for run in 0..<repeats {
            var t = [String: Double](), c = [String: Double]()
            func step(_ name: String, _ body: () throws -> Void) rethrows {
                t[name] = try seconds(body)
                c[name] = lastCPU
            }
            try step("summary") { summary = try CalibrationSummary(orders: loaded.orders, calibrationEnd: end, asOf: asOf) }
            step("patterns") { patterns = CalibrationPatterns(summary) }
            for kind in kinds { try step("fit_" + key[kind]!) { fits[kind] = try kind.fit(patterns, settings: settings) } }
            try step("gamma_gamma_fit") { gg = try settings.gammaGamma.fit(summary) }
            for kind in kinds {
                try step("predictions_" + key[kind]!) {
                    forecasts[kind] = try settings.forecast.run(model: fits[kind]!, gammaGamma: gg, summary: summary, patterns: patterns)
                }
            }
            for kind in kinds {
                try step("holdout_" + key[kind]!) {
                    validations[kind] = try settings.holdout.run(model: fits[kind]!, summary: summary, patterns: patterns)
                }
            }
            step("selection") {
                selection = RepeatPurchaseModelSelection.select(kinds.map { RepeatPurchaseModelScore(fits[$0]!, validation: validations[$0]) },
                                                                choice: settings.purchaseModel)
            }
            if run < intervalRepeats {
                try step("intervals") {
                    intervals = try settings.intervals.run(model: fits[selection.chosen]!, gammaGamma: gg, summary: summary,
                                                           patterns: patterns, forecast: settings.forecast)
                }
            }
            // Like for like with lifetimes: the fits and the predictions of every model.
            for (s, into) in [(t, "seconds"), (c, "cpu")] {
                let fitsAndPredictions = s["patterns"]! + s["gamma_gamma_fit"]!
                    + kinds.reduce(0) { $0 + s["fit_" + key[$1]!]! + s["predictions_" + key[$1]!]! }
                let everything = fitsAndPredictions + s["selection"]! + kinds.reduce(0) { $0 + s["holdout_" + key[$1]!]! }
                if into == "seconds" {
                    t["fits_and_predictions"] = fitsAndPredictions
                    t["fits_predictions_holdout_selection"] = everything
                } else {
                    c["fits_and_predictions"] = fitsAndPredictions
                    c["fits_predictions_holdout_selection"] = everything
                }
            }
            for (k, v) in t { best[k] = min(best[k] ?? .infinity, v) }
            for (k, v) in c { bestCPU[k] = min(bestCPU[k] ?? .infinity, v) }
        }
        // The production path, once: both summaries, the three fits side by side, Gamma-Gamma and
        // the holdout checks side by side, the choice, predictions and intervals for today.
        var whole: CLVModelFit!
        let wholeSeconds = try seconds {
            whole = try settings.fit(orders: loaded.orders, calibrationEnd: end, asOf: asOf,
                                     historicalValue: [Double](repeating: .nan, count: loaded.orders.customerCount))
        }
        let wholeCPU = lastCPU

        // BG/NBD generated the data: its estimates (and Gamma-Gamma's) are checked against the truth.
        let bg = try #require(fits[.bgnbd] as? BGNBDFit)
        #expect(bg.converged && gg.converged)
        let se = try #require(bg.standardErrors), ggSE = try #require(gg.standardErrors)
        let truth = BGNBDParameters.generatorDefault, spendTruth = GammaGammaParameters.generatorDefault
        let z: [String: Double] = [
            "r": (bg.parameters.r - truth.r) / se.r, "alpha": (bg.parameters.alpha - truth.alpha) / se.alpha,
            "a": (bg.parameters.a - truth.a) / se.a, "b": (bg.parameters.b - truth.b) / se.b,
            "p": (gg.parameters.p - spendTruth.p) / ggSE.p, "q": (gg.parameters.q - spendTruth.q) / ggSE.q,
            "gamma": (gg.parameters.gamma - spendTruth.gamma) / ggSE.gamma,
        ]
        for (name, value) in z { #expect(abs(value) <= 3, "\(name) is \(value) standard errors from the truth") }
        // Every model is fitted and predicts a finite total; the step-by-step choice is the production one's.
        for kind in kinds { #expect(fits[kind]!.converged, "\(kind.title) did not converge") }
        #expect(whole.selection.chosen == selection.chosen)

        // The summary lifetimes is timed on (same definitions, integer days and cents).
        var csv = "customer_id,frequency,recency_days,T_days,repeat_cents,holdout_purchases\n"
        csv.reserveCapacity(summary.includedCount * 40)
        for c in 0..<summary.count where summary.isIncluded(c) {
            let x = Int(summary.frequency[c])
            let cents = x > 0 ? Int((summary.repeatSpend[c] * Double(x) * 100).rounded()) : 0
            csv += "\(c),\(x),\(Int((summary.recency[c] * 7).rounded())),\(Int((summary.age[c] * 7).rounded())),\(cents),\(summary.holdoutPurchases[c])\n"
        }
        try csv.write(toFile: out + "/clv-summary.csv", atomically: true, encoding: .utf8)
        func sum(_ v: [Double]) -> Double { v.reduce(0) { $1.isNaN ? $0 : $0 + $1 } }
        var models = [String: Any]()
        for kind in kinds {
            let fit = fits[kind]!, forecast = forecasts[kind]!, validation = validations[kind]!
            let diagnostics = fit as? any RepeatPurchaseModelDiagnostics
            for estimate in fit.estimates { #expect(estimate.value.isFinite && estimate.value > 0, "\(kind.title) \(estimate.name)") }
            #expect(sum(forecast.expectedPurchases).isFinite && sum(forecast.expectedPurchases) > 0)
            models[key[kind]!] = [
                "title": kind.title,
                "estimates": Dictionary(uniqueKeysWithValues: fit.estimates.map { ($0.name, $0.value) }),
                "standard_errors": Dictionary(uniqueKeysWithValues: fit.estimates.map { ($0.name, $0.standardError.map { $0 as Any } ?? NSNull()) }),
                "log_likelihood": fit.logLikelihood, "bic": fit.bayesianInformationCriterion, "converged": fit.converged,
                "iterations": diagnostics?.iterations ?? -1, "stop": diagnostics.map { "\($0.stopReason)" } ?? "",
                "series_not_converged": forecast.seriesNotConverged,
                "checksums": ["p_alive_sum": sum(forecast.probabilityAlive), "expected_purchases_sum": sum(forecast.expectedPurchases),
                              "clv_sum": sum(forecast.predictedCLV)],
                "holdout": ["actual": validation.actualPurchases, "predicted": validation.predictedPurchases,
                            "unconditional": validation.unconditionalPredictedPurchases, "mae": validation.meanAbsoluteError,
                            "mse": validation.meanSquaredError, "bucket_mae": validation.bucketMeanAbsoluteError,
                            "buckets": validation.buckets.map { [$0.label, $0.customers, $0.actualMean, $0.predictedMean] as [Any] }],
            ] as [String: Any]
        }
        var intervalReport: [String: Any] = ["draws": draws, "level": settings.intervals.level, "model": selection.chosen.title,
                                             "unavailable": intervals.unavailableReason ?? "", "clv_unavailable": intervals.clvUnavailableReason ?? "",
                                             "series_not_converged": intervals.seriesNotConverged]
        if let total = intervals.totalExpectedPurchases { intervalReport["total_expected_purchases"] = [total.lowerBound, total.upperBound] }
        if let total = intervals.totalPredictedCLV { intervalReport["total_predicted_clv"] = [total.lowerBound, total.upperBound] }
        let report: [String: Any] = [
            "customers": summary.includedCount, "patterns": patterns.count, "repeats": repeats, "interval_repeats": intervalRepeats, "threads": threads,
            "load_seconds": loadSeconds, "seconds": best, "cpu_seconds": bestCPU,
            "models": models,
            "selection": ["chosen": selection.chosen.title, "criterion": selection.criterion.rawValue, "reason": selection.reason],
            "intervals": intervalReport,
            "clv_model_fit": ["seconds": wholeSeconds, "cpu_seconds": wholeCPU, "chosen": whole.selection.chosen.title,
                              "current_customers": whole.currentCustomers, "draws": draws],
            "bgnbd": ["r": bg.parameters.r, "alpha": bg.parameters.alpha, "a": bg.parameters.a, "b": bg.parameters.b,
                      "log_likelihood": bg.logLikelihood, "iterations": bg.iterations, "evaluations": bg.evaluations,
                      "attempts": bg.attempts, "stop": bg.stopReason.rawValue, "rejected": bg.rejectedAttempts.map(\.rawValue), "gradient_norm": bg.gradientNorm],
            "bgnbd_se": ["r": se.r, "alpha": se.alpha, "a": se.a, "b": se.b],
            "gamma_gamma": ["p": gg.parameters.p, "q": gg.parameters.q, "v": gg.parameters.gamma,
                            "iterations": gg.iterations, "evaluations": gg.evaluations, "attempts": gg.attempts,
                            "stop": gg.stopReason.rawValue, "rejected": gg.rejectedAttempts.map(\.rawValue), "gradient_norm": gg.gradientNorm,
                            "frequency_spend_pearson": gg.frequencySpendCorrelation],
            "gamma_gamma_se": ["p": ggSE.p, "q": ggSE.q, "v": ggSE.gamma],
            "standard_errors_from_truth": z,
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: out + "/clv-clientele.json"))
    }
}
