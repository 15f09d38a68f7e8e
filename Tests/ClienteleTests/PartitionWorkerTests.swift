import Foundation
import Testing
@testable import Clientele

/// `clientele partition summarise` and `merge`: a transactions export split by customer into any
/// number of partitions, each summarised on its own and merged in any order, gives the statistics
/// file of the whole export, byte for byte.
@Suite("partition worker: any split of the customers merges to the whole export's statistics", .serialized)
struct PartitionWorkerTests {
    static let periods = ["--as-of", "2025-12-28", "--calibration-end", "2025-06-28"]

    /// Rows of `transactions.csv` dealt to `parts` files by a hash of the customer id (FNV-1a),
    /// each with the header; the rows keep their date order.
    static func split(_ scratch: ScratchFolder, parts: Int) throws -> [String] {
        let lines = try text(scratch.join("data/transactions.csv")).split(separator: "\n", omittingEmptySubsequences: true)
        var files = [String](repeating: String(lines[0]) + "\n", count: parts)
        for line in lines.dropFirst() {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in line.prefix { $0 != "," }.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            files[Int(hash % UInt64(parts))] += line + "\n"
        }
        return try files.enumerated().map { p, body in
            let name = "part-\(parts)-\(p).csv"
            try scratch.write(name, body)
            return name
        }
    }

