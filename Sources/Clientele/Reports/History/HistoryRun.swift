import Foundation
import ClienteleStore
import ClienteleKernels

/// One run as the history database stores it: plain values, built by the pipeline after the
/// kernels ran (see `HistoryRun(report:rfm:customers:)`), recorded by `HistoryDatabase.record(_:)`.
public struct HistoryRun: Sendable {
    /// One input file: where it was, what it held, and its SHA-256, so a later reader can tell
    /// whether two runs read the same export.
    public struct InputFile: Sendable, Equatable {
        /// `transactions` or `interactions`.
        public var role: String
        public var path: String
        public var bytes: Int64
        /// Lowercase hex SHA-256 of the file's bytes (FIPS 180-4).
        public var sha256: String
        public var rowsRead: Int
        public var rowsUsed: Int
        public var rowsRejected: Int

        public init(role: String, path: String, bytes: Int64, sha256: String, rowsRead: Int, rowsUsed: Int, rowsRejected: Int) {
            self.role = role
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.rowsRead = rowsRead
            self.rowsUsed = rowsUsed
            self.rowsRejected = rowsRejected
        }

        /// Hashes the file at `path` now (one sequential read; about 1 s per few hundred MB).
        public init(role: String, path: String, rowsRead: Int, rowsUsed: Int, rowsRejected: Int) throws(HistoryError) {
            let digest = try SHA256Hasher.hash(fileAt: path)
            self.init(role: role, path: path, bytes: digest.bytes, sha256: digest.hex,
                      rowsRead: rowsRead, rowsUsed: rowsUsed, rowsRejected: rowsRejected)
        }
    }

    /// Whole-run counts for the `runs` row.
    public struct Counts: Sendable, Equatable {
        /// Scored customers (the rows of customers.csv and of the snapshot).
        public var customers: Int
        /// Distinct customers with a used transaction line (scored or not yet active).
        public var customersInTransactions: Int
        public var orders: Int
        public var netRevenue: Double

        public init(customers: Int, customersInTransactions: Int, orders: Int, netRevenue: Double) {
            self.customers = customers
            self.customersInTransactions = customersInTransactions
            self.orders = orders
            self.netRevenue = netRevenue
        }
    }

    /// When the run started (ISO 8601).
    public var startedAt: String
    public var asOf: CalendarDay
    /// The run's settings as a JSON object (`report.json`'s `settings`).
    public var settingsJSON: String
    public var toolVersion: String
    public var inputs: [InputFile]
    public var counts: Counts
    /// `segments.csv`, in report order.
    public var segments: [RunReport.Segment]
    public var customers: CustomerSnapshots

    public init(startedAt: String, asOf: CalendarDay, settingsJSON: String, toolVersion: String = ClienteleVersion.current,
                inputs: [InputFile], counts: Counts, segments: [RunReport.Segment], customers: CustomerSnapshots) {
        self.startedAt = startedAt
        self.asOf = asOf
        self.settingsJSON = settingsJSON
        self.toolVersion = toolVersion
        self.inputs = inputs
        self.counts = counts
        self.segments = segments
        self.customers = customers
    }

    /// The run described by `report`, with one snapshot row per customer scored in `rfm`.
    ///
    /// Hashes every input file named in `report.inputs` (a second sequential read of each).
    /// Kernel columns that `rfm` does not hold (cluster, predicted CLV, churn probability) start
    /// out absent; set them on `customers` before recording.
    public init(report: RunReport, rfm: RFMResult, customers: CustomerIndex) throws(HistoryError) {
        guard let asOf = CalendarDay(iso: report.settings.asOf) else {
            throw .invalidRun(reason: "as-of \(report.settings.asOf) is not a date")
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let settings: String
        do { settings = String(decoding: try encoder.encode(report.settings), as: UTF8.self) } catch {
            throw .invalidRun(reason: "settings cannot be encoded: \(error)")
        }
        var inputs: [InputFile] = []
        for file in report.inputs {
            inputs.append(try InputFile(role: file.role, path: file.path, rowsRead: file.rowsRead,
                                        rowsUsed: file.rowsUsed, rowsRejected: file.rowsRejected))
        }
        self.init(startedAt: report.startedAt, asOf: asOf, settingsJSON: settings, toolVersion: report.tool.version,
                  inputs: inputs,
                  counts: Counts(customers: report.customers.scored, customersInTransactions: report.customers.inTransactions,
                                 orders: report.customers.orders, netRevenue: report.customers.netRevenue),
                  segments: report.rfm.segments, customers: CustomerSnapshots(rfm: rfm, customers: customers))
    }
}

/// Per-customer rows of one run, held as columns (a few bytes a customer; no `String` per row).
///
/// Row k is customer `customerID(k)`; every column has `count` entries. The optional kernel
/// columns are absent (`nil`) when the kernel did not run; inside a present column NaN (or a
/// negative cluster) means "no value for this customer" and is stored as NULL.
public struct CustomerSnapshots: Sendable {
    /// customer_id bytes, back to back; row k is `keyBytes[keyOffsets[k] ..< keyOffsets[k + 1]]`.
    package let keyBytes: [UInt8]
    package let keyOffsets: [Int]
    /// Segment names; `segment[k]` indexes it.
    public let segmentNames: [String]
    public let segment: [UInt8]
    public let r: [UInt8]
    public let f: [UInt8]
    public let m: [UInt8]
    public let recencyDays: [Int32]
    public let frequency: [Int32]
    /// Monetary value in cents (net revenue, or mean order value by option).
    public let monetaryCents: [Int64]
    public var cluster: [Int32]?
    public var predictedCLV: [Double]?
    public var churnProbability: [Double]?

