@preconcurrency import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection (`sqlite3 *`), closed in `deinit`.
///
/// Opened with `SQLITE_OPEN_NOMUTEX`: a connection belongs to one thread at a time (the history
/// database is used synchronously by one run or one command). Every failure becomes a
/// `HistoryError.sqlite` with the result codes, SQLite's message and the SQL.
package final class SQLiteConnection {
    package let handle: OpaquePointer
    /// The file, as given (for error messages).
    package let path: String

    package enum Access { case readOnly, readWrite, readWriteCreate }

    package init(path: String, access: Access) throws(HistoryError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch access {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            var message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db, sqlite3_system_errno(db) != 0 { message += " (\(String(cString: strerror(sqlite3_system_errno(db)))))" }
            sqlite3_close_v2(db)
            throw .sqlite(path: path, code: rc & 0xFF, extendedCode: rc, message: message, sql: nil)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    /// The error for result code `rc` of the last call on this connection.
    package func error(_ rc: Int32, sql: String?) -> HistoryError {
        let extended = sqlite3_extended_errcode(handle)
        let code = (extended & 0xFF) == (rc & 0xFF) ? extended : rc
        return .sqlite(path: path, code: code & 0xFF, extendedCode: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements that return no rows we need (DDL, PRAGMA, BEGIN/COMMIT).
    package func execute(_ sql: String) throws(HistoryError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, sql: sql) }
    }

    /// Prepares `sql` once; bind and step it as often as needed.
    package func prepare(_ sql: String) throws(HistoryError) -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// The first column of the first row of `sql`, as an integer (`nil` when there is no row).
    package func integer(_ sql: String) throws(HistoryError) -> Int64? {
        let statement = try prepare(sql)
        defer { statement.reset() }  // a stepped statement left open would block COMMIT
        return try statement.step() ? statement.int64(0) : nil
    }

    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open on this connection.
    package var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT` (the write lock is taken up front, so a
    /// second writer waits for the busy timeout instead of failing mid-transaction); any error
    /// thrown by `body` or by `COMMIT` rolls everything back and is rethrown.
    package func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if inTransaction { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }

    /// Runs `body` inside one read transaction, so every statement in it sees the same snapshot
    /// (in WAL mode: the last commit before the first read, whatever writers do meanwhile).
    package func readTransaction<T>(_ body: () throws(HistoryError) -> T) throws(HistoryError) -> T {
        try execute("BEGIN DEFERRED")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if inTransaction { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
            throw error
        }
    }
}
