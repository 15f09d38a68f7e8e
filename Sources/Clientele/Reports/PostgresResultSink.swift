import CPostgres
import Foundation
import ClienteleSupport
#if canImport(Glibc)
import Glibc
#endif

/// Where a run's results go in PostgreSQL (the job file's `[results]`): a connection and three
/// tables, created when missing. Their schema is docs/definitions.md's "Results in PostgreSQL".
public struct PostgresResultsTarget: Sendable, Equatable {
    /// A libpq URL or key/value string; credentials from it, `PGPASSFILE` / `~/.pgpass` or the
    /// `PG…` environment. Never printed: messages and reports show `displayName`.
    public var url: String
    /// The tables' schema; nil: the connection's `search_path`.
    public var schema: String?
    public var customersTable = "clientele_customers"
    public var segmentsTable = "clientele_segments"
    public var runsTable = "clientele_runs"

    public init(url: String, schema: String? = nil) {
        self.url = url
        self.schema = schema
    }

    /// The URL without its password.
    public var displayName: String { ConnectionText.redacted(url) }

    /// `"schema"."table"` (or `"table"`), for statements.
    func qualified(_ table: String) -> String { (schema.map { Self.identifier($0) + "." } ?? "") + Self.identifier(table) }
    /// `schema.table` (or `table`), for messages.
    func shown(_ table: String) -> String { (schema.map { $0 + "." } ?? "") + table }

    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// Why the results could not be written to PostgreSQL. Every case rolled the transaction back:
/// nothing of the run is in the database, and the report folder was not replaced (exit 73).
public enum ResultSinkError: ClienteleError, Equatable {
    /// No connection: libpq's message.
    case cannotConnect(sink: String, message: String)
    /// The server refused a statement: what was being done, to which table, its message and SQLSTATE.
    case refused(sink: String, table: String?, action: String, message: String, sqlState: String?)
    /// A results table exists with columns the run cannot write (missing, or of another type).
    case incompatibleTable(sink: String, table: String, problems: [String])

    public var exitStatus: ExitStatus { .cantCreate }

    public var description: String {
        let tail = "; nothing of this run was written and the report folder was not replaced"
        switch self {
        case .cannotConnect(let sink, let message):
            return "results to \(sink): cannot connect to PostgreSQL: \(message)\(tail)"
        case .refused(let sink, let table, let action, let message, let sqlState):
            return "results to \(sink): \(action)\(table.map { " \($0)" } ?? "") failed: \(message)"
                + (sqlState.map { " (SQLSTATE \($0))" } ?? "") + tail
        case .incompatibleTable(let sink, let table, let problems):
            let shown = problems.prefix(4).joined(separator: "; ") + (problems.count > 4 ? "; and \(problems.count - 4) more" : "")
            return "results to \(sink): table \(table) exists with another schema (\(shown)); "
                + "drop or rename it, or name other tables in [results]\(tail)"
        }
    }
}

/// One libpq connection of the results sink: statements, `COPY … FROM STDIN`, errors with the
/// server's message and SQLSTATE. The URL's password is scrubbed from every message.
package final class PostgresConnection {
    private let handle: OpaquePointer
    package let sink: String
    private let secrets: [String]

    package init(url: String) throws(ResultSinkError) {
        sink = ConnectionText.redacted(url)
        secrets = Self.passwords(url)
        guard let handle = PQconnectdb(url) else { throw .cannotConnect(sink: sink, message: "out of memory") }
        self.handle = handle
        // Every property is set: deinit closes the connection.
        guard PQstatus(handle) == CONNECTION_OK else { throw .cannotConnect(sink: sink, message: connectionMessage()) }
        // Notices (e.g. from CREATE … IF NOT EXISTS) would go to stderr unasked.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            throw .refused(sink: sink, table: nil, action: "setting client_encoding to UTF8", message: connectionMessage(), sqlState: nil)
        }
    }

