@preconcurrency import CSQLite
import Foundation

/// The run history: a SQLite database that a nightly job appends each run to, so that the next
/// day can say which customers moved between segments.
///
/// Opening for writing creates the file if needed, switches it to WAL mode and migrates the
/// schema (`HistorySchema`). `record(_:)` inserts a whole run — the `runs` row, its inputs,
/// segment summaries and every customer snapshot — in one `BEGIN IMMEDIATE` transaction, so a
/// reader (another connection or process) sees either the run complete or not at all, and a
/// failure anywhere rolls the database back to what it was. Readers get one snapshot per call.
///
/// A `HistoryDatabase` is one connection: use it from one thread at a time.
///
/// ```swift
/// try HistoryDatabase(path: "history.db").record(HistoryRun(report: report, rfm: rfm, customers: index))
/// let migration = try HistoryDatabase(readingFrom: "history.db").migration()
/// ```
public final class HistoryDatabase {
    public let path: String
    let connection: SQLiteConnection

    /// How long a connection waits for another writer's lock before failing with `SQLITE_BUSY`.
    public static let busyTimeoutMilliseconds: Int32 = 30_000

    /// The stages of `record(_:)`, in order; the test hook runs after each one.
    enum RecordStage: String, CaseIterable, Sendable { case run, inputs, segments, customers }

    /// Called after each stage of `record(_:)` inside its transaction (tests force failures and
    /// read from other connections here). Not for production use.
    var afterStage: ((RecordStage) throws -> Void)?

    /// Opens (creating if needed) the history at `path` for recording: WAL mode, migrated to
    /// the current schema. Throws `.cannotCreate` when the file cannot be created or opened,
    /// `.newerSchema` when a newer clientele wrote it, `.sqlite` (SQLITE_NOTADB) for another file.
    public init(path: String) throws(HistoryError) {
        self.path = path
        do {
            connection = try SQLiteConnection(path: path, access: .readWriteCreate)
        } catch let HistoryError.sqlite(_, code, _, message, _) where code == SQLITE_CANTOPEN {
            throw .cannotCreate(path: path, reason: message)
        }
        sqlite3_busy_timeout(connection.handle, Self.busyTimeoutMilliseconds)
        // WAL: readers keep their snapshot while a run is written, and a commit is one append.
        // synchronous = FULL: a recorded run survives a power cut (one fsync per run).
        let mode = try connection.prepare("PRAGMA journal_mode = WAL")
        let journal = try mode.step() ? mode.string(0).lowercased() : ""
        mode.reset()
        if journal != "wal" {
            throw .cannotCreate(path: path, reason: "the file system does not support WAL mode (journal_mode is \(journal))")
        }
        try connection.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536")
        try migrate()
    }

