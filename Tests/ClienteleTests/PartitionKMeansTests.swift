// k-means over partitions (issue "Beyond one machine"): seeded from the same sample, one Lloyd
// pass a step, the clusters are the single run's.
import Foundation
import Testing
@testable import Clientele

@Suite("partition k-means: the partitions' passes give the single run's clusters", .serialized)
struct PartitionKMeansTests {
    static let periods = PartitionWorkerTests.periods

    /// Runs the spread k-means steps over `files` (summarised and merged into merged.bin) as
    /// spark-run does; returns the final state's path.
    static func spreadKMeans(_ files: [String], in scratch: ScratchFolder, tag: String) throws -> String {
        func run(_ arguments: [String]) throws -> String {
            let r = try CLI.run(arguments, in: scratch.path)
            #expect(r.status == 0, "\(arguments[1]): \(r.stderr)")
            return r.stdout
        }
        var state = "\(tag)-kmeans-0.json"
        let first = try run(["partition", "kmeans-seed", "job.toml", "--statistics", "merged.bin", "--out", state] + periods)
        #expect(first.contains("\"sample\""), "without samples the seed asks for them: \(first)")
        for file in files {
            _ = try run(["partition", "kmeans-features", "job.toml", "--statistics", "merged.bin", "--transactions", file,
                         "--out", file + ".features", "--sample-out", file + ".sample"] + periods)
        }
        var phase = try run(["partition", "kmeans-seed", "job.toml", "--statistics", "merged.bin", "--out", state] + periods
                            + files.flatMap { ["--sample", $0 + ".sample"] })
        #expect(phase.contains("\"lloyd\""), "\(phase)")
        // The first pass through the commands, the rest in process (the same functions, without a
        // process launch per partition and iteration).
        let passes = try files.map { file -> String in
            let pass = "\(file).pass-1.json"
            _ = try run(["partition", "kmeans-pass", "--features", file + ".features", "--state", state, "--out", pass])
            return pass
        }
        let second = "\(tag)-kmeans-1.json"
        phase = try run(["partition", "kmeans-step", "--state", state, "--out", second] + passes)
        var current = try PartitionWorker.readJSON(PartitionKMeansState.self, from: scratch.join(second))
        let features = try files.map { try PartitionWorker.readKMeansFeatures(scratch.join($0 + ".features")) }
        var steps = 1
        while current.phase == .lloyd || current.phase == .final {
            steps += 1
            #expect(steps < 400, "the passes end")
            if steps >= 400 { break }
            current = try current.advanced(by: try features.map { try PartitionKMeansPass($0, state: current) })
        }
        #expect(current.phase == .done, "\(current.phase): \(current.reason ?? "")")
        state = "\(tag)-kmeans-done.json"
        try PartitionWorker.writeJSON(current, to: scratch.join(state))
        return state
    }

