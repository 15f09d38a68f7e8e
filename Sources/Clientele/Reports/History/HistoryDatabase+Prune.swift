@preconcurrency import CSQLite

/// What `HistoryDatabase.prune(keep:)` removed and kept.
public struct HistoryPruneResult: Sendable, Equatable, Codable {
    /// Ids of the runs deleted, oldest first.
    public var deleted: [Int64]
    /// Ids of the complete runs kept, oldest first.
    public var kept: [Int64]
    /// Customer snapshot rows deleted with the runs.
    public var snapshotsDeleted: Int
}

extension HistoryDatabase {
    /// Deletes every complete run but the `keep` most recent (by id, the order they were
    /// recorded in), with their inputs, segment summaries and customer snapshots, in one write
    /// transaction: a reader sees the history before or after, never between. Pending runs (a
    /// recording in progress, or one whose folder swap is not settled) are left to `record`.
    /// The freed pages are reused by later runs, so a nightly history pruned to N runs stops
    /// growing; `vacuum` also gives them back to the file system (rewrites the file).
    public func prune(keep: Int, vacuum: Bool = false) throws -> HistoryPruneResult {
        precondition(keep >= 1, "keep \(keep) must be at least 1")
        let result = try connection.writeTransaction { () throws -> HistoryPruneResult in
            let select = try connection.prepare("SELECT id FROM runs WHERE state = 'complete' ORDER BY id")
            var complete: [Int64] = []
            while try select.step() { complete.append(select.int64(0)) }
            select.reset()
            let cut = max(0, complete.count - keep)
            let deleted = Array(complete[..<cut])
            var snapshots = 0
            for id in deleted {
                snapshots += try snapshotCount(run: id)
                // Children first, explicitly: histories written before foreign keys were enforced
                // on every connection still lose nothing but the run's own rows.
                for table in ["customer_snapshots", "segment_summaries", "run_inputs"] {
                    try connection.execute("DELETE FROM \(table) WHERE run_id = \(id)")
                }
                try connection.execute("DELETE FROM runs WHERE id = \(id)")
            }
            return HistoryPruneResult(deleted: deleted, kept: Array(complete[cut...]), snapshotsDeleted: snapshots)
        }
        if vacuum, !result.deleted.isEmpty {
            try connection.execute("VACUUM")
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return result
    }
}
