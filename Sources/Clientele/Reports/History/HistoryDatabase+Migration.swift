@preconcurrency import CSQLite
import ClienteleStore

extension HistoryDatabase {
    /// The segment migration from run `previous` to run `run`, read in one snapshot.
    ///
    /// Defaults: `run` is the latest run; `previous` is the latest run recorded before `run`
    /// (so with neither given: the last two runs). Throws `.unknownRun` for an id not in the
    /// history, `.sameRun` when both name one run, `.notEnoughRuns` when there is nothing to
    /// compare.
    ///
    /// - Complexity: one merge of the two runs' snapshots, both read in customer_id order from
    ///   the primary key: O(n₁ + n₂) rows, no sort, no per-row allocation.
    public func migration(run: Int64? = nil, previous: Int64? = nil,
                          valuable: [String] = SegmentMigration.valuableSegments,
                          atRisk: [String] = SegmentMigration.atRiskSegments) throws(HistoryError) -> SegmentMigration {
        try connection.readTransaction { () throws(HistoryError) in
            let runs = try runsUnlocked()
            let ids = runs.map(\.id)
            func find(_ id: Int64) throws(HistoryError) -> HistoryRunInfo {
                guard let info = runs.first(where: { $0.id == id }) else { throw .unknownRun(path: path, id: id, known: ids) }
                return info
            }
            let chosenCurrent = try run.map { id throws(HistoryError) in try find(id) }
            let chosenPrevious = try previous.map { id throws(HistoryError) in try find(id) }
            guard runs.count >= 2 else { throw .notEnoughRuns(path: path, runs: runs.count) }
            let current = chosenCurrent ?? runs.last!
            let prior: HistoryRunInfo
            if let chosenPrevious {
                prior = chosenPrevious
            } else if let earlier = runs.last(where: { $0.id < current.id }) {
                prior = earlier
            } else {
                throw .notEnoughRuns(path: path, runs: 1)  // `--run` names the first run: nothing before it
            }
            if prior.id == current.id { throw .sameRun(path: path, id: current.id) }
            return try merge(previous: prior, current: current, valuable: valuable, atRisk: atRisk)
        }
    }

    /// Segment names of `run` in report order (from its segment summaries).
    private func reportOrder(run: Int64) throws(HistoryError) -> [String] {
        let statement = try connection.prepare("SELECT segment FROM segment_summaries WHERE run_id = ? ORDER BY position")
        try statement.bind(run, at: 1)
        var names: [String] = []
        while try statement.step() { names.append(statement.string(0)) }
        return names
    }

    /// The segment migration from the latest recorded run to `current`, the run being written
    /// (not recorded yet; its id in the result is 0), or nil when the history has no run.
    /// - Complexity: one merge of the stored snapshot, read in customer_id order, with the
    ///   current rows: O(n₁ + n₂), no per-customer `String` or dictionary.
    public func migration(fromLatestTo current: HistoryRun, valuable: [String] = SegmentMigration.valuableSegments,
                          atRisk: [String] = SegmentMigration.atRiskSegments) throws(HistoryError) -> SegmentMigration? {
        try connection.readTransaction { () throws(HistoryError) in
            guard let previous = try runsUnlocked().last else { return nil }
            let info = HistoryRunInfo(id: 0, recordedAt: "", startedAt: current.startedAt, asOf: current.asOf.description,
                                      toolVersion: current.toolVersion, customers: current.customers.count)
            let old = try connection.prepare(StoredSnapshotRows.query)
            try old.bind(previous.id, at: 1)
            return try merge(previous: previous, StoredSnapshotRows(old), current: info, CustomerSnapshots.Rows(current.customers),
                             currentOrder: current.segments.map(\.segment), valuable: valuable, atRisk: atRisk)
        }
    }

    /// The migration between two recorded runs: both snapshots read in customer_id order.
    private func merge(previous: HistoryRunInfo, current: HistoryRunInfo, valuable: [String], atRisk: [String]) throws(HistoryError) -> SegmentMigration {
        let old = try connection.prepare(StoredSnapshotRows.query), new = try connection.prepare(StoredSnapshotRows.query)
        try old.bind(previous.id, at: 1)
        try new.bind(current.id, at: 1)
        return try merge(previous: previous, StoredSnapshotRows(old), current: current, StoredSnapshotRows(new),
                         currentOrder: reportOrder(run: current.id), valuable: valuable, atRisk: atRisk)
    }

