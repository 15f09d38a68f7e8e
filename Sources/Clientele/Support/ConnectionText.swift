/// PostgreSQL connection strings (a libpq URL or key/value settings) as messages and reports may
/// show them: without a password. Shared by the PostgreSQL source (Ingest) and sink (Reports).
public enum ConnectionText {
    /// The URL without a password (`user:secret@` → `user@`, `password=…` → `password=***`).
    public static func redacted(_ url: String) -> String {
        var text = url
        // user:password@ in a URL's authority.
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(colon..<at, with: "")
            }
        }
        // password=… as a URL parameter or a key/value setting.
        var out = "", remaining = Substring(text)
        while let r = remaining.range(of: "password=") {
            out += remaining[..<r.upperBound] + "***"
            remaining = remaining[r.upperBound...]
            let end = remaining.firstIndex(where: { $0 == "&" || $0 == " " }) ?? remaining.endIndex
            remaining = remaining[end...]
        }
        return out + remaining
    }

    /// Whether `url` can be a libpq connection string: a `postgresql://` or `postgres://` URL, or
    /// key/value settings (`host=db dbname=crm`).
    public static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") || url.contains("=")
    }
}