    public var count: Int { keyOffsets.count - 1 }

    public func customerID(_ row: Int) -> String {
        String(decoding: keyBytes[keyOffsets[row]..<keyOffsets[row + 1]], as: UTF8.self)
    }

    /// Rows from plain values, one array entry per customer (any order; ids must be distinct).
    public init(customerIDs: [String], segments: [String], r: [UInt8], f: [UInt8], m: [UInt8],
                recencyDays: [Int32], frequency: [Int32], monetaryCents: [Int64],
                cluster: [Int32]? = nil, predictedCLV: [Double]? = nil, churnProbability: [Double]? = nil) throws(HistoryError) {
        let n = customerIDs.count
        for (name, c) in [("segments", segments.count), ("r", r.count), ("f", f.count), ("m", m.count),
                          ("recencyDays", recencyDays.count), ("frequency", frequency.count), ("monetaryCents", monetaryCents.count)] where c != n {
            throw .invalidRun(reason: "\(name) has \(c) rows, customerIDs has \(n)")
        }
        var bytes: [UInt8] = [], offsets = [0]
        offsets.reserveCapacity(n + 1)
        for id in customerIDs { bytes.append(contentsOf: id.utf8); offsets.append(bytes.count) }
        var names: [String] = [], index: [String: UInt8] = [:], codes: [UInt8] = []
        codes.reserveCapacity(n)
        for s in segments {
            if let k = index[s] { codes.append(k); continue }
            guard names.count < 256 else { throw .invalidRun(reason: "more than 256 distinct segment names") }
            index[s] = UInt8(names.count); codes.append(UInt8(names.count)); names.append(s)
        }
        self.keyBytes = bytes
        self.keyOffsets = offsets
        self.segmentNames = names
        self.segment = codes
        self.r = r; self.f = f; self.m = m
        self.recencyDays = recencyDays
        self.frequency = frequency
        self.monetaryCents = monetaryCents
        self.cluster = cluster
        self.predictedCLV = predictedCLV
        self.churnProbability = churnProbability
        try validate()
    }

    /// The scored customers of `rfm`, in its (customer_id) order.
    public init(rfm: RFMResult, customers: CustomerIndex) {
        var bytes: [UInt8] = [], offsets = [0]
        bytes.reserveCapacity(rfm.count * 12)
        offsets.reserveCapacity(rfm.count + 1)
        for id in rfm.customers {
            customers.withKey(id) { bytes.append(contentsOf: $0) }
            offsets.append(bytes.count)
        }
        self.keyBytes = bytes
        self.keyOffsets = offsets
        self.segmentNames = rfm.scorer.segments.names
        self.segment = rfm.segment
        self.r = rfm.r; self.f = rfm.f; self.m = rfm.m
        self.recencyDays = rfm.recencyDays
        self.frequency = rfm.frequency
        self.monetaryCents = rfm.monetaryCents
    }

    /// Checks that every column has `count` rows and every segment code names a segment.
    package func validate() throws(HistoryError) {
        let n = count
        let lengths: [(String, Int?)] = [("segment", segment.count), ("r", r.count), ("f", f.count), ("m", m.count),
                                         ("recencyDays", recencyDays.count), ("frequency", frequency.count),
                                         ("monetaryCents", monetaryCents.count), ("cluster", cluster?.count),
                                         ("predictedCLV", predictedCLV?.count), ("churnProbability", churnProbability?.count)]
        for (name, c) in lengths { if let c, c != n { throw .invalidRun(reason: "customer column \(name) has \(c) rows, expected \(n)") } }
        if let bad = segment.first(where: { Int($0) >= segmentNames.count }) {
            throw .invalidRun(reason: "segment code \(bad) but only \(segmentNames.count) segment names")
        }
    }

    /// Calls `body` with the customer_id bytes of row `row`.
    @inline(__always)
    package func withKey<R>(_ row: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = keyOffsets[row], end = keyOffsets[row + 1]
        return try keyBytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }
}
