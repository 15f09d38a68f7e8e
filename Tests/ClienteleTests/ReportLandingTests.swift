import Foundation
import Testing
@testable import Clientele

/// A report folder whose marker carries `token`, as a real run leaves it.
private func landReport(at path: String, files: [String: String] = ["report.json": "{}"]) throws -> String {
    let folder = try OutputFolder(path)
    for (name, text) in files { try FileSink.write(Array(text.utf8), to: folder.path(name)) }
    try folder.commit()
    return folder.token
}

/// The raw `state` of every run, including pending ones that do not count.
private func states(_ path: String) throws -> [String] {
    let connection = try SQLiteConnection(path: path, access: .readOnly)
    let statement = try connection.prepare("SELECT id || ':' || state FROM runs ORDER BY id")
    var rows: [String] = []
    while try statement.step() { rows.append(statement.string(0)) }
    return rows
}

private struct InjectedDeath: Error, Equatable { var at: String }

@Suite("Report and history land together or not at all")
struct ReportLandingTests {
    /// One landed run (report + history), then a second run staged and recorded with `hook`.
    private func secondRun(_ folder: HistoryFolder, hook: ((HistoryDatabase.RecordStage) throws -> Void)? = nil,
                           land: ((OutputFolder) throws -> Void)? = nil) throws -> (old: String, new: String, error: Error?) {
        let db = try HistoryDatabase(path: folder.join("h.db"))
        let report = folder.join("report")
        let first = try OutputFolder(report)
        try FileSink.write(Array("{\"run\":1}".utf8), to: first.path("report.json"))
        try db.record(historyRun(asOf: "2024-01-01", historyRows(5)),
                      landing: .init(token: first.token, folder: report, land: { try first.commit() }))
        let second = try OutputFolder(report)
        try FileSink.write(Array("{\"run\":2}".utf8), to: second.path("report.json"))
        db.afterStage = hook
        var failure: Error?
        do {
            try db.record(historyRun(asOf: "2024-02-01", historyRows(6)),
                          landing: .init(token: second.token, folder: report, land: { try (land ?? { try $0.commit() })(second) }))
        } catch {
            failure = error
            second.abandon()
        }
        return (first.token, second.token, failure)
    }

    @Test("a history COMMIT that fails leaves the previous report and the previous history")
    func commitFails() throws {
        try withHistoryFolder { folder in
            let run = try secondRun(folder, hook: { if $0 == .customers { throw InjectedDeath(at: "commit") } })
            #expect(run.error as? InjectedDeath == InjectedDeath(at: "commit"))
            #expect(ReportMarker.token(inFolder: folder.join("report")) == run.old)
            #expect(try text(folder.join("report/report.json")) == "{\"run\":1}")
            #expect(try HistoryDatabase(readingFrom: folder.join("h.db")).runs().map(\.asOf) == ["2024-01-01"])
            #expect(try states(folder.join("h.db")) == ["1:complete"])
        }
    }

    @Test("a folder swap that fails removes the pending run: previous report, previous history")
    func swapFails() throws {
        try withHistoryFolder { folder in
            let run = try secondRun(folder, land: { _ in throw ReportError.cannotCreate(path: "report", reason: "injected") })
            #expect(run.error as? ReportError == .cannotCreate(path: "report", reason: "injected"))
            #expect(ReportMarker.token(inFolder: folder.join("report")) == run.old)
            #expect(try HistoryDatabase(readingFrom: folder.join("h.db")).runs().map(\.asOf) == ["2024-01-01"])
            #expect(try states(folder.join("h.db")) == ["1:complete"])
        }
    }

