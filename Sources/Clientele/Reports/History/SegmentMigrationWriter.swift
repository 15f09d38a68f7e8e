import Foundation
import ClienteleStore

/// Renders a `SegmentMigration` for `clientele history`: a terminal table, CSV, or JSON.
///
/// - text: the matrix with numbered columns (row k is segment k; columns carry the same
///   numbers, so ten segment names fit in 80 columns), then the valuable → at-risk customers.
/// - CSV, `matrix`: long form `previous_segment,current_segment,customers`, every pair of
///   segments (zeros included), then new customers (empty `previous_segment`) and gone
///   customers (empty `current_segment`) per segment.
/// - CSV, `moved`: one row per valuable → at-risk customer.
/// - JSON: everything, snake_case keys, sorted.
public struct SegmentMigrationWriter: Sendable {
    public let migration: SegmentMigration
    /// The database path, named in the text heading and the JSON.
    public let database: String
    /// How the CSV tables write customer ids and segment names: by default a cell that a
    /// spreadsheet would run as a formula is neutralised (`CSVCellPolicy`).
    public let cellPolicy: CSVCellPolicy

    public init(migration: SegmentMigration, database: String, cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.migration = migration
        self.database = database
        self.cellPolicy = cellPolicy
    }

    public static let moversHeader = ["customer_id", "previous_segment", "current_segment", "previous_monetary", "monetary",
                                      "recency_days", "predicted_clv", "churn_probability"]

