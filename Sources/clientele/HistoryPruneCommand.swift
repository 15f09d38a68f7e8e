import ArgumentParser
import Clientele
import Foundation

/// `clientele history prune DB --keep N`: so that a nightly history does not grow without bound.
struct HistoryPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete all but the N most recent runs of a history database.",
        discussion: """
            Deletes every recorded run but the --keep most recent, with its inputs, segment \
            summaries and customer snapshots, in one transaction (a reader sees the history \
            before or after, never between). The pages freed are reused by the next runs, so a \
            nightly job that prunes stops the file growing; --vacuum also returns them to the \
            file system. Prints what was deleted and kept. \
            Exit status: 0 success (nothing to delete included); 64 bad option; 65 not a \
            history database; 66 the database does not exist.
            """
    )

    @Argument(help: ArgumentHelp("The history database (SQLite).", valueName: "db"))
    var database: String

    @Option(help: ArgumentHelp("Runs to keep, the most recent ones (at least 1).", valueName: "n"))
    var keep: Int

    @Flag(help: "Rewrite the file afterwards to return the freed space to the file system.")
    var vacuum = false

    func validate() throws {
        guard keep >= 1 else { throw ValidationError("--keep \(keep): must be at least 1") }
    }

    func run() throws {
        try exitOnError {
            // Checked as `show` checks it first (66 missing, 65 not a history): prune never creates one.
            _ = try HistoryDatabase(readingFrom: database).runs()
            let result = try HistoryDatabase(path: database).prune(keep: keep, vacuum: vacuum)
            let ids = { (runs: [Int64]) in runs.isEmpty ? "none" : runs.map(String.init).joined(separator: ", ") }
            print("\(database): deleted \(result.deleted.count) run(s) (\(ids(result.deleted)); \(result.snapshotsDeleted) customer snapshots), kept \(result.kept.count) (\(ids(result.kept)))")
        }
    }
}
