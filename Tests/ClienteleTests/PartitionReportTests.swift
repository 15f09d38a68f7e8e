// report.json, report.md and segments.csv of a run spread over partitions (issue "Beyond one
// machine"): the totals the partitions add up give the single run's figures.
import Foundation
import Testing
@testable import Clientele

@Suite("partition report: report.json's totals and segments.csv from the partitions' totals are the single run's", .serialized)
struct PartitionReportTests {
    @Test("4 partitions: settings, input accounting, customers, net revenue, segments, customers per score and the purchase models")
    func totalsEqualSingleRun() throws {
        try withScratch { scratch in
            let periods = PartitionCLVTests.periods
            let files = try PartitionCLVTests.prepare(scratch, customers: 3000, seed: 31, parts: 4, job: "[rfm]\nmargin = 0.4\n")
            func run(_ arguments: [String]) throws {
                let r = try CLI.run(arguments, in: scratch.path)
                #expect(r.status == 0, "\(arguments[1]): \(r.stderr)")
            }
            for file in files {
                try run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                         "--out", file + ".csv", "--totals", file + ".totals.json"] + periods)
            }
            try FileManager.default.createDirectory(atPath: scratch.join("report"), withIntermediateDirectories: false)
            try run(["partition", "report", "job.toml", "--statistics", "merged.bin", "--transactions", "data/transactions.csv",
                     "--output", "customers.csv", "--output", "clv_model.json", "--out", "report"] + periods + files.flatMap { ["--totals", $0 + ".totals.json"] })

