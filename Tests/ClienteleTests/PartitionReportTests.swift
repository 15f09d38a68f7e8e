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
            let single = try reportJSON(scratch.join("single")), spread = try reportJSON(scratch.join("report"))
            for key in ["customers", "rfm"] {
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
            let skipped = (spread["skipped"] as? [[String: Any]] ?? []).compactMap { $0["section"] as? String }
            #expect(skipped == ["cohorts", "clusters", "churn"], "the sections not distributed say so")
            #expect(spread["outputs"] as? [String] == ["customers.csv", "clv_model.json", "segments.csv", "report.json", "report.md"])
            #expect(try text(scratch.join("report/report.md")).contains("Champions"))
        }
    }
}
