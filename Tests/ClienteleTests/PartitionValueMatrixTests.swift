// The value matrix spread over machines (issue "Beyond one machine"): its thresholds are the
// medians of all customers' historical and predicted CLV, found exactly over partitions 16 bits a
// pass, so each partition's value_quadrant column is the single run's.
import Foundation
import Testing
@testable import Clientele

@Suite("partition value matrix: exact medians over partitions, and the single run's value_quadrant", .serialized)
struct PartitionValueMatrixTests {
    /// The median of `parts` found pass by pass, as the driver and the partitions find it.
    static func median(_ parts: [[Double]]) -> Double {
        var median = PartitionedMedian()
        while !median.isComplete {
            let counts = parts.map { median.counts($0) }
            median.advance(counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) })
        }
        return median.median!
    }

    @Test("any split of the values gives Median.of all of them, bit for bit: odd and even counts, ties, signs, NaN left out",
          arguments: [0, 1, 2, 3, 10, 501, 5000])
    func medianOfAnySplit(count: Int) {
        var random = RandomSource(seed: UInt64(count) + 3)
        // Cents-like values with many ties, some negative, and spread-out doubles.
        let values = (0..<count).map { i -> Double in
            i % 3 == 0 ? Double(random.index(below: 400) - 50) / 100 : (random.uniform() - 0.2) * pow(10, Double(random.index(below: 9)) - 3)
        }
        let expected = Median.of(values)
        for parts in [1, 2, 7] {
            var split = [[Double]](repeating: [], count: parts)
            for (i, v) in values.enumerated() { split[(i * 7919) % parts].append(v) }
            split[0].append(.nan)  // not a value: left out, as the single run leaves out customers without one
            let got = Self.median(split)
            #expect(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "\(count) values in \(parts) parts: \(got) vs \(expected)")
        }
    }

    @Test("counts merged in any order are the same counts")
    func countsMergeInAnyOrder() {
        var random = RandomSource(seed: 5)
        let parts = (0..<4).map { _ in (0..<300).map { _ in Double(random.index(below: 1000)) } }
        let median = PartitionedMedian()
        let counts = parts.map { median.counts($0) }
        let forward = counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) }
        let backward = counts.dropLast().reversed().reduce(counts[3]) { $0.merged(with: $1) }
        #expect(forward == backward)
        #expect(forward == median.counts(parts.flatMap { $0 }))
    }

    @Test("3 partitions scored with the medians of all four passes give the single run's CLV columns, value_quadrant included, and its value matrix cells")
    func valueQuadrantEqualsSingleRun() throws {
        try withScratch { scratch in
            let files = try PartitionCLVTests.prepare(scratch, customers: 2500, seed: 14, parts: 3, job: "[clv]\nmodel = \"bg-nbd\"\n")
            let periods = PartitionCLVTests.periods
            func run(_ arguments: [String]) throws {
                let r = try CLI.run(arguments, in: scratch.path)
                #expect(r.status == 0, "\(arguments[1]): \(r.stderr)")
            }
            try run(["partition", "value-medians", "--out", "medians-0.json"])
            for pass in 0..<PartitionedMedian.passes {
                for file in files {
                    try run(["partition", "value-counts", "job.toml", "--statistics", "merged.bin", "--medians", "medians-\(pass).json",
                             "--transactions", file, "--out", "\(file).counts-\(pass).json"] + periods)
                }
                try run(["partition", "value-medians", "--medians", "medians-\(pass).json", "--out", "medians-\(pass + 1).json"]
                        + files.map { "\($0).counts-\(pass).json" })
            }
            // Before the last pass the medians are not known: score says so (exit 64).
            let early = try CLI.run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--value-medians", "medians-3.json",
                                     "--transactions", files[0], "--out", "early.csv"] + periods, in: scratch.path)
            #expect(early.status == 64 && early.stderr.contains("not complete"), "\(early.stderr)")

            let expected = csvRecords(try text(scratch.join("single/customers.csv")))
            let columns = ["customer_id", "historical_clv", "p_alive", "predicted_clv", "value_quadrant"]
            func pick(_ records: [[String]]) throws -> [[String]] {
                let at = try columns.map { name in try #require(records[0].firstIndex(of: name), "\(name)") }
                return records.dropFirst().map { row in at.map { row[$0] } }
            }
            var rows: [[String]] = []
            for file in files {
                try run(["partition", "score", "job.toml", "--statistics", "merged.bin", "--value-medians", "medians-4.json",
                         "--transactions", file, "--out", file + ".scored.csv", "--totals", file + ".totals.json"] + periods)
                let part = csvRecords(try text(scratch.join(file + ".scored.csv")))
                #expect(part[0].contains("value_quadrant") && expected[0].filter(part[0].contains) == part[0],
                        "header: customers.csv's columns, in its order: \(part[0])")
                rows += try pick(part)
            }
            rows.sort { $0[0].utf8.lexicographicallyPrecedes($1[0].utf8) }
            let want = try pick(expected)
            #expect(Set(want.map { $0[4] }).count == 4, "every quadrant is populated")
            #expect(rows.count == want.count)
            let differing = zip(rows, want).filter { $0 != $1 }
            #expect(differing.isEmpty, "\(differing.count) rows differ, first: \(differing.first.map { "\($0)" } ?? "")")
            // The thresholds are clv_model.json's.
            let medians = try ValueMatrixMedians.read(scratch.join("medians-4.json"))
            let matrix = try #require(try PartitionCLVTests.json(scratch, "single/clv_model.json")["value_matrix"] as? [String: Any])
            #expect(medians.thresholds?.current == matrix["current_threshold"] as? Double)
            #expect(medians.thresholds?.future == matrix["future_threshold"] as? Double)

            // report.json's value matrix cells from the partitions' sums: the single run's customers, its sums to 1e-9.
            try FileManager.default.createDirectory(atPath: scratch.join("report"), withIntermediateDirectories: false)
            try run(["partition", "report", "job.toml", "--statistics", "merged.bin", "--transactions", "data/transactions.csv",
                     "--value-medians", "medians-4.json", "--output", "customers.csv", "--out", "report"] + periods
                    + files.flatMap { ["--totals", $0 + ".totals.json"] })
            let spread = try #require((try PartitionCLVTests.json(scratch, "report/report.json")["clv"] as? [String: Any])?["value_matrix"] as? [String: Any])
            let single = try #require((try PartitionCLVTests.json(scratch, "single/report.json")["clv"] as? [String: Any])?["value_matrix"] as? [String: Any])
            let a = try #require(single["quadrants"] as? [[String: Any]]), b = try #require(spread["quadrants"] as? [[String: Any]])
            #expect(a.count == 4 && b.count == 4)
            for (x, y) in zip(a, b) {
                #expect("\(x["quadrant"] ?? "")" == "\(y["quadrant"] ?? "-")" && x["customers"] as? Int == y["customers"] as? Int, "\(x) vs \(y)")
                for key in ["current_value", "future_value", "revenue"] {
                    let u = try #require(x[key] as? Double, "\(key)"), v = try #require(y[key] as? Double, "\(key)")
                    #expect(abs(u - v) <= 1e-9 * max(1, abs(u)), "\(key): \(u) vs \(v)")
                }
            }
            #expect(try text(scratch.join("report/report.html")).contains("<section id=\"value-matrix\""))
        }
    }
}
