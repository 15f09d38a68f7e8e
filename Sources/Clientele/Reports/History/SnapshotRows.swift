/// One run's customers as the segment migration's merge join reads them: a cursor over rows in
/// customer_id byte order, either a recorded run's snapshot (`StoredSnapshotRows`, from SQLite) or
/// the run being written (`CustomerSnapshots.Rows`, before it is recorded).
protocol SnapshotRows {
    /// False once past the last row.
    var hasRow: Bool { get }
    mutating func advance() throws(HistoryError)
    func withID<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R
    func withSegment<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R
    var customerID: String { get }
    /// In currency units, as recorded.
    var monetary: Double { get }
    var recencyDays: Int { get }
    /// Nil when not computed (NULL in the history, NaN in memory).
    var predictedCLV: Double? { get }
    var churnProbability: Double? { get }
}

/// A recorded run's rows: `SELECT customer_id, segment, monetary, recency_days, predicted_clv,
/// churn_probability … ORDER BY customer_id` (SQLite's BINARY collation: byte order).
struct StoredSnapshotRows: SnapshotRows {
    static let query = "SELECT customer_id, segment, monetary, recency_days, predicted_clv, churn_probability FROM customer_snapshots WHERE run_id = ? ORDER BY customer_id"
    let statement: SQLiteStatement
    private(set) var hasRow: Bool

    init(_ statement: SQLiteStatement) throws(HistoryError) {
        self.statement = statement
        hasRow = try statement.step()
    }

    mutating func advance() throws(HistoryError) { hasRow = try statement.step() }
    func withID<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { statement.withText(0, body) }
    func withSegment<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { statement.withText(1, body) }
    var customerID: String { statement.string(0) }
    var monetary: Double { statement.double(2) }
    var recencyDays: Int { statement.int(3) }
    var predictedCLV: Double? { statement.optionalDouble(4) }
    var churnProbability: Double? { statement.optionalDouble(5) }
}

extension CustomerSnapshots {
    /// The rows as the history would record them (monetary in units, NaN as nil), in their order,
    /// which is customer_id byte order for the snapshots of a run (`init(rfm:customers:)`).
    struct Rows: SnapshotRows {
        let snapshots: CustomerSnapshots
        private let segmentBytes: [[UInt8]]
        private var row = 0

        init(_ snapshots: CustomerSnapshots) {
            self.snapshots = snapshots
            segmentBytes = snapshots.segmentNames.map { Array($0.utf8) }
        }

        var hasRow: Bool { row < snapshots.count }
        mutating func advance() throws(HistoryError) { row += 1 }
        func withID<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { snapshots.withKey(row, body) }
        func withSegment<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
            segmentBytes[Int(snapshots.segment[row])].withUnsafeBytes(body)
        }
        var customerID: String { snapshots.customerID(row) }
        var monetary: Double { Double(snapshots.monetaryCents[row]) / 100 }
        var recencyDays: Int { Int(snapshots.recencyDays[row]) }
        var predictedCLV: Double? { snapshots.predictedCLV.flatMap { $0[row].isNaN ? nil : $0[row] } }
        var churnProbability: Double? { snapshots.churnProbability.flatMap { $0[row].isNaN ? nil : $0[row] } }
    }
}
