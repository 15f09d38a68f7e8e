import Foundation
import Testing
@testable import Clientele

@Suite("HistoryDatabase: schema, migrations and recording")
struct HistoryDatabaseTests {
    // MARK: Migrations

    @Test("the migration table runs 1, 2, … without gaps, so every version has exactly one step")
    func migrationsAreContiguous() {
        let versions = HistorySchema.migrations.map(\.version)
        #expect(versions == Array(1...versions.count))
        #expect(HistorySchema.currentVersion == versions.last)
    }

    @Test("an empty file is migrated to the current schema and switched to WAL")
    func emptyFileIsMigrated() throws {
        try withHistoryFolder { folder in
            let path = folder.join("empty.db")
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            let db = try HistoryDatabase(path: path)
            #expect(try db.schemaVersion() == HistorySchema.currentVersion)
            let connection = try SQLiteConnection(path: path, access: .readOnly)
            let mode = try connection.prepare("PRAGMA journal_mode")
            #expect(try mode.step() && mode.string(0) == "wal")
            let tables = try historyDump(path).filter { $0.hasPrefix("schema ") }.map { $0.split(separator: ":")[0] }
            #expect(tables == ["schema customer_snapshots", "schema run_inputs", "schema runs", "schema segment_summaries", "schema sqlite_sequence"])
            #expect(try db.runs().isEmpty)
        }
    }

    @Test("a missing file is created when recording")
    func missingFileIsCreated() throws {
        try withHistoryFolder { folder in
            let path = folder.join("new.db")
            let id = try HistoryDatabase(path: path).record(historyRun(asOf: "2024-01-01", historyRows(5)))
            #expect(id == 1)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("reopening a current database keeps its runs and runs no migration again")
    func currentDatabaseIsKept() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            try HistoryDatabase(path: path).record(historyRun(asOf: "2024-01-01", historyRows(7)))
            let before = try historyDump(path)
            let reopened = try HistoryDatabase(path: path)
            #expect(try reopened.schemaVersion() == HistorySchema.currentVersion)
            #expect(try historyDump(path) == before)
            #expect(try reopened.runs().map(\.id) == [1])
        }
    }

    @Test("a database from a newer clientele is refused, for writing and for reading")
    func newerSchemaIsRefused() throws {
        try withHistoryFolder { folder in
            let path = folder.join("future.db")
            _ = try HistoryDatabase(path: path)
            try historyExecute(path, "PRAGMA user_version = 99")
            let expected = HistoryError.newerSchema(path: path, version: 99, supported: HistorySchema.currentVersion)
            #expect(throws: expected) { try HistoryDatabase(path: path) }
            #expect(throws: expected) { try HistoryDatabase(readingFrom: path) }
            #expect(expected.exitStatus == .dataError)
        }
    }