    static func summarise(_ file: String, out: String, in scratch: ScratchFolder, extra: [String] = []) throws {
        let r = try CLI.run(["partition", "summarise", "--transactions", file, "--out", out] + periods + extra, in: scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
    }

    static func merge(_ files: [String], out: String, in scratch: ScratchFolder) throws {
        let r = try CLI.run(["partition", "merge"] + files + ["--out", out], in: scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("1, 3 and 8 partitions, merged forwards, backwards and with an empty partition: the whole export's bytes")
    func anySplitMergesToWhole() throws {
        try withScratch { scratch in
            let g = try CLI.run(["generate", "--customers", "3000", "--seed", "3", "--out", "data"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            try Self.summarise("data/transactions.csv", out: "whole.bin", in: scratch)
            let whole = try Data(contentsOf: URL(fileURLWithPath: scratch.join("whole.bin")))
            let statistics = try PartitionWorker.read(scratch.join("whole.bin"))
            #expect(statistics.customers == 3000 && statistics.rfm.customers > 2500 && statistics.calibrationPatterns.weight.count > 100)

            try scratch.write("empty.csv", "customer_id,order_id,order_date,amount\n")
            try Self.summarise("empty.csv", out: "empty.bin", in: scratch)
            for parts in [1, 3, 8] {
                let files = try Self.split(scratch, parts: parts)
                let stats = try files.map { file -> String in
                    try Self.summarise(file, out: file + ".bin", in: scratch)
                    return file + ".bin"
                }
                for (name, order) in [("forwards", stats), ("backwards", stats.reversed() + ["empty.bin"])] {
                    try Self.merge(order, out: "merged-\(parts)-\(name).bin", in: scratch)
                    let merged = try Data(contentsOf: URL(fileURLWithPath: scratch.join("merged-\(parts)-\(name).bin")))
                    #expect(merged == whole, "\(parts) partitions merged \(name)")
                }
            }
        }
    }

    @Test("each of 4 partitions scored with the merged statistics gives its customers' RFM columns of customers.csv, for fill and share",
          arguments: ["fill", "share"])
    func scoredPartitionsEqualSingleRun(ties: String) throws {
        try withScratch { scratch in
            let g = try CLI.run(["generate", "--customers", "2500", "--seed", "8", "--out", "data"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            try scratch.write("job.toml", "[rfm]\nties = \"\(ties)\"\n")
            let single = try CLI.run(["run", "job.toml", "--transactions", "data/transactions.csv", "--out", "single", "--quiet"] + Self.periods,
                                     in: scratch.path)
            #expect(single.status == 0, "\(single.stderr)")
            let expected = csvRecords(try text(scratch.join("single/customers.csv")))
            let files = try Self.split(scratch, parts: 4)
            for file in files {
                let r = try CLI.run(["partition", "summarise", "job.toml", "--transactions", file, "--out", file + ".bin"] + Self.periods,
                                    in: scratch.path)
                #expect(r.status == 0, "\(r.stderr)")
            }
            try Self.merge(files.map { $0 + ".bin" }, out: "merged.bin", in: scratch)
            var rows: [[String]] = []
            for file in files {
                let r = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                                     "--out", file + ".scored.csv"] + Self.periods, in: scratch.path)
                #expect(r.status == 0, "\(r.stderr)")
                let part = csvRecords(try text(scratch.join(file + ".scored.csv")))
                #expect(Array(part[0].prefix(12)) == Array(expected[0].prefix(12)))
                rows += part.dropFirst().map { Array($0.prefix(12)) }  // the CLV columns: PartitionCLVTests
            }
            rows.sort { $0[0].utf8.lexicographicallyPrecedes($1[0].utf8) }
            #expect(rows.count == expected.count - 1)
            #expect(rows == expected.dropFirst().map { Array($0.prefix(12)) })
        }
    }

    @Test("the three purchase models fitted on 5 partitions' merged statistics have the single run's estimates, errors and likelihood, bit for bit")
    func fittedModelsEqualSingleRun() throws {
        try withScratch { scratch in
            let g = try CLI.run(["generate", "--customers", "3000", "--seed", "21", "--out", "data"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            let single = try CLI.run(["run", "--transactions", "data/transactions.csv", "--out", "single", "--quiet"] + Self.periods,
                                     in: scratch.path)
            #expect(single.status == 0, "\(single.stderr)")
            let files = try Self.split(scratch, parts: 5)
            for file in files { try Self.summarise(file, out: file + ".bin", in: scratch) }
            try Self.merge(files.map { $0 + ".bin" }, out: "merged.bin", in: scratch)
            let fit = try CLI.run(["partition", "fit", "--statistics", "merged.bin", "--out", "fit.json"] + Self.periods, in: scratch.path)
            #expect(fit.status == 0, "\(fit.stderr)")
            func models(_ path: String) throws -> [[String: Any]] {
                let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join(path)))) as? [String: Any]
                return try #require(json?["models"] as? [[String: Any]])
            }
            let expected = try models("single/clv_model.json"), got = try models("fit.json")
            #expect(got.map { $0["kind"] as? String } == ["bg-nbd", "mbg-nbd", "pareto-nbd"])
            #expect(got.count == expected.count)
            for (g, e) in zip(got, expected) {
                let estimates = { (m: [String: Any]) in (m["estimates"] as? [[String: Any]] ?? []).map { [$0["value"] as? Double, $0["standard_error"] as? Double] } }
                #expect(estimates(g) == estimates(e) && !estimates(g).isEmpty, "\(g["kind"] ?? "")")
                #expect(g["log_likelihood"] as? Double == e["log_likelihood"] as? Double)
                #expect(g["customers"] as? Double == e["customers"] as? Double)
            }
        }
    }

    @Test("merging statistics of different periods is refused (exit 64); a damaged file is named (exit 65); summarise needs --as-of")
    func refusals() throws {
        try withScratch { scratch in
            try scratch.write("tx.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,10.00\nC2,B1,2024-02-05,5.00\n")
            try Self.summarise("tx.csv", out: "a.bin", in: scratch)
            let b = try CLI.run(["partition", "summarise", "--transactions", "tx.csv", "--out", "b.bin", "--as-of", "2024-06-01"], in: scratch.path)
            #expect(b.status == 0, "\(b.stderr)")
            let mixed = try CLI.run(["partition", "merge", "a.bin", "b.bin", "--out", "m.bin"], in: scratch.path)
            #expect(mixed.status == 64)
            #expect(mixed.stderr.contains("different settings"), "\(mixed.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("m.bin")))

            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: scratch.join("a.bin"))))
            bytes.removeLast(3)
            try Data(bytes).write(to: URL(fileURLWithPath: scratch.join("cut.bin")))
            let cut = try CLI.run(["partition", "merge", "a.bin", "cut.bin", "--out", "m.bin"], in: scratch.path)
            #expect(cut.status == 65)
            #expect(cut.stderr.contains("cut.bin: not a Clientele partition statistics file"), "\(cut.stderr)")

            try scratch.write("split.toml", "[rfm]\nties = \"split\"\n")
            let split = try CLI.run(["partition", "score", "split.toml", "--statistics", "a.bin", "--transactions", "tx.csv",
                                     "--out", "s.csv"] + Self.periods, in: scratch.path)
            #expect(split.status == 64)
            #expect(split.stderr.contains("use \"fill\" or \"share\""), "\(split.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("s.csv")))

            // A partition the statistics did not count (here C2's second order is missing from
            // the merge): a data error naming what to do, not a crash.
            try scratch.write("more.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,10.00\nC2,B1,2024-02-05,5.00\nC2,B2,2024-03-05,7.00\n")
            let uncounted = try CLI.run(["partition", "score", "--statistics", "a.bin", "--transactions", "more.csv",
                                         "--out", "u.csv"] + Self.periods, in: scratch.path)
            #expect(uncounted.status == 65)
            #expect(uncounted.stderr.contains("is not in the merged statistics"), "\(uncounted.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("u.csv")))

            // A job whose churn features come from the interactions: a transactions-only step of a run
            // without interactions is refused as clientele run would be; of a run with them, accepted.
            try scratch.write("recommend.toml", "[churn]\nfeatures = [\"mean_recommend\"]\n")
            let alone = try CLI.run(["partition", "summarise", "recommend.toml", "--transactions", "tx.csv", "--out", "r.bin"] + Self.periods,
                                    in: scratch.path)
            #expect(alone.status == 64 && alone.stderr.contains("mean_recommend comes from the interactions"), "\(alone.stderr)")
            let told = try CLI.run(["partition", "summarise", "recommend.toml", "--transactions", "tx.csv", "--out", "r.bin",
                                    "--run-interactions", "interactions.csv"] + Self.periods, in: scratch.path)
            #expect(told.status == 0, "\(told.stderr)")

            let noAsOf = try CLI.run(["partition", "summarise", "--transactions", "tx.csv", "--out", "c.bin"], in: scratch.path)
            #expect(noAsOf.status == 64)
            #expect(noAsOf.stderr.contains("needs --as-of"), "\(noAsOf.stderr)")
        }
    }

    @Test("summarise never overwrites a file that is not a statistics file")
    func keepsOtherFiles() throws {
        try withScratch { scratch in
            try scratch.write("tx.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,10.00\n")
            try scratch.write("notes.txt", "mine")
            let r = try CLI.run(["partition", "summarise", "--transactions", "tx.csv", "--out", "notes.txt", "--as-of", "2024-06-01"],
                                in: scratch.path)
            #expect(r.status == 73)
            #expect(try text(scratch.join("notes.txt")) == "mine")
        }
    }
}
