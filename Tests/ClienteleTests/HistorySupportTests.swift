import Foundation
import Testing
@testable import Clientele

// Helpers for the History* suites: hand-made runs with known segments, a content dump of a
// history database, and scratch database paths. Names start with `history` so they never
// collide with other suites' helpers in this module.

/// A scratch folder for one test's databases, removed by `remove()`.
struct HistoryFolder {
    let path: String

    init(_ label: String = #function) throws {
        let name = "clientele-history-" + label.filter { $0.isLetter || $0.isNumber }.prefix(40) + "-" + UUID().uuidString.prefix(8)
        path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func join(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func withHistoryFolder<T>(_ label: String = #function, _ body: (HistoryFolder) throws -> T) throws -> T {
    let folder = try HistoryFolder(label)
    defer { folder.remove() }
    return try body(folder)
}

/// Snapshot rows for (customer_id, segment) pairs; scores and values are derived from the
/// position so that every column holds something checkable.
func historySnapshots(_ rows: [(String, String)], predictedCLV: [Double]? = nil, churn: [Double]? = nil,
                      cluster: [Int32]? = nil) throws -> CustomerSnapshots {
    let n = rows.count
    return try CustomerSnapshots(
        customerIDs: rows.map(\.0), segments: rows.map(\.1),
        r: (0..<n).map { UInt8(1 + $0 % 5) }, f: (0..<n).map { UInt8(1 + ($0 / 5) % 5) }, m: (0..<n).map { UInt8(1 + ($0 / 25) % 5) },
        recencyDays: (0..<n).map { Int32(3 * $0 + 1) }, frequency: (0..<n).map { Int32(1 + $0 % 7) },
        monetaryCents: (0..<n).map { Int64(1000 + 137 * $0) },
        cluster: cluster, predictedCLV: predictedCLV, churnProbability: churn)
}

/// A whole run of `rows`, with segment summaries in the standard map's report order.
func historyRun(asOf: String, _ rows: [(String, String)], snapshots: CustomerSnapshots? = nil) throws -> HistoryRun {
    let customers = try snapshots ?? historySnapshots(rows)
    var sizes: [String: Int] = [:]
    for (_, s) in rows { sizes[s, default: 0] += 1 }
    let names = SegmentMap.standard.names + sizes.keys.filter { !SegmentMap.standard.names.contains($0) }.sorted()
    let segments = names.map { name in
        RunReport.Segment(segment: name, customers: sizes[name] ?? 0, share: Double(sizes[name] ?? 0) / Double(max(1, rows.count)),
                          revenue: 0, revenueShare: nil, meanRecencyDays: nil, meanFrequency: nil, meanMonetary: nil)
    }
    return HistoryRun(startedAt: "\(asOf)T02:00:00Z", asOf: CalendarDay(iso: asOf)!, settingsJSON: #"{"as_of":"\#(asOf)"}"#,
                      inputs: [.init(role: "transactions", path: "/exports/transactions-\(asOf).csv", bytes: 1234,
                                     sha256: String(repeating: "ab", count: 32), rowsRead: 10, rowsUsed: 9, rowsRejected: 1)],
                      counts: .init(customers: rows.count, customersInTransactions: rows.count, orders: 2 * rows.count, netRevenue: 99.5),
                      segments: segments, customers: customers)
}

/// `n` customers `c0000001…`, segments cycling through the standard map.
func historyRows(_ n: Int, shift: Int = 0) -> [(String, String)] {
    let names = SegmentMap.standard.names
    return (0..<n).map { k in (String(format: "c%07d", k + 1), names[(k * 7 + shift) % names.count]) }
}

/// Every row of every table (sqlite_sequence included) and the schema version, as text lines:
/// equal dumps mean equal database content.
func historyDump(_ path: String) throws -> [String] {
    let connection = try SQLiteConnection(path: path, access: .readOnly)
    var lines = ["user_version=\(try connection.integer("PRAGMA user_version") ?? -1)"]
    let tables = try connection.prepare("SELECT name, sql FROM sqlite_master ORDER BY type, name")
    var names: [String] = []
    while try tables.step() {
        lines.append("schema \(tables.string(0)): \(tables.text(1) ?? "")")
        if tables.string(1).isEmpty == false, (tables.text(1) ?? "").hasPrefix("CREATE TABLE") { names.append(tables.string(0)) }
    }
    for name in names {
        let rows = try connection.prepare("SELECT * FROM \"\(name)\"")
        var table: [String] = []
        while try rows.step() {
            table.append(name + ": " + (0..<rows.columnCount).map { rows.text($0) ?? "NULL" }.joined(separator: "|"))
        }
        lines += table.sorted()
    }
    return lines
}

/// Runs `sql` on a fresh connection to `path` (for setting up odd databases).
func historyExecute(_ path: String, _ sql: String) throws {
    try SQLiteConnection(path: path, access: .readWriteCreate).execute(sql)
}

@Suite("History test support")
struct HistorySupportTests {
    @Test("the dump changes when one value in one row changes")
    func dumpSeesOneValue() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            try HistoryDatabase(path: path).record(historyRun(asOf: "2024-01-01", historyRows(20)))
            let before = try historyDump(path)
            try historyExecute(path, "UPDATE customer_snapshots SET segment = 'Champions' WHERE customer_id = 'c0000002'")
            let after = try historyDump(path)
            #expect(before != after)
            #expect(before.count == after.count)
            #expect(before.contains { $0.hasPrefix("customer_snapshots: ") })
        }
    }

    @Test("synthetic rows cycle through every standard segment")
    func rowsCycle() {
        let rows = historyRows(30)
        #expect(Set(rows.map(\.1)) == Set(SegmentMap.standard.names))
        #expect(Set(rows.map(\.0)).count == 30)
    }
}
