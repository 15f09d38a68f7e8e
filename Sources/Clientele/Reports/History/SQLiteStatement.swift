@preconcurrency import CSQLite

/// A prepared statement: prepared once, bound and stepped in a loop, finalized in `deinit`
/// (the habit of GRDB's `Statement`).
///
/// Parameters are 1-based, as in SQLite; text is bound with `SQLITE_TRANSIENT` (SQLite copies
/// it), so the caller's buffer need only live for the `bind` call.
package final class SQLiteStatement {
    package let handle: OpaquePointer
    package let sql: String
    /// Kept alive for as long as the statement.
    package let connection: SQLiteConnection

    package init(connection: SQLiteConnection, sql: String) throws(HistoryError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw connection.error(rc, sql: sql) }
        self.handle = statement
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// `SQLITE_TRANSIENT`: a cast macro, missing in Swift.
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

    @inline(__always)
    private func check(_ rc: Int32) throws(HistoryError) {
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }

    package func bind(_ value: Int64, at index: Int32) throws(HistoryError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    package func bind(_ value: Int, at index: Int32) throws(HistoryError) { try bind(Int64(value), at: index) }

    /// A double; `nil` and NaN bind NULL.
    package func bind(_ value: Double?, at index: Int32) throws(HistoryError) {
        if let value, !value.isNaN { try check(sqlite3_bind_double(handle, index, value)) } else { try bindNull(at: index) }
    }

    /// Text; `nil` binds NULL.
    package func bind(_ value: String?, at index: Int32) throws(HistoryError) {
        guard var value else { return try bindNull(at: index) }
        let rc = value.withUTF8 { bytes in
            withEmptyFallback(UnsafeRawBufferPointer(bytes)) { sqlite3_bind_text(handle, index, $0, $1, Self.transient) }
        }
        try check(rc)
    }

    /// UTF-8 bytes as text (customer ids come from the index as bytes, never as `String`).
    package func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws(HistoryError) {
        try check(withEmptyFallback(bytes) { sqlite3_bind_text(handle, index, $0, $1, Self.transient) })
    }

    /// Calls `body` with a non-null pointer and the length: SQLite binds NULL for a null pointer,
    /// so an empty string gets a pointer to a zero byte.
    @inline(__always)
    private func withEmptyFallback(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<CChar>, Int32) -> Int32) -> Int32 {
        if let base = bytes.baseAddress { return body(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count)) }
        return withUnsafePointer(to: CChar(0)) { body($0, 0) }
    }

    package func bindNull(at index: Int32) throws(HistoryError) { try check(sqlite3_bind_null(handle, index)) }

    /// Steps once: true when a row is ready, false when the statement is done.
    @discardableResult
    package func step() throws(HistoryError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc:
            sqlite3_reset(handle)
            throw connection.error(rc, sql: sql)
        }
    }

    /// Runs a statement that returns no rows, then resets it for the next bindings.
    package func run() throws(HistoryError) {
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Makes the statement ready to run again; bindings stay until rebound.
    package func reset() { sqlite3_reset(handle) }

    // MARK: Columns (0-based, as in SQLite)

    package var columnCount: Int32 { sqlite3_column_count(handle) }
    /// SQLite's text rendering of any column (integers, reals as `%!.15g`), `nil` for NULL.
    package func text(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    package func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    package func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    package func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    package func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }

    package func string(_ column: Int32) -> String {
        withText(column) { String(decoding: $0, as: UTF8.self) }
    }

    package func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    /// Calls `body` with the bytes of a text column; valid only until the next step or reset.
    @inline(__always)
    package func withText<R>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let base = sqlite3_column_text(handle, column)  // before _bytes, as SQLite asks
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }
}
