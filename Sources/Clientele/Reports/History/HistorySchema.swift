/// The history database's schema, versioned with `PRAGMA user_version`.
///
/// `migrations[k]` takes a database from version k to k + 1; an empty or new file is version 0.
/// Each migration runs in its own `BEGIN IMMEDIATE` transaction together with the new
/// `user_version`, so a database is always at exactly one version. Never edit a released
/// migration: append a new one.
///
/// Version 1:
/// - `runs`: one row per recorded run (id, when it was recorded and started, as-of, the
///   settings as JSON, tool version, counts);
/// - `run_inputs`: each input file's path, size, SHA-256 and row accounting;
/// - `segment_summaries`: `segments.csv` of the run, in report order;
/// - `customer_snapshots`: one row per scored customer: segment, R/F/M scores and values, and
///   the optional kernel outputs (cluster, predicted CLV, churn probability; NULL when the
///   kernel did not run or had no value for the customer). Keyed by (run_id, customer_id)
///   without a rowid, so a run's customers are stored contiguously in customer_id order and a
///   run's rows are appended in key order.
///
/// Version 2 ties each run to the report folder it wrote, so that the two land together:
/// - `runs.report_token`, `runs.report_folder`: the token of the `.clientele-report` marker that
///   the run staged, and the folder it put in place (NULL for runs recorded before version 2);
/// - `runs.state`: `pending` from the run's insert until its report folder is in place, then
///   `complete`. A pending run counts only while the marker of its folder carries its token
///   (the folder swap happened, the final update did not); the next recording deletes pending
///   runs whose folder does not carry their token and completes the others.
/// - the file's `application_id` is set to `HistorySchema.applicationID`, so that another
///   application's SQLite file is never mistaken for a history.
package enum HistorySchema {
    /// `PRAGMA application_id` of a history database: "CLNT" in ASCII.
    package static let applicationID: Int32 = 0x434C_4E54

    package struct Migration: Sendable {
        /// The version the database has after this migration.
        package var version: Int
        package var name: String
        package var sql: String
    }

    package static let migrations: [Migration] = [
        Migration(version: 1, name: "runs, inputs, segment summaries and customer snapshots", sql: """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                recorded_at TEXT NOT NULL,
                started_at TEXT NOT NULL,
                as_of TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                settings TEXT NOT NULL CHECK (json_valid(settings)),
                customers INTEGER NOT NULL,
                customers_in_transactions INTEGER NOT NULL,
                orders INTEGER NOT NULL,
                net_revenue REAL NOT NULL,
                rows_read INTEGER NOT NULL,
                rows_used INTEGER NOT NULL,
                rows_rejected INTEGER NOT NULL
            );
            CREATE TABLE run_inputs (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                path TEXT NOT NULL,
                bytes INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                rows_read INTEGER NOT NULL,
                rows_used INTEGER NOT NULL,
                rows_rejected INTEGER NOT NULL,
                PRIMARY KEY (run_id, role)
            ) WITHOUT ROWID;
            CREATE TABLE segment_summaries (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                segment TEXT NOT NULL,
                position INTEGER NOT NULL,
                customers INTEGER NOT NULL,
                share REAL NOT NULL,
                revenue REAL NOT NULL,
                revenue_share REAL,
                mean_recency_days REAL,
                mean_frequency REAL,
                mean_monetary REAL,
                PRIMARY KEY (run_id, segment)
            ) WITHOUT ROWID;
            CREATE TABLE customer_snapshots (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                customer_id TEXT NOT NULL,
                segment TEXT NOT NULL,
                r_score INTEGER NOT NULL,
                f_score INTEGER NOT NULL,
                m_score INTEGER NOT NULL,
                recency_days INTEGER NOT NULL,
                frequency INTEGER NOT NULL,
                monetary REAL NOT NULL,
                cluster INTEGER,
                predicted_clv REAL,
                churn_probability REAL,
                PRIMARY KEY (run_id, customer_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 2, name: "runs tied to their report folder: report_token, report_folder, state", sql: """
            ALTER TABLE runs ADD COLUMN report_token TEXT;
            ALTER TABLE runs ADD COLUMN report_folder TEXT;
            ALTER TABLE runs ADD COLUMN state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN ('pending', 'complete'));
            PRAGMA application_id = 1129074260;
            """),
    ]

    /// The version a fully migrated database has.
    package static var currentVersion: Int { migrations.last?.version ?? 0 }
}
