import Foundation
import Testing
@testable import Clientele

/// A failure thrown by the test hook between history statements.
struct HistoryInjectedFailure: Error, Equatable {
    var stage: String
}

/// Observations collected by a reader thread.
final class HistoryObservations: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    private var problems: [String] = []
    func add(_ s: String) { lock.lock(); seen.append(s); lock.unlock() }
    func problem(_ s: String) { lock.lock(); problems.append(s); lock.unlock() }
    var snapshot: (seen: [String], problems: [String]) { lock.lock(); defer { lock.unlock() }; return (seen, problems) }
}

@Suite("HistoryDatabase: one transaction per run", .serialized)
struct HistoryTransactionTests {
    /// A history with two recorded runs.
    static func twoRuns(_ path: String) throws -> HistoryDatabase {
        let db = try HistoryDatabase(path: path)
        try db.record(historyRun(asOf: "2024-01-01", historyRows(300)))
        try db.record(historyRun(asOf: "2024-02-01", historyRows(320, shift: 3)))
        return db
    }

    @Test("a failure forced after any stage leaves the database as it was: same rows, same file bytes",
          arguments: HistoryDatabase.RecordStage.allCases.filter { $0 != .landed })
    func failureRollsBack(stage: HistoryDatabase.RecordStage) throws {
        try withHistoryFolder("rollback\(stage.rawValue)") { folder in
            let path = folder.join("h.db")
            let db = try Self.twoRuns(path)
            let before = try historyDump(path)
            let fileBefore = try Data(contentsOf: URL(fileURLWithPath: path))
            db.afterStage = { s in if s == stage { throw HistoryInjectedFailure(stage: s.rawValue) } }
            #expect(throws: HistoryInjectedFailure(stage: stage.rawValue)) {
                try db.record(historyRun(asOf: "2024-03-01", historyRows(500, shift: 5)))
            }
            #expect(!db.connection.inTransaction, "the transaction was rolled back")
            #expect(try historyDump(path) == before)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == fileBefore)
            #expect(try db.runs().map(\.id) == [1, 2])
            // The next run is recorded normally and takes the id the failed one would have had.
            db.afterStage = nil
            #expect(try db.record(historyRun(asOf: "2024-03-01", historyRows(500, shift: 5))) == 3)
            #expect(try db.snapshotCount(run: 3) == 500)
        }
    }

    @Test("a duplicate customer_id fails with SQLite's constraint error, its SQL, and rolls back")
    func constraintFailure() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            let db = try Self.twoRuns(path)
            let before = try historyDump(path)
            let rows = historyRows(50) + [("c0000007", "Champions")]
            let error = #expect(throws: HistoryError.self) { try db.record(historyRun(asOf: "2024-03-01", rows)) }
            #expect(error?.resultCode == 19)  // SQLITE_CONSTRAINT
            #expect(error?.extendedResultCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
            #expect(error?.sql?.contains("INSERT INTO customer_snapshots") == true)
            #expect(error?.description.contains("UNIQUE constraint failed: customer_snapshots.run_id, customer_snapshots.customer_id") == true)
            #expect(error?.exitStatus == .software)
            #expect(try historyDump(path) == before)
        }
    }

    @Test("a second connection reading during an open write sees the old runs, and the new one after commit")
    func readerSeesOldThenNew() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            let db = try Self.twoRuns(path)
            let reader = try HistoryDatabase(readingFrom: path)
            var checkedInside = false
            db.afterStage = { stage in
                guard stage == .customers else { return }
                // Every snapshot row of run 3 is inserted, COMMIT has not run.
                #expect(try reader.runs().map(\.id) == [1, 2])
                #expect(try reader.snapshotCount(run: 3) == 0)
                let m = try reader.migration()
                #expect(m.current.id == 2 && m.previous.id == 1)
                checkedInside = true
            }
            try db.record(historyRun(asOf: "2024-03-01", historyRows(400, shift: 1)))
            #expect(checkedInside)
            #expect(try reader.runs().map(\.id) == [1, 2, 3])
            #expect(try reader.snapshotCount(run: 3) == 400)
            let m = try reader.migration()
            #expect(m.current.id == 3 && m.previous.id == 2)
            #expect(m.currentSizes.reduce(0, +) == 400)
        }
    }

    @Test("a reader thread polling while runs are written always sees whole runs")
    func concurrentReaderNeverSeesHalf() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            let db = try Self.twoRuns(path)
            let observations = HistoryObservations()
            let done = DispatchSemaphore(value: 0)
            let stop = HistoryObservations()
            Thread.detachNewThread {
                defer { done.signal() }
                do {
                    let reader = try HistoryDatabase(readingFrom: path)
                    while stop.snapshot.seen.isEmpty {
                        let m = try reader.migration()
                        // One snapshot: the runs rows and the snapshot rows must agree.
                        if m.currentSizes.reduce(0, +) != m.current.customers || m.previousSizes.reduce(0, +) != m.previous.customers {
                            observations.problem("run \(m.current.id): \(m.currentSizes.reduce(0, +)) rows for \(m.current.customers) customers")
                        }
                        observations.add("\(m.previous.id)→\(m.current.id)")
                    }
                } catch {
                    observations.problem("reader failed: \(error)")
                }
            }
            for k in 3...8 {
                try db.record(historyRun(asOf: "2024-0\(k)-01", historyRows(20_000 + 1_000 * k, shift: k)))
            }
            stop.add("stop")
            done.wait()
            let (seen, problems) = observations.snapshot
            #expect(problems.isEmpty, "\(problems.prefix(5))")
            #expect(!seen.isEmpty)
            #expect(Set(seen).isSubset(of: Set((2...8).map { "\($0 - 1)→\($0)" })))
        }
    }

    @Test("another process reading with `clientele history` during an open write sees the old runs")
    func subprocessReaderSeesOld() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            let db = try Self.twoRuns(path)
            var inside: CLI.Result?
            db.afterStage = { stage in
                if stage == .customers { inside = try CLI.run(["history", path, "--format", "json"], in: folder.path) }
            }
            try db.record(historyRun(asOf: "2024-03-01", historyRows(400, shift: 1)))
            let during = try #require(inside)
            #expect(during.status == 0, "\(during.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(during.stdout.utf8)) as? [String: Any])
            #expect((json["current"] as? [String: Any])?["id"] as? Int == 2)
            #expect((json["previous"] as? [String: Any])?["id"] as? Int == 1)
            let after = try CLI.run(["history", path, "--format", "json"], in: folder.path)
            let jsonAfter = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
            #expect((jsonAfter["current"] as? [String: Any])?["id"] as? Int == 3)
            #expect((jsonAfter["current"] as? [String: Any])?["customers"] as? Int == 400)
        }
    }
}