    /// The human summary; lists at most `limit` moved customers (all when `limit` is nil).
    public func text(limit: Int? = 50) -> String {
        let m = migration
        let p = m.previous, c = m.current
        var lines: [String] = []
        lines.append("Segment migration in \(database): run \(p.id) (as of \(p.asOf)) → run \(c.id) (as of \(c.asOf))")
        let new = m.newCustomers.reduce(0, +), gone = m.goneCustomers.reduce(0, +)
        lines.append("\(p.customers) customers before, \(c.customers) now: \(m.stayed) stayed in their segment, "
                     + "\(m.changed) changed segment, \(new) new, \(gone) gone.")
        lines.append("")
        lines.append("Rows: segment in run \(p.id); columns: segment in run \(c.id) (numbered as the rows).")
        let k = m.segments.count
        let labelWidth = max(12, (m.segments.map(\.count).max() ?? 0) + 4)
        let numbers = m.counts.flatMap { $0 } + m.newCustomers + m.goneCustomers + m.previousSizes + m.currentSizes
        let width = max(5, String(numbers.max() ?? 0).count + 1)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            s.count >= w ? s : (left ? s + String(repeating: " ", count: w - s.count) : String(repeating: " ", count: w - s.count) + s)
        }
        var head = pad("", labelWidth, left: true)
        for j in 0..<k { head += pad(String(j + 1), width) }
        head += pad("gone", width + 1) + pad("total", width + 1)
        lines.append(head)
        let previousSizes = m.previousSizes, currentSizes = m.currentSizes
        for i in 0..<k {
            var row = pad(pad(String(i + 1), 2) + " " + m.segments[i], labelWidth, left: true)
            for j in 0..<k { row += pad(String(m.counts[i][j]), width) }
            row += pad(String(m.goneCustomers[i]), width + 1) + pad(String(previousSizes[i]), width + 1)
            lines.append(row)
        }
        var newRow = pad("   new", labelWidth, left: true)
        for j in 0..<k { newRow += pad(String(m.newCustomers[j]), width) }
        lines.append(newRow + pad("", width + 1) + pad(String(new), width + 1))
        var totalRow = pad("   total", labelWidth, left: true)
        for j in 0..<k { totalRow += pad(String(currentSizes[j]), width) }
        lines.append(totalRow + pad(String(gone), width + 1) + pad(String(c.customers), width + 1))
        lines.append("")
        let movers = m.valuableToAtRisk
        lines.append("Moved from a valuable segment (\(m.valuableSegments.joined(separator: ", "))) into an at-risk one "
                     + "(\(m.atRiskSegments.joined(separator: ", "))): \(movers.count) customer\(movers.count == 1 ? "" : "s")")
        if !movers.isEmpty {
            let shown = limit.map { min($0, movers.count) } ?? movers.count
            let idWidth = max(11, movers.prefix(shown).map(\.customerID.count).max() ?? 0)
            let fromWidth = max(16, movers.prefix(shown).map(\.previousSegment.count).max() ?? 0)
            let toWidth = max(15, movers.prefix(shown).map(\.currentSegment.count).max() ?? 0)
            lines.append(pad("customer_id", idWidth, left: true) + "  " + pad("previous_segment", fromWidth, left: true) + "  "
                         + pad("current_segment", toWidth, left: true) + "  " + pad("monetary", 12) + pad("recency_days", 14)
                         + pad("predicted_clv", 15) + pad("churn_prob", 12))
            for v in movers.prefix(shown) {
                lines.append(pad(v.customerID, idWidth, left: true) + "  " + pad(v.previousSegment, fromWidth, left: true) + "  "
                             + pad(v.currentSegment, toWidth, left: true) + "  " + pad(String(format: "%.2f", v.monetary), 12)
                             + pad(String(v.recencyDays), 14)
                             + pad(v.predictedCLV.map { String(format: "%.2f", $0) } ?? "-", 15)
                             + pad(v.churnProbability.map { String(format: "%.3f", $0) } ?? "-", 12))
            }
            if shown < movers.count {
                lines.append("… and \(movers.count - shown) more (all of them: --format csv --table moved)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The matrix in long form, with a header row.
    public func matrixCSV() -> [UInt8] {
        let m = migration
        var b = ByteBuffer()
        b.text("previous_segment,current_segment,customers\n")
        for (i, from) in m.segments.enumerated() {
            for (j, to) in m.segments.enumerated() {
                b.field(from, policy: cellPolicy); b.comma(); b.field(to, policy: cellPolicy); b.comma(); b.int(m.counts[i][j]); b.newline()
            }
        }
        for (j, to) in m.segments.enumerated() { b.comma(); b.field(to, policy: cellPolicy); b.comma(); b.int(m.newCustomers[j]); b.newline() }
        for (i, from) in m.segments.enumerated() { b.field(from, policy: cellPolicy); b.comma(); b.comma(); b.int(m.goneCustomers[i]); b.newline() }
        return b.bytes
    }

    /// The valuable → at-risk customers, with a header row.
    public func moversCSV() -> [UInt8] {
        var b = ByteBuffer()
        b.text(Self.moversHeader.joined(separator: ",")); b.newline()
        for v in migration.valuableToAtRisk {
            b.field(v.customerID, policy: cellPolicy); b.comma()
            b.field(v.previousSegment, policy: cellPolicy); b.comma()
            b.field(v.currentSegment, policy: cellPolicy); b.comma()
            if let c = CentsLimit.cents(units: v.previousMonetary) { b.cents(c) }; b.comma()
            if let c = CentsLimit.cents(units: v.monetary) { b.cents(c) }; b.comma()
            b.int(v.recencyDays); b.comma()
            if let x = v.predictedCLV, let c = CentsLimit.cents(units: x) { b.cents(c) }; b.comma()
            if let x = v.churnProbability { b.double(x) }
            b.newline()
        }
        return b.bytes
    }

    /// Everything as one JSON object.
    public func json() throws -> [UInt8] {
        struct Document: Encodable {
            var database: String
            var previous: HistoryRunInfo
            var current: HistoryRunInfo
            var segments: [String]
            var matrix: [[Int]]
            var newCustomers: [Int]
            var goneCustomers: [Int]
            var matched: Int
            var stayed: Int
            var changed: Int
            var valuableSegments: [String]
            var atRiskSegments: [String]
            var valuableToAtRisk: [SegmentMigration.Mover]
        }
        let m = migration
        let document = Document(database: database, previous: m.previous, current: m.current, segments: m.segments, matrix: m.counts,
                                newCustomers: m.newCustomers, goneCustomers: m.goneCustomers, matched: m.matched, stayed: m.stayed,
                                changed: m.changed, valuableSegments: m.valuableSegments, atRiskSegments: m.atRiskSegments,
                                valuableToAtRisk: m.valuableToAtRisk)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(document)) + [10]
    }
}
