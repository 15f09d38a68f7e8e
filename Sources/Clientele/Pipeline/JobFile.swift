import Foundation
import TOMLKit
import ClienteleSupport
import ClienteleStore
import ClienteleIngest
import ClienteleKernels
import ClienteleReports
#if canImport(Glibc)
import Glibc
#endif

/// Reads a TOML job file into a `JobConfiguration`, so a cron line is just
/// `clientele run /etc/clientele/nightly.toml`. Unknown keys are errors: a typo must not be
/// silently ignored by a nightly job.
///
/// ```toml
/// [transactions]
/// path = "exports/transactions.csv"
/// delimiter = ";"            # , ; | tab
/// date_format = "%d/%m/%Y"   # iso (default) or strptime directives
/// decimal = ","              # decimal separator of amounts
/// amount_from = "amount"     # or "quantity*unit_price"
/// [transactions.columns]
/// customer_id = "Kundennummer"
///
/// [interactions]
/// path = "exports/interactions.csv"
///
/// [results]                  # optional: the results also go to PostgreSQL (PostgresResultSink)
/// url = "postgresql://analyst@db/crm"
/// schema = "analytics"       # default: the connection's search_path
/// customers_table = "clientele_customers"
/// segments_table = "clientele_segments"
/// runs_table = "clientele_runs"
///
/// [run]
/// out = "reports/nightly"
/// as_of = 2026-01-01
/// calibration_end = 2025-06-30
/// on_bad_row = "skip"
/// max_reject_share = 0.01
/// seed = 42
/// threads = 2
/// raw_csv = false            # true: CSV cells as they are, no formula neutralising
/// currency = "€"             # before every money figure of report.html and report.md; "" none
/// currency_decimals = 2
/// top_at_risk = 10           # customers in the report's "most value at risk" list
///
/// [rfm]
/// ties = "fill"              # or "share", "split"
/// quantiles = 5
/// monetary = "total"         # or "mean"
/// margin = 0.3
/// frequency_breaks = [1, 2, 3, 5] # optional: F from fixed order counts instead of quantiles
/// [rfm.segments]             # optional: one row of names per R score
/// 1 = ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"]
/// [rfm.actions]              # optional: replaces a segment's recommended action
/// "At Risk" = "Call them this week"
///
/// [clv]
/// enabled = true
/// horizon_months = 12
/// monthly_discount_rate = 0.01
/// model = "auto"             # or "bg-nbd", "mbg-nbd", "pareto-nbd"
/// interval_draws = 0         # e.g. 200 for per-customer intervals; 0: none
/// interval_level = 0.9
/// no_purchase_days = 90      # 0: no p_no_purchase column
/// ```
public struct JobFile: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// Applies the file's settings on top of `base`. Relative input paths are taken relative to
    /// the job file's folder, so a job file travels with its exports.
    public func apply(to base: JobConfiguration) throws(ConfigurationError) -> JobConfiguration {
        let text = try readText()
        // TOMLKit hands strings over as C strings, which end at a NUL: mark `\u0000` escapes first,
        // so that a setting holding one is refused by name instead of silently cut short.
        let (marked, hasNUL) = Self.markingNULEscapes(text)
        if let problem = TOMLHeaderCheck.firstMalformedHeader(in: text) {
            throw .jobFile(path: path, line: problem.line, column: problem.column, reason: problem.reason)
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: marked) } catch let error as TOMLParseError {
            throw .jobFile(path: path, line: error.source.begin.line, column: error.source.begin.column, reason: error.description)
        } catch { throw .jobFile(path: path, line: nil, column: nil, reason: "\(error)") }

        var config = base
        config.jobFile = path
        let reader = Reader(path: path, folder: folder(of: path), markedNUL: hasNUL)
        try reader.allow(table, keys: ["transactions", "interactions", "results", "run", "rfm", "clv", "clusters", "churn", "satisfaction"], in: "")
        if let t = try reader.table(table, "transactions") {
            try reader.allow(t, keys: ["path", "url", "table", "query", "delimiter", "date_format", "decimal", "thousands",
                                        "currency_symbol", "encoding", "amount_from", "columns"], in: "transactions")
            config.transactions = try reader.source(t, existing: config.transactions, section: "transactions")
            if let from = try reader.string(t, "amount_from", "transactions") {
                switch from {
                case "amount": config.transactionColumns.amountFromQuantityTimesUnitPrice = false
                case "quantity*unit_price", "quantity * unit_price": config.transactionColumns.amountFromQuantityTimesUnitPrice = true
                default: throw reader.error("transactions.amount_from = \"\(from)\": use \"amount\" or \"quantity*unit_price\"")
                }
            }
            if let c = try reader.table(t, "columns") {
                let keys = ["customer_id", "order_id", "order_date", "amount", "quantity", "unit_price"]
                try reader.allow(c, keys: keys, in: "transactions.columns")
                var columns = config.transactionColumns
                if let v = try reader.string(c, "customer_id", "transactions.columns") { columns.customerID = v }
                if let v = try reader.string(c, "order_id", "transactions.columns") { columns.orderID = v }
                if let v = try reader.string(c, "order_date", "transactions.columns") { columns.orderDate = v }
                if let v = try reader.string(c, "amount", "transactions.columns") { columns.amount = v }
                if let v = try reader.string(c, "quantity", "transactions.columns") { columns.quantity = v }
                if let v = try reader.string(c, "unit_price", "transactions.columns") { columns.unitPrice = v }
                config.transactionColumns = columns
            }
        }
        if let t = try reader.table(table, "interactions") {
            try reader.allow(t, keys: ["path", "url", "table", "query", "delimiter", "date_format", "decimal", "encoding", "columns",
                                        "satisfaction_scale", "recommend_scale"], in: "interactions")
            config.interactions = try reader.source(t, existing: config.interactions, section: "interactions")
            if let c = try reader.table(t, "columns") {
                let keys = ["customer_id", "interaction_date", "channel", "kind", "satisfaction", "recommend"]
                try reader.allow(c, keys: keys, in: "interactions.columns")
                var columns = config.interactionColumns
                if let v = try reader.string(c, "customer_id", "interactions.columns") { columns.customerID = v }
                if let v = try reader.string(c, "interaction_date", "interactions.columns") { columns.interactionDate = v }
                if let v = try reader.string(c, "channel", "interactions.columns") { columns.channel = v }
                if let v = try reader.string(c, "kind", "interactions.columns") { columns.kind = v }
                if let v = try reader.string(c, "satisfaction", "interactions.columns") { columns.satisfaction = v }
                if let v = try reader.string(c, "recommend", "interactions.columns") { columns.recommend = v }
                config.interactionColumns = columns
            }
            if let s = try reader.range(t, "satisfaction_scale", "interactions") { config.interactionColumns.satisfactionScale = s }
            if let s = try reader.range(t, "recommend_scale", "interactions") { config.interactionColumns.recommendScale = s }
        }
        if let r = try reader.table(table, "results") {
            try reader.allow(r, keys: ["url", "schema", "customers_table", "segments_table", "runs_table"], in: "results")
            guard let url = try reader.string(r, "url", "results") else {
                throw reader.error("results needs url = \"postgresql://user@host/db\" (the database the results are written to)")
            }
            guard ConnectionText.isPostgres(url) else {
                throw reader.error("results.url = \"\(ConnectionText.redacted(url))\": use a PostgreSQL URL such as \"postgresql://user@host/db\"")
            }
            var target = PostgresResultsTarget(url: url)
            let names: [(String, WritableKeyPath<PostgresResultsTarget, String>?)] = [("schema", nil), ("customers_table", \PostgresResultsTarget.customersTable),
                                   ("segments_table", \PostgresResultsTarget.segmentsTable), ("runs_table", \PostgresResultsTarget.runsTable)]
            for (key, keyPath) in names {
                guard let name = try reader.string(r, key, "results") else { continue }
                guard !name.isEmpty, !name.contains("."), !name.unicodeScalars.contains(where: { $0.value < 32 }) else {
                    throw reader.error("results.\(key) = \"\(name)\": give one name, without dots or control characters\(key == "schema" ? "" : " (set the schema with results.schema)")")
                }
                if let keyPath { target[keyPath: keyPath] = name } else { target.schema = name }
            }
            guard Set([target.customersTable, target.segmentsTable, target.runsTable]).count == 3 else {
                throw reader.error("results: customers_table, segments_table and runs_table must be three different tables")
            }
            config.results = target
        }
        if let r = try reader.table(table, "run") {
            try reader.allow(r, keys: ["out", "as_of", "calibration_end", "on_bad_row", "max_reject_share", "seed", "threads", "quiet", "format", "history",
                                       "raw_csv", "currency", "currency_decimals", "top_at_risk"], in: "run")
            if let v = try reader.string(r, "currency", "run") { config.report.currency = v }
            if let v = try reader.int(r, "currency_decimals", "run") { config.report.currencyDecimals = v }
            if let v = try reader.int(r, "top_at_risk", "run") { config.report.topAtRisk = v }
            if let v = try reader.path(r, "out", "run") { config.out = reader.resolve(v) }
            if let v = try reader.path(r, "history", "run") { config.history = reader.resolve(v) }
            if let v = try reader.day(r, "as_of", "run") { config.asOf = v }
            if let v = try reader.day(r, "calibration_end", "run") { config.calibrationEnd = v }
            if let v = try reader.string(r, "on_bad_row", "run") {
                guard let policy = BadRowPolicy(rawValue: v) else { throw reader.error("run.on_bad_row = \"\(v)\": use \"fail\" or \"skip\"") }
                config.ingest.onBadRow = policy
            }
            if let v = try reader.double(r, "max_reject_share", "run") { config.ingest.maxRejectShare = v }
            if let v = try reader.int(r, "seed", "run") {
                guard v >= 0 else { throw reader.error("run.seed = \(v): must be ≥ 0") }
                config.seed = UInt64(v)
            }
            if let v = try reader.int(r, "threads", "run") { config.threads = v }
            if let v = try reader.bool(r, "quiet", "run") { config.quiet = v }
            if let v = try reader.bool(r, "raw_csv", "run") { config.rawCSV = v }
            if let v = try reader.string(r, "format", "run") {
                guard let f = JobConfiguration.SummaryFormat(rawValue: v) else { throw reader.error("run.format = \"\(v)\": use \"text\" or \"json\"") }
                config.format = f
            }
        }
        if let r = try reader.table(table, "rfm") {
            try reader.allow(r, keys: ["ties", "quantiles", "monetary", "margin", "segments", "actions", "frequency_breaks"], in: "rfm")
            if let v = try reader.string(r, "ties", "rfm") {
                guard let rule = RFMScorer.TieRule(rawValue: v) else { throw reader.error("rfm.ties = \"\(v)\": use \"fill\", \"share\" or \"split\"") }
                config.rfm.ties = rule
            }
            if let v = try reader.int(r, "quantiles", "rfm") { config.rfm.quantiles = v }
            if let v = try reader.string(r, "monetary", "rfm") {
                guard let m = RFMScorer.Monetary(rawValue: v) else { throw reader.error("rfm.monetary = \"\(v)\": use \"total\" or \"mean\"") }
                config.rfm.monetary = m
            }
            if let v = try reader.double(r, "margin", "rfm") { config.rfm.margin = v }
            if let list = r["frequency_breaks"] {
                guard let array = list.array, let breaks = Optional(array.compactMap(\.int)), breaks.count == array.count else {
                    throw reader.error("rfm.frequency_breaks must be a list of order counts, e.g. [1, 2, 3, 5]")
                }
                config.rfm.frequencyBreaks = breaks
            }
            if let s = try reader.table(r, "segments") {
                var rows: [[String]] = []
                for r in 1...max(1, s.count) {
                    guard let row = s[String(r)]?.array else { throw reader.error("rfm.segments needs rows \"1\" … \"\(s.count)\" (one per R score); row \(r) is missing") }
                    rows.append(try row.map { value throws(ConfigurationError) -> String in
                        guard let name = try reader.text(value, "rfm.segments.\(r)") else { throw reader.error("rfm.segments.\(r): names must be strings") }
                        return name
                    })
                }
                do { config.rfm.segments = try SegmentMap(rows: rows) } catch { throw reader.error("rfm.segments: \(error.reason)") }
                if r["quantiles"] == nil { config.rfm.quantiles = rows.count }
            }
            if let a = try reader.table(r, "actions") {
                let names = config.rfm.segments.names
                for key in a.keys.sorted() {
                    guard names.contains(key) else {
                        throw reader.error("rfm.actions.\"\(key)\" is not a segment of the segment map; segments: \(names.joined(separator: ", "))")
                    }
                    guard let value = a[key], let text = try reader.text(value, "rfm.actions.\"\(key)\"") else {
                        throw reader.error("rfm.actions.\"\(key)\" must be a string: the recommended action")
                    }
                    config.report.actions[key] = text
                }
            }
        }
        if let c = try reader.table(table, "churn") {
            try reader.allow(c, keys: ["enabled", "test_share", "features"], in: "churn")
            if let list = c["features"] {
                guard let array = list.array else { throw reader.error("churn.features must be a list of names, e.g. [\"mean_order_value\"]") }
                config.churn.extraFeatures = try array.map { value throws(ConfigurationError) -> ChurnExtraFeature in
                    guard let name = try reader.text(value, "churn.features"), let f = ChurnExtraFeature(rawValue: name) else {
                        throw reader.error("churn.features: \(value.string.map { "\"\($0)\"" } ?? "\(value)") is not an extra feature; use \(ChurnExtraFeature.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return f
                }
                guard Set(config.churn.extraFeatures).count == array.count else { throw reader.error("churn.features names a feature twice") }
            }
            if let v = try reader.bool(c, "enabled", "churn") { config.churn.enabled = v }
            if let v = try reader.double(c, "test_share", "churn") {
                guard v > 0, v < 1 else { throw reader.error("churn.test_share = \(v): must be between 0 and 1") }
                config.churn.testShare = v
            }
        }
        if let c = try reader.table(table, "satisfaction") {
            try reader.allow(c, keys: ["enabled", "satisfied_at_least", "loyal_at_least", "promoter_at_least", "detractor_at_most",
                                       "kendall", "confidence_level"], in: "satisfaction")
            if let v = try reader.bool(c, "enabled", "satisfaction") { config.satisfaction.enabled = v }
            var a = config.satisfaction.analysis
            if let v = try reader.double(c, "satisfied_at_least", "satisfaction") { config.satisfaction.satisfiedAtLeast = v }
            if let v = try reader.double(c, "loyal_at_least", "satisfaction") { a.matrix.loyalAtLeast = v }
            if let v = try reader.double(c, "promoter_at_least", "satisfaction") { a.matrix.promoterAtLeast = v }
            if let v = try reader.double(c, "detractor_at_most", "satisfaction") { a.matrix.detractorAtMost = v }
            guard a.matrix.detractorAtMost < a.matrix.promoterAtLeast else {
                throw reader.error("satisfaction.detractor_at_most = \(a.matrix.detractorAtMost) must be below promoter_at_least = \(a.matrix.promoterAtLeast)")
            }
            if let v = try reader.bool(c, "kendall", "satisfaction") { a.correlation.includeKendall = v }
            if let v = try reader.double(c, "confidence_level", "satisfaction") {
                guard v > 0, v < 1 else { throw reader.error("satisfaction.confidence_level = \(v): must be between 0 and 1 (e.g. 0.95)") }
                a.correlation.confidenceLevel = v
            }
            config.satisfaction.analysis = a
        }
        if let c = try reader.table(table, "clusters") {
            try reader.allow(c, keys: ["enabled", "k", "k_range", "restarts", "features", "transform"], in: "clusters")
            if let list = c["features"] {
                guard let array = list.array else { throw reader.error("clusters.features must be a list of names, e.g. [\"recency_days\", \"frequency\"]") }
                config.clusters.features.features = try array.map { value throws(ConfigurationError) -> ClusterFeature in
                    guard let name = try reader.text(value, "clusters.features"), let f = ClusterFeature(rawValue: name) else {
                        throw reader.error("clusters.features: \(value.string.map { "\"\($0)\"" } ?? "\(value)") is not a feature; use \(ClusterFeature.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return f
                }
                guard Set(config.clusters.features.features).count == array.count else { throw reader.error("clusters.features names a feature twice") }
            }
            if let v = try reader.string(c, "transform", "clusters") {
                guard let t = ClusterFeatureSet.Transform(rawValue: v) else { throw reader.error("clusters.transform = \"\(v)\": use \"log1p\" or \"none\"") }
                config.clusters.features.transform = t
            }
            if let v = try reader.bool(c, "enabled", "clusters") { config.clusters.enabled = v }
            if let v = try reader.int(c, "k", "clusters") {
                guard v >= 1, v <= 1000 else { throw reader.error("clusters.k = \(v): must be between 1 and 1000") }
                config.clusters.model.clusters = .fixed(v)
            }
            if let v = try reader.string(c, "k_range", "clusters") {
                do { config.clusters.model.clusters = .silhouette(try parseKRange(v, option: "clusters.k_range")) } catch { throw reader.error(error.description) }
            }
            if let v = try reader.int(c, "restarts", "clusters") {
                guard v >= 1, v <= 100 else { throw reader.error("clusters.restarts = \(v): must be between 1 and 100") }
                config.clusters.model.restarts = v
            }
        }
        if let c = try reader.table(table, "clv") {
            try reader.allow(c, keys: ["enabled", "horizon_months", "monthly_discount_rate", "model", "interval_draws", "interval_level",
                                       "no_purchase_days"], in: "clv")
            if let v = try reader.bool(c, "enabled", "clv") { config.clv.enabled = v }
            if let v = try reader.int(c, "horizon_months", "clv") {
                guard v >= 1, v <= 600 else { throw reader.error("clv.horizon_months = \(v): must be between 1 and 600") }
                config.clv.model.forecast.horizonMonths = v
            }
            if let v = try reader.double(c, "monthly_discount_rate", "clv") {
                guard v >= 0, v < 1 else { throw reader.error("clv.monthly_discount_rate = \(v): must be in [0, 1)") }
                config.clv.model.forecast.monthlyDiscountRate = v
            }
            if let v = try reader.string(c, "model", "clv") {
                guard let choice = RepeatPurchaseModelChoice(name: v) else {
                    throw reader.error("clv.model = \"\(v)\": use one of \(RepeatPurchaseModelChoice.names.joined(separator: ", "))")
                }
                config.clv.model.purchaseModel = choice
            }
            if let v = try reader.int(c, "interval_draws", "clv") {
                guard v == 0 || (v >= 2 && v <= 100_000) else { throw reader.error("clv.interval_draws = \(v): must be 0 (no intervals) or between 2 and 100000") }
                config.clv.model.intervals.draws = v
            }
            if let v = try reader.double(c, "interval_level", "clv") {
                guard v > 0, v < 1 else { throw reader.error("clv.interval_level = \(v): must be between 0 and 1 (e.g. 0.9)") }
                config.clv.model.intervals.level = v
            }
            if let v = try reader.int(c, "no_purchase_days", "clv") {
                guard v >= 0, v <= 36_500 else { throw reader.error("clv.no_purchase_days = \(v): must be 0 (no column) or between 1 and 36500") }
                config.clv.model.forecast.noPurchaseDays = v == 0 ? nil : v
            }
        }
        return config
    }

    /// The job file's text. A file that is missing or cannot be read is an input error (exit 66)
    /// that gives the system's reason; a file that is not UTF-8 is a job-file error (exit 64).
    func readText() throws(ConfigurationError) -> String {
        guard !path.utf8.contains(0) else { throw .jobFile(path: path, line: nil, column: nil, reason: "the job file's path holds a NUL byte") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableJobFile(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadableJobFile(path: path, errno: errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .unreadableJobFile(path: path, errno: EISDIR) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadableJobFile(path: path, errno: errno)
            }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .jobFile(path: path, line: nil, column: nil, reason: "the job file is not UTF-8 text")
        }
        return text
    }

    /// Stands for a NUL escape while TOMLKit parses (same escape length, so parse errors keep
    /// their columns). A file without NUL escapes is parsed as written.
    static let nulMark: Unicode.Scalar = "\u{FFFF}"

    /// `text` with every `\u0000` and `\U00000000` escape inside a basic string ("…" or """…""")
    /// replaced by `\uFFFF` / `\U0000FFFF`, and whether there was one. Literal strings ('…'),
    /// comments and escaped backslashes (`\\u0000` is text) are left alone.
    static func markingNULEscapes(_ text: String) -> (text: String, found: Bool) {
        var u = Array(text.utf8)
        let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")
        let newline = UInt8(ascii: "\n"), hash = UInt8(ascii: "#"), zero = UInt8(ascii: "0")
        func run(of byte: UInt8, at i: Int) -> Int {
            var n = 0
            while i + n < u.count, u[i + n] == byte { n += 1 }
            return n
        }
        func zeros(_ from: Int, _ count: Int) -> Bool {
            from + count <= u.count && u[from..<(from + count)].allSatisfy { $0 == zero }
        }
        var found = false
        var i = 0
        while i < u.count {
            let c = u[i]
            if c == hash {
                while i < u.count, u[i] != newline { i += 1 }
            } else if c == quote || c == apostrophe {
                let multiline = run(of: c, at: i) >= 3
                i += multiline ? 3 : 1
                while i < u.count {
                    if c == quote, u[i] == backslash, i + 1 < u.count {
                        if u[i + 1] == UInt8(ascii: "u"), zeros(i + 2, 4) {
                            u.replaceSubrange((i + 2)..<(i + 6), with: Array("FFFF".utf8)); found = true
                        } else if u[i + 1] == UInt8(ascii: "U"), zeros(i + 2, 8) {
                            u.replaceSubrange((i + 6)..<(i + 10), with: Array("FFFF".utf8)); found = true
                        }
                        i += 2
                    } else if u[i] == c {
                        let n = run(of: c, at: i)
                        if !multiline { i += 1; break }
                        if n >= 3 { i += n; break }
                        i += n
                    } else if !multiline, u[i] == newline {
                        break
                    } else {
                        i += 1
                    }
                }
            } else {
                i += 1
            }
        }
        return (found ? String(decoding: u, as: UTF8.self) : text, found)
    }

    /// Typed access to TOML values with errors that name the key.
    private struct Reader {
        let path: String
        let folder: String
        /// The text had NUL escapes, marked with `JobFile.nulMark`.
        let markedNUL: Bool

        func error(_ reason: String) -> ConfigurationError { .jobFile(path: path, line: nil, column: nil, reason: reason) }

        func allow(_ table: TOMLTable, keys: [String], in section: String) throws(ConfigurationError) {
            for key in table.keys where !keys.contains(key) {
                let name = section.isEmpty ? key : "\(section).\(key)"
                throw error("unknown key \"\(name)\"; known keys here: \(keys.joined(separator: ", "))")
            }
        }

        func table(_ t: TOMLTable, _ key: String) throws(ConfigurationError) -> TOMLTable? {
            guard let value = t[key] else { return nil }
            guard let table = value.table else { throw error("\"\(key)\" must be a table ([\(key)])") }
            return table
        }

        func string(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> String? {
            guard let value = t[key] else { return nil }
            guard let s = try text(value, "\(section).\(key)") else { throw error("\(section).\(key) must be a string") }
            return s
        }

        /// A string value, or nil for another type; a string that held a NUL byte is refused,
        /// naming `name` (no setting can hold one, and a path would be cut at it).
        func text(_ value: any TOMLValueConvertible, _ name: String) throws(ConfigurationError) -> String? {
            guard let s = value.string else { return nil }
            if markedNUL, s.unicodeScalars.contains(JobFile.nulMark) || s.utf8.contains(0) {
                throw error("\(name) holds a NUL byte (\\u0000); no setting, and no path, can contain one")
            }
            return s
        }

        func int(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> Int? {
            guard let value = t[key] else { return nil }
            guard let v = value.int else { throw error("\(section).\(key) must be an integer") }
            return v
        }

        /// A number; TOML's `nan`, `inf` and `-inf` are refused here, since no setting means them
        /// and a threshold of NaN would only fail once the report is written.
        func double(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> Double? {
            guard let value = t[key] else { return nil }
            guard let v = value.double ?? value.int.map(Double.init) else { throw error("\(section).\(key) must be a number") }
            guard v.isFinite else { throw error("\(section).\(key) = \(v): must be a finite number") }
            return v
        }

        /// A file or folder path: a string without NUL bytes (the system would cut the path at the
        /// first one and open another file).
        func path(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> String? {
            guard let p = try string(t, key, section) else { return nil }
            guard !p.utf8.contains(0) else { throw error("\(section).\(key) holds a NUL byte (\\u0000); a path cannot contain one") }
            return p
        }

        func bool(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> Bool? {
            guard let value = t[key] else { return nil }
            guard let v = value.bool else { throw error("\(section).\(key) must be true or false") }
            return v
        }

        func day(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> CalendarDay? {
            guard let value = t[key] else { return nil }
            if let d = value.date, let day = CalendarDay(year: d.year, month: d.month, day: d.day) { return day }
            if let s = value.string, let day = CalendarDay(iso: s) { return day }
            throw error("\(section).\(key) must be a date like 2026-01-31")
        }

        func range(_ t: TOMLTable, _ key: String, _ section: String) throws(ConfigurationError) -> ClosedRange<Double>? {
            guard let value = t[key] else { return nil }
            guard let a = value.array, a.count == 2,
                  let lo = a[0].double ?? a[0].int.map(Double.init), let hi = a[1].double ?? a[1].int.map(Double.init), lo < hi
            else { throw error("\(section).\(key) must be [low, high], e.g. [1, 5]") }
            guard lo.isFinite, hi.isFinite else { throw error("\(section).\(key) = [\(lo), \(hi)]: the bounds must be finite numbers, e.g. [1, 5]") }
            return lo...hi
        }

        func source(_ t: TOMLTable, existing: CSVSource?, section: String) throws(ConfigurationError) -> CSVSource {
            var source = existing ?? CSVSource(path: "")
            if let p = try path(t, "path", section) { source.path = resolve(p); source.database = nil }
            if let url = try string(t, "url", section) {
                guard t["path"] == nil else { throw error("\(section): give either path (a file) or url (PostgreSQL), not both") }
                let table = try string(t, "table", section), query = try string(t, "query", section)
                guard (table == nil) != (query == nil) else {
                    throw error("\(section).url needs exactly one of table = \"schema.table\" or query = \"SELECT …\"")
                }
                guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") || url.contains("=") else {
                    throw error("\(section).url = \"\(DatabaseSource.redacted(url))\": use a PostgreSQL URL such as \"postgresql://user@host/db\"")
                }
                let database = DatabaseSource(url: url, table: table, query: query)
                source.database = database
                source.path = database.displayName
            } else if t["table"] != nil || t["query"] != nil {
                throw error("\(section).table and \(section).query need \(section).url (a PostgreSQL connection)")
            }
            func parse<T>(_ key: String, _ value: String, _ parse: (String) throws(SourceFormat.Invalid) -> T) throws(ConfigurationError) -> T {
                do { return try parse(value) } catch { throw self.error("\(section).\(key) = \"\(value)\": \(error.advice)") }
            }
            if let d = try string(t, "delimiter", section) { source.dialect.delimiter = try parse("delimiter", d, SourceFormat.delimiter) }
            if let f = try string(t, "date_format", section) {
                do { source.dateFormat = try DateFormat(f) } catch { throw self.error("\(section).date_format: \(error.description)") }
            }
            if let d = try string(t, "decimal", section) { source.decimalSeparator = try parse("decimal", d, SourceFormat.decimal) }
            if let g = try string(t, "thousands", section) { source.thousandsSeparator = try parse("thousands", g, SourceFormat.thousands) }
            if let g = source.thousandsSeparator, g == source.decimalSeparator {
                throw error("\(section).thousands and \(section).decimal are both \"\(Character(Unicode.Scalar(g)))\": they must differ")
            }
            if let value = t["currency_symbol"] {
                let symbols = value.string.map { [$0] } ?? value.array?.compactMap(\.string) ?? []
                guard symbols.count == (value.array?.count ?? 1), (try? SourceFormat.currencySymbols(symbols)) != nil
                else { throw error("\(section).currency_symbol must be a symbol such as \"¥\" or a list such as [\"¥\", \"￥\"], without digits, signs or separators") }
                source.currencySymbols = symbols
            }
            if let e = try string(t, "encoding", section) { source.encoding = try parse("encoding", e, SourceFormat.encoding) }
            return source
        }

        func resolve(_ p: String) -> String {
            p.hasPrefix("/") || folder.isEmpty ? p : (folder.hasSuffix("/") ? folder + p : folder + "/" + p)
        }
    }
}

/// Parses a k range such as `2-8` (2 ≤ a < b).
public func parseKRange(_ text: String, option: String) throws(ConfigurationError) -> ClosedRange<Int> {
    let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let a = parts[0], let b = parts[1], a >= 2, b > a, b <= 1000 else {
        throw .invalid("\(option) \(text): use two whole numbers a-b with 2 ≤ a < b, e.g. 2-8")
    }
    return a...b
}
