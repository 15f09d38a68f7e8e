import Foundation
import Testing
@testable import Clientele

/// How a file is read: lanes and block size. The results must not depend on it.
struct ReadingPlan: Sendable, CustomTestStringConvertible {
    var lanes: Int
    var blockSize: Int
    var testDescription: String { "\(lanes) lane\(lanes == 1 ? "" : "s"), \(blockSize)-byte blocks" }

    static let sequential = ReadingPlan(lanes: 1, blockSize: 8 << 20)
    /// One block of more than 2 MiB, which the scanner splits between two lanes.
    static let splitBlock = ReadingPlan(lanes: 2, blockSize: 8 << 20)
    static let all: [ReadingPlan] = [sequential, splitBlock, .init(lanes: 2, blockSize: 4096), .init(lanes: 2, blockSize: 257)]
}

/// A transactions file of a few thousand rows, each about 200 bytes, so that it passes 2 MiB:
/// big enough for many small blocks and for a block split between lanes.
struct LargeTransactions {
    static let rows = 12_000
    static let header = "customer_id,order_id,order_date,amount,note"

    /// The file with `bad[line]` in place of the generated row on that line.
    static func text(bad: [Int: String] = [:]) -> String {
        var out = header + "\n"
        out.reserveCapacity(rows * 210)
        for i in 0..<rows {
            let line = i + 2
            if let row = bad[line] { out += row + "\n"; continue }
            out += row(i) + "\n"
        }
        return out
    }

    static func row(_ i: Int) -> String {
        let day = 1 + i % 28, cents = i % 100
        return "c\(i % 997),o\(i / 3),2024-01-\(day < 10 ? "0" : "")\(day),\(i % 50).\(cents < 10 ? "0" : "")\(cents),"
            + String(repeating: "x", count: 150 + i % 40)
    }

    /// The bad rows used by the skip tests, one of each reason, spread over the whole file.
    static let badRows: [Int: (row: String, reason: RejectReason, column: Int)] = [
        3: ("c1,o1,2024-13-01,1,n", .badDate, 3),
        1_500: ("c1,o1,2024-01-01,abc,n", .badAmount, 4),
        4_999: ("c1,o1", .fieldCount, 3),
        5_990: (",o1,2024-01-01,1,n", .emptyKey, 1),
        6_010: ("\"c1\"x,o1,2024-01-01,1,n", .malformedCSV, 1),
        6_011: ("c1,,2024-01-01,1,n", .emptyOrder, 2),
        9_000: ("c1,o1,2024-02-30,1,n", .badDate, 3),
        12_001: ("c1,o1,2024-01-01,1.001,n", .badAmount, 4),
    ]
}

@Suite("Bad-row policy: fail on the first bad row, or set bad rows aside and account for every row")
struct IngestBadRowPolicyTests {
    static let h = ingestTransactionsHeader