    @Test("a process that dies after the swap, before the run is completed, still has new report and new history")
    func deathAfterSwap() throws {
        try withHistoryFolder { folder in
            let run = try secondRun(folder, hook: { if $0 == .landed { throw InjectedDeath(at: "landed") } })
            #expect(run.error as? InjectedDeath == InjectedDeath(at: "landed"))
            #expect(ReportMarker.token(inFolder: folder.join("report")) == run.new)
            #expect(try states(folder.join("h.db")) == ["1:complete", "2:pending"])
            #expect(try HistoryDatabase(readingFrom: folder.join("h.db")).runs().map(\.asOf) == ["2024-01-01", "2024-02-01"],
                    "the folder in place carries the pending run's token: it counts")
            try HistoryDatabase(path: folder.join("h.db")).settlePendingRuns(folder: folder.join("report"))
            #expect(try states(folder.join("h.db")) == ["1:complete", "2:complete"])
        }
    }

    @Test("a process that dies after the history COMMIT, before the swap, leaves a run that never counts and is removed next time")
    func deathBeforeSwap() throws {
        try withHistoryFolder { folder in
            let db = try HistoryDatabase(path: folder.join("h.db"))
            let report = folder.join("report")
            let first = try OutputFolder(report)
            try db.record(historyRun(asOf: "2024-01-01", historyRows(5)),
                          landing: .init(token: first.token, folder: report, land: { try first.commit() }))
            // The second run's pending row is committed; the process dies before its swap.
            try historyExecute(folder.join("h.db"), """
                INSERT INTO runs (recorded_at, started_at, as_of, tool_version, settings, customers, customers_in_transactions,
                                  orders, net_revenue, rows_read, rows_used, rows_rejected, report_token, report_folder, state)
                VALUES ('t', 't', '2024-02-01', 'v', '{}', 0, 0, 0, 0, 0, 0, 0, 'feedfacefeedface', '\(OutputFolder.resolve(report))', 'pending')
                """)
            #expect(try HistoryDatabase(readingFrom: folder.join("h.db")).runs().map(\.asOf) == ["2024-01-01"])
            let third = try OutputFolder(report)
            try db.record(historyRun(asOf: "2024-03-01", historyRows(7)),
                          landing: .init(token: third.token, folder: report, land: { try third.commit() }))
            #expect(try states(folder.join("h.db")) == ["1:complete", "3:complete"])
            #expect(try HistoryDatabase(readingFrom: folder.join("h.db")).runs().map(\.asOf) == ["2024-01-01", "2024-03-01"])
        }
    }

    @Test("a run into another folder never settles a pending run still in progress elsewhere")
    func otherFolderIsLeftAlone() throws {
        try withHistoryFolder { folder in
            let db = try HistoryDatabase(path: folder.join("h.db"))
            // Run A into report-a is pending: committed, its folder not swapped in yet.
            try historyExecute(folder.join("h.db"), """
                INSERT INTO runs (recorded_at, started_at, as_of, tool_version, settings, customers, customers_in_transactions,
                                  orders, net_revenue, rows_read, rows_used, rows_rejected, report_token, report_folder, state)
                VALUES ('t', 't', '2024-02-01', 'v', '{}', 0, 0, 0, 0, 0, 0, 0, 'a0a0', '\(OutputFolder.resolve(folder.join("report-a")))', 'pending')
                """)
            let b = try OutputFolder(folder.join("report-b"))
            try db.record(historyRun(asOf: "2024-03-01", historyRows(4)),
                          landing: .init(token: b.token, folder: folder.join("report-b"), land: { try b.commit() }))
            #expect(try states(folder.join("h.db")) == ["1:pending", "2:complete"], "run A is still pending, for A to complete")
        }
    }

    @Test("a run recorded without a report folder is complete at once")
    func withoutLanding() throws {
        try withHistoryFolder { folder in
            try HistoryDatabase(path: folder.join("h.db")).record(historyRun(asOf: "2024-01-01", historyRows(3)))
            #expect(try states(folder.join("h.db")) == ["1:complete"])
        }
    }
}

@Suite("History database: never another application's file")
struct HistoryOwnershipTests {
    @Test("another application's SQLite file is refused with 73 and left byte-identical")
    func foreignDatabase() throws {
        try withHistoryFolder { folder in
            let path = folder.join("crm.db")
            try historyExecute(path, "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO contacts VALUES (1, 'Ada')")
            let before = try bytes(path)
            let error = #expect(throws: HistoryError.self) { try HistoryDatabase(path: path) }
            #expect(error == .notAHistory(path: path, tables: ["contacts"]))
            #expect(error?.exitStatus == .cantCreate)
            #expect(try bytes(path) == before, "no table added, journal mode untouched")
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
            #expect(throws: HistoryError.notAHistory(path: path, tables: ["contacts"])) { try HistoryDatabase(readingFrom: path) }
        }
    }

