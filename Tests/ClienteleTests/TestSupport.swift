import Foundation
import Testing
@testable import Clientele

// Helpers for the ingest suites (Ingest*Tests, CSVTokenizer*Tests): scratch folders for small
// CSVs, loader shorthands, a seeded generator, and an independent RFC 4180 reader and writer that
// the property tests compare the library against. Names start with `ingest`/`Ingest` or
// `Reference` so that they never collide with other suites' helpers in this module.

// MARK: - Files

/// A fresh folder under the system temporary directory for one test's files.
struct IngestFolder {
    let path: String

    init(label: String) throws {
        let name = "clientele-ingest-" + label.filter { $0.isLetter || $0.isNumber }.prefix(40) + "-" + UUID().uuidString.prefix(8)
        path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func join(_ name: String) -> String { path + "/" + name }

    /// Writes `text` (UTF-8, byte for byte: no line-end conversion) as `name`; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = join(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with a scratch folder that is removed afterwards, whatever happens.
func withIngestFolder<T>(_ label: String = #function, _ body: (IngestFolder) throws -> T) throws -> T {
    let folder = try IngestFolder(label: label)
    defer { folder.remove() }
    return try body(folder)
}

/// A file under `Fixtures/` (found from this source file, so tests run from any directory).
func ingestFixture(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/" + relative).path
}

// MARK: - Loading

/// The header of the default transactions layout.
let ingestTransactionsHeader = "customer_id,order_id,order_date,amount"
/// The header of the default interactions layout.
let ingestInteractionsHeader = "customer_id,interaction_date,channel,kind,satisfaction,recommend"

/// Ingest options in one expression.
func ingestOptions(_ policy: BadRowPolicy = .fail, lanes: Int = 1, blockSize: Int = 1 << 16,
                   maxRejectShare: Double = 0.01) -> IngestOptions {
    var o = IngestOptions()
    o.onBadRow = policy
    o.lanes = lanes
    o.blockSize = blockSize
    o.maxRejectShare = maxRejectShare
    return o
}

/// Loads `path` as transactions.
func ingestLoad(_ path: String, source edit: (inout CSVSource) -> Void = { _ in },
                columns: TransactionColumns = TransactionColumns(),
                options: IngestOptions = ingestOptions()) throws -> TransactionLoader.Loaded {
    var source = CSVSource(path: path)
    edit(&source)
    return try TransactionLoader(source: source, columns: columns, options: options).load()
}

/// The `IngestError` that `body` throws; records an issue when it throws nothing or another type.
func ingestError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> IngestError? {
    do {
        _ = try body()
        Issue.record("expected an IngestError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as IngestError {
        return error
    } catch {
        Issue.record("expected an IngestError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The rejected row inside a `.badRow` error.
extension IngestError {
    var rejectedRow: RejectedRow? {
        if case .badRow(let row) = self { return row }
        return nil
    }
}

func ingestDay(_ iso: String) -> Int32 { CalendarDay(iso: iso)!.daysSinceEpoch }

/// Everything the loader produced that must not depend on lanes or block size.
struct IngestLoadSnapshot: Equatable, CustomStringConvertible {
    var customerIDs: [[UInt8]]
    var customerStart: [Int]
    var orderCustomer: [Int32]
    var orderFirstDay: [Int32]
    var orderLastDay: [Int32]
    var orderCents: [Int64]
    var orderLines: [Int32]
    var accounting: FileAccounting
    var rejects: [RejectedRow]
    var lastDay: CalendarDay
    var hasOrderID: Bool

    init(_ loaded: TransactionLoader.Loaded) {
        customerIDs = (0..<Int32(loaded.customers.count)).map { id in loaded.customers.withKey(id) { Array($0) } }
        customerStart = loaded.orders.customerStart
        orderCustomer = loaded.orders.customer
        orderFirstDay = loaded.orders.firstDay
        orderLastDay = loaded.orders.lastDay
        orderCents = loaded.orders.netCents
        orderLines = loaded.orders.lines
        accounting = loaded.accounting
        rejects = loaded.rejects
        lastDay = loaded.lastDay
        hasOrderID = loaded.hasOrderID
    }

    var description: String {
        "\(customerIDs.count) customers, \(orderCustomer.count) orders, read \(accounting.rowsRead) used \(accounting.rowsUsed) rejected \(accounting.rowsRejected)"
    }
}

/// What the property tests compare per customer: distinct orders, net cents, the first and the
/// last order day (an order's day is its earliest line's day) and the number of lines.
struct IngestCustomerSummary: Equatable, CustomStringConvertible {
    var orders = 0
    var netCents: Int64 = 0
    var firstDay = Int32.max
    var lastDay = Int32.min
    var lines = 0

    var description: String { "orders \(orders) cents \(netCents) days \(firstDay)…\(lastDay) lines \(lines)" }
}

/// Per-customer summaries of a load, keyed by the customer_id bytes.
func ingestSummaries(_ loaded: TransactionLoader.Loaded) -> [[UInt8]: IngestCustomerSummary] {
    var out: [[UInt8]: IngestCustomerSummary] = [:]
    for c in 0..<loaded.customers.count {
        var s = IngestCustomerSummary()
        for o in loaded.orders.orders(of: c) {
            s.orders += 1
            s.netCents += loaded.orders.netCents[o]
            s.firstDay = min(s.firstDay, loaded.orders.firstDay[o])
            s.lastDay = max(s.lastDay, loaded.orders.firstDay[o])
            s.lines += Int(loaded.orders.lines[o])
        }
        out[loaded.customers.withKey(Int32(c)) { Array($0) }] = s
    }
    return out
}

// MARK: - Randomness

/// SplitMix64 (Steele, Lea & Flood 2014), so every random case is reproducible from its seed.
struct IngestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

// MARK: - Reference CSV reader and writer

/// One record of the reference reader: the physical line it starts on, and its fields' bytes.
struct ReferenceRecord: Equatable {
    var line: Int
    var fields: [[UInt8]]
}

/// A straightforward RFC 4180 reader over bytes, written independently of the library as a
/// character-at-a-time state machine: quoted fields may hold delimiters, doubled quotes and line
/// breaks; LF, CRLF and a lone CR end a line; empty lines are not records; a quote inside an
/// unquoted field is a literal byte (the library's documented leniency).
/// - Returns: the records, or `nil` for malformed input (text after a closing quote, an
///   unterminated quoted field), which the reference does not try to recover from.
func referenceRecords(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> [ReferenceRecord]? {
    enum State { case recordStart, fieldStart, unquoted, quoted, quoteInQuoted }
    let quote = UInt8(ascii: "\""), lf: UInt8 = 10, cr: UInt8 = 13
    var records: [ReferenceRecord] = []
    var fields: [[UInt8]] = [], field: [UInt8] = []
    var state = State.recordStart
    var line = 1, recordLine = 1
    var i = 0
    func isLineEnd(_ c: UInt8) -> Bool { c == lf || c == cr }
    /// Consumes the line end at `i` (CRLF as one) and counts it.
    func skipLineEnd() { if bytes[i] == cr, i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }; i += 1; line += 1 }
    func endRecord() { fields.append(field); field = []; records.append(ReferenceRecord(line: recordLine, fields: fields)); fields = [] }
    while i < bytes.count {
        let c = bytes[i]
        switch state {
        case .recordStart:
            if isLineEnd(c) { skipLineEnd(); continue }
            recordLine = line
            state = .fieldStart
            continue
        case .fieldStart:
            if c == quote { state = .quoted; i += 1 } else { state = .unquoted }
            continue
        case .unquoted:
            if c == delimiter { fields.append(field); field = []; state = .fieldStart; i += 1 }
            else if isLineEnd(c) { endRecord(); skipLineEnd(); state = .recordStart }
            else { field.append(c); i += 1 }
        case .quoted:
            if c == quote { state = .quoteInQuoted } else { field.append(c); if c == lf || (c == cr && (i + 1 >= bytes.count || bytes[i + 1] != lf)) { line += 1 } }
            i += 1
        case .quoteInQuoted:
            if c == quote { field.append(quote); state = .quoted; i += 1 }
            else if c == delimiter { fields.append(field); field = []; state = .fieldStart; i += 1 }
            else if isLineEnd(c) { endRecord(); skipLineEnd(); state = .recordStart }
            else { return nil }
        }
    }
    switch state {
    case .recordStart: break
    case .quoted: return nil
    case .fieldStart, .unquoted, .quoteInQuoted: endRecord()
    }
    return records
}

/// A reference CSV writer: a field is quoted when it holds the delimiter, a quote, CR or LF, or
/// starts or ends with a space, or when `force` is set; quotes inside are doubled.
func referenceField(_ value: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), force: Bool = false) -> [UInt8] {
    let quote = UInt8(ascii: "\"")
    let needs = force || value.isEmpty == false && (value.first == 32 || value.last == 32)
        || value.contains { $0 == delimiter || $0 == quote || $0 == 10 || $0 == 13 }
    guard needs else { return value }
    var out: [UInt8] = [quote]
    for b in value { out.append(b); if b == quote { out.append(quote) } }
    out.append(quote)
    return out
}

/// Per-customer summaries computed from reference records of a transactions file whose header
/// names `customer_id`, `order_date` (ISO, a date or a date-time), `amount` (`[-]units[.cents]`)
/// and optionally `order_id`. Independent of the library's parsers.
func referenceSummaries(_ records: [ReferenceRecord]) -> [[UInt8]: IngestCustomerSummary] {
    guard let header = records.first else { return [:] }
    let names = header.fields.map { String(decoding: $0, as: UTF8.self) }
    let c = names.firstIndex(of: "customer_id")!, d = names.firstIndex(of: "order_date")!
    let a = names.firstIndex(of: "amount")!, o = names.firstIndex(of: "order_id")
    // (customer, order key) → (day of the earliest line, cents, lines)
    var orders: [[UInt8]: [[UInt8]: (day: Int32, cents: Int64, lines: Int)]] = [:]
    for record in records.dropFirst() {
        let customer = record.fields[c]
        let day = CalendarDay(iso: String(decoding: record.fields[d].prefix(10), as: UTF8.self))!.daysSinceEpoch
        let text = String(decoding: record.fields[a], as: UTF8.self)
        let negative = text.hasPrefix("-")
        let parts = text.drop { $0 == "-" || $0 == "+" }.split(separator: ".", omittingEmptySubsequences: false)
        let units = Int64(parts[0].isEmpty ? "0" : String(parts[0]))!
        let fraction = parts.count > 1 ? String((parts[1] + "00").prefix(2)) : "00"
        let cents = (units * 100 + Int64(fraction)!) * (negative ? -1 : 1)
        let key = o.map { record.fields[$0] } ?? Array(String(day).utf8)
        var entry = orders[customer, default: [:]][key] ?? (Int32.max, 0, 0)
        entry.day = min(entry.day, day); entry.cents += cents; entry.lines += 1
        orders[customer, default: [:]][key] = entry
    }
    return orders.mapValues { byOrder in
        var s = IngestCustomerSummary()
        for (_, order) in byOrder {
            s.orders += 1; s.netCents += order.cents; s.lines += order.lines
            s.firstDay = min(s.firstDay, order.day); s.lastDay = max(s.lastDay, order.day)
        }
        return s
    }
}