    deinit { PQfinish(handle) }

    /// The password of `url` as libpq reads it (percent-decoded), to scrub from messages.
    private static func passwords(_ url: String) -> [String] {
        guard let options = PQconninfoParse(url, nil) else { return [] }
        defer { PQconninfoFree(options) }
        var found: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val, value.pointee != 0 { found.append(String(cString: value)) }
            option += 1
        }
        return found
    }

    private func scrub(_ text: String) -> String {
        var text = ConnectionText.redacted(text)
        for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "***") }
        return text
    }

    private func connectionMessage() -> String {
        scrub(String(cString: PQerrorMessage(handle)).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; "))
    }

    /// The server's error: `ERROR: message (detail)` and the SQLSTATE, or libpq's message.
    private func failure(_ result: OpaquePointer?, table: String?, action: String) -> ResultSinkError {
        func field(_ code: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        var message = connectionMessage()
        if let primary = field("M") {
            message = (field("S").map { $0 + ": " } ?? "") + primary + (field("D").map { " (\($0))" } ?? "")
        }
        return .refused(sink: sink, table: table, action: action, message: scrub(message), sqlState: field("C"))
    }

    /// Runs `sql` (with text parameters `$1…`) and returns its rows as text (nil for NULL).
    @discardableResult
    package func execute(_ sql: String, _ parameters: [String] = [], table: String? = nil, action: String) throws(ResultSinkError) -> [[String?]] {
        let copies = parameters.map { strdup($0) }
        defer { for c in copies { free(c) } }
        var values = copies.map { UnsafePointer<CChar>($0) }
        let result = PQexecParams(handle, sql, Int32(values.count), nil, &values, nil, nil, 0)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result, table: table, action: action) }
        var rows: [[String?]] = []
        for r in 0..<PQntuples(result) {
            rows.append((0..<PQnfields(result)).map { c in PQgetisnull(result, r, c) != 0 ? nil : String(cString: PQgetvalue(result, r, c)) })
        }
        return rows
    }

    /// Runs a `COPY … FROM STDIN` statement and sends the bytes `produce` hands to its callback.
    package func copyIn(_ sql: String, table: String,
                        _ produce: ((UnsafeRawBufferPointer) throws(ResultSinkError) -> Void) throws(ResultSinkError) -> Void) throws(ResultSinkError) {
        let action = "COPY into"
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            defer { PQclear(start) }
            throw failure(start, table: table, action: action)
        }
        PQclear(start)
        do {
            try produce { (bytes: UnsafeRawBufferPointer) throws(ResultSinkError) in
                guard bytes.count > 0 else { return }
                let sent = PQputCopyData(handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
                guard sent == 1 else { throw self.failure(nil, table: table, action: action) }
            }
        } catch {
            _ = PQputCopyEnd(handle, "clientele: the results could not be formatted")
            while let r = PQgetResult(handle) { PQclear(r) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw failure(nil, table: table, action: action) }
        var problem: ResultSinkError?
        while let result = PQgetResult(handle) {
            if problem == nil, PQresultStatus(result) != PGRES_COMMAND_OK { problem = failure(result, table: table, action: action) }
            PQclear(result)
        }
        if let problem { throw problem }
    }
}

