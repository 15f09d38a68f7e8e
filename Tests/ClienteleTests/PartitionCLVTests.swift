// Predicted value spread over machines (issue "Beyond one machine"): the holdout check, model
// choice and Gamma-Gamma from merged partition statistics, and each partition's CLV columns,
// are the single run's, bit for bit: the single run sums over the same pooled rows in the same order.
import Foundation
import Testing
@testable import Clientele

@Suite("partition CLV: the merged statistics give the single run's clv_model.json and customers.csv CLV columns", .serialized)
struct PartitionCLVTests {
    static let periods = PartitionWorkerTests.periods

    /// The same double, or both absent.
    static func same(_ a: Double?, _ b: Double?) -> Bool { a == b }

    /// A generated export, its single run (`job.toml`) and its statistics over `parts` partitions, merged.
    static func prepare(_ scratch: ScratchFolder, customers: Int, seed: Int, parts: Int, job: String) throws -> [String] {
        let g = try CLI.run(["generate", "--customers", "\(customers)", "--seed", "\(seed)", "--out", "data"], in: scratch.path)
        #expect(g.status == 0, "\(g.stderr)")
        try scratch.write("job.toml", job)
        let single = try CLI.run(["run", "job.toml", "--transactions", "data/transactions.csv", "--out", "single", "--quiet"] + periods,
                                 in: scratch.path)
        #expect(single.status == 0, "\(single.stderr)")
        let files = try PartitionWorkerTests.split(scratch, parts: parts)
        for file in files {
            let r = try CLI.run(["partition", "summarise", "job.toml", "--transactions", file, "--out", file + ".bin"] + periods, in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try PartitionWorkerTests.merge(files.map { $0 + ".bin" }, out: "merged.bin", in: scratch)
        return files
    }

    static func json(_ scratch: ScratchFolder, _ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join(path)))) as? [String: Any])
    }

    /// The numbers of the first JSON array named `key` in `json`, each read by `Double(_:)`.
    static func rawDoubles(_ json: String, key: String) throws -> [Double] {
        let start = try #require(json.range(of: "\"\(key)\" : ["))
        let body = json[start.upperBound...].prefix { $0 != "]" }
        return try body.split(separator: ",").map { try #require(Double($0.trimmingCharacters(in: .whitespacesAndNewlines))) }
    }

    static func estimates(_ model: [String: Any]?) -> [(String, Double?, Double?)] {
        (model?["estimates"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["value"] as? Double, $0["standard_error"] as? Double) }
    }

    @Test("clv_model.json from 5 partitions: the models, their holdout errors, the model choice and Gamma-Gamma bit for bit",
          arguments: ["auto", "pareto-nbd"])
    func driverReportEqualsSingleRun(model: String) throws {
        try withScratch { scratch in
            _ = try Self.prepare(scratch, customers: 3000, seed: 21, parts: 5, job: "[clv]\nmodel = \"\(model)\"\n")
            let r = try CLI.run(["partition", "clv", "job.toml", "--statistics", "merged.bin", "--out", "clv_model.json"] + Self.periods,
                                in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let expected = try Self.json(scratch, "single/clv_model.json"), got = try Self.json(scratch, "clv_model.json")

            for key in ["calibration_end", "as_of", "calibration_customers", "predicted_customers", "purchase_model", "horizon_months",
                        "margin", "gamma_gamma_skipped", "no_purchase_days"] {
                #expect("\(got[key] ?? "absent")" == "\(expected[key] ?? "absent")", "\(key)")
            }
            // The choice: the same model, criterion and candidates; the reason line quotes the errors to 6 digits.
            let gs = got["selection"] as? [String: Any], es = expected["selection"] as? [String: Any]
            for key in ["chosen", "criterion", "requested", "reason"] { #expect("\(gs?[key] ?? "")" == "\(es?[key] ?? "")", "selection.\(key)") }
            let gc = gs?["candidates"] as? [[String: Any]] ?? [], ec = es?["candidates"] as? [[String: Any]] ?? []
            #expect(gc.count == ec.count && !gc.isEmpty)
            for (g, e) in zip(gc, ec) { #expect(Self.same(g["holdout_error"] as? Double, e["holdout_error"] as? Double), "\(g)") }

            let gm = got["models"] as? [[String: Any]] ?? [], em = expected["models"] as? [[String: Any]] ?? []
            #expect(gm.count == em.count && !gm.isEmpty)
            for (g, e) in zip(gm, em) {
                #expect(Self.estimates(g).map { "\($0)" } == Self.estimates(e).map { "\($0)" }, "\(g["kind"] ?? "") estimates bit for bit")
                for key in ["holdout_error", "holdout_mean_absolute_error", "holdout_bucket_error"] {
                    #expect(e[key] is Double && Self.same(g[key] as? Double, e[key] as? Double), "\(g["kind"] ?? "") \(key)")
                }
            }

            let gg = got["gamma_gamma"] as? [String: Any], eg = expected["gamma_gamma"] as? [String: Any]
            #expect(eg != nil && gg != nil)
            let ge = Self.estimates(gg), ee = Self.estimates(eg)
            #expect(ge.count == 3 && ge.count == ee.count)
            // The driver's rows are the single run's, in the same (x, m) order: the same sums, bit for bit.
            #expect(ge.map { "\($0)" } == ee.map { "\($0)" }, "Gamma-Gamma \(ge) vs \(ee)")
            #expect(gg?["log_likelihood"] as? Double == eg?["log_likelihood"] as? Double)
            #expect(gg?["iterations"] as? Int == eg?["iterations"] as? Int)
            #expect(gg?["customers"] as? Double == eg?["customers"] as? Double)
            #expect(got["frequency_spend_correlation"] as? Double == expected["frequency_spend_correlation"] as? Double)

            let gh = got["holdout"] as? [String: Any], eh = expected["holdout"] as? [String: Any]
            #expect(eh != nil)
            for key in ["holdout_weeks", "customers", "actual_purchases", "predicted_purchases", "mean_absolute_error", "holdout_error", "bucket_error"] {
                #expect(Self.same(gh?[key] as? Double, eh?[key] as? Double), "holdout.\(key)")
            }
            let gb = gh?["buckets"] as? [[String: Any]] ?? [], eb = eh?["buckets"] as? [[String: Any]] ?? []
            #expect(gb.count == 8 && gb.count == eb.count)
            for (g, e) in zip(gb, eb) {
                #expect(g["customers"] as? Int == e["customers"] as? Int && g["actual_mean"] as? Double == e["actual_mean"] as? Double)
                #expect(Self.same(g["predicted_mean"] as? Double, e["predicted_mean"] as? Double))
            }
        }
    }

    @Test("each of 4 partitions scored with the merged statistics gives its customers' CLV columns of customers.csv, intervals included; scored with the chosen model alone (--clv-model), or with the driver's fit and statistics without the pooled rows (--clv-fit), the same bytes")
    func scoredCLVColumnsEqualSingleRun() throws {
        try withScratch { scratch in
            let files = try Self.prepare(scratch, customers: 2500, seed: 8, parts: 4, job: "[clv]\ninterval_draws = 40\n")
            let fit = try CLI.run(["partition", "clv", "job.toml", "--statistics", "merged.bin", "--out", "clv_model.json",
                                   "--scoring-fit", "clv-fit.json"] + Self.periods, in: scratch.path)
            #expect(fit.status == 0, "\(fit.stderr)")
            let strip = try CLI.run(["partition", "merge", "merged.bin", "--omit-clv-rows", "--out", "scoring.bin"], in: scratch.path)
            #expect(strip.status == 0, "\(strip.stderr)")
            let scoringStatistics = try PartitionWorker.read(scratch.join("scoring.bin"))
            #expect(scoringStatistics.clv.omitted && scoringStatistics.clv.repeatSpend.count == 0 && scoringStatistics.clv.holdout.count == 0)
            #expect(try PartitionWorker.read(scratch.join("merged.bin")).clv.repeatSpend.count > 100)
            let expected = csvRecords(try text(scratch.join("single/customers.csv")))
            let chosen = try #require(try Self.json(scratch, "single/clv_model.json")["purchase_model"] as? String)
            let columns = ["customer_id", "p_alive", "expected_purchases", "expected_order_value", "predicted_clv",
                           "expected_purchases_low", "expected_purchases_high", "predicted_clv_low", "predicted_clv_high", "p_no_purchase_90d"]
            func pick(_ records: [[String]]) throws -> [[String]] {
                let at = try columns.map { name in try #require(records[0].firstIndex(of: name), "\(name)") }
                return records.dropFirst().map { row in at.map { row[$0] } }
            }
            var rows: [[String]] = []
            for file in files {
                let r = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                                     "--out", file + ".scored.csv"] + Self.periods, in: scratch.path)
                #expect(r.status == 0, "\(r.stderr)")
                let part = csvRecords(try text(scratch.join(file + ".scored.csv")))
                #expect(part[0] == Array(expected[0].prefix(12)) + Array(columns.dropFirst()), "header")
                let alone = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                                         "--clv-model", chosen, "--out", file + ".alone.csv"] + Self.periods, in: scratch.path)
                #expect(alone.status == 0, "\(alone.stderr)")
                #expect(try bytes(scratch.join(file + ".alone.csv")) == bytes(scratch.join(file + ".scored.csv")), "\(file): --clv-model \(chosen)")
                let driverFit = try CLI.run(["partition", "score", "job.toml", "--statistics", "scoring.bin", "--transactions", file,
                                             "--clv-fit", "clv-fit.json", "--out", file + ".fit.csv"] + Self.periods, in: scratch.path)
                #expect(driverFit.status == 0, "\(driverFit.stderr)")
                #expect(try bytes(scratch.join(file + ".fit.csv")) == bytes(scratch.join(file + ".scored.csv")), "\(file): --clv-fit")
                rows += try pick(part)
            }
            rows.sort { $0[0].utf8.lexicographicallyPrecedes($1[0].utf8) }
            let want = try pick(expected)
            // The fit is the single run's bit for bit, and so is every prediction: the same text.
            #expect(rows.count == want.count)
            let differing = zip(rows, want).filter { $0 != $1 }
            #expect(differing.isEmpty, "\(differing.count) rows differ, first: \(differing.first.map { "\($0)" } ?? "")")
        }
    }

    @Test("the driver's fit file holds each purchase model's estimates and Gamma-Gamma's to the last bit: scoring with it gives the bytes of a refit",
          arguments: ["bg-nbd", "mbg-nbd", "pareto-nbd"])
    func scoringFitRoundTrips(model: String) throws {
        try withScratch { scratch in
            let files = try Self.prepare(scratch, customers: 700, seed: 31, parts: 2, job: "[clv]\nmodel = \"\(model)\"\n")
            let fit = try CLI.run(["partition", "clv", "job.toml", "--statistics", "merged.bin", "--out", "clv_model.json",
                                   "--scoring-fit", "clv-fit.json"] + Self.periods, in: scratch.path)
            #expect(fit.status == 0, "\(fit.stderr)")
            let read = try PartitionCLV.readScoringFit(scratch.join("clv-fit.json"))
            #expect(read.purchaseModel.fit.kind.rawValue == model)
            #expect(read.gammaGamma != nil)
            // Read and written again, the same bytes: every number read back to the bit the encoder wrote.
            try PartitionCLV.writeScoringFit(read.pooledFit(settings: CLVModel()), to: scratch.join("again.json"))
            #expect(try bytes(scratch.join("again.json")) == bytes(scratch.join("clv-fit.json")))
            let strip = try CLI.run(["partition", "merge", "merged.bin", "--omit-clv-rows", "--out", "scoring.bin"], in: scratch.path)
            #expect(strip.status == 0, "\(strip.stderr)")
            for file in files {
                let refit = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                                         "--out", file + ".refit.csv"] + Self.periods, in: scratch.path)
                let given = try CLI.run(["partition", "score", "job.toml", "--statistics", "scoring.bin", "--transactions", file,
                                         "--clv-fit", "clv-fit.json", "--out", file + ".fit.csv"] + Self.periods, in: scratch.path)
                #expect(refit.status == 0 && given.status == 0, "\(refit.stderr) \(given.stderr)")
                #expect(try bytes(scratch.join(file + ".fit.csv")) == bytes(scratch.join(file + ".refit.csv")), "\(file)")
            }
        }
    }

    @Test("the CLV charts from 3 partitions' statistics: the tracking plot bit for bit, the P(alive) matrix's cells and customers, its means to 1e-12")
    func chartsFromMergedStatistics() throws {
        try withScratch { scratch in
            _ = try Self.prepare(scratch, customers: 3000, seed: 17, parts: 3, job: "")
            let r = try CLI.run(["partition", "clv", "job.toml", "--statistics", "merged.bin", "--out", "clv_model.json",
                                 "--report-fit", "report-fit.json"] + Self.periods, in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let charts = try #require(try PartitionCLV.readReportFit(scratch.join("report-fit.json")).charts)
            let expected = try #require(try Self.json(scratch, "single/report.json")["clv_charts"] as? [String: Any])
            let tracking = try #require(charts.tracking), want = try #require(expected["tracking"] as? [String: Any])
            #expect(tracking.days == want["days"] as? [String])
            #expect(tracking.actualCumulative == want["actual_cumulative"] as? [Int])
            // Read with Swift's correctly rounded Double(String): Foundation's JSON parser may miss the last bit.
            #expect(tracking.expectedCumulative == (try Self.rawDoubles(try text(scratch.join("single/report.json")), key: "expected_cumulative")))
            #expect(tracking.customers == want["customers"] as? Int && tracking.customers > 0)
            let matrix = try #require(charts.aliveMatrix), wantMatrix = try #require(expected["alive_matrix"] as? [String: Any])
            #expect(matrix.customers == wantMatrix["customers"] as? [Int] && matrix.customers.reduce(0, +) > 0)
            #expect(matrix.frequencies == wantMatrix["frequencies"] as? [Int] && matrix.rows == wantMatrix["rows"] as? Int)
            let means = try #require(wantMatrix["mean_probability_alive"] as? [Any])
            #expect(means.count == matrix.meanProbabilityAlive.count)
            for (got, want) in zip(matrix.meanProbabilityAlive, means) {
                if let w = want as? Double, let g = got { #expect(abs(g - w) <= 1e-12 * w, "\(g) vs \(w)") } else { #expect(got == nil && want is NSNull) }
            }
        }
    }

    @Test("statistics without the pooled rows cannot refit the CLV models: scoring without the driver's fit, or fitting on them, stops with exit 64 and says why")
    func omittedRowsRefuseARefit() throws {
        try withScratch { scratch in
            let files = try Self.prepare(scratch, customers: 400, seed: 6, parts: 2, job: "")
            let strip = try CLI.run(["partition", "merge", "merged.bin", "--omit-clv-rows", "--out", "scoring.bin"], in: scratch.path)
            #expect(strip.status == 0, "\(strip.stderr)")
            for command in [["score", "--transactions", files[0], "--out", "p.csv"], ["clv", "--out", "clv_model.json"]] {
                let r = try CLI.run(["partition", command[0], "job.toml", "--statistics", "scoring.bin"] + command.dropFirst() + Self.periods,
                                    in: scratch.path)
                #expect(r.status == 64, "\(command[0]): \(r.stderr)")
                #expect(r.stderr.contains("--omit-clv-rows") && r.stderr.contains("--clv-fit"), "\(r.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.join("p.csv")))
        }
    }

    @Test("with [clv] enabled = false the partitions write no CLV columns and the driver no clv_model.json")
    func disabled() throws {
        try withScratch { scratch in
            let files = try Self.prepare(scratch, customers: 300, seed: 5, parts: 2, job: "[clv]\nenabled = false\n")
            let r = try CLI.run(["partition", "clv", "job.toml", "--statistics", "merged.bin", "--out", "clv_model.json"] + Self.periods,
                                in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("clv_model.json")))
            let s = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", files[0],
                                 "--out", "p.csv"] + Self.periods, in: scratch.path)
            #expect(s.status == 0, "\(s.stderr)")
            #expect(csvRecords(try text(scratch.join("p.csv")))[0].count == 12)
        }
    }

    @Test("the Gamma-Gamma rows rebuilt from any split's repeat-spend counts are the single run's rows, in the same order")
    func repeatSpendRowsFromCounts() throws {
        let all = RFMValueCountsTests.activity(5000, seed: 7)
        // Repeat customers whose first order is part of the net (some repeat spends ≤ 0: left out).
        let facts = CustomerActivity(asOf: all.asOf, firstDay: all.firstDay, lastDay: all.lastDay, frequency: all.frequency,
                                     netCents: all.netCents.map { $0 * 3 }, firstOrderCents: all.netCents)
        let single = RepeatSpendSample(CalibrationSummary(calibration: facts, holdoutOrders: nil, asOf: nil))
        #expect(single.count > 1000)
        for parts in [1, 2, 7] {
            var pooled = RepeatSpendCounts()
            for p in (0..<parts).reversed() {
                pooled = pooled.merged(with: RepeatSpendCounts(RFMValueCountsTests.part(facts, Array(stride(from: p, to: 5000, by: parts)))))
            }
            let rebuilt = try pooled.sample()
            #expect(rebuilt.frequency == single.frequency && rebuilt.spend == single.spend && rebuilt.weight == single.weight, "\(parts) parts")
        }
    }

    @Test("holdout rows: the radix-sorted rows of all customers equal the merged rows of any split, in the patterns' order, on any thread count",
          arguments: [(4000, 1), (150_000, 1), (150_000, 2)])
    func holdoutRowsFromAnySplit(customers n: Int, threads: Int) throws {
        var random = RandomSource(seed: 11)
        var x = [Int](), t = [Double](), T = [Double](), a = [Int]()
        for _ in 0..<n {
            let age = 5 + random.index(below: 40), repeats = random.index(below: 4)
            x.append(repeats); T.append(Double(age) / 7)
            t.append(repeats == 0 ? 0 : Double(random.index(below: age + 1)) / 7)
            a.append(random.index(below: 3) * random.index(below: 3))
        }
        func summary(_ members: [Int]) throws -> CalibrationSummary {
            try CalibrationSummary(frequency: members.map { x[$0] }, recency: members.map { t[$0] }, age: members.map { T[$0] },
                                   holdoutPurchases: members.map { a[$0] }, holdoutWeeks: 10)
        }
        // 150,000 customers span three of the build's blocks, so runs of equal rows cross blocks.
        let whole = try summary(Array(0..<n))
        let rows = Parallelism.withThreads(threads) { HoldoutPatterns(whole) }
        #expect(rows.customers.reduce(0, +) == Int64(n) && rows.count < n)
        let patterns = CalibrationPatterns(whole)
        // Each row's (x, t_x, T) is a pattern, in the patterns' order.
        var k = 0
        for i in 0..<rows.count {
            while k < patterns.count && (patterns.frequency[k], patterns.age[k], patterns.recency[k]) != (rows.frequency[i], rows.age[i], rows.recency[i]) {
                k += 1
            }
        }
        #expect(k < patterns.count)
        for parts in [2, 5] {
            var merged = HoldoutPatterns()
            for p in 0..<parts { merged = merged.merged(with: HoldoutPatterns(try summary(Array(stride(from: p, to: n, by: parts))))) }
            #expect(merged == rows, "\(parts) parts")
        }
    }
}
