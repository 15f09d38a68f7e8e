import Foundation
import Testing
@testable import Clientele

/// `clientele partition score --satisfaction-columns`: each partition, given its own interactions,
/// writes customers.csv's mean_satisfaction, mean_recommend, complaints and loyalty_group, and
/// every customer's cells are `clientele run`'s, byte for byte (each is one customer's).
@Suite("partition score: the satisfaction columns of every customer are clientele run's")
struct PartitionSatisfactionColumnsTests {
    static let periods = PartitionWorkerTests.periods
    static let columns = CustomersCSVWriter.satisfactionHeader

    /// customer_id → the cells of `columns`, and the header, of a customers.csv.
    static func cells(_ path: String) throws -> (header: [String], rows: [String: [String]]) {
        let lines = try text(path).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let at = columns.compactMap { header.firstIndex(of: $0) }
        var rows: [String: [String]] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[f[0]] = at.map { f[$0] }
        }
        return (header, rows)
    }

    @Test("3 partitions with their interactions: the four columns equal the single run's for every customer; without the flag they are left out")
    func columnsEqualSingleRun() throws {
        try withScratch { scratch in
            try PartitionSatisfactionTests.generateAndRunSingle(scratch, customers: 1500, seed: 12)
            let expected = try Self.cells(scratch.join("single/customers.csv"))
            try #require(Self.columns.allSatisfy(expected.header.contains), "the single run writes the satisfaction columns")

            let tx = try PartitionSatisfactionTests.split(scratch, "transactions.csv", parts: 3)
            let ix = try PartitionSatisfactionTests.split(scratch, "interactions.csv", parts: 3)
            var stats: [String] = []
            for t in tx {
                try PartitionSatisfactionTests.cli(["partition", "summarise", "--transactions", t, "--out", "\(t).bin"] + Self.periods, scratch)
                stats.append("\(t).bin")
            }
            try PartitionSatisfactionTests.cli(["partition", "merge"] + stats + ["--out", "merged.bin"], scratch)
            var got: [String: [String]] = [:], grouped = 0
            for (t, i) in zip(tx, ix) {
                try PartitionSatisfactionTests.cli(["partition", "score", "--statistics", "merged.bin", "--transactions", t, "--interactions", i,
                                                    "--satisfaction-columns", "--out", "\(t).customers.csv"] + Self.periods, scratch)
                let part = try Self.cells(scratch.join("\(t).customers.csv"))
                #expect(Array(part.header.suffix(Self.columns.count)) == Self.columns, "the columns close the partition's header")
                got.merge(part.rows) { a, _ in a }
                grouped += part.rows.values.filter { !$0[3].isEmpty }.count
            }
            #expect(got.count == expected.rows.count && grouped > 100, "\(got.count) customers, \(grouped) with a loyalty group")
            for (id, cells) in expected.rows { #expect(got[id] == cells, "\(id)") }

            try PartitionSatisfactionTests.cli(["partition", "score", "--statistics", "merged.bin", "--transactions", tx[0], "--interactions", ix[0],
                                                "--out", "plain.csv"] + Self.periods, scratch)
            #expect(try Self.cells(scratch.join("plain.csv")).header.allSatisfy { !Self.columns.contains($0) })
        }
    }
}