    @Test("a file that is not SQLite is refused for recording (exit 73, left as it was) and is bad data for reading (SQLITE_NOTADB, exit 65)")
    func notADatabase() throws {
        try withHistoryFolder { folder in
            let path = folder.join("text.db")
            try Data(String(repeating: "customer_id,segment\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
            let before = try bytes(path)
            #expect(throws: HistoryError.notAHistory(path: path, tables: [])) { try HistoryDatabase(path: path) }
            #expect(HistoryError.notAHistory(path: path, tables: []).exitStatus == .cantCreate)
            #expect(try bytes(path) == before)
            let error = #expect(throws: HistoryError.self) { try HistoryDatabase(readingFrom: path) }
            #expect(error?.resultCode == 26)
            #expect(error?.exitStatus == .dataError)
            #expect(error?.description.contains("file is not a database") == true)
        }
    }

    @Test("a history in a folder that does not exist cannot be created: exit 73")
    func cannotCreate() throws {
        let error = #expect(throws: HistoryError.self) { try HistoryDatabase(path: "/nonexistent-clientele-folder/h.db") }
        guard case .cannotCreate(let path, _)? = error else { Issue.record("expected .cannotCreate, got \(String(describing: error))"); return }
        #expect(path == "/nonexistent-clientele-folder/h.db")
        #expect(error?.exitStatus == .cantCreate)
    }

    @Test("reading a database that does not exist fails with exit 66 and creates nothing")
    func readingMissing() throws {
        try withHistoryFolder { folder in
            let path = folder.join("missing.db")
            #expect(throws: HistoryError.missingDatabase(path: path)) { try HistoryDatabase(readingFrom: path) }
            #expect(HistoryError.missingDatabase(path: path).exitStatus == .noInput)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("reading an empty file finds no runs and asks for two")
    func readingEmptyFile() throws {
        try withHistoryFolder { folder in
            let path = folder.join("empty.db")
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            let db = try HistoryDatabase(readingFrom: path)
            #expect(try db.runs().isEmpty)
            #expect(throws: HistoryError.notEnoughRuns(path: path, runs: 0)) { try db.migration() }
        }
    }

    // MARK: Recording

    @Test("a recorded run reads back column by column; NaN, negative clusters and absent columns are NULL")
    func roundTrip() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            let rows = [("b", "Champions"), ("a", "At Risk"), ("c", "Champions")]
            let snapshots = try historySnapshots(rows, predictedCLV: [12.5, .nan, 3], churn: [0.25, 0.5, .nan], cluster: [2, -1, 0])
            var run = try historyRun(asOf: "2024-03-01", rows, snapshots: snapshots)
            run.inputs.append(.init(role: "interactions", path: "/x/i.csv", bytes: 7, sha256: String(repeating: "0", count: 64),
                                    rowsRead: 3, rowsUsed: 2, rowsRejected: 1))
            let db = try HistoryDatabase(path: path)
            let id = try db.record(run)
            let dump = try historyDump(path)
            #expect(dump.contains("customer_snapshots: 1|a|At Risk|2|1|1|4|2|11.37|NULL|NULL|0.5"))
            #expect(dump.contains("customer_snapshots: 1|b|Champions|1|1|1|1|1|10.0|2|12.5|0.25"))
            #expect(dump.contains("customer_snapshots: 1|c|Champions|3|1|1|7|3|12.74|0|3.0|NULL"))
            #expect(dump.contains("run_inputs: 1|interactions|/x/i.csv|7|\(String(repeating: "0", count: 64))|3|2|1"))
            #expect(dump.contains { $0.hasPrefix("runs: 1|") && $0.contains("|2024-03-01T02:00:00Z|2024-03-01|\(ClienteleVersion.current)|{\"as_of\":\"2024-03-01\"}|3|3|6|99.5|13|11|2") })
            #expect(dump.contains("segment_summaries: 1|Champions|0|2|0.666666666666667|0.0|NULL|NULL|NULL|NULL"))
            let info = try #require(db.runs().first)
            #expect(info.id == id && info.asOf == "2024-03-01" && info.customers == 3)
            #expect(try db.snapshotCount(run: id) == 3)
        }
    }

    @Test("runs get increasing ids and are listed oldest first")
    func idsIncrease() throws {
        try withHistoryFolder { folder in
            let db = try HistoryDatabase(path: folder.join("h.db"))
            let ids = try (1...4).map { k in try db.record(historyRun(asOf: "2024-0\(k)-01", historyRows(10 * k))) }
            #expect(ids == [1, 2, 3, 4])
            #expect(try db.runs().map(\.customers) == [10, 20, 30, 40])
        }
    }

    @Test("snapshots are read in customer_id order from the primary key, with no sort")
    func snapshotOrderUsesTheKey() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            _ = try HistoryDatabase(path: path)
            let connection = try SQLiteConnection(path: path, access: .readOnly)
            let plan = try connection.prepare("EXPLAIN QUERY PLAN SELECT customer_id, segment FROM customer_snapshots WHERE run_id = 1 ORDER BY customer_id")
            var details: [String] = []
            while try plan.step() { details.append(plan.string(3)) }
            #expect(details.contains { $0.contains("PRIMARY KEY") }, "\(details)")
            #expect(!details.contains { $0.contains("TEMP B-TREE") }, "\(details)")
        }
    }

    @Test("columns of different lengths are refused before anything is written", arguments: [
        "predictedCLV", "churnProbability", "cluster",
    ])
    func mismatchedColumns(column: String) throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            var snapshots = try historySnapshots(historyRows(4))
            switch column {
            case "predictedCLV": snapshots.predictedCLV = [1, 2, 3]
            case "churnProbability": snapshots.churnProbability = [0.1]
            default: snapshots.cluster = [1, 2, 3, 4, 5]
            }
            let db = try HistoryDatabase(path: path)
            let error = #expect(throws: HistoryError.self) { try db.record(historyRun(asOf: "2024-01-01", historyRows(4), snapshots: snapshots)) }
            guard case .invalidRun(let reason)? = error else { Issue.record("expected .invalidRun, got \(String(describing: error))"); return }
            #expect(reason.contains(column))
            #expect(try db.runs().isEmpty)
        }
    }

    @Test("plain-value snapshots refuse arrays of different lengths")
    func plainValuesChecked() {
        #expect(throws: HistoryError.invalidRun(reason: "r has 1 rows, customerIDs has 2")) {
            try CustomerSnapshots(customerIDs: ["a", "b"], segments: ["x", "y"], r: [1], f: [1, 1], m: [1, 1],
                                  recencyDays: [1, 1], frequency: [1, 1], monetaryCents: [1, 1])
        }
    }

    @Test("an input file is hashed with its size when the run is built")
    func inputFileHashed() throws {
        try withHistoryFolder { folder in
            let path = folder.join("t.csv")
            try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
            let file = try HistoryRun.InputFile(role: "transactions", path: path, rowsRead: 1, rowsUsed: 1, rowsRejected: 0)
            #expect(file.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(file.bytes == 3)
            #expect(throws: HistoryError.self) { try HistoryRun.InputFile(role: "x", path: folder.join("none.csv"), rowsRead: 0, rowsUsed: 0, rowsRejected: 0) }
        }
    }
}