            #expect(try bytes(scratch.join("report/segments.csv")) == bytes(scratch.join("single/segments.csv")), "segments.csv byte for byte")
            #expect(try bytes(scratch.join("report/cohorts.csv")) == bytes(scratch.join("single/cohorts.csv")), "cohorts.csv byte for byte")
            let single = try reportJSON(scratch.join("single")), spread = try reportJSON(scratch.join("report"))
            for key in ["customers", "rfm", "cohorts", "concentration"] {
                #expect((spread[key] as? NSDictionary) == (single[key] as? NSDictionary), "report.json \(key)")
            }
            let inputs = try #require(spread["inputs"] as? [[String: Any]]), expected = try #require(single["inputs"] as? [[String: Any]])
            #expect(inputs.count == 1 && (inputs[0] as NSDictionary) == (expected[0] as NSDictionary), "transactions accounting")
            var settings = try #require(spread["settings"] as? [String: Any]), want = try #require(single["settings"] as? [String: Any])
            settings["threads"] = nil; want["threads"] = nil
            #expect(settings as NSDictionary == want as NSDictionary, "settings")
            let clv = try #require(spread["clv"] as? [String: Any]), singleCLV = try #require(single["clv"] as? [String: Any])
            #expect((clv["models"] as? NSArray)?.count == (singleCLV["models"] as? NSArray)?.count)
            #expect("\(clv["purchase_model"] ?? "")" == "\(singleCLV["purchase_model"] ?? "-")")
            // The first screen from the partitions' totals: counts equal, predicted value to rounding (no churn scored here).
            let summary = try #require(spread["summary"] as? [String: Any]), singleSummary = try #require(single["summary"] as? [String: Any])
            for key in ["customers", "active_customers", "active_share", "net_revenue", "horizon_months", "actions"] {
                #expect((summary[key] as? NSObject) == (singleSummary[key] as? NSObject), "summary \(key)")
            }
            func close(_ a: Any?, _ b: Any?, _ what: String) {
                let x = (a as? NSNumber)?.doubleValue ?? .nan, y = (b as? NSNumber)?.doubleValue ?? .nan
                #expect(abs(x - y) <= 1e-9 * abs(y) && y > 0, "\(what): \(x) vs \(y)")
            }
            close(summary["predicted_value"], singleSummary["predicted_value"], "summary predicted_value")
            close(clv["total_predicted_clv"], singleCLV["total_predicted_clv"], "clv total_predicted_clv")
            let rows = try #require(summary["segments"] as? [[String: Any]]), singleRows = try #require(singleSummary["segments"] as? [[String: Any]])
            #expect(rows.count == singleRows.count)
            for (row, want) in zip(rows, singleRows) where (want["customers"] as? Int ?? 0) > 0 {
                close(row["predicted_value"], want["predicted_value"], "\(want["segment"] ?? "") predicted_value")
            }
            let skipped = (spread["skipped"] as? [[String: Any]] ?? []).compactMap { $0["section"] as? String }
            #expect(skipped == ["clusters", "churn"], "the sections not distributed say so")
            // The same files as the single run's, in its order, without the sections not distributed here.
            let singleOutputs = try #require(single["outputs"] as? [String])
            #expect(spread["outputs"] as? [String] == singleOutputs.filter { !["clusters.csv", "churn_model.csv", "churn_risk.csv"].contains($0) })
            // report.html: the sections drawn from the merged figures are the single run's bytes; the others say why they are missing.
            let singleHTML = try text(scratch.join("single/report.html")), spreadHTML = try text(scratch.join("report/report.html"))
            for id in ["rfm-grid", "segments", "cohorts", "value-concentration", "holdout-purchases"] {
                let section = try #require(Self.section(id, of: singleHTML), "single run's \(id)")
                #expect(Self.section(id, of: spreadHTML) == section, "report.html section \(id)")
            }
            let distribution = try #require(Self.section("clv-distribution", of: spreadHTML))
            #expect(distribution.contains("Not run:") && distribution.contains("spread over partitions"))
            #expect(try text(scratch.join("report/report.md")).contains("Champions"))
        }
    }

    @Test("with interval_draws: the totals' bootstrap intervals from the partitions' per-draw totals are the single run's to 1e-9, the holdout total's interval bit for bit")
    func totalIntervalsEqualSingleRun() throws {
        try withScratch { scratch in
            let periods = PartitionCLVTests.periods
            let files = try PartitionCLVTests.prepare(scratch, customers: 2000, seed: 33, parts: 3, job: "[clv]\ninterval_draws = 40\n")
            for file in files {
                let r = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                                     "--out", file + ".csv", "--totals", file + ".totals.json"] + periods, in: scratch.path)
                #expect(r.status == 0, "\(r.stderr)")
            }
            try FileManager.default.createDirectory(atPath: scratch.join("report"), withIntermediateDirectories: false)
            let r = try CLI.run(["partition", "report", "job.toml", "--statistics", "merged.bin", "--transactions", "data/transactions.csv",
                                 "--output", "customers.csv", "--out", "report"] + periods + files.flatMap { ["--totals", $0 + ".totals.json"] },
                                in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let single = try #require(try reportJSON(scratch.join("single"))["clv"] as? [String: Any])
            let spread = try #require(try reportJSON(scratch.join("report"))["clv"] as? [String: Any])
            let a = try #require(single["intervals"] as? [String: Any]), b = try #require(spread["intervals"] as? [String: Any])
            #expect(a["unavailable"] == nil && b["unavailable"] == nil, "\(b)")
            #expect(a.keys.sorted() == b.keys.sorted())
            for key in ["total_expected_purchases", "total_expected_purchases_low", "total_expected_purchases_high",
                        "total_predicted_clv_low", "total_predicted_clv_high"] {
                let x = (a[key] as? NSNumber)?.doubleValue ?? .nan, y = (b[key] as? NSNumber)?.doubleValue ?? .nan
                #expect(abs(x - y) <= 1e-9 * abs(x) && x > 0, "intervals.\(key): \(y) vs clientele run's \(x)")
            }
            // The holdout total's predictive interval, simulated on the driver over the pooled calibration patterns: bit for bit.
            let h = try #require(single["holdout"] as? [String: Any]), g = try #require(spread["holdout"] as? [String: Any])
            for key in ["predicted_purchases_low", "predicted_purchases_high", "predicted_purchases_level"] {
                #expect(h[key] != nil && (h[key] as? NSNumber) == (g[key] as? NSNumber), "holdout.\(key): \(g[key] ?? "none") vs \(h[key] ?? "none")")
            }
        }
    }

    /// `<section id="id" …>…</section>` of a report.html page.
    static func section(_ id: String, of html: String) -> String? {
        guard let start = html.range(of: "<section id=\"\(id)\""),
              let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test("max_reject_share holds every partition's rejected rows together: 2 of 40 in 3 partitions is 5%, as in the single run",
          arguments: [("0.01", 65), ("0.1", 0)])
    func rejectShareOverPartitions(share: String, status: Int32) throws {
        try withScratch { scratch in
            try FileManager.default.createDirectory(atPath: scratch.join("data"), withIntermediateDirectories: false)
            _ = try scratch.write("data/transactions.csv", try text(Package.fixture("e2e/transactions_bad_rows.csv")))
            try scratch.write("job.toml", "[run]\non_bad_row = \"skip\"\nmax_reject_share = \(share)\n")
            let periods = ["--as-of", "2026-01-01"]
            let single = try CLI.run(["run", "job.toml", "--transactions", "data/transactions.csv", "--out", "single", "--quiet"] + periods,
                                     in: scratch.path)
            #expect(single.status == status, "\(single.stderr)")
            let files = try PartitionWorkerTests.split(scratch, parts: 3)
            for file in files {
                let r = try CLI.run(["partition", "summarise", "job.toml", "--transactions", file, "--out", file + ".bin"] + periods,
                                    in: scratch.path)
                #expect(r.status == 0, "a partition does not judge the share alone: \(r.stderr)")
            }
            try PartitionWorkerTests.merge(files.map { $0 + ".bin" }, out: "merged.bin", in: scratch)
            let check = try CLI.run(["partition", "check", "job.toml", "--statistics", "merged.bin", "--transactions", "data/transactions.csv"]
                                    + periods, in: scratch.path)
            #expect(check.status == status, "\(check.stderr)")
            if status != 0 { #expect(check.stderr.hasPrefix("error: data/transactions.csv: 2 of 40 rows rejected"), "\(check.stderr)") }
        }
    }
}
