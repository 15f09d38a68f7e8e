import Foundation
import Testing
@testable import Clientele

/// `clientele partition churn-summary`, `churn-pass`, `churn-merge`, `churn-fit` and `score
/// --churn-state`: any split of the customers, merged in any order, gives the same summary, the
/// same Newton passes and the same fit, byte for byte (with interactions and every `[churn]
/// features` extra too); the coefficients and probabilities are
/// `clientele run`'s to 1e-9 relative, and churn_risk.csv ranks the same customers.
@Suite("partition churn: any split gives one partition's sums and fit; the coefficients are clientele run's", .serialized)
struct PartitionChurnTests {
    static let periods = PartitionWorkerTests.periods

    /// The files of one distributed fit: every merged summary, pass and state, and churn_model.csv.
    struct Distributed {
        var files: [String: Data] = [:]
        var passes = 0
        var status = ""
    }

    /// What a run reads: transactions, with interactions, and a job file choosing every extra feature.
    enum Inputs: String, CaseIterable, CustomTestStringConvertible {
        case transactions, interactions, extraFeatures
        var testDescription: String { rawValue }
        var interactions: Bool { self != .transactions }
        /// The job file's name (written by `prepare`), as the first argument.
        var job: [String] { self == .extraFeatures ? ["job.toml"] : [] }

        func prepare(_ scratch: ScratchFolder) throws {
            let features = ChurnExtraFeature.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            _ = try scratch.write("job.toml", "[churn]\nfeatures = [\(features)]\n")
        }
    }

    /// The driver's loop (spark/clientele_spark.py, ChurnSource.fit) over a split into `parts`.
    static func distributed(_ scratch: ScratchFolder, parts: Int, reversed: Bool, inputs kind: Inputs) throws -> Distributed {
        let interactions = kind.interactions
        let tx = try PartitionSatisfactionTests.split(scratch, "transactions.csv", parts: parts)
        let ix = interactions ? try PartitionSatisfactionTests.split(scratch, "interactions.csv", parts: parts) : []
        let tag = "c\(parts)\(reversed ? "r" : "")\(kind.rawValue)"
        func inputs(_ p: Int) -> [String] { kind.job + ["--transactions", tx[p]] + (interactions ? ["--interactions", ix[p]] : []) }
        func each(_ command: [String], _ name: String) throws -> [String] {
            var outs: [String] = []
            for p in tx.indices {
                let out = "\(name)-\(tag)-\(p).json"
                try PartitionSatisfactionTests.cli(["partition"] + command + inputs(p) + ["--out", out] + periods, scratch)
                outs.append(out)
            }
            return reversed ? outs.reversed() : outs
        }
        var result = Distributed()
        func keep(_ name: String) throws { result.files[name] = try Data(contentsOf: URL(fileURLWithPath: scratch.join("\(name)-\(tag).json"))) }
        try PartitionSatisfactionTests.cli(["partition", "churn-merge"] + each(["churn-summary"], "summary") + ["--out", "summary-\(tag).json"], scratch)
        try keep("summary")
        var passes: [String] = []
        for step in 0..<60 {
            let state = "state\(step)"
            try PartitionSatisfactionTests.cli(["partition", "churn-fit"] + kind.job + ["--summary", "summary-\(tag).json", "--model-csv", "model-\(tag).csv",
                                                "--out", "\(state)-\(tag).json"] + periods + (passes.isEmpty ? [] : ["--passes"] + passes), scratch)
            try keep(state)
            let json = try JSONSerialization.jsonObject(with: result.files[state]!) as? [String: Any]
            result.status = json?["status"] as? String ?? ""
            guard result.status == "pass" else { break }
            try PartitionSatisfactionTests.cli(["partition", "churn-merge", "--passes"] + each(["churn-pass", "--state", "\(state)-\(tag).json"], "pass\(step)")
                                               + ["--out", "pass\(step)-\(tag).json"], scratch)
            try keep("pass\(step)")
            passes.append("pass\(step)-\(tag).json")
        }
        result.passes = passes.count
        if result.status == "fitted" { result.files["model.csv"] = try Data(contentsOf: URL(fileURLWithPath: scratch.join("model-\(tag).csv"))) }
        return result
    }

