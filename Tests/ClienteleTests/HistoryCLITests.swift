import Foundation
import Testing
@testable import Clientele

@Suite("clientele history, the command", .serialized)
struct HistoryCLITests {
    /// A folder with `history.db` holding the hand-made moves of `HistoryMigrationTests` (runs 1 and 2).
    static func withKnownHistory(_ label: String = #function, _ body: (HistoryFolder, String) throws -> Void) throws {
        try withHistoryFolder(label) { folder in
            let path = folder.join("history.db")
            _ = try HistoryMigrationTests.knownHistory(path)
            try body(folder, path)
        }
    }

    @Test("`history` is a subcommand of clientele with `show` (the default) and `prune`")
    func registered() throws {
        let r = try CLI.run(["history", "--help"], in: FileManager.default.temporaryDirectory.path)
        #expect(r.status == 0, "add HistoryCommand.self to ClienteleCommand's subcommands: \(r.stderr)")
        #expect(r.stdout.contains("show (default)") && r.stdout.contains("prune"), "\(r.stdout)")
        let show = try CLI.run(["history", "show", "--help"], in: FileManager.default.temporaryDirectory.path)
        #expect(show.stdout.contains("--previous") && show.stdout.contains("--format"))
    }

    @Test("by default the last two runs are shown as text, exit 0")
    func text() throws {
        try Self.withKnownHistory { folder, path in
            let r = try CLI.run(["history", "history.db"], in: folder.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == (try Clientele_text(Package.fixture("history/migration.txt"))))
            #expect(r.stderr.isEmpty)
        }
    }

    @Test("--format csv prints the matrix; --table moved the moved customers", arguments: [
        (["--format", "csv"], "matrix.csv"), (["--format", "csv", "--table", "moved"], "moved.csv"),
    ])
    func csv(flags: [String], golden: String) throws {
        try Self.withKnownHistory("csv\(golden)") { folder, path in
            let r = try CLI.run(["history", path] + flags, in: folder.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == (try Clientele_text(Package.fixture("history/" + golden))))
        }
    }

    @Test("--format json prints one object with the chosen runs")
    func json() throws {
        try Self.withKnownHistory { folder, path in
            let r = try CLI.run(["history", path, "--format", "json", "--run", "2", "--previous", "1"], in: folder.path)
            #expect(r.status == 0, "\(r.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect((object["previous"] as? [String: Any])?["id"] as? Int == 1)
            #expect(object["stayed"] as? Int == 3)
        }
    }

    @Test("failures exit with the documented status and one error: line", arguments: [
        (["history", "missing.db"], Int32(66), "missing.db: no such history database"),
        (["history", "history.db", "--run", "7"], Int32(64), "history.db: no run with id 7; the history holds runs 1, 2"),
        (["history", "history.db", "--previous", "2"], Int32(64), "--run and --previous both name run 2"),
        (["history", "one.db"], Int32(65), "one.db: a migration matrix needs two runs, the history holds 1"),
        (["history", "notes.txt"], Int32(65), "notes.txt: SQLite error 26"),
        (["history", "history.db", "--format", "xml"], Int32(64), "xml"),
        (["history", "history.db", "--run", "two"], Int32(64), "two"),
        (["history"], Int32(64), "db"),
    ])
    func failures(arguments: [String], status: Int32, message: String) throws {
        try Self.withKnownHistory("failure\(status)\(arguments.count)") { folder, _ in
            try HistoryDatabase(path: folder.join("one.db")).record(historyRun(asOf: "2024-01-01", historyRows(3)))
            try Data(String(repeating: "not a database\n", count: 50).utf8).write(to: URL(fileURLWithPath: folder.join("notes.txt")))
            let r = try CLI.run(arguments, in: folder.path)
            #expect(r.status == status, "\(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: "))
            #expect(r.stderr.contains(message), "\(r.stderr)")
        }
    }
}

/// The text of a file (a name that cannot collide with other suites' helpers).
private func Clientele_text(_ path: String) throws -> String { try text(path) }
