import Foundation
import Testing
@testable import Clientele

/// `clientele partition summarise --interactions`, `correlate` and `correlations`: the interactions
/// of any split of the customers give the whole export's satisfaction statistics and sums, byte
/// for byte, and the correlations from them are `clientele run`'s (Pearson and Spearman, group all).
@Suite("partition satisfaction: any split merges to the whole export's; correlations equal clientele run's", .serialized)
struct PartitionSatisfactionTests {
    static let periods = PartitionWorkerTests.periods

    /// Rows of `data/<name>` dealt to `parts` files by FNV-1a of the first field (the customer id), each with the header.
    static func split(_ scratch: ScratchFolder, _ name: String, parts: Int) throws -> [String] {
        let lines = try text(scratch.join("data/" + name)).split(separator: "\n", omittingEmptySubsequences: true)
        var files = [String](repeating: String(lines[0]) + "\n", count: parts)
        for line in lines.dropFirst() {
            let hash = PartitionSatisfaction.idHash(String(line.prefix { $0 != "," }))
            files[Int(hash % UInt64(parts))] += line + "\n"
        }
        return try files.enumerated().map { p, body in
            let file = "\(name)-\(parts)-\(p).csv"
            try scratch.write(file, body)
            return file
        }
    }

    static func cli(_ arguments: [String], _ scratch: ScratchFolder) throws {
        let r = try CLI.run(arguments, in: scratch.path)
        #expect(r.status == 0, "\(arguments.prefix(2)): \(r.stderr)")
    }

