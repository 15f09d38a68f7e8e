import Foundation
import Testing
@testable import Clientele

/// `clientele partition extent` and `periods`: every partition's first order day and last
/// transaction day, merged, give the periods `clientele run` sets for the whole export, so a run
/// spread over machines needs no `--as-of`.
@Suite("partition extent: the default periods of a split export are the whole export's", .serialized)
struct PartitionExtentTests {
    /// Generated customers (2023-01-01 … 2025-12-27) and a row with an impossible date, set
    /// aside by job.toml's `on_bad_row = "skip"`, so it is not the last day.
    static func export(_ scratch: ScratchFolder, customers: Int = 2000) throws {
        try scratch.write("job.toml", "[run]\non_bad_row = \"skip\"\n")
        let g = try CLI.run(["generate", "--customers", "\(customers)", "--seed", "5", "--out", "data"], in: scratch.path)
        #expect(g.status == 0, "\(g.stderr)")
        let path = scratch.join("data/transactions.csv")
        let rows = try text(path)
        let columns = rows.prefix { $0 != "\n" }.split(separator: ",").count
        let pad = String(repeating: ",", count: columns - 3)
        try scratch.write("data/transactions.csv", rows + "ZZ-bad,X1,2099-13-01,1.00\(pad)\n")
        #expect(try text(path).hasSuffix("\n"))
    }

    static func extent(_ file: String, out: String, in scratch: ScratchFolder, flags: [String] = []) throws -> PartitionExtent {
        let r = try CLI.run(["partition", "extent", "job.toml", "--transactions", file, "--out", out] + flags, in: scratch.path)
        #expect(r.status == 0, "\(r.stderr)")
        return try PartitionWorker.readExtent(scratch.join(out))
    }

    @Test("1, 3 and 8 partitions and an empty one, with and without an as-of cutoff: the whole export's extent",
          arguments: [[], ["--as-of", "2025-11-15"]])
    func anySplitMergesToWhole(flags: [String]) throws {
        try withScratch { scratch in
            try Self.export(scratch)
            let whole = try Self.extent("data/transactions.csv", out: "whole.ext", in: scratch, flags: flags)
            #expect(whole.firstOrderDay != nil && whole.lastDay != nil && whole.firstOrderDay! < whole.lastDay!)
            try scratch.write("empty.csv", "customer_id,order_id,order_date,amount\n")
            let empty = try Self.extent("empty.csv", out: "empty.ext", in: scratch, flags: flags)
            #expect(empty == PartitionExtent(asOf: whole.asOf))
            for parts in [1, 3, 8] {
                let files = try PartitionWorkerTests.split(scratch, parts: parts)
                let extents = try files.map { try Self.extent($0, out: $0 + ".ext", in: scratch, flags: flags) }
                for order in [extents, [empty] + extents.reversed()] {
                    let merged = try order.dropFirst().reduce(order[0]) { try $0.merged(with: $1) }
                    #expect(merged == whole, "\(parts) partitions")
                }
            }
        }
    }

