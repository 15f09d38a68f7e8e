@preconcurrency import CSQLite
import Foundation
import ClienteleSupport

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
    package let connection: SQLiteConnection

    /// How long a connection waits for another writer's lock before failing with `SQLITE_BUSY`.
    public static let busyTimeoutMilliseconds: Int32 = 30_000

    /// The stages of `record(_:)`, in order; the test hook runs after each one (`landed`: after
    /// the report folder is in place, before the run is marked complete; only with a landing).
    package enum RecordStage: String, CaseIterable, Sendable { case run, inputs, segments, customers, landed }

    /// Called after each stage of `record(_:)` inside its transaction (tests force failures and
    /// read from other connections here). Not for production use.
    package var afterStage: ((RecordStage) throws -> Void)?

    /// Opens (creating if needed) the history at `path` for recording: WAL mode, migrated to
    /// the current schema. Throws `.cannotCreate` when the file cannot be created or opened,
    /// `.newerSchema` when a newer clientele wrote it, `.notAHistory` for a file that is not a history.
    public init(path: String) throws(HistoryError) {
        self.path = path
        do {
            connection = try SQLiteConnection(path: path, access: .readWriteCreate)
        } catch let HistoryError.sqlite(_, code, _, message, _) where code == SQLITE_CANTOPEN {
            throw .cannotCreate(path: path, reason: message)
        }
        do {
            try prepareForRecording()
        } catch let HistoryError.sqlite(_, code, _, message, _) where code == SQLITE_CANTOPEN {
            // The history is an output: a -wal or -shm file that cannot be created is exit 73, not 66.
            throw .cannotCreate(path: path, reason: message)
        } catch let HistoryError.sqlite(_, code, _, _, _) where code == SQLITE_NOTADB {
            throw .notAHistory(path: path, tables: [])
        }
    }

    /// Checks the file is a history (or empty), switches it to WAL and migrates it.
    private func prepareForRecording() throws(HistoryError) {
        sqlite3_busy_timeout(connection.handle, Self.busyTimeoutMilliseconds)
        try checkOwnership()  // before WAL or any table touches another application's file
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
        try checkOwnership()
        let version = try schemaVersion()
        if version > HistorySchema.currentVersion {
            throw .newerSchema(path: path, version: version, supported: HistorySchema.currentVersion)
        }
    }

    /// Throws `.notAHistory` unless the file is empty, carries `HistorySchema.applicationID`, or
    /// is a version-1 history (written before the application id): Clientele never adds its
    /// tables to, or switches the journal mode of, another application's database.
    package func checkOwnership() throws(HistoryError) {
        let tables = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        var names: [String] = []
        while try tables.step() { names.append(tables.string(0)) }
        tables.reset()
        if names.isEmpty { return }
        if try connection.integer("PRAGMA application_id") == Int64(HistorySchema.applicationID) { return }
        let history: Set<String> = ["runs", "run_inputs", "segment_summaries", "customer_snapshots"]
        if try schemaVersion() == 1, history.isSubset(of: Set(names)) { return }
        throw .notAHistory(path: path, tables: names.filter { $0 != "sqlite_sequence" })
    }

    /// `PRAGMA user_version`: 0 for a new file, `HistorySchema.currentVersion` once migrated.
    public func schemaVersion() throws(HistoryError) -> Int {
        Int(try connection.integer("PRAGMA user_version") ?? 0)
    }

    /// Applies every migration newer than the file's version, each in its own write transaction
    /// (the version is re-read under the lock, so two processes migrating at once do it once).
    package func migrate() throws(HistoryError) {
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

    /// How a run's report folder is put in place, for `record(_:landing:)`.
    public struct ReportLanding {
        /// The token in the staged folder's `.clientele-report` marker.
        public var token: String
        /// The folder the report is put in place at.
        public var folder: String
        /// Puts the staged folder in place (an atomic rename).
        public var land: () throws -> Void

        public init(token: String, folder: String, land: @escaping () throws -> Void) {
            self.token = token
            self.folder = folder
            self.land = land
        }
    }

    /// Records `run` and returns its id. Without `landing`, the run is inserted complete in one
    /// transaction: on any error the database is unchanged.
    ///
    /// With `landing`, the report folder and the history land together or not at all:
    /// 1. pending runs of killed or failed earlier recordings are settled (`settlePendingRuns`);
    /// 2. the run is inserted and committed as `pending` with the folder's token — if this fails
    ///    (disk full at COMMIT), nothing landed and the previous report stays;
    /// 3. `landing.land()` puts the folder in place — if it fails, the pending run is deleted
    ///    (and would not count even if that failed: its token is not in the folder in place);
    /// 4. the run is marked `complete`. Should the process die before that, the run still counts,
    ///    because the folder in place carries its token.
    ///
    /// - Complexity: one prepared statement per table, bound in a loop: O(customers) steps.
    @discardableResult
    public func record(_ run: HistoryRun, landing: ReportLanding? = nil) throws -> Int64 {
        try run.customers.validate()
        if let landing { try settlePendingRuns(folder: landing.folder) }
        let id = try insert(run, landing: landing)
        guard let landing else { return id }
        do {
            try landing.land()
        } catch {
            try? connection.execute("DELETE FROM runs WHERE id = \(id)")
            throw error
        }
        try afterStage?(.landed)
        // If this update fails the run still counts: the folder in place carries its token.
        try? connection.execute("UPDATE runs SET state = 'complete' WHERE id = \(id)")
        return id
    }

    /// Completes each pending run of the report folder `folder` whose marker carries its token
    /// (the process died after the folder swap) and deletes the others (it died, or the swap
    /// failed, before). Only runs of this folder: a run into another folder that shares the
    /// history may still be in progress, and its pending row must not be judged by a folder it
    /// has not swapped in yet.
    public func settlePendingRuns(folder: String) throws {
        let resolved = OutputFolder.resolve(folder)
        try connection.writeTransaction {
            let pending = try connection.prepare("SELECT id, report_token, report_folder FROM runs WHERE state = 'pending' AND report_folder = ?")
            try pending.bind(resolved, at: 1)
            var landed: [Int64] = [], lost: [Int64] = []
            while try pending.step() {
                let token = pending.optionalString(1), folder = pending.optionalString(2)
                if let token, let folder, ReportMarker.token(inFolder: folder) == token {
                    landed.append(pending.int64(0))
                } else {
                    lost.append(pending.int64(0))
                }
            }
            pending.reset()
            for id in landed { try connection.execute("UPDATE runs SET state = 'complete' WHERE id = \(id)") }
            for id in lost { try connection.execute("DELETE FROM runs WHERE id = \(id)") }
        }
    }

    /// Inserts the run's rows in one transaction: `pending` with the landing's token, or `complete`.
    private func insert(_ run: HistoryRun, landing: ReportLanding?) throws -> Int64 {
        let recordedAt = ISO8601DateFormatter().string(from: Date())
        return try connection.writeTransaction {
            let runs = try connection.prepare("""
                INSERT INTO runs (recorded_at, started_at, as_of, tool_version, settings, customers, customers_in_transactions,
                                  orders, net_revenue, rows_read, rows_used, rows_rejected, report_token, report_folder, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
            try runs.bind(landing?.token, at: 13)
            try runs.bind(landing.map { OutputFolder.resolve($0.folder) }, at: 14)
            try runs.bind(landing == nil ? "complete" : "pending", at: 15)
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
    package func runsUnlocked() throws(HistoryError) -> [HistoryRunInfo] {
        let version = try schemaVersion()
        guard version >= 1 else { return [] }
        let landing = version >= 2 ? ", state, report_token, report_folder" : ""
        let statement = try connection.prepare("SELECT id, recorded_at, started_at, as_of, tool_version, customers\(landing) FROM runs ORDER BY id")
        var runs: [HistoryRunInfo] = []
        while try statement.step() {
            // A pending run counts only when the folder in place carries its token (see `record`).
            if version >= 2, statement.string(6) == "pending" {
                guard let token = statement.optionalString(7), let folder = statement.optionalString(8),
                      ReportMarker.token(inFolder: folder) == token else { continue }
            }
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