    /// The merged statistics and merged sums files of a split into `parts` (merged in `order`), and satisfaction.json.
    static func distributed(_ scratch: ScratchFolder, parts: Int, reversed: Bool = false, extra: [String] = []) throws
        -> (statistics: Data, sums: Data, json: [String: Any]) {
        let tx = try split(scratch, "transactions.csv", parts: parts), ix = try split(scratch, "interactions.csv", parts: parts)
        let tag = "\(parts)\(reversed ? "r" : "")"
        var stats: [String] = []
        for (t, i) in zip(tx, ix) {
            try cli(["partition", "summarise"] + extra + ["--transactions", t, "--interactions", i, "--out", "\(t).\(tag).bin"] + periods, scratch)
            stats.append("\(t).\(tag).bin")
        }
        if reversed { stats.reverse() }
        try cli(["partition", "merge"] + stats + ["--out", "merged-\(tag).bin"], scratch)
        var sums: [String] = []
        for (t, i) in zip(tx, ix) {
            try cli(["partition", "correlate"] + extra + ["--statistics", "merged-\(tag).bin", "--transactions", t, "--interactions", i,
                                                         "--out", "\(t).\(tag).sums"] + periods, scratch)
            sums.append("\(t).\(tag).sums")
        }
        if reversed { sums.reverse() }
        // The third pass: each segment's sums, with the merged segment value counts.
        try cli(["partition", "merge-sums"] + sums + ["--out", "sums2-\(tag).bin"], scratch)
        var segmentSums: [String] = []
        for (t, i) in zip(tx, ix) {
            try cli(["partition", "correlate"] + extra + ["--statistics", "merged-\(tag).bin", "--segment-counts", "sums2-\(tag).bin",
                                                         "--transactions", t, "--interactions", i, "--out", "\(t).\(tag).sums3"] + periods, scratch)
            segmentSums.append("\(t).\(tag).sums3")
        }
        if reversed { segmentSums.reverse() }
        sums += segmentSums
        try cli(["partition", "correlations"] + sums + ["--statistics", "merged-\(tag).bin", "--out", "sat-\(tag).json"], scratch)
        // The merged sums as one file: merge them through the library to compare bytes.
        var merged = try PartitionWorker.readSums(scratch.join(sums[0]))
        for s in sums.dropFirst() { merged = try merged.merged(with: try PartitionWorker.readSums(scratch.join(s))) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join("sat-\(tag).json")))) as? [String: Any]
        return (try Data(contentsOf: URL(fileURLWithPath: scratch.join("merged-\(tag).bin"))), Data(merged.encoded()), json ?? [:])
    }

    static func close(_ a: Double?, _ b: Double?, _ what: String) {
        guard let a, let b else { #expect(a == nil && b == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))"); return }
        // 1e-9 relative; 1e-15 absolute where the true value is 0 (the single run leaves rounding residue there).
        #expect(abs(a - b) <= 1e-9 * max(abs(a), abs(b)) || abs(a - b) < 1e-15, "\(what): \(a) vs \(b)")
    }

    /// `data/` generated with interactions, and `clientele run`'s report of it in `single/`.
    static func generateAndRunSingle(_ scratch: ScratchFolder, customers: Int, seed: Int) throws {
        try cli(["generate", "--customers", "\(customers)", "--seed", "\(seed)", "--out", "data"], scratch)
        let single = try CLI.run(["run", "--transactions", "data/transactions.csv", "--interactions", "data/interactions.csv",
                                  "--out", "single", "--quiet"] + periods, in: scratch.path)
        try #require(single.status == 0, "\(single.stderr)")
    }

    @Test("1, 3 and 7 partitions (one empty), merged forwards and backwards: the same statistics and sums bytes; r, rho and p-values equal clientele run's to 1e-9")
    func anySplitEqualsSingleRun() throws {
        try withScratch { scratch in
            try Self.generateAndRunSingle(scratch, customers: 2500, seed: 5)
            let whole = try Self.distributed(scratch, parts: 1)
            // The interactions' accounting, orphans (prospects' interactions) included, as clientele run counts them.
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join("single/report.json")))) as? [String: Any])
            let inputs = try #require((report["inputs"] as? [[String: Any]])?.first { $0["role"] as? String == "interactions" })
            let interactions = try #require(whole.json["interactions"] as? [String: Any])
            #expect((interactions["orphan_rows"] as? Int ?? 0) > 0)
            #expect(interactions["orphan_rows"] as? Int == inputs["rows_unmatched_customer"] as? Int)
            #expect(interactions["orphan_customers"] as? Int == inputs["unmatched_customers"] as? Int)
            #expect(interactions["orphan_examples"] as? [String] == inputs["unmatched_customer_examples"] as? [String])
            #expect(interactions["rows_read"] as? Int == inputs["rows_read"] as? Int && interactions["rows_used"] as? Int == inputs["rows_used"] as? Int)
            // The Jones & Sasser matrix and NPS: counts exact, quadrant means to 1e-9.
            let satisfaction = try #require(report["satisfaction"] as? [String: Any])
            for key in ["respondents", "satisfaction_respondents", "recommend_respondents", "classified"] {
                #expect(whole.json[key] as? Int == satisfaction[key] as? Int, "\(key)")
            }
            #expect(whole.json["nps"] as? NSDictionary == satisfaction["nps"] as? NSDictionary)
            let quadrants = try #require(whole.json["quadrants"] as? [[String: Any]]), expectedQuadrants = try #require(satisfaction["quadrants"] as? [[String: Any]])
            #expect(quadrants.count == 4 && expectedQuadrants.count == 4)
            for (q, e) in zip(quadrants, expectedQuadrants) {
                let group = q["group"] as? String ?? ""
                #expect(group == e["group"] as? String && q["customers"] as? Int == e["customers"] as? Int, "\(group)")
                #expect(q["nps"] as? NSDictionary == e["nps"] as? NSDictionary, "\(group) nps")
                for key in ["share", "mean_satisfaction", "mean_loyalty"] { Self.close(q[key] as? Double, e[key] as? Double, "\(group) \(key)") }
            }

            for (parts, reversed) in [(3, false), (3, true), (7, true)] {
                let d = try Self.distributed(scratch, parts: parts, reversed: reversed)
                #expect(d.statistics == whole.statistics, "\(parts) partitions, reversed \(reversed): statistics")
                #expect(d.sums == whole.sums, "\(parts) partitions, reversed \(reversed): sums")
            }
            // An empty partition (header only) adds nothing.
            let header = try text(scratch.join("data/interactions.csv")).prefix { $0 != "\n" } + "\n"
            try scratch.write("empty-tx.csv", "customer_id,order_id,order_date,amount\n")
            try scratch.write("empty-ix.csv", String(header))
            try Self.cli(["partition", "summarise", "--transactions", "empty-tx.csv", "--interactions", "empty-ix.csv", "--out", "empty.bin"] + Self.periods, scratch)
            let withEmpty = try PartitionWorker.read(scratch.join("merged-1.bin")).merged(with: PartitionWorker.read(scratch.join("empty.bin")))
            #expect(Data(withEmpty.encoded()) == whole.statistics)
            // The complaints of every scored customer (report.json's, respondents or not).
            #expect(Int(withEmpty.satisfaction.complaints) == satisfaction["complaints"] as? Int && withEmpty.satisfaction.complaints > 0)
            #expect(Int(withEmpty.satisfaction.complainers) == satisfaction["customers_with_complaints"] as? Int)

            // Against clientele run's correlations.csv, group all.
            let expected = csvRecords(try text(scratch.join("single/correlations.csv")))
            let head = expected[0]
            func column(_ row: [String], _ name: String) -> Double? { Double(row[head.firstIndex(of: name)!]) }
            let pairs = try #require(whole.json["correlations"] as? [[String: Any]])
            // Every row of correlations.csv but the p_alive and predicted_clv pairs (not distributed), in its order.
            let comparable = expected.dropFirst().filter { !["p_alive", "predicted_clv"].contains($0[2]) }
            #expect(pairs.map { [$0["group"] as? String ?? "", $0["x"] as? String ?? "", $0["y"] as? String ?? ""] } == comparable.map { Array($0.prefix(3)) })
            #expect(pairs.filter { $0["group"] as? String == "all" }.count == 16 && pairs.contains { $0["y"] as? String == "retained_in_holdout" })
            #expect(Set(pairs.map { $0["group"] as? String ?? "" }).count > 3)
            #expect((whole.json["nps_by_segment"] as? NSArray) == (satisfaction["nps_by_segment"] as? NSArray))
            for pair in pairs {
                let x = pair["x"] as! String, y = pair["y"] as! String, group = pair["group"] as! String
                let row = try #require(expected.first { $0[0] == group && $0[1] == x && $0[2] == y }, "\(group) \(x)/\(y)")
                #expect(Int(row[3]) == pair["n"] as? Int, "\(group) \(x)/\(y) n")
                for (key, name) in [("pearson_r", "pearson_r"), ("pearson_p", "pearson_p"), ("pearson_ci_low", "pearson_ci_low"),
                                    ("pearson_ci_high", "pearson_ci_high"), ("spearman_rho", "spearman_rho"), ("spearman_p", "spearman_p")] {
                    Self.close(pair[key] as? Double, column(row, name), "\(group) \(x)/\(y) \(name)")
                }
            }
            let kendall = try #require(whole.json["kendall"] as? [String: Any])
            let sample = kendall["sample"] as? Int ?? 0
            #expect(kendall["exact"] as? Bool == false && sample > 20, "sample \(sample)")
            // The sampled τ-b is within 4 standard errors of the exact one (a loose check of the sample, not of exactness).
            for pair in kendall["pairs"] as? [[String: Any]] ?? [] {
                let x = pair["x"] as! String, y = pair["y"] as! String
                guard let tau = pair["tau_b"] as? Double, let se = pair["standard_error"] as? Double,
                      let row = expected.first(where: { $0[0] == "all" && $0[1] == x && $0[2] == y }), let exact = column(row, "kendall_tau_b") else { continue }
                #expect(abs(tau - exact) < 4 * se, "\(x)/\(y) kendall \(tau) vs \(exact), se \(se)")
            }
        }
    }

    @Test("statistics with and without interactions, or with other NPS thresholds, are not merged (exit 64); correlate needs statistics summarised with interactions")
    func refusals() throws {
        try withScratch { scratch in
            try scratch.write("tx.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-01-05,10.00\nC2,B1,2024-02-05,5.00\nC3,B2,2024-03-05,7.00\n")
            try scratch.write("ix.csv", "customer_id,interaction_date,kind,satisfaction,recommend\nC1,2024-01-06,survey,4,9\nC2,2024-02-06,survey,2,3\nP9,2024-02-06,survey,5,10\n")
            try scratch.write("nps.toml", "[satisfaction]\npromoter_at_least = 10\n")
            let periods = ["--as-of", "2024-06-01"]
            try Self.cli(["partition", "summarise", "--transactions", "tx.csv", "--interactions", "ix.csv", "--out", "with.bin"] + periods, scratch)
            try Self.cli(["partition", "summarise", "--transactions", "tx.csv", "--out", "without.bin"] + periods, scratch)
            try Self.cli(["partition", "summarise", "nps.toml", "--transactions", "tx.csv", "--interactions", "ix.csv", "--out", "nps.bin"] + periods, scratch)
            let with = try PartitionWorker.read(scratch.join("with.bin")).satisfaction
            #expect(with.present && with.orphanRows == 1 && with.orphanCustomers == 1 && with.respondents == 2)
            for other in ["without.bin", "nps.bin"] {
                let r = try CLI.run(["partition", "merge", "with.bin", other, "--out", "m.bin"], in: scratch.path)
                #expect(r.status == 64, "\(other): \(r.stderr)")
            }
            let r = try CLI.run(["partition", "correlate", "--statistics", "without.bin", "--transactions", "tx.csv", "--interactions", "ix.csv",
                                 "--out", "s.sums"] + periods, in: scratch.path)
            #expect(r.status == 64, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("s.sums")))
        }
    }

    @Test("ExactSum: the same canonical limbs and value for any order and split, negative sums included")
    func exactSumIsOrderFree() {
        var values: [Double] = []
        var g = SystemRandomNumberGenerator()
        for _ in 0..<5000 { values.append(Double.random(in: -1e6...1e6, using: &g) * Double.random(in: 0...1, using: &g)) }
        values += [1e300, -1e300, 5e-324, -3.5, 1e-300]
        var forwards = ExactSum(), backwards = ExactSum(), a = ExactSum(), b = ExactSum()
        for v in values { forwards.add(v) }
        for v in values.reversed() { backwards.add(v) }
        for (k, v) in values.enumerated() { if k % 3 == 0 { a.add(v) } else { b.add(v) } }
        #expect(forwards.normalized().limbs == backwards.normalized().limbs)
        #expect(b.merged(with: a).normalized().limbs == forwards.normalized().limbs)
        let reference = values.filter { abs($0) < 1e200 && abs($0) > 1e-200 }.reduce(0, +)
        #expect(abs(forwards.value - reference) < 1e-6, "\(forwards.value) vs \(reference)")
        var negative = ExactSum()
        for v in [-2.5, -1e10, 3.0] { negative.add(v) }
        #expect(negative.value == -2.5 - 1e10 + 3.0)
    }
}
