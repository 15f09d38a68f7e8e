import Foundation
import Testing
@testable import Clientele

/// `clientele history prune DB --keep N`: a nightly history that does not grow without bound.
@Suite("clientele history prune", .serialized)
struct HistoryPruneTests {
    static let transactions = Package.fixture("rfm/transactions.csv")

    /// A history of three runs of the RFM fixture (as of three days), in `scratch`.
    static func threeRuns(_ scratch: ScratchFolder, transactions: String = transactions,
                          days: [String] = ["2025-05-01", "2025-06-01", "2025-07-01"]) throws -> String {
        for day in days {
            let r = try CLI.run(["run", "--transactions", transactions, "--as-of", day, "--out", "report", "--history", "history.db", "--quiet"],
                                in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        return scratch.join("history.db")
    }

    @Test("--keep 2 deletes the oldest run with every row of it, keeps the two latest, and the migration between them is unchanged")
    func keepsTheLatest() throws {
        try withScratch { scratch in
            let path = try Self.threeRuns(scratch)
            let before = try CLI.run(["history", "history.db", "--format", "json"], in: scratch.path)
            let snapshots = try HistoryDatabase(readingFrom: path).snapshotCount(run: 1)
            #expect(snapshots > 0)
            let r = try CLI.run(["history", "prune", "history.db", "--keep", "2"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == "history.db: deleted 1 run(s) (1; \(snapshots) customer snapshots), kept 2 (2, 3)\n")
            let history = try HistoryDatabase(readingFrom: path)
            #expect(try history.runs().map(\.id) == [2, 3])
            #expect(try history.snapshotCount(run: 1) == 0)
            for table in ["run_inputs", "segment_summaries", "customer_snapshots"] {
                #expect(try history.connection.integer("SELECT count(*) FROM \(table) WHERE run_id = 1") == 0, "\(table)")
            }
            let after = try CLI.run(["history", "history.db", "--format", "json"], in: scratch.path)
            #expect(after.stdout == before.stdout)
        }
    }

    @Test("pruning to more runs than the history holds deletes nothing; --vacuum returns the freed space")
    func nothingToDeleteAndVacuum() throws {
        try withScratch { scratch in
            // Enough customers that a run fills many pages (the fixture's 13 share a few).
            let g = try CLI.run(["generate", "--customers", "3000", "--seed", "3", "--out", "data"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            let path = try Self.threeRuns(scratch, transactions: scratch.join("data/transactions.csv"), days: ["2024-06-01", "2025-01-01", "2025-06-01"])
            let r = try CLI.run(["history", "prune", "history.db", "--keep", "5"], in: scratch.path)
            #expect(r.status == 0)
            #expect(r.stdout == "history.db: deleted 0 run(s) (none; 0 customer snapshots), kept 3 (1, 2, 3)\n")
            // The database with its write-ahead log: what the history takes on disk.
            let size = { try [path, path + "-wal"].reduce(0) { total, file in
                guard FileManager.default.fileExists(atPath: file) else { return total }
                return total + ((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
            } }
            let full = try size()
            let v = try CLI.run(["history", "prune", "history.db", "--keep", "1", "--vacuum"], in: scratch.path)
            #expect(v.status == 0, "\(v.stderr)")
            #expect(try HistoryDatabase(readingFrom: path).runs().map(\.id) == [3])
            #expect(try size() < full)
        }
    }

    @Test("failures: --keep 0 is a usage error (64), a missing database 66, a file that is not a history 65")
    func failures() throws {
        try withScratch { scratch in
            _ = try Self.threeRuns(scratch)
            try scratch.write("notes.txt", "not a database\n")
            for (arguments, status) in [(["history", "prune", "history.db", "--keep", "0"], Int32(64)),
                                        (["history", "prune", "missing.db", "--keep", "1"], Int32(66)),
                                        (["history", "prune", "notes.txt", "--keep", "1"], Int32(65))] {
                let r = try CLI.run(arguments, in: scratch.path)
                #expect(r.status == status, "\(arguments): \(r.stderr)")
                #expect(r.stderrLines.count == 1)
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.join("missing.db")), "prune never creates a database")
            #expect(try text(scratch.join("notes.txt")) == "not a database\n")
        }
    }
}