    @Test("a version-1 history without the application id is recognised and migrated")
    func versionOneHistory() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            try historyExecute(path, HistorySchema.migrations[0].sql + "; PRAGMA user_version = 1")
            let db = try HistoryDatabase(path: path)
            #expect(try db.schemaVersion() == HistorySchema.currentVersion)
            #expect(try db.connection.integer("PRAGMA application_id") == Int64(HistorySchema.applicationID))
        }
    }

    @Test("an empty SQLite file becomes a history")
    func emptyFile() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let version = try HistoryDatabase(path: path).schemaVersion()
            #expect(version == HistorySchema.currentVersion)
        }
    }
}

@Suite("The report folder is Clientele's alone")
struct ReportFolderOwnershipTests {
    private func run(_ arguments: [String], in folder: String) throws -> CLI.Result { try CLI.run(arguments, in: folder) }

    /// A work folder with exports, a job file and a note that must survive every refused run.
    private func workFolder(_ scratch: ScratchFolder) throws -> [String: [UInt8]] {
        try FileManager.default.copyItem(atPath: Package.fixture("rfm/transactions.csv"), toPath: scratch.join("transactions.csv"))
        try scratch.write("notes.txt", "keep me\n")
        return try snapshot(scratch.path)
    }

    @Test("out = \"\" or \".\" in a job file names the job file's folder: refused with 73, nothing deleted", arguments: ["", "."])
    func emptyOutInJobFile(out: String) throws {
        try withScratch { scratch in
            try scratch.write("job.toml", "[transactions]\npath = \"transactions.csv\"\n[run]\nout = \"\(out)\"\n")
            let before = try workFolder(scratch)
            let r = try run(["run", scratch.join("job.toml"), "--quiet"], in: FileManager.default.temporaryDirectory.path)
            #expect(r.status == 73)
            #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains("refusing to use this folder") && r.stderr.split(separator: "\n").count == 1,
                    "\(r.stderr)")
            #expect(try snapshot(scratch.path) == before)
        }
    }

    @Test("--out naming the exports' folder, or the current folder, is refused with 73 and nothing is deleted",
          arguments: ["exports", "."])
    func outIsInputFolder(out: String) throws {
        try withScratch { scratch in
            let exports = scratch.join("exports")
            try FileManager.default.createDirectory(atPath: exports, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Package.fixture("rfm/transactions.csv"), toPath: exports + "/transactions.csv")
            try scratch.write("exports/readme.txt", "x")
            let before = try snapshot(exports)
            let r = try run(["run", "--transactions", "exports/transactions.csv", "--out", out, "--quiet"], in: scratch.path)
            #expect(r.status == 73, "\(r.stderr)")
            #expect(r.stderr.contains("transactions export"), "\(r.stderr)")
            #expect(try snapshot(exports) == before)
        }
    }

    @Test("a folder of other files (the current folder of a user) is refused with 73 and kept")
    func foreignFolder() throws {
        try withScratch { scratch in
            let before = try workFolder(scratch)
            let elsewhere = try ScratchFolder("elsewhere")
            defer { elsewhere.remove() }
            try FileManager.default.copyItem(atPath: Package.fixture("rfm/transactions.csv"), toPath: elsewhere.join("t.csv"))
            let r = try run(["run", "--transactions", elsewhere.join("t.csv"), "--out", scratch.path, "--quiet"], in: elsewhere.path)
            #expect(r.status == 73)
            #expect(r.stderr.contains("not a Clientele report") && r.stderr.contains("notes.txt"), "\(r.stderr)")
            #expect(try snapshot(scratch.path) == before)
        }
    }

    @Test("a history database inside the report folder is refused before it can be deleted")
    func historyInsideReport() throws {
        try withScratch { scratch in
            _ = try workFolder(scratch)
            let r = try run(["run", "--transactions", "transactions.csv", "--out", "rep", "--history", "rep/history.db", "--quiet"],
                            in: scratch.path)
            #expect(r.status == 73)
            #expect(r.stderr.contains("history database"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("rep/history.db")))
        }
    }

    @Test("a marked report, an empty folder and a report written before markers are replaced")
    func replaceable() throws {
        try withScratch { scratch in
            _ = try workFolder(scratch)
            try FileManager.default.createDirectory(atPath: scratch.join("empty"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: scratch.join("legacy"), withIntermediateDirectories: true)
            try scratch.write("legacy/report.json", "{}")
            try scratch.write("legacy/customers.csv", "customer_id\n")
            for out in ["empty", "legacy", "empty"] {
                let r = try run(["run", "--transactions", "transactions.csv", "--out", out, "--quiet"], in: scratch.path)
                #expect(r.status == 0, "\(out): \(r.stderr)")
                #expect(ReportMarker.token(inFolder: scratch.join(out)) != nil)
            }
        }
    }

    @Test("staging folders of killed runs are removed by the next run; a live process's and foreign ones are kept")
    func staleStaging() throws {
        try withScratch { scratch in
            _ = try workFolder(scratch)
            let token = try landReport(at: scratch.join("report"))
            #expect(!token.isEmpty)
            let dead = scratch.join(".report.staging-999999999")  // beyond pid_max: no such process
            let deadPrevious = dead + ".previous"
            let alive = scratch.join(".report.staging-1")  // init is always alive
            let foreign = scratch.join(".report.staging-999999998")
            let halfRemoved = scratch.join(".report.staging-999999997")  // its removal was cut short: marker gone too
            try FileManager.default.createDirectory(atPath: halfRemoved, withIntermediateDirectories: true)
            try scratch.write(".report.staging-999999997/report.md", "# old")
            for path in [dead, deadPrevious, alive, foreign] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            for path in [dead, deadPrevious, alive] { try scratch.write(String(path.dropFirst(scratch.path.count + 1)) + "/" + ReportMarker.fileName, "run_token=x\n") }
            try scratch.write(".report.staging-999999998/thesis.tex", "mine")
            let r = try run(["run", "--transactions", "transactions.csv", "--out", "report", "--quiet"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dead) && !FileManager.default.fileExists(atPath: deadPrevious))
            #expect(!FileManager.default.fileExists(atPath: halfRemoved), "a dead run's folder of report files alone is removed")
            #expect(FileManager.default.fileExists(atPath: alive) && FileManager.default.fileExists(atPath: foreign + "/thesis.tex"))
        }
    }

    @Test("a symbolic link at OUT.rejects.csv is never followed, and a stranger's file there is never deleted")
    func rejectsFileSafety() throws {
        try withScratch { scratch in
            try scratch.write("bad.csv", "customer_id,order_id,order_date,amount\nc1,o1,2024-01-01,10.00\nc2,o2,2024-01-02,oops\n")
            try scratch.write("victim.txt", "precious\n")
            try FileManager.default.createSymbolicLink(atPath: scratch.join("report.rejects.csv"), withDestinationPath: scratch.join("victim.txt"))
            let r = try run(["run", "--transactions", "bad.csv", "--out", "report", "--on-bad-row", "skip", "--max-reject-share", "0.1", "--quiet"],
                            in: scratch.path)
            #expect(r.status == 65, "\(r.stderr)")
            #expect(try text(scratch.join("victim.txt")) == "precious\n")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: scratch.join("report.rejects.csv"))) == scratch.join("victim.txt"))

            // A stranger's regular file at that path survives a successful run too.
            try FileManager.default.removeItem(atPath: scratch.join("report.rejects.csv"))
            try scratch.write("report.rejects.csv", "not rejects\n")
            try scratch.write("good.csv", "customer_id,order_id,order_date,amount\nc1,o1,2024-01-01,10.00\n")
            let ok = try run(["run", "--transactions", "good.csv", "--out", "report", "--quiet"], in: scratch.path)
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(try text(scratch.join("report.rejects.csv")) == "not rejects\n")
        }
    }

    @Test("rejects of a failed run are staged and renamed into place, and removed by the next good run")
    func rejectsLifecycle() throws {
        try withScratch { scratch in
            try scratch.write("bad.csv", "customer_id,order_id,order_date,amount\nc1,o1,2024-01-01,10.00\nc2,o2,2024-01-02,oops\n")
            let r = try run(["run", "--transactions", "bad.csv", "--out", "report", "--on-bad-row", "skip", "--quiet"], in: scratch.path)
            #expect(r.status == 65)
            #expect(try text(scratch.join("report.rejects.csv")).hasPrefix(RejectsFile.header + "\n"))
            #expect(try entries(scratch.path) == ["bad.csv", "report.rejects.csv"], "no staging left, no report folder")
            try scratch.write("good.csv", "customer_id,order_id,order_date,amount\nc1,o1,2024-01-01,10.00\n")
            let ok = try run(["run", "--transactions", "good.csv", "--out", "report", "--quiet"], in: scratch.path)
            #expect(ok.status == 0)
            #expect(try entries(scratch.path) == ["bad.csv", "good.csv", "report"])
        }
    }
}