    /// Walks both runs' rows in customer_id order at once (a merge join). Segments are labelled
    /// in the current run's report order (`currentOrder`), then the previous run's, then as met.
    private func merge(previous: HistoryRunInfo, _ old: some SnapshotRows, current: HistoryRunInfo, _ new: some SnapshotRows,
                       currentOrder: [String], valuable: [String], atRisk: [String]) throws(HistoryError) -> SegmentMigration {
        var old = old, new = new
        var labels = SegmentLabels(valuable: Set(valuable), atRisk: Set(atRisk))
        for name in try currentOrder + reportOrder(run: previous.id) { _ = labels.index(of: name) }
        var tally = MigrationTally(labels: labels.names.count)
        var movers: [SegmentMigration.Mover] = []
        while old.hasRow || new.hasRow {
            let order: Int32
            if old.hasRow && new.hasRow {
                order = old.withID { a in new.withID { b in compareBytes(a, b) } }
            } else {
                order = old.hasRow ? -1 : 1
            }
            if order < 0 {
                tally.addGone(old.withSegment { labels.index(of: $0) })
                try old.advance()
            } else if order > 0 {
                tally.addNew(new.withSegment { labels.index(of: $0) })
                try new.advance()
            } else {
                let a = old.withSegment { labels.index(of: $0) }, b = new.withSegment { labels.index(of: $0) }
                tally.addMoved(a, b)
                if a != b && labels.isValuable[a] && labels.isAtRisk[b] {
                    movers.append(.init(customerID: new.customerID, previousSegment: labels.names[a], currentSegment: labels.names[b],
                                        previousMonetary: old.monetary, monetary: new.monetary, recencyDays: new.recencyDays,
                                        predictedCLV: new.predictedCLV, churnProbability: new.churnProbability))
                }
                try old.advance()
                try new.advance()
            }
        }
        let k = labels.names.count
        let counts = (0..<k).map { i in (0..<k).map { j in tally.count(i, j) } }
        return SegmentMigration(previous: previous, current: current, segments: labels.names, counts: counts,
                                newCustomers: (0..<k).map { tally.arrived[safe: $0] }, goneCustomers: (0..<k).map { tally.left[safe: $0] },
                                valuableSegments: valuable, atRiskSegments: atRisk, valuableToAtRisk: movers)
    }
}

/// Segment names seen so far, looked up by their bytes without making a `String` per row.
private struct SegmentLabels {
    let valuable: Set<String>
    let atRisk: Set<String>
    var names: [String] = []
    var bytes: [[UInt8]] = []
    /// Per name: in `valuable`, in `atRisk`.
    var isValuable: [Bool] = []
    var isAtRisk: [Bool] = []

    init(valuable: Set<String>, atRisk: Set<String>) {
        self.valuable = valuable
        self.atRisk = atRisk
    }

    mutating func index(of name: String) -> Int {
        var name = name
        return name.withUTF8 { index(of: UnsafeRawBufferPointer($0)) }
    }

    /// Linear search: a segment map has about ten names, and the last hit is usually the next.
    mutating func index(of text: UnsafeRawBufferPointer) -> Int {
        for (k, b) in bytes.enumerated() where b.count == text.count {
            if b.withUnsafeBytes({ compareBytes($0, text) }) == 0 { return k }
        }
        let name = String(decoding: text, as: UTF8.self)
        bytes.append(Array(text))
        names.append(name)
        isValuable.append(valuable.contains(name))
        isAtRisk.append(atRisk.contains(name))
        return names.count - 1
    }
}

/// Counts of the merge on a dense grid that grows when a segment name appears mid-merge.
private struct MigrationTally {
    private(set) var size: Int
    private var grid: [Int]
    private(set) var arrived: [Int]
    private(set) var left: [Int]

    init(labels: Int) {
        size = max(16, labels)
        grid = [Int](repeating: 0, count: size * size)
        arrived = [Int](repeating: 0, count: size)
        left = [Int](repeating: 0, count: size)
    }

    private mutating func fit(_ k: Int) {
        guard k >= size else { return }
        let bigger = max(2 * size, k + 1)
        var g = [Int](repeating: 0, count: bigger * bigger)
        for i in 0..<size { for j in 0..<size { g[i * bigger + j] = grid[i * size + j] } }
        grid = g
        arrived += [Int](repeating: 0, count: bigger - size)
        left += [Int](repeating: 0, count: bigger - size)
        size = bigger
    }

    @inline(__always) mutating func addMoved(_ a: Int, _ b: Int) { fit(max(a, b)); grid[a * size + b] += 1 }
    @inline(__always) mutating func addNew(_ b: Int) { fit(b); arrived[b] += 1 }
    @inline(__always) mutating func addGone(_ a: Int) { fit(a); left[a] += 1 }
    func count(_ a: Int, _ b: Int) -> Int { a < size && b < size ? grid[a * size + b] : 0 }
}

private extension Array where Element == Int {
    subscript(safe k: Int) -> Int { k < count ? self[k] : 0 }
}
