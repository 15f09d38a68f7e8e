@preconcurrency import CSQLite
import ClienteleSupport

/// Why the run history could not be written or read.
///
/// SQLite failures carry what GRDB's `DatabaseError` carries: the primary and extended result
/// codes, SQLite's own message, and the SQL that failed, so a log line is enough to reproduce it.
public enum HistoryError: ClienteleError, Equatable {
    /// SQLite refused an operation. `sql` is the statement being prepared or run (`nil` when the
    /// database itself could not be opened).
    case sqlite(path: String, code: Int32, extendedCode: Int32, message: String, sql: String?)
    /// `clientele history DB` was given a file that does not exist (exit 66).
    case missingDatabase(path: String)
    /// The history database cannot be created where `--history` points (exit 73).
    case cannotCreate(path: String, reason: String)
    /// A migration matrix needs two runs; the database holds `runs` (exit 65).
    case notEnoughRuns(path: String, runs: Int)
    /// `--run` or `--previous` names a run that is not in the database (exit 64).
    case unknownRun(path: String, id: Int64, known: [Int64])
    /// `--run` and `--previous` name the same run (exit 64).
    case sameRun(path: String, id: Int64)
    /// The database was written by a newer clientele whose schema this one does not know (exit 65).
    case newerSchema(path: String, version: Int, supported: Int)
    /// The run handed to `record(_:)` is inconsistent, e.g. columns of different lengths (exit 70).
    case invalidRun(reason: String)
    /// `--history` names a SQLite file of another application (it has tables, and neither
    /// Clientele's application id nor a version-1 history's tables): never modified (exit 73).
    case notAHistory(path: String, tables: [String])
    /// An input file could not be read to compute its SHA-256 (exit 66).
    case unreadableInput(path: String, reason: String)

    /// SQLite's primary result code (`SQLITE_CONSTRAINT` = 19 …), for `.sqlite` errors.
    public var resultCode: Int32? {
        if case .sqlite(_, let code, _, _, _) = self { return code }
        return nil
    }

    /// SQLite's extended result code (`SQLITE_CONSTRAINT_PRIMARYKEY` = 1555 …), for `.sqlite` errors.
    public var extendedResultCode: Int32? {
        if case .sqlite(_, _, let code, _, _) = self { return code }
        return nil
    }

    /// The SQL that failed, for `.sqlite` errors.
    public var sql: String? {
        if case .sqlite(_, _, _, _, let sql) = self { return sql }
        return nil
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .missingDatabase, .unreadableInput: return .noInput
        case .cannotCreate, .notAHistory: return .cantCreate
        case .notEnoughRuns, .newerSchema: return .dataError
        case .unknownRun, .sameRun: return .usage
        case .invalidRun: return .software
        case .sqlite(_, let code, _, _, _):
            switch code {
            case SQLITE_CANTOPEN: return .noInput
            case SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_FORMAT: return .dataError
            case SQLITE_READONLY, SQLITE_PERM: return .cantCreate
            case SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_LOCKED: return .ioError
            default: return .software
            }
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path, let code, let extended, let message, let sql):
            var text = "\(path): SQLite error \(extended)"
            if let name = String(validatingCString: sqlite3_errstr(code)), name != message { text += " (\(name))" }
            text += ": \(message)"
            if let sql { text += " - while executing `\(sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))`" }
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { text += "; another process holds the history database, try again later" }
            return text
        case .missingDatabase(let path):
            return "\(path): no such history database; record runs into it with `clientele run --history \(path)`"
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create the history database: \(reason)"
        case .notEnoughRuns(let path, let runs):
            return "\(path): a migration matrix needs two runs, the history holds \(runs); "
                + "record another with `clientele run --history \(path)`"
        case .unknownRun(let path, let id, let known):
            let list = known.count <= 10 ? known.map(String.init).joined(separator: ", ")
                : known.prefix(5).map(String.init).joined(separator: ", ") + " … " + known.suffix(3).map(String.init).joined(separator: ", ")
            return "\(path): no run with id \(id); the history holds runs \(list.isEmpty ? "(none)" : list)"
        case .sameRun(let path, let id):
            return "\(path): --run and --previous both name run \(id); choose two different runs"
        case .newerSchema(let path, let version, let supported):
            return "\(path): history schema version \(version) is newer than this clientele supports (\(supported)); upgrade clientele"
        case .invalidRun(let reason):
            return "history: invalid run: \(reason)"
        case .notAHistory(let path, let tables):
            let list = tables.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ") + (tables.count > 3 ? ", …" : "")
            let what = tables.isEmpty ? "it is not a SQLite database" : "it holds other tables: \(list)"
            return "\(path): not a Clientele history database (\(what)); "
                + "it was left unchanged: give --history a new file or an existing history"
        case .unreadableInput(let path, let reason):
            return "\(path): cannot read the input to hash it for the history: \(reason)"
        }
    }
}
