import ClienteleSupport

/// An export that lives in PostgreSQL: a table or a query, read as CSV through
/// `COPY … TO STDOUT (FORMAT csv, HEADER)` and fed to the same byte scanner as a file, so the
/// typing, rejects and accounting are a file's (`PostgresCopyStream`).
///
/// The connection is a libpq URL (`postgresql://user@host:5432/crm`) or key/value string;
/// credentials come from it, from `PGPASSFILE` / `~/.pgpass` or from the `PG…` environment, and
/// are never printed: messages and reports name the source by `displayName`.
public struct DatabaseSource: Sendable, Equatable {
    public var url: String
    /// A table name, optionally schema-qualified (`crm.orders`), taken as stored (case-sensitive).
    public var table: String?
    /// A SELECT whose columns are the export's (the table's alternative).
    public var query: String?

    public init(url: String, table: String? = nil, query: String? = nil) {
        self.url = url
        self.table = table
        self.query = query
    }

    /// The URL without a password (`user:secret@` → `user@`, `password=…` → `password=***`), and
    /// what is read: `postgresql://analyst@db/crm (table crm.orders)`.
    public var displayName: String {
        (Self.redacted(url)) + (table.map { " (table \($0))" } ?? " (query)")
    }

    /// The COPY statement: the table's identifiers quoted, or the query as a subquery.
    public var copyStatement: String {
        if let table {
            let quoted = table.split(separator: ".", omittingEmptySubsequences: false)
                .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
            return "COPY \(quoted) TO STDOUT WITH (FORMAT csv, HEADER true)"
        }
        var body = Substring(query ?? "")
        while let last = body.last, last == ";" || last == " " || last == "\n" || last == "\t" || last == "\r" { body.removeLast() }
        return "COPY (\(body)) TO STDOUT WITH (FORMAT csv, HEADER true)"
    }

    /// The URL without its password (`ConnectionText.redacted`).
    public static func redacted(_ url: String) -> String { ConnectionText.redacted(url) }
}