    /// term → coefficient of a churn_model.csv.
    static func coefficients(_ csv: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            out[String(fields[0])] = Double(fields[1])
        }
        return out
    }

    @Test("1, 3 and 7 partitions, forwards and backwards, with interactions and extra features or not: the same files; coefficients equal clientele run's to 1e-9",
          arguments: Inputs.allCases)
    func anySplitEqualsSingleRun(inputs: Inputs) throws {
        try withScratch { scratch in
            try inputs.prepare(scratch)
            try PartitionSatisfactionTests.cli(["generate", "--customers", "2500", "--seed", "5", "--out", "data"], scratch)
            let single = try CLI.run(["run"] + inputs.job + ["--transactions", "data/transactions.csv", "--out", "single", "--quiet"]
                                     + (inputs.interactions ? ["--interactions", "data/interactions.csv"] : []) + Self.periods, in: scratch.path)
            try #require(single.status == 0, "\(single.stderr)")
            let expected = Self.coefficients(try text(scratch.join("single/churn_model.csv")))
            #expect(expected.count == [Inputs.transactions: 5, .interactions: 7, .extraFeatures: 7 + ChurnExtraFeature.allCases.count][inputs])

            let one = try Self.distributed(scratch, parts: 1, reversed: false, inputs: inputs)
            #expect(one.status == "fitted" && one.passes >= 3)
            for (parts, reversed) in [(3, false), (3, true), (7, true)] {
                let other = try Self.distributed(scratch, parts: parts, reversed: reversed, inputs: inputs)
                #expect(other.files.keys.sorted() == one.files.keys.sorted(), "\(parts) parts")
                for (name, data) in one.files { #expect(other.files[name] == data, "\(parts) parts\(reversed ? ", reversed" : ""): \(name) differs") }
            }
            let got = Self.coefficients(String(decoding: one.files["model.csv"]!, as: UTF8.self))
            #expect(got.keys.sorted() == expected.keys.sorted())
            for (term, b) in expected {
                let a = got[term] ?? .nan
                #expect(abs(a - b) <= 1e-9 * abs(b), "\(term): \(a) vs clientele run's \(b)")
            }
        }
    }

    @Test("score --churn-state: churn_probability is clientele run's to 1e-9, churn_risk.csv rows hold its customers in its order, and churn-evaluate gives report.json's churn section")
    func scoresEqualSingleRun() throws {
        try withScratch { scratch in
            try PartitionSatisfactionTests.cli(["generate", "--customers", "2000", "--seed", "8", "--out", "data"], scratch)
            let single = try CLI.run(["run", "--transactions", "data/transactions.csv", "--out", "single", "--quiet"] + Self.periods, in: scratch.path)
            try #require(single.status == 0, "\(single.stderr)")
            let fit = try Self.distributed(scratch, parts: 3, reversed: false, inputs: .transactions)
            try #require(fit.status == "fitted")
            let state = (0..<60).map { "state\($0)-c3transactions.json" }.last { FileManager.default.fileExists(atPath: scratch.join($0)) }!
            let tx = (0..<3).map { "transactions.csv-3-\($0).csv" }
            var stats: [String] = []
            for t in tx {
                try PartitionSatisfactionTests.cli(["partition", "summarise", "--transactions", t, "--out", "\(t).bin"] + Self.periods, scratch)
                stats.append("\(t).bin")
            }
            try PartitionSatisfactionTests.cli(["partition", "merge"] + stats + ["--out", "merged.bin"], scratch)
            var probability: [String: Double] = [:], risk: [(key: String, line: String)] = []
            for t in tx {
                try PartitionSatisfactionTests.cli(["partition", "score", "--statistics", "merged.bin", "--transactions", t, "--out", "\(t).customers.csv",
                                                    "--churn-state", state, "--churn-risk-out", "\(t).risk.csv",
                                                    "--churn-test-out", "\(t).test.bin", "--churn-comparison-out", "\(t).comparison.json"]
                                               + Self.periods, scratch)
                let lines = try text(scratch.join("\(t).customers.csv")).split(separator: "\n")
                let column = lines[0].split(separator: ",").firstIndex(of: "churn_probability")!
                for line in lines.dropFirst() {
                    let f = line.split(separator: ",", omittingEmptySubsequences: false)
                    if let p = Double(f[column]) { probability[String(f[0])] = p }
                }
                for line in try text(scratch.join("\(t).risk.csv")).split(separator: "\n").dropFirst() {
                    let f = line.split(separator: ",", maxSplits: 1)
                    risk.append((String(f[0]) + "," + String(f[1].prefix { $0 != "," }), String(f[1])))
                }
            }
            let lines = try text(scratch.join("single/customers.csv")).split(separator: "\n")
            let column = lines[0].split(separator: ",").firstIndex(of: "churn_probability")!
            var scored = 0
            for line in lines.dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                guard let p = Double(f[column]) else { #expect(probability[String(f[0])] == nil); continue }
                scored += 1
                let q = probability[String(f[0])] ?? .nan
                #expect(abs(p - q) <= 1e-9 * p, "\(f[0]): \(q) vs clientele run's \(p)")
            }
            #expect(scored == probability.count && scored > 1000)
            // The driver's merge: by the sort key (descending value at risk), then customer id (these ids need no quoting).
            let merged = risk.sorted { $0.key < $1.key }.map { $0.line.split(separator: ",").first.map(String.init)! }
            let expectedOrder = try text(scratch.join("single/churn_risk.csv")).split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
            #expect(merged == expectedOrder)

            // The evaluation over the partitions' test rows, read backwards: the single run's churn section.
            let passes = (0..<60).map { "pass\($0)-c3transactions.json" }.filter { FileManager.default.fileExists(atPath: scratch.join($0)) }
            try PartitionSatisfactionTests.cli(["partition", "churn-evaluate", "--summary", "summary-c3transactions.json", "--state", state,
                                                "--out", "churn.json", "--passes"] + passes + ["--test-rows"] + tx.reversed().map { "\($0).test.bin" }
                                               + Self.periods, scratch)
            let got = try PartitionChurnEvaluation.read(scratch.join("churn.json"))
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            struct Single: Decodable { var churn: ChurnReport }
            let want = try decoder.decode(Single.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.join("single/report.json")))).churn
            func close(_ a: Double?, _ b: Double?, _ what: String) {
                #expect(a != nil && b != nil && abs(a! - b!) <= 1e-9 * abs(b!) + 1e-12, "\(what): \(String(describing: a)) vs clientele run's \(String(describing: b))")
            }
            #expect(got.labelledCustomers == want.labelledCustomers && got.trainingRows == want.trainingRows && got.testRows == want.testRows)
            #expect(got.terms.map(\.term) == want.terms.map(\.term) && got.iterations == want.iterations && got.warnings == want.warnings)
            close(got.logLikelihood, want.logLikelihood, "log-likelihood")
            for (g, w) in [(got.model, want.model), (got.recencyBaseline!, want.recencyBaseline!)] {
                #expect(g.rows == w.rows && g.churners == w.churners && g.rows > 500)
                close(g.auc, w.auc, "AUC"); close(g.logLoss, w.logLoss, "log loss"); close(g.brierScore, w.brierScore, "Brier score")
                for (a, b) in [(g.atHalf, w.atHalf), (g.atBaseRate, w.atBaseRate)] {
                    let cells: [Int] = [a.truePositives, a.falsePositives, a.trueNegatives, a.falseNegatives]
                    let expectedCells: [Int] = [b.truePositives, b.falsePositives, b.trueNegatives, b.falseNegatives]
                    #expect(cells == expectedCells)
                    close(a.threshold, b.threshold, "threshold")
                }
                #expect(g.deciles.map(\.churners) == w.deciles.map(\.churners) && g.deciles.map(\.customers) == w.deciles.map(\.customers))
                for (a, b) in zip(g.deciles, w.deciles) { close(a.meanPredicted, b.meanPredicted, "decile \(b.decile) mean") }
                #expect(g.roc?.truePositives == w.roc?.truePositives && g.roc?.falsePositives == w.roc?.falsePositives)
            }
            // P(churn) beside P(no purchase in 90 days): the partitions' shares merged in either order, the single run's figures.
            let shares = tx.map { scratch.join("\($0).comparison.json") }
            let shared = try PartitionChurnComparison.read(shares)
            #expect(try PartitionChurnComparison.read(shares.reversed()) == shared)
            let expected = try #require(want.noPurchaseComparison)
            let report = shared.report(horizonDays: expected.horizonDays, model: .bgnbd, churnWindowWeeks: 26)
            let comparison = try #require(report)
            #expect(comparison.customers == expected.customers && comparison.customers > 1000)
            close(comparison.pearsonR, expected.pearsonR, "Pearson r")
            close(comparison.meanChurnProbability, expected.meanChurnProbability, "mean P(churn)")
            close(comparison.meanNoPurchaseProbability, expected.meanNoPurchaseProbability, "mean P(no purchase)")
            #expect(comparison.disagreements.map(\.customerId) == expected.disagreements.map(\.customerId))
            for (a, b) in zip(comparison.disagreements, expected.disagreements) { close(a.difference, b.difference, "gap of \(b.customerId)") }
        }
    }

    @Test("the Newton iterations replayed one missing pass at a time give the local fit, bit for bit")
    func replayEqualsLocalFit() throws {
        var state: UInt64 = 0x5EED
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1.0p-53 }
        let n = 3000
        let x = (0..<n).map { _ in [uniform() * 10, uniform() * uniform() * 5, uniform()] }
        let y = x.map { r in uniform() < 1 / (1 + exp(-(0.4 * r[0] - 1.2 * r[1] + r[2] - 1.5))) }
        let features = try ChurnFeatureMatrix(columns: ["a", "b", "c"].enumerated().map { j, name in (name, x.map { $0[j] }) })
        let regression = LogisticRegression()
        let local = try regression.fit(features, labels: y)
        let (means, deviations) = try LogisticRegression.standardisation(features)
        let design = LogisticRegression.standardisedDesign(features, means: means, deviations: deviations)
        let labels = y.map { $0 ? 1.0 : 0.0 }
        var known: [[UInt64]: LogisticPass] = [:], replays = 0
        while true {
            replays += 1
            let outcome = try regression.newton(rows: n, positives: y.filter { $0 }.count, featureNames: features.names, means: means,
                                                deviations: deviations) { beta in known[beta.map(\.bitPattern)] }
            switch outcome {
            case .needs(let beta):
                #expect(known[beta.map(\.bitPattern)] == nil, "asked twice for the same coefficients")
                known[beta.map(\.bitPattern)] = LogisticPass(design: design, labels: labels, rows: n, k: 4, beta: beta)
                continue
            case .fitted(let fit):
                #expect(fit.coefficients == local.coefficients && fit.covariance == local.covariance && fit.iterations == local.iterations)
                #expect(replays == known.count + 1 && local.converged)
            }
            break
        }
    }

    @Test("churn-merge refuses passes at different coefficients (exit 65, says what to do) and summaries of different features")
    func mergeRefusesDifferentBeta() throws {
        try withScratch { scratch in
            let a = PartitionChurnPass(beta: [0.5, 1]), b = PartitionChurnPass(beta: [0.5, 1.0000000000000002])
            try PartitionWorker.writeJSON(a, to: scratch.join("a.json"))
            try PartitionWorker.writeJSON(b, to: scratch.join("b.json"))
            #expect(throws: PartitionChurnError.passesDiffer) { try a.merged(with: b) }
            let r = try CLI.run(["partition", "churn-merge", "--passes", "a.json", "b.json", "--out", "m.json"], in: scratch.path)
            #expect(r.status == 65 && r.stderr.contains("merge only the passes of one request"), "\(r.status): \(r.stderr)")
            var x = PartitionChurnSummary(), y = PartitionChurnSummary()
            x.columns = [.init(name: "recency_days")]
            y.columns = [.init(name: "recency_days"), .init(name: "complaints")]
            #expect(throws: PartitionChurnError.candidatesDiffer(["recency_days"], ["recency_days", "complaints"])) { try x.merged(with: y) }
            #expect(try x.merged(with: PartitionChurnSummary()) == x, "a partition without customers adds nothing")
        }
    }
}