    /// customer_id → the column `name` of a customers.csv (ids without commas).
    static func column(_ name: String, of paths: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for path in paths {
            let lines = try text(path).split(separator: "\n")
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let c = try #require(header.firstIndex(of: name), "\(path) has no \(name) column")
            for line in lines.dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                out[String(cells[0])] = String(cells[c])
            }
        }
        return out
    }

    static func clustersRows(_ path: String) throws -> [[Double]] {
        try text(path).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
    }

    @Test("1 and 4 partitions: every customer's cluster, clusters.csv and report.json's inertia are the single run's (1e-9)",
          arguments: [1, 4])
    func clustersEqualSingleRun(parts: Int) throws {
        try withScratch { scratch in
            let files = try PartitionCLVTests.prepare(scratch, customers: 3000, seed: 17, parts: parts, job: "[clusters]\nk = 4\n\n[clv]\nenabled = false\n")
            let state = try Self.spreadKMeans(files, in: scratch, tag: "p\(parts)")
            for file in files {
                let r = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--transactions", file, "--clusters", state,
                                     "--out", file + ".csv", "--totals", file + ".totals.json"] + Self.periods, in: scratch.path)
                #expect(r.status == 0, "\(r.stderr)")
            }
            let single = try Self.column("cluster", of: [scratch.join("single/customers.csv")])
            let spread = try Self.column("cluster", of: files.map { scratch.join($0 + ".csv") })
            #expect(single.count == spread.count && single.count > 2000)
            #expect(single == spread, "\(single.filter { spread[$0.key] != $0.value }.count) customers in another cluster")

            try FileManager.default.createDirectory(atPath: scratch.join("report"), withIntermediateDirectories: false)
            let r = try CLI.run(["partition", "report", "job.toml", "--statistics", "merged.bin", "--transactions", "data/transactions.csv",
                                 "--clusters", state, "--output", "customers.csv", "--out", "report"] + Self.periods
                                + files.flatMap { ["--totals", $0 + ".totals.json"] }, in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let want = try Self.clustersRows(scratch.join("single/clusters.csv")), got = try Self.clustersRows(scratch.join("report/clusters.csv"))
            #expect(want.count == 4 && got.count == want.count)
            for (w, g) in zip(want, got) {
                #expect(w.count == g.count)
                for (a, b) in zip(w, g) { #expect(abs(a - b) <= 1e-9 * max(1, abs(a)), "clusters.csv \(w) vs \(g)") }
            }
            let singleReport = try PartitionCLVTests.json(scratch, "single/report.json"), spreadReport = try PartitionCLVTests.json(scratch, "report/report.json")
            let a = try #require(singleReport["clusters"] as? [String: Any]), b = try #require(spreadReport["clusters"] as? [String: Any])
            let inertia = try #require(a["inertia"] as? Double), spreadInertia = try #require(b["inertia"] as? Double)
            #expect(abs(inertia - spreadInertia) <= 1e-9 * inertia, "inertia \(inertia) vs \(spreadInertia)")
            for key in ["k", "iterations", "converged", "restarts", "features", "profile_names"] {
                #expect("\(a[key] ?? "-")" == "\(b[key] ?? "+")", "report.json clusters.\(key)")
            }
            let names = { (c: [String: Any]) in (c["profiles"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "")" } }
            #expect(names(a) == names(b), "the clusters' names")
            #expect((spreadReport["outputs"] as? [String])?.contains("clusters.csv") == true)
            let skipped = (spreadReport["skipped"] as? [[String: Any]] ?? []).compactMap { $0["section"] as? String }
            #expect(!skipped.contains("clusters"))
        }
    }

    @Test("the seeding sample: the partitions' smallest keys, merged, are the single run's sample rows")
    func seedingSampleMergesToSingleRunRows() throws {
        try withScratch { scratch in
            _ = try PartitionCLVTests.prepare(scratch, customers: 2000, seed: 5, parts: 1, job: "[clv]\nenabled = false\n")
            let loaded = try TransactionLoader(source: CSVSource(path: scratch.join("data/transactions.csv"))).load()
            let index = loaded.customers
            let customers = (0..<Int32(index.count)).map { $0 }
            let sample = KMeansSeedingSample(seed: 7, size: 150)
            let rows = try #require(sample.rows(customers: customers, index: index))
            #expect(rows.count == 150 && rows == rows.sorted())
            let ids = customers.map { c in index.withKey(c) { String(decoding: $0, as: UTF8.self) } }
            let keys = customers.map { c in index.withKey(c) { sample.key($0) } }
            // Three partitions by id parity of the hash; each keeps its 150 smallest.
            var parts = [PartitionKMeansSample](repeating: PartitionKMeansSample(), count: 3)
            for p in 0..<3 {
                let mine = customers.indices.filter { Int(keys[$0] % 3) == p }
                parts[p] = PartitionKMeansSample(keys: mine.map { keys[$0] }, id: { ids[mine[$0]] }, rows: mine.map { Double($0) },
                                                 features: 1, size: 150)
            }
            let merged = parts[2].merged(with: parts[0]).merged(with: parts[1]).smallest(150)
            #expect(merged.ids == rows.map { ids[$0] }, "the same customers, in id order")
            #expect(merged.features == rows.map(Double.init))
            #expect(KMeansSeedingSample(seed: 7, size: 5000).rows(customers: customers, index: index) == nil, "n ≤ size: every row")
        }
    }

    @Test("a job clustering on other features, or choosing k, is skipped with the reason", arguments: [
        ("[clusters]\nfeatures = [\"recency_days\", \"tenure_days\"]\n", "default features"),
        ("[clusters]\nk_range = \"2-4\"\n", "silhouette"),
        ("[clusters]\nenabled = false\n", "disabled"),
    ])
    func skippedWithReason(job: String, reason: String) throws {
        try withScratch { scratch in
            _ = try PartitionCLVTests.prepare(scratch, customers: 500, seed: 2, parts: 1, job: job)
            let r = try CLI.run(["partition", "kmeans-seed", "job.toml", "--statistics", "merged.bin", "--out", "state.json"] + Self.periods,
                                in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("\"skipped\""))
            let state = try PartitionWorker.readJSON(PartitionKMeansState.self, from: scratch.join("state.json"))
            #expect(state.reason?.contains(reason) == true, "\(state.reason ?? "")")
        }
    }

    @Test("an empty cluster takes the farthest customer over all partitions, as the single run's repair does: the same centres, counts and the moved row")
    func emptyClusterRepairedAcrossPartitions() throws {
        // Two groups and a third centre far from both: no row is nearest to it.
        var rows: [Double] = []
        for i in 0..<30 { rows += [Double(i % 5) * 0.1, Double(i % 3) * 0.2, i == 17 ? 3.5 : 0] }
        for i in 0..<24 { rows += [5 + Double(i % 4) * 0.1, 5, i == 6 ? -2.75 : Double(i % 2) * 0.3] }
        let x = Matrix(rows: rows.count / 3, columns: 3, elements: rows)
        let centres: [Double] = [0, 0, 0, 5, 5, 0, 40, -40, 40]
        var labels = [Int32](repeating: -1, count: x.rows)
        let step = KMeans().assign(x, centres: centres, k: 3, labels: &labels, layout: KMeansLayout(x, k: 3), pass: .update)
        var sums = step.sums, counts = step.counts
        #expect(counts[2] == 0)
        #expect(KMeans.relocateEmpty([2], x: x, centres: centres, labels: labels, sums: &sums, counts: &counts) == 1)
        let expected = KMeans.averaged(sums: sums, counts: counts, k: 3, d: 3)

        var state = PartitionKMeansState(phase: .lloyd)
        state.k = 3
        state.scale = try JSONDecoder().decode(PartitionKMeansScale.self, from: Data(#"{"means":[0,0,0],"scales":[1,1,1],"meanVariance":1}"#.utf8))
        state.maxIterations = 10
        state.restarts = [.init(centres: centres)]
        // Three partitions of consecutive rows, the farthest row (the first group's row 17) in the middle one.
        let cuts = [0, 11, 35, x.rows]
        let passes = try (0..<3).map { p in
            let block = Matrix(rows: cuts[p + 1] - cuts[p], columns: 3, elements: Array(rows[(3 * cuts[p])..<(3 * cuts[p + 1])]))
            return try PartitionKMeansPass(PartitionKMeansFeatures(standardised: block, profile: [Double](repeating: 0, count: block.rows * 3)),
                                           state: state)
        }
        let next = try state.advanced(by: passes)
        #expect(next.phase == .lloyd)
        let got = next.restarts[0].centres
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "\(got) vs \(expected)")
        // The repaired centre is the moved customer itself.
        #expect(Array(got[6..<9]) == [Double(17 % 5) * 0.1, Double(17 % 3) * 0.2, 3.5])
    }
}