/// Writes a run's results into PostgreSQL with `COPY … FROM STDIN (FORMAT csv)`, in one
/// transaction keyed by the run id (the report folder's token): `write` opens it, creates missing
/// tables, checks existing ones and copies every row; the caller commits it just before the report
/// folder lands (`PendingResults.commit`), and any failure before that rolls it back. A killed
/// process leaves an open transaction that the server rolls back when the connection drops.
package final class PostgresResultSink {
    package let target: PostgresResultsTarget
    private let connection: PostgresConnection

    /// Connects at once, so that a wrong URL or password fails the run before anything is computed.
    package init(target: PostgresResultsTarget) throws(ResultSinkError) {
        self.target = target
        connection = try PostgresConnection(url: target.url)
    }

    /// The tables' columns and types; the primary keys lead with `run_id`.
    package static let customersColumns: [(name: String, type: String)] = [
        ("run_id", "text"), ("customer_id", "text"), ("first_order_date", "date"), ("last_order_date", "date"),
        ("recency_days", "integer"), ("frequency", "integer"), ("monetary", "numeric(20,2)"),
        ("r_score", "smallint"), ("f_score", "smallint"), ("m_score", "smallint"), ("rfm_cell", "text"), ("segment", "text"),
        ("historical_clv", "numeric(20,2)"), ("cluster", "integer"),
        ("p_alive", "double precision"), ("expected_purchases", "double precision"), ("expected_order_value", "numeric(20,2)"),
        ("predicted_clv", "numeric(20,2)"), ("value_quadrant", "text"),
        ("expected_purchases_low", "double precision"), ("expected_purchases_high", "double precision"),
        ("predicted_clv_low", "numeric(20,2)"), ("predicted_clv_high", "numeric(20,2)"), ("p_no_purchase", "double precision"),
        ("mean_satisfaction", "double precision"), ("mean_recommend", "double precision"), ("complaints", "integer"),
        ("loyalty_group", "text"), ("churn_probability", "double precision"),
    ]
    package static let segmentsColumns: [(name: String, type: String)] = [
        ("run_id", "text"), ("position", "integer"), ("segment", "text"), ("customers", "integer"), ("share", "double precision"),
        ("revenue", "numeric(20,2)"), ("revenue_share", "double precision"), ("mean_recency_days", "double precision"),
        ("mean_frequency", "double precision"), ("mean_monetary", "double precision"),
    ]
    package static let runsColumns: [(name: String, type: String)] = [
        ("run_id", "text"), ("started_at", "timestamp with time zone"), ("as_of", "date"), ("calibration_end", "date"),
        ("tool_version", "text"), ("transactions", "text"), ("interactions", "text"),
        ("customers_in_transactions", "integer"), ("customers_scored", "integer"), ("orders", "bigint"), ("net_revenue", "numeric(20,2)"),
        ("rows_read", "bigint"), ("rows_used", "bigint"), ("rows_rejected", "bigint"), ("segments", "integer"),
        ("no_purchase_days", "integer"), ("report_folder", "text"), ("settings", "jsonb"),
    ]

    /// customers.csv's `p_no_purchase_<h>d` is the table's `p_no_purchase` (the horizon is the runs row's `no_purchase_days`).
    package static func customersColumn(ofCSV name: String) -> String {
        name.hasPrefix("p_no_purchase_") ? "p_no_purchase" : name
    }

    /// The `CREATE TABLE` of one results table.
    func createStatement(_ table: String, _ columns: [(name: String, type: String)], key: [String], extra: String = "") -> String {
        let body = columns.map { c in
            "\(PostgresResultsTarget.identifier(c.name)) \(c.type)" + (key.contains(c.name) ? " NOT NULL" : "")
        }.joined(separator: ", ")
        return "CREATE TABLE IF NOT EXISTS \(target.qualified(table)) (\(body)\(extra), PRIMARY KEY (\(key.joined(separator: ", "))))"
    }

    /// Opens the transaction and writes every row of the run; returns it open, to be committed
    /// just before the report folder lands. Throws (having rolled back) on any failure.
    package func write(runID: String, report: RunReport, customers: CustomersCSVWriter, reportFolder: String) throws(ResultSinkError) -> PendingResults {
        let pending = PendingResults(connection: connection, target: target, runID: runID)
        do throws(ResultSinkError) {
            try connection.execute("BEGIN", action: "BEGIN")
            try prepare(connection, target.runsTable, Self.runsColumns, key: ["run_id"],
                        extra: ", \"recorded_at\" timestamp with time zone NOT NULL DEFAULT now()")
            try prepare(connection, target.segmentsTable, Self.segmentsColumns, key: ["run_id", "segment"])
            try prepare(connection, target.customersTable, Self.customersColumns, key: ["run_id", "customer_id"])
            try copy(connection, target.runsTable, columns: Self.runsColumns.map(\.name)) { (send) throws(ResultSinkError) in
                var b = ByteBuffer()
                Self.runRow(runID: runID, report: report, reportFolder: reportFolder, into: &b)
                try b.bytes.withUnsafeBytes { raw in Result { () throws(ResultSinkError) in try send(raw) } }.get()
            }
            try copy(connection, target.segmentsTable, columns: Self.segmentsColumns.map(\.name)) { (send) throws(ResultSinkError) in
                var b = ByteBuffer()
                for (position, s) in report.rfm.segments.enumerated() {
                    b.quoted(runID); b.comma(); b.int(position + 1); b.comma(); b.quoted(s.segment); b.comma(); b.int(s.customers)
                    b.comma(); b.double(s.share); b.comma(); b.money(s.revenue)
                    b.comma(); if let v = s.revenueShare { b.double(v) }
                    b.comma(); if let v = s.meanRecencyDays { b.double(v) }
                    b.comma(); if let v = s.meanFrequency { b.double(v) }
                    b.comma(); if let v = s.meanMonetary { b.double(v) }
                    b.newline()
                }
                try b.bytes.withUnsafeBytes { raw in Result { () throws(ResultSinkError) in try send(raw) } }.get()
            }
            var rows = customers
            rows.cellPolicy = .raw  // the data's own values: the table is read by programs, not spreadsheets
            var prefix = ByteBuffer(capacity: 40)
            prefix.quoted(runID); prefix.comma()
            try copy(connection, target.customersTable, columns: ["run_id"] + rows.columnNames.map(Self.customersColumn(ofCSV:))) { (send) throws(ResultSinkError) in
                try rows.forEachChunk(prefix: prefix.bytes, send)
            }
        } catch {
            pending.rollback()
            throw error
        }
        return pending
    }

    /// Creates `table` when it is missing; otherwise checks that it has every column, of the same type.
    private func prepare(_ connection: PostgresConnection, _ table: String, _ columns: [(name: String, type: String)], key: [String],
                         extra: String = "") throws(ResultSinkError) {
        let existing = try connection.execute("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, [target.qualified(table)], table: target.shown(table), action: "looking up table")
        if existing.isEmpty {
            try connection.execute(createStatement(table, columns, key: key, extra: extra), table: target.shown(table), action: "creating table")
            return
        }
        var types: [String: String] = [:]
        for row in existing { if let name = row[0], let type = row[1] { types[name] = type } }
        var problems: [String] = []
        for c in columns {
            guard let type = types[c.name] else { problems.append("no column \(c.name) \(c.type)"); continue }
            if type != c.type { problems.append("\(c.name) is \(type), not \(c.type)") }
        }
        guard problems.isEmpty else { throw .incompatibleTable(sink: connection.sink, table: target.shown(table), problems: problems) }
    }

    private func copy(_ connection: PostgresConnection, _ table: String, columns: [String],
                      _ produce: ((UnsafeRawBufferPointer) throws(ResultSinkError) -> Void) throws(ResultSinkError) -> Void) throws(ResultSinkError) {
        let list = columns.map(PostgresResultsTarget.identifier).joined(separator: ", ")
        try connection.copyIn("COPY \(target.qualified(table)) (\(list)) FROM STDIN WITH (FORMAT csv)", table: target.shown(table), produce)
    }

    /// The runs row: report.json's key figures, its settings as JSON, the folder the report lands in.
    static func runRow(runID: String, report: RunReport, reportFolder: String, into b: inout ByteBuffer) {
        let s = report.settings
        b.quoted(runID)
        b.comma(); b.quoted(report.startedAt)
        b.comma(); b.quoted(s.asOf)
        b.comma(); if let day = s.calibrationEnd { b.quoted(day) }
        b.comma(); b.quoted(report.tool.version)
        b.comma(); b.quoted(s.transactions)
        b.comma(); if let i = s.interactions { b.quoted(i) }
        b.comma(); b.int(report.customers.inTransactions)
        b.comma(); b.int(report.customers.scored)
        b.comma(); b.int(report.customers.orders)
        b.comma(); b.money(report.customers.netRevenue)
        b.comma(); b.int(report.inputs.reduce(0) { $0 + $1.rowsRead })
        b.comma(); b.int(report.inputs.reduce(0) { $0 + $1.rowsUsed })
        b.comma(); b.int(report.inputs.reduce(0) { $0 + $1.rowsRejected })
        b.comma(); b.int(report.rfm.segments.count)
        b.comma(); if let days = report.clv?.noPurchaseDays { b.int(days) }
        b.comma(); b.quoted(reportFolder)
        b.comma()
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let json = try? encoder.encode(s) { b.quoted(String(decoding: json, as: UTF8.self)) }
        b.newline()
    }
}

/// A run's results written but not committed: the open transaction of `PostgresResultSink.write`.
package final class PendingResults {
    private var connection: PostgresConnection?
    private let target: PostgresResultsTarget
    package let runID: String
    private var committed = false

    init(connection: PostgresConnection, target: PostgresResultsTarget, runID: String) {
        self.connection = connection
        self.target = target
        self.runID = runID
    }

    /// Test hook, for the tests only: `CLIENTELE_TEST_RESULTS_PAUSE_BEFORE_COMMIT=SECONDS` makes
    /// `commit()` print a marker line to stderr and sleep before COMMIT, so that a test can kill the
    /// process while the transaction is open. Read only here.
    static let pauseVariable = "CLIENTELE_TEST_RESULTS_PAUSE_BEFORE_COMMIT"
    static let pauseMarker = "clientele test hook: results copied, pausing before COMMIT"

    /// Commits the run's rows (the caller lands the report folder next).
    package func commit() throws(ResultSinkError) {
        guard let connection else { return }
        if let text = ProcessInfo.processInfo.environment[Self.pauseVariable], let seconds = Double(text), seconds > 0 {
            FileHandle.standardError.write(Data((Self.pauseMarker + "\n").utf8))
            Thread.sleep(forTimeInterval: seconds)
        }
        do {
            try connection.execute("COMMIT", action: "COMMIT of the results")
        } catch {
            rollback()
            throw error
        }
        committed = true
    }

    /// Rolls the transaction back and closes the connection (after a failure).
    package func rollback() {
        guard let connection, !committed else { return }
        _ = try? connection.execute("ROLLBACK", action: "ROLLBACK")
        self.connection = nil
    }

    /// After `commit()`, when the report folder then failed to land: deletes the run's rows again
    /// (best effort, in one transaction), so the database does not name a report that is not there.
    package func retract() {
        guard let connection, committed else { return }
        let id = [runID]
        _ = try? connection.execute("BEGIN", action: "BEGIN")
        do {
            for table in [target.customersTable, target.segmentsTable, target.runsTable] {
                try connection.execute("DELETE FROM \(target.qualified(table)) WHERE run_id = $1", id, action: "DELETE")
            }
            try connection.execute("COMMIT", action: "COMMIT")
        } catch {
            _ = try? connection.execute("ROLLBACK", action: "ROLLBACK")
        }
    }

    deinit { rollback() }
}

extension ByteBuffer {
    /// A CSV text field always in quotes (quotes doubled), so that an empty text is '' and not NULL
    /// in `COPY … (FORMAT csv)`; tabs, line breaks, backslashes and non-ASCII pass as they are.
    mutating func quoted(_ s: String) {
        byte(34)
        for c in s.utf8 { if c == 34 { byte(34) }; byte(c) }
        byte(34)
    }
}