    @Test("the periods resolved from 4 partitions' extents are report.json's for the same file and flags",
          arguments: [[], ["--as-of", "2025-11-15"], ["--calibration-end", "2025-06-01"],
                      ["--as-of", "2025-11-15", "--calibration-end", "2025-06-01"]])
    func periodsEqualSingleRun(flags: [String]) throws {
        try withScratch { scratch in
            try Self.export(scratch, customers: 500)
            let single = try CLI.run(["run", "job.toml", "--transactions", "data/transactions.csv", "--out", "single", "--quiet"] + flags, in: scratch.path)
            #expect(single.status == 0, "\(single.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join("single/report.json")))) as? [String: Any]
            let settings = try #require(report?["settings"] as? [String: Any])

            let files = try PartitionWorkerTests.split(scratch, parts: 4)
            let asOfFlags = Array(flags.prefix(2).first == "--as-of" ? flags.prefix(2) : [])
            for file in files { _ = try Self.extent(file, out: file + ".ext", in: scratch, flags: asOfFlags) }
            let r = try CLI.run(["partition", "periods", "job.toml"] + flags + ["--extents"] + files.map { $0 + ".ext" }, in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let periods = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            for key in ["as_of", "as_of_defaulted", "calibration_end", "calibration_end_defaulted"] {
                #expect(periods[key] as? AnyHashable == settings[key] as? AnyHashable, "\(key)")
            }
            #expect(settings["as_of"] as? String != nil && settings["calibration_end"] as? String != nil)
        }
    }

    @Test("a history too short for a holdout resolves no calibration end, as report.json has none")
    func shortHistoryHasNoHoldout() throws {
        try withScratch { scratch in
            try scratch.write("job.toml", "")
            // 12 customers with 1 to 4 orders from 2024-01-01 to 2024-02-02; even ones in a.csv, odd ones in b.csv.
            let header = "customer_id,order_id,order_date,amount\n"
            var whole = header, parts = [header, header]
            for c in 0..<12 {
                for o in 0...(c % 4) {
                    let day = CalendarDay(iso: "2024-01-01")!.adding(days: (c * 7 + o * 11) % 35)
                    let row = "C\(c),C\(c)-\(o),\(day),\(10 + c + o).50\n"
                    whole += row
                    parts[c % 2] += row
                }
            }
            try scratch.write("tx.csv", whole)
            try scratch.write("a.csv", parts[0])
            try scratch.write("b.csv", parts[1])
            let single = try CLI.run(["run", "--transactions", "tx.csv", "--out", "single", "--quiet"], in: scratch.path)
            #expect(single.status == 0, "\(single.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join("single/report.json")))) as? [String: Any]
            let settings = try #require(report?["settings"] as? [String: Any])
            for part in ["a", "b"] { _ = try Self.extent(part + ".csv", out: part + ".ext", in: scratch) }
            let r = try CLI.run(["partition", "periods", "--extents", "a.ext", "b.ext"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let periods = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(periods["as_of"] as? String == "2024-02-03" && settings["as_of"] as? String == "2024-02-03")
            #expect(periods["calibration_end"] is NSNull && settings["calibration_end"] == nil)
            #expect((periods["calibration_skip_reason"] as? String)?.contains("4 weeks long") == true)
        }
    }

    @Test("no usable row in any partition, every row after as-of, or extents of another as-of are refused")
    func refusals() throws {
        try withScratch { scratch in
            try scratch.write("job.toml", "[run]\non_bad_row = \"skip\"\n")
            try scratch.write("bad.csv", "customer_id,order_id,order_date,amount\nC1,A1,not-a-day,10.00\n")
            try scratch.write("late.csv", "customer_id,order_id,order_date,amount\nC1,A1,2024-05-01,10.00\n")
            _ = try Self.extent("bad.csv", out: "bad.ext", in: scratch)
            let none = try CLI.run(["partition", "periods", "--extents", "bad.ext"], in: scratch.path)
            #expect(none.status == 65 && none.stderr.contains("no partition has a usable transaction row"), "\(none.stderr)")

            _ = try Self.extent("late.csv", out: "late.ext", in: scratch, flags: ["--as-of", "2024-03-01"])
            let late = try CLI.run(["partition", "periods", "--as-of", "2024-03-01", "--extents", "late.ext"], in: scratch.path)
            #expect(late.status == 65 && late.stderr.contains("on or after as-of 2024-03-01"), "\(late.stderr)")

            let other = try CLI.run(["partition", "periods", "--extents", "late.ext"], in: scratch.path)
            #expect(other.status == 64 && other.stderr.contains("different as-of dates"), "\(other.stderr)")

            try scratch.write("notes.txt", "mine")
            let kept = try CLI.run(["partition", "extent", "job.toml", "--transactions", "late.csv", "--out", "notes.txt"], in: scratch.path)
            #expect(kept.status == 73)
            #expect(try text(scratch.join("notes.txt")) == "mine")
        }
    }
}