    @Test("under fail, loading stops at the earliest bad line, whatever the lanes and block size", arguments: ReadingPlan.all)
    func failStopsAtEarliestLine(plan: ReadingPlan) throws {
        // Bad rows in both halves of the file (both lanes of a split block) and near its end.
        let scenarios: [(bad: [Int: String], line: Int, reason: RejectReason)] = [
            ([5_000: "c1,o1,2024-13-01,1,n", 7_000: "c1,o1,x,1,n", 11_000: "c1,o1"], 5_000, .badDate),
            ([7_000: "c1,o1,2024-01-01,abc,n", 11_000: "c1,o1"], 7_000, .badAmount),
            ([8_000: "c1,o1,2024-01-01,1", 9_000: "c1,\"o1\"x,2024-01-01,1,n"], 8_000, .fieldCount),
            ([9_000: "c1,\"o1\"x,2024-01-01,1,n", 10_000: "c1,o1,2024-01-01,1"], 9_000, .malformedCSV),
            ([12_001: ",o1,2024-01-01,1,n"], 12_001, .emptyKey),
        ]
        try withIngestFolder { folder in
            for (k, s) in scenarios.enumerated() {
                let path = try folder.write("t\(k).csv", LargeTransactions.text(bad: s.bad))
                let error = try #require(ingestError {
                    try ingestLoad(path, options: ingestOptions(.fail, lanes: plan.lanes, blockSize: plan.blockSize))
                })
                let row = try #require(error.rejectedRow)
                #expect(row.line == s.line)
                #expect(row.reason == s.reason)
                #expect(row.rawLine == s.bad[s.line])
                #expect(error.description.hasPrefix("\(path):\(s.line):"))
                #expect(error.exitStatus == .dataError)
            }
        }
    }

    @Test("under skip, rejects come back in line order with their reasons and raw lines, whatever the lanes and block size", arguments: ReadingPlan.all)
    func skipCollectsInLineOrder(plan: ReadingPlan) throws {
        let bad = LargeTransactions.badRows
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", LargeTransactions.text(bad: bad.mapValues(\.row)))
            let loaded = try ingestLoad(path, options: ingestOptions(.skip, lanes: plan.lanes, blockSize: plan.blockSize))
            let expected = bad.keys.sorted()
            #expect(loaded.rejects.map(\.line) == expected)
            #expect(loaded.rejects.map(\.reason) == expected.map { bad[$0]!.reason })
            #expect(loaded.rejects.map(\.column) == expected.map { bad[$0]!.column })
            #expect(loaded.rejects.map(\.rawLine) == expected.map { bad[$0]!.row })
            #expect(loaded.rejects.allSatisfy { $0.file == path })
            #expect(loaded.accounting.rowsRead == LargeTransactions.rows)
            #expect(loaded.accounting.rowsUsed == LargeTransactions.rows - bad.count)
            #expect(loaded.accounting.rowsRejected == bad.count)
            #expect(loaded.accounting.rejectedByReason == [.badDate: 2, .badAmount: 2, .fieldCount: 1, .emptyKey: 1, .malformedCSV: 1, .emptyOrder: 1])
            #expect(loaded.accounting.rowsRead == loaded.accounting.rowsUsed + loaded.accounting.rowsRejected)

            let sequential = IngestLoadSnapshot(try ingestLoad(path, options: ingestOptions(.skip, lanes: 1, blockSize: 8 << 20)))
            #expect(IngestLoadSnapshot(loaded) == sequential)
        }
    }

    @Test("under skip, each reject keeps its line, column, column name, reason code and original text")
    func rejectDetails() throws {
        let text = "\(Self.h)\r\n"                    // 1
            + "c1,o1,2024-01-01,1\r\n"                 // 2 used
            + "c2,o2,2024-01-32,1\r\n"                 // 3 bad date
            + "\"multi\nline\",o3,2024-01-01,x\r\n"    // 4–5 bad amount, raw keeps the inner line break
            + "c4,o4\r\n"                              // 6 too few fields
            + "c5,o5,2024-01-01,1,9\r\n"               // 7 too many fields
            + "c6,\"o6\"!,2024-01-01,1\r\n"            // 8 malformed
            + "c7,o7,2024-01-02,2"                     // 9 used
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            for lanes in [1, 2] {
                let loaded = try ingestLoad(path, options: ingestOptions(.skip, lanes: lanes, blockSize: 32))
                let expected: [RejectedRow] = [
                    .init(file: path, line: 3, column: 3, columnName: "order_date", reason: .badDate,
                          message: "cannot parse \"2024-01-32\" as a date; expected YYYY-MM-DD (ISO 8601) (set date_format in the job file for other layouts)",
                          rawLine: "c2,o2,2024-01-32,1"),
                    .init(file: path, line: 4, column: 4, columnName: "amount", reason: .badAmount,
                          message: "cannot parse \"x\" as an amount", rawLine: "\"multi\nline\",o3,2024-01-01,x"),
                    .init(file: path, line: 6, column: 3, columnName: "order_date", reason: .fieldCount,
                          message: "expected 4 fields as in the header, found 2", rawLine: "c4,o4"),
                    .init(file: path, line: 7, column: 5, columnName: nil, reason: .fieldCount,
                          message: "expected 4 fields as in the header, found 5", rawLine: "c5,o5,2024-01-01,1,9"),
                    .init(file: path, line: 8, column: 2, columnName: "order_id", reason: .malformedCSV,
                          message: "unexpected character after a closing quote (a quote inside a quoted field must be doubled)",
                          rawLine: "c6,\"o6\"!,2024-01-01,1"),
                ]
                #expect(loaded.rejects == expected)
                #expect(loaded.rejects.map(\.location).first == "\(path):3:3: order_date: cannot parse \"2024-01-32\" as a date; expected YYYY-MM-DD (ISO 8601) (set date_format in the job file for other layouts)")
                #expect(loaded.accounting.rowsRead == 7)
                #expect(loaded.accounting.rowsUsed == 2)
                #expect(loaded.accounting.rejectedByReason == [.badDate: 1, .badAmount: 1, .fieldCount: 2, .malformedCSV: 1])
                #expect((0..<2).map { loaded.customers.customerID(Int32($0)) } == ["c1", "c7"])
            }
        }
    }

    @Test("a file whose every row is rejected loads nothing, and the run fails even under skip (exit 65)")
    func everyRowRejected() throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\(Self.h)\nc1,o1,bad,1\nc2,o2,2024-01-01,bad\n")
            let loaded = try ingestLoad(path, options: ingestOptions(.skip))
            #expect(loaded.accounting.rowsRead == 2 && loaded.accounting.rowsRejected == 2 && loaded.accounting.rowsUsed == 0)
            #expect(loaded.customers.count == 0 && loaded.orders.count == 0)
            var config = JobConfiguration()
            config.transactions = CSVSource(path: path)
            config.out = folder.join("report")
            config.ingest.onBadRow = .skip
            config.ingest.maxRejectShare = 1
            let error = #expect(throws: IngestError.self) { try Run(configuration: config).execute() }
            #expect(error == .noUsableRows(path: path, rejected: 2, rejectsFile: config.out + ".rejects.csv"))
            #expect(error?.exitStatus == .dataError)
            #expect(FileManager.default.fileExists(atPath: config.out + ".rejects.csv"))
        }
    }

    @Test("when every row is rejected under skip, the run still writes the rejects file, as it does over the threshold")
    func everyRowRejectedWritesRejects() throws {
        try withIngestFolder { folder in
            let some = try folder.write("some.csv", "\(Self.h)\nc1,o1,2024-01-01,1\nc2,o2,bad,1\n")
            let all = try folder.write("all.csv", "\(Self.h)\nc1,o1,bad,1\nc2,o2,2024-01-01,bad\n")
            for (path, name) in [(some, "some"), (all, "all")] {
                var config = JobConfiguration()
                config.transactions = CSVSource(path: path)
                config.out = folder.join("report-\(name)")
                config.ingest.onBadRow = .skip
                config.threads = 2
                let error = #expect(throws: IngestError.self) { try Run(configuration: config).execute() }
                #expect(error?.exitStatus == .dataError)
                let rejectsFile = config.out + ".rejects.csv"
                if name == "some" {
                    #expect(FileManager.default.fileExists(atPath: rejectsFile))
                    #expect(error?.description.hasSuffix("; see \(rejectsFile)") == true)
                } else {
                    #expect(FileManager.default.fileExists(atPath: rejectsFile))
                    #expect(error?.description.hasSuffix("; see \(rejectsFile)") == true)
                }
            }
        }
    }

    struct ShareCase: Sendable, CustomTestStringConvertible {
        var rejected: Int
        var read: Int
        var maxShare: Double
        var fails: Bool
        var testDescription: String { "\(rejected) of \(read) rejected, max share \(maxShare): \(fails ? "fails" : "passes")" }
    }

    @Test("under skip, the run fails only when the rejected share passes the threshold", arguments: [
        ShareCase(rejected: 0, read: 0, maxShare: 0, fails: false),
        ShareCase(rejected: 0, read: 10, maxShare: 0, fails: false),
        ShareCase(rejected: 1, read: 100, maxShare: 0.01, fails: false),
        ShareCase(rejected: 2, read: 100, maxShare: 0.01, fails: true),
        ShareCase(rejected: 1, read: 10, maxShare: 0, fails: true),
        ShareCase(rejected: 10, read: 10, maxShare: 1, fails: false),
    ])
    func rejectShare(c: ShareCase) {
        var accounting = FileAccounting(path: "t.csv")
        accounting.rowsRead = c.read
        accounting.rowsUsed = c.read - c.rejected
        if c.rejected > 0 { accounting.rejectedByReason[.badDate] = c.rejected }
        let verdict = RejectVerdict(accounting: accounting)
        let options = ingestOptions(.skip, maxRejectShare: c.maxShare)
        if c.fails {
            let error = #expect(throws: IngestError.self) { try verdict.enforce(options, rejectsFile: "out.rejects.csv") }
            #expect(error == .tooManyRejects(path: "t.csv", rejected: c.rejected, read: c.read, maxShare: c.maxShare, rejectsFile: "out.rejects.csv"))
            #expect(error?.exitStatus == .dataError)
            #expect(error?.description.hasSuffix("; see out.rejects.csv") == true)
        } else {
            #expect(throws: Never.self) { try verdict.enforce(options, rejectsFile: "out.rejects.csv") }
        }
    }

    @Test("the threshold message quotes both shares as percentages")
    func shareMessage() {
        let error = IngestError.tooManyRejects(path: "t.csv", rejected: 3, read: 200, maxShare: 0.01, rejectsFile: "r.csv")
        #expect(error.description == "t.csv: 3 of 200 rows rejected (1.5%), more than --max-reject-share 1.0%; see r.csv")
    }
}
