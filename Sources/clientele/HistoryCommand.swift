import ArgumentParser
import Clientele
import Foundation

/// `clientele history`: the run history's commands; `clientele history DB` is `show`.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the segment migration between recorded runs (show, the default), or prune the history.",
        subcommands: [HistoryShowCommand.self, HistoryPruneCommand.self],
        defaultSubcommand: HistoryShowCommand.self
    )
}

/// `clientele history [show] DB`: how customers moved between segments from one recorded run to another.
struct HistoryShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the segment migration between two runs recorded with `clientele run --history DB`.",
        discussion: """
            Prints the migration matrix (rows: segment in the previous run; columns: segment in \
            the current run; customers new in the current run and gone from it) and the customers \
            who moved from a valuable segment (Champions, Loyal Customers, Potential Loyalists, \
            Can't Lose Them) into an at-risk one (At Risk, Hibernating, About to Sleep, Lost). \
            By default the last two recorded runs are compared. The database is only read. \
            Exit status: 0 success; 64 unknown run id or bad option; 65 fewer than two runs, or \
            not a history database; 66 the database does not exist. \
            `clientele history prune DB --keep N` deletes all but the N most recent runs.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json }
    enum Table: String, ExpressibleByArgument, CaseIterable { case matrix, moved }

    @Argument(help: ArgumentHelp("The history database (SQLite).", valueName: "db"))
    var database: String

    @Option(name: .customLong("run"), help: ArgumentHelp("The run to show. (default: the latest)", valueName: "id"))
    var runID: Int64?

    @Option(name: .customLong("previous"), help: ArgumentHelp("The run to compare with. (default: the one recorded before --run)", valueName: "id"))
    var previousID: Int64?

    @Option(help: ArgumentHelp("Output: text, csv or json. (default: text)", valueName: "text|csv|json"))
    var format: Format = .text

    @Option(help: ArgumentHelp("With --format csv: the matrix (long form) or the moved customers. (default: matrix)", valueName: "matrix|moved"))
    var table: Table = .matrix

    @Option(help: ArgumentHelp("With --format text: moved customers to list; 0 lists all. (default: 50)", valueName: "n"))
    var limit: Int = 50

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit \(limit): must be 0 (all) or more") }
    }

    func run() throws {
        try exitOnError {
            let history = try HistoryDatabase(readingFrom: database)
            let migration = try history.migration(run: runID, previous: previousID)
            let writer = SegmentMigrationWriter(migration: migration, database: database)
            let bytes: [UInt8]
            switch format {
            case .text: bytes = Array(writer.text(limit: limit == 0 ? nil : limit).utf8)
            case .csv: bytes = table == .matrix ? writer.matrixCSV() : writer.moversCSV()
            case .json: bytes = try writer.json()
            }
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