    /// Opens an existing history read-only, for `clientele history`. Throws `.missingDatabase`
    /// when there is no file at `path`, `.newerSchema` when a newer clientele wrote it.
    public init(readingFrom path: String) throws(HistoryError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .missingDatabase(path: path) }
        connection = try SQLiteConnection(path: path, access: .readOnly)
        sqlite3_busy_timeout(connection.handle, Self.busyTimeoutMilliseconds)
        let version = try schemaVersion()
        if version > HistorySchema.currentVersion {
            throw .newerSchema(path: path, version: version, supported: HistorySchema.currentVersion)
        }
    }

    /// `PRAGMA user_version`: 0 for a new file, `HistorySchema.currentVersion` once migrated.
    public func schemaVersion() throws(HistoryError) -> Int {
        Int(try connection.integer("PRAGMA user_version") ?? 0)
    }

    /// Applies every migration newer than the file's version, each in its own write transaction
    /// (the version is re-read under the lock, so two processes migrating at once do it once).
    func migrate() throws(HistoryError) {
        let supported = HistorySchema.currentVersion
        if try schemaVersion() == supported { return }  // the usual case: no write lock needed
        for migration in HistorySchema.migrations {
            do {
                try connection.writeTransaction {
                    let version = try schemaVersion()
                    if version > supported { throw HistoryError.newerSchema(path: path, version: version, supported: supported) }
                    guard version == migration.version - 1 else { return }
                    try connection.execute(migration.sql)
                    try connection.execute("PRAGMA user_version = \(migration.version)")
                }
            } catch let error as HistoryError {
                throw error
            } catch {
                throw .invalidRun(reason: "migration \(migration.version): \(error)")  // unreachable: only HistoryError is thrown
            }
        }
    }

    // MARK: Recording

    /// Inserts `run` in one transaction and returns its id. On any error — SQLite's, an invalid
    /// run, `beforeCommit`'s, or the test hook's — the transaction is rolled back and the
    /// database is unchanged.
    ///
    /// `beforeCommit` runs after every row is inserted, just before `COMMIT`: the pipeline puts
    /// its report folder in place there, so a run lands in both the folder and the history or
    /// (short of `COMMIT` itself failing) in neither.
    ///
    /// - Complexity: one prepared statement per table, bound in a loop: O(customers) steps.
    @discardableResult
    public func record(_ run: HistoryRun, beforeCommit: () throws -> Void = {}) throws -> Int64 {
        try run.customers.validate()
        let recordedAt = ISO8601DateFormatter().string(from: Date())
        return try connection.writeTransaction {
            let runs = try connection.prepare("""
                INSERT INTO runs (recorded_at, started_at, as_of, tool_version, settings, customers, customers_in_transactions,
                                  orders, net_revenue, rows_read, rows_used, rows_rejected)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try runs.bind(recordedAt, at: 1)
            try runs.bind(run.startedAt, at: 2)
            try runs.bind(run.asOf.description, at: 3)
            try runs.bind(run.toolVersion, at: 4)
            try runs.bind(run.settingsJSON, at: 5)
            try runs.bind(run.counts.customers, at: 6)
            try runs.bind(run.counts.customersInTransactions, at: 7)
            try runs.bind(run.counts.orders, at: 8)
            try runs.bind(run.counts.netRevenue, at: 9)
            try runs.bind(run.inputs.reduce(0) { $0 + $1.rowsRead }, at: 10)
            try runs.bind(run.inputs.reduce(0) { $0 + $1.rowsUsed }, at: 11)
            try runs.bind(run.inputs.reduce(0) { $0 + $1.rowsRejected }, at: 12)
            try runs.run()
            let id = connection.lastInsertRowID
            try afterStage?(.run)

            let inputs = try connection.prepare("""
                INSERT INTO run_inputs (run_id, role, path, bytes, sha256, rows_read, rows_used, rows_rejected)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for file in run.inputs {
                try inputs.bind(id, at: 1)
                try inputs.bind(file.role, at: 2)
                try inputs.bind(file.path, at: 3)
                try inputs.bind(file.bytes, at: 4)
                try inputs.bind(file.sha256, at: 5)
                try inputs.bind(file.rowsRead, at: 6)
                try inputs.bind(file.rowsUsed, at: 7)
                try inputs.bind(file.rowsRejected, at: 8)
                try inputs.run()
            }
            try afterStage?(.inputs)

            let segments = try connection.prepare("""
                INSERT INTO segment_summaries (run_id, segment, position, customers, share, revenue, revenue_share,
                                               mean_recency_days, mean_frequency, mean_monetary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (position, s) in run.segments.enumerated() {
                try segments.bind(id, at: 1)
                try segments.bind(s.segment, at: 2)
                try segments.bind(position, at: 3)
                try segments.bind(s.customers, at: 4)
                try segments.bind(s.share, at: 5)
                try segments.bind(s.revenue, at: 6)
                try segments.bind(s.revenueShare, at: 7)
                try segments.bind(s.meanRecencyDays, at: 8)
                try segments.bind(s.meanFrequency, at: 9)
                try segments.bind(s.meanMonetary, at: 10)
                try segments.run()
            }
            try afterStage?(.segments)

            try insertSnapshots(run.customers, run: id)
            try afterStage?(.customers)
            try beforeCommit()
            return id
        }
    }

    /// One prepared INSERT, bound and stepped per customer; `run_id` is bound once.
    private func insertSnapshots(_ c: CustomerSnapshots, run id: Int64) throws {
        let insert = try connection.prepare("""
            INSERT INTO customer_snapshots (run_id, customer_id, segment, r_score, f_score, m_score, recency_days, frequency,
                                            monetary, cluster, predicted_clv, churn_probability)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind(id, at: 1)
        for column: Int32 in 10...12 { try insert.bindNull(at: column) }
        for row in 0..<c.count {
            try c.withKey(row) { try insert.bindText($0, at: 2) }
            try insert.bind(c.segmentNames[Int(c.segment[row])], at: 3)
            try insert.bind(Int64(c.r[row]), at: 4)
            try insert.bind(Int64(c.f[row]), at: 5)
            try insert.bind(Int64(c.m[row]), at: 6)
            try insert.bind(Int64(c.recencyDays[row]), at: 7)
            try insert.bind(Int64(c.frequency[row]), at: 8)
            try insert.bind(Double(c.monetaryCents[row]) / 100, at: 9)
            if let cluster = c.cluster {
                if cluster[row] >= 0 { try insert.bind(Int64(cluster[row]), at: 10) } else { try insert.bindNull(at: 10) }
            }
            if let clv = c.predictedCLV { try insert.bind(clv[row], at: 11) }
            if let p = c.churnProbability { try insert.bind(p[row], at: 12) }
            try insert.run()
        }
    }

    // MARK: Reading

    /// Every recorded run, oldest first (by id, the order they were recorded in).
    public func runs() throws(HistoryError) -> [HistoryRunInfo] {
        try connection.readTransaction { () throws(HistoryError) in try runsUnlocked() }
    }

    /// `runs()` without its own transaction; call inside one.
    func runsUnlocked() throws(HistoryError) -> [HistoryRunInfo] {
        guard try schemaVersion() >= 1 else { return [] }
        let statement = try connection.prepare("SELECT id, recorded_at, started_at, as_of, tool_version, customers FROM runs ORDER BY id")
        var runs: [HistoryRunInfo] = []
        while try statement.step() {
            runs.append(HistoryRunInfo(id: statement.int64(0), recordedAt: statement.string(1), startedAt: statement.string(2),
                                       asOf: statement.string(3), toolVersion: statement.string(4), customers: statement.int(5)))
        }
        return runs
    }

    /// Number of customer snapshot rows of run `id` (0 for an unknown run).
    public func snapshotCount(run id: Int64) throws(HistoryError) -> Int {
        let statement = try connection.prepare("SELECT count(*) FROM customer_snapshots WHERE run_id = ?")
        try statement.bind(id, at: 1)
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : 0
    }
}

/// One recorded run, as listed by `HistoryDatabase.runs()`.
public struct HistoryRunInfo: Sendable, Equatable, Codable {
    public var id: Int64
    /// When the run was written into the history (ISO 8601, UTC).
    public var recordedAt: String
    public var startedAt: String
    public var asOf: String
    public var toolVersion: String
    /// Scored customers (snapshot rows).
    public var customers: Int
}
