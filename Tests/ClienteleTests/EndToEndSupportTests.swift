import Foundation
import Testing
@testable import Clientele

// Shared helpers for the RFM, end-to-end, report and CLI suites: fixture paths, scratch folders,
// byte snapshots, a small RFC 4180 reader and a seeded generator. Tested at the bottom.

/// Paths inside the package, found from this source file so tests run from any directory.
enum Package {
    /// The package root: `Tests/ClienteleTests/<this file>` → two folders up.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relative: String) -> String { root.appendingPathComponent("Fixtures/" + relative).path }
}

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct ScratchFolder {
    let path: String

    init(_ label: String = #function) throws {
        let name = "clientele-e2e-" + label.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString.prefix(8)
        path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func join(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` as the file `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = join(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// Runs `body` with a scratch folder that is removed afterwards.
func withScratch<T>(_ label: String = #function, _ body: (ScratchFolder) throws -> T) throws -> T {
    let scratch = try ScratchFolder(label)
    defer { scratch.remove() }
    return try body(scratch)
}

func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

func text(_ path: String) throws -> String { String(decoding: try bytes(path), as: UTF8.self) }

/// Every entry of `folder` (hidden ones included), sorted.
func entries(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
}

/// Names and bytes of every file in `folder` (one level; report folders are flat).
func snapshot(_ folder: String) throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for name in try entries(folder) { files[name] = try bytes(folder + "/" + name) }
    return files
}

/// RFC 4180 records of `text`: quoted fields may hold commas, doubled quotes and line breaks.
func csvRecords(_ text: String) -> [[String]] {
    var records: [[String]] = [], record: [String] = [], field = ""
    var quoted = false, afterQuote = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append(c); chars.removeFirst() } else { quoted = false; afterQuote = true }
            } else { field.unicodeScalars.append(c) }
            continue
        }
        switch c {
        case "\"" where field.isEmpty && !afterQuote: quoted = true
        case ",": record.append(field); field = ""; afterQuote = false
        case "\r": continue
        case "\n": record.append(field); records.append(record); record = []; field = ""; afterQuote = false
        default: field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

/// A configuration that reads `transactions` and writes `out`, everything else default but the
/// predictive-CLV, k-means and churn steps, which are off unless asked for: most end-to-end specifications pin the RFM
/// columns against hand-computed fixtures.
func configuration(transactions: String, out: String, interactions: String? = nil, clv: Bool = false, clusters: Bool = false,
                   churn: Bool = false, satisfaction: Bool = false) -> JobConfiguration {
    var config = JobConfiguration()
    config.satisfaction.enabled = satisfaction
    config.clv.enabled = clv
    config.clusters.enabled = clusters
    config.churn.enabled = churn
    config.transactions = CSVSource(path: transactions)
    config.interactions = interactions.map { CSVSource(path: $0) }
    config.out = out
    config.threads = 2
    return config
}

/// The decoded `report.json` of a report folder.
func reportJSON(_ folder: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(try bytes(folder + "/report.json")))
    return try #require(object as? [String: Any], "report.json is not a JSON object")
}

/// SplitMix64 (Steele, Lea & Flood 2014) as a `RandomNumberGenerator`, so random cases are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Test support")
struct EndToEndSupportTests {
    @Test("the package root holds Package.swift and the RFM fixture")
    func packageRoot() {
        #expect(FileManager.default.fileExists(atPath: Package.root.appendingPathComponent("Package.swift").path))
        #expect(FileManager.default.fileExists(atPath: Package.fixture("rfm/transactions.csv")))
    }

    @Test("the CSV reader splits quoted fields with commas, doubled quotes and line breaks", arguments: [
        ("a,b\n1,2\n", [["a", "b"], ["1", "2"]]),
        ("a,\"x, y\"\r\n", [["a", "x, y"]]),
        ("\"say \"\"hi\"\"\",\n", [["say \"hi\"", ""]]),
        ("\"two\nlines\",z", [["two\nlines", "z"]]),
    ])
    func csvReader(input: String, expected: [[String]]) {
        #expect(csvRecords(input) == expected)
    }

    @Test("SplitMix64 gives the published first output for seed 0")
    func splitMix() {
        var g = SeededGenerator(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
    }
}
