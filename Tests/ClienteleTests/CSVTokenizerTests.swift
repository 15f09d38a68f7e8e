import Foundation
import Testing
@testable import Clientele

/// A well-formed export and what it must load as: customer_id → net cents.
struct TokenizerCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var delimiter: String = ","
    var decimal: UInt8 = UInt8(ascii: ".")
    var expected: [String: Int64]
    var testDescription: String { name }

    static let h = ingestTransactionsHeader

    static let wellFormed: [TokenizerCase] = [
        .init(name: "a quoted field holds the delimiter",
              text: "\(h)\n\"Smith, J\",o1,2024-01-02,10.00\n", expected: ["Smith, J": 1000]),
        .init(name: "a doubled quote inside a quoted field is one quote",
              text: "\(h)\n\"say \"\"hi\"\"\",o1,2024-01-02,1\n\"\"\"\",o2,2024-01-02,2\n", expected: ["say \"hi\"": 100, "\"": 200]),
        .init(name: "a quoted field holds LF and CRLF line breaks",
              text: "\(h)\n\"two\nlines\",o1,2024-01-02,1\n\"crlf\r\ninside\",o1,2024-01-02,2\n",
              expected: ["two\nlines": 100, "crlf\r\ninside": 200]),
        .init(name: "CRLF line ends leave no CR in the last field",
              text: "\(h)\r\nc1,o1,2024-01-02,1.50\r\nc2,o2,2024-01-03,2\r\n", expected: ["c1": 150, "c2": 200]),
        .init(name: "a lone CR ends a line (classic Mac exports)",
              text: "\(h)\rc1,o1,2024-01-02,1.50\rc2,o2,2024-01-03,2\r", expected: ["c1": 150, "c2": 200]),
        .init(name: "LF and CRLF may be mixed in one file",
              text: "\(h)\r\nc1,o1,2024-01-02,1\nc2,o2,2024-01-03,2\r\nc3,o3,2024-01-03,3", expected: ["c1": 100, "c2": 200, "c3": 300]),
        .init(name: "a UTF-8 byte order mark before the header is not part of the first column name",
              text: "\u{FEFF}\(h)\nc1,o1,2024-01-02,1\n", expected: ["c1": 100]),
        .init(name: "the last line needs no line end",
              text: "\(h)\nc1,o1,2024-01-02,1\nc2,o2,2024-01-02,2", expected: ["c1": 100, "c2": 200]),
        .init(name: "a quoted last field may end the file",
              text: "\(h)\nc1,o1,2024-01-02,\"2.5\"", expected: ["c1": 250]),
        .init(name: "blank lines anywhere are not rows",
              text: "\n\r\n\(h)\n\nc1,o1,2024-01-02,1\r\n\r\n\nc2,o2,2024-01-02,2\n\n\n", expected: ["c1": 100, "c2": 200]),
        .init(name: "a quote inside an unquoted field is a literal byte",
              text: "\(h)\nab\"c,o1,2024-01-02,1\nx\"\",o2,2024-01-02,2\n", expected: ["ab\"c": 100, "x\"\"": 200]),
        .init(name: "every field may be quoted, the header too",
              text: "\"customer_id\",\"order_id\",\"order_date\",\"amount\"\n\"c1\",\"o1\",\"2024-01-02\",\"-3.25\"\n", expected: ["c1": -325]),
        .init(name: "header names are matched case-insensitively and without surrounding spaces",
              text: " Customer_ID ,ORDER_ID,\tOrder_Date , Amount\nc1,o1,2024-01-02,4\n", expected: ["c1": 400]),
        .init(name: "data fields keep their spaces and non-ASCII bytes",
              text: "\(h)\n Müller ,o1,2024-01-02,1\n顧客,o1,2024-01-02,2\n", expected: [" Müller ": 100, "顧客": 200]),
        .init(name: "a semicolon delimiter with decimal commas",
              text: "customer_id;order_id;order_date;amount\n\"a;b\";o1;2024-01-02;12,50\nc2;o2;2024-01-02;-0,5\n",
              delimiter: ";", decimal: UInt8(ascii: ","), expected: ["a;b": 1250, "c2": -50]),
        .init(name: "a tab delimiter",
              text: "customer_id\torder_id\torder_date\tamount\nc 1\to1\t2024-01-02\t7\n\"t\tab\"\to2\t2024-01-02\t8\n",
              delimiter: "tab", expected: ["c 1": 700, "t\tab": 800]),
        .init(name: "a pipe delimiter, with commas as plain bytes",
              text: "customer_id|order_id|order_date|amount\nc,1|o1|2024-01-02|9\n", delimiter: "|", expected: ["c,1": 900]),
    ]
}

@Suite("CSVTokenizer: RFC 4180 records, read through the loaders")
struct CSVTokenizerTests {
    @Test("well-formed exports load field by field", arguments: TokenizerCase.wellFormed)
    func wellFormed(c: TokenizerCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", c.text)
            for blockSize in [1 << 16, 7] {
                let loaded = try ingestLoad(path, source: {
                    $0.dialect = CSVDialect(delimiterName: c.delimiter)!
                    $0.decimalSeparator = c.decimal
                }, options: ingestOptions(lanes: 2, blockSize: blockSize))
                var got: [String: Int64] = [:]
                for (key, summary) in ingestSummaries(loaded) { got[String(decoding: key, as: UTF8.self)] = summary.netCents }
                #expect(got == c.expected, "block size \(blockSize)")
                #expect(loaded.accounting.rowsRead == c.expected.count)
                #expect(loaded.accounting.rowsUsed == c.expected.count)
                #expect(loaded.rejects.isEmpty)
            }
        }
    }

    @Test("every block size, down to one byte, gives the same records and line numbers")
    func blockBoundaries() throws {
        let text = "\u{FEFF}customer_id,order_id,order_date,amount\r\n"
            + "\"a,\"\"b\"\"\r\nc\",o1,2024-01-02,1\r\n\r\n"
            + "x\"y,\"o\n2\",2024-01-03T10:00:00Z,2.5\n"
            + "c3,o3,2024-01-04,bad\r"
            + "\"c4\",\"o4\",\"2024-01-05\",\"4\""
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            let reference = IngestLoadSnapshot(try ingestLoad(path, options: ingestOptions(.skip, maxRejectShare: 1)))
            #expect(reference.customerIDs.map { String(decoding: $0, as: UTF8.self) } == ["a,\"b\"\r\nc", "c4", "x\"y"])
            #expect(reference.rejects.map(\.line) == [7])
            for blockSize in 1...160 {
                for lanes in [1, 2] {
                    let loaded = try ingestLoad(path, options: ingestOptions(.skip, lanes: lanes, blockSize: blockSize, maxRejectShare: 1))
                    #expect(IngestLoadSnapshot(loaded) == reference, "block size \(blockSize), lanes \(lanes)")
                }
            }
        }
    }

    // MARK: Line numbers

    struct LineCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var testDescription: String { name }
    }

    static let h = ingestTransactionsHeader
    static let lineCases: [LineCase] = [
        .init(name: "line breaks inside a quoted field are counted", text: "\(h)\n\"a\nb\nc\",o1,2024-01-01,1\nx,o2,2024-13-01,1\n", line: 5),
        .init(name: "a CRLF inside a quoted field counts once", text: "\(h)\r\n\"a\r\nb\",o1,2024-01-01,1\r\nx,o2,2024-13-01,1\r\n", line: 4),
        .init(name: "blank lines are counted", text: "\(h)\n\n\r\n\nx,o2,2024-13-01,1\n", line: 5),
        .init(name: "blank lines before the header are counted", text: "\n\n\(h)\nx,o2,2024-13-01,1\n", line: 4),
        .init(name: "lone CR line ends are counted", text: "\(h)\rc1,o1,2024-01-01,1\rc2,o2,2024-13-01,1\r", line: 3),
        .init(name: "a byte order mark does not shift lines", text: "\u{FEFF}\(h)\nx,o2,2024-13-01,1", line: 2),
        .init(name: "a header with a quoted line break spans two lines", text: "\"customer\nid\",customer_id,order_id,order_date,amount\nq,x,o,2024-13-01,1\n", line: 3),
    ]

    @Test("errors name the physical line, as an editor counts it", arguments: lineCases)
    func physicalLines(c: LineCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", c.text)
            let row = try #require(ingestError { try ingestLoad(path) }?.rejectedRow)
            #expect(row.line == c.line)
            #expect(row.reason == .badDate)
        }
    }

    @Test("a lone CR inside a quoted field of a CR-only file is a line break too")
    func loneCRInsideQuotes() throws {
        // Classic Mac exports end lines with CR everywhere, inside quoted fields as well.
        let text = "\(Self.h)\r\"1 Main St\rApt 2\",o1,2024-01-01,1\rx,o2,2024-13-01,1\r"
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            let row = try #require(ingestError { try ingestLoad(path) }?.rejectedRow)
            #expect(row.line == 4)
            #expect(row.line >= 3)
        }
    }

    // MARK: Malformed records

    struct MalformedCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { name }
    }

    static let malformed: [MalformedCase] = [
        .init(name: "an unterminated quote at the end of the file", text: "\(h)\nc1,\"o1,2024-01-01,1\n",
              line: 2, column: 2, message: "order_id: unterminated quoted field (a quote opened here is never closed)"),
        .init(name: "an unterminated quote swallows the lines after it", text: "\(h)\nc0,o0,2024-01-01,1\nc1,\"o1,2024-01-01,1\nc2,o2,2024-01-02,2\n",
              line: 3, column: 2, message: "order_id: unterminated quoted field"),
        .init(name: "text after a closing quote in the first field", text: "\(h)\n\"c1\"x,o1,2024-01-01,1\n",
              line: 2, column: 1, message: "customer_id: unexpected character after a closing quote (a quote inside a quoted field must be doubled)"),
        .init(name: "a space after a closing quote", text: "\(h)\nc1,\"o1\" ,2024-01-01,1\n",
              line: 2, column: 2, message: "order_id: unexpected character after a closing quote"),
        .init(name: "text after a closing quote, on the second line of a record", text: "\(h)\nc1,\"o\n1\"x,2024-01-01,1\n",
              line: 3, column: 2, message: "order_id: unexpected character after a closing quote"),
        .init(name: "text after a closing quote in the last field, without a line end", text: "\(h)\nc1,o1,2024-01-01,\"1\"0",
              line: 2, column: 4, message: "amount: unexpected character after a closing quote"),
    ]

    @Test("a malformed record fails with FILE:LINE:COLUMN, the field name and the reason (exit 65)", arguments: malformed)
    func malformedRecord(c: MalformedCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", c.text)
            let error = try #require(ingestError { try ingestLoad(path) })
            #expect(error.description.hasPrefix("\(path):\(c.line):\(c.column): \(c.message)"), "\(error.description)")
            #expect(error.description.hasSuffix("; use --on-bad-row skip to set bad rows aside in rejects.csv"))
            #expect(error.exitStatus == .dataError)
            #expect(error.exitStatus.rawValue == 65)
            #expect(error.rejectedRow?.reason == .malformedCSV)
        }
    }

    @Test("under skip, reading resumes on the line after a record with text after its closing quote")
    func resynchronises() throws {
        let text = "\(Self.h)\r\nc1,\"o1\"x,2024-01-01,1\r\nc2,o2,2024-01-02,2\r\n"
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            let loaded = try ingestLoad(path, options: ingestOptions(.skip, maxRejectShare: 1))
            #expect(loaded.customers.count == 1)
            #expect(loaded.customers.customerID(0) == "c2")
            #expect(loaded.rejects.map(\.rawLine) == ["c1,\"o1\"x,2024-01-01,1"])
            #expect(loaded.accounting.rejectedByReason == [.malformedCSV: 1])
        }
    }

    @Test("a malformed record is rejected once, even when the block ends between its CR and LF")
    func malformedAcrossBlocks() throws {
        // The header is 39 bytes; with 64-byte blocks, padding 5 puts the row's CR on the block's last byte.
        try withIngestFolder { folder in
            for pad in 0..<40 {
                let row = "c\(String(repeating: "x", count: pad)),\"o\"x,2024-01-01,1"
                let path = try folder.write("t.csv", "\(Self.h)\n\(row)\r\nc2,o2,2024-01-02,2\r\n")
                let loaded = try ingestLoad(path, options: ingestOptions(.skip, blockSize: 64))
                #expect(loaded.rejects.map(\.rawLine) == [row], "padding \(pad)")
                #expect(loaded.accounting.rowsRead == 2, "padding \(pad)")
            }
        }
    }

    @Test("under skip, an unterminated quote makes the rest of the file one rejected record")
    func unterminatedSwallows() throws {
        let text = "\(Self.h)\nc0,o0,2024-01-01,1\nc1,\"o1,2024-01-01,1\nc2,o2,2024-01-02,2\n"
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            let loaded = try ingestLoad(path, options: ingestOptions(.skip, maxRejectShare: 1))
            #expect(loaded.accounting.rowsRead == 2)
            #expect(loaded.accounting.rowsUsed == 1)
            let reject = try #require(loaded.rejects.first)
            #expect(reject.line == 3)
            #expect(reject.rawLine.hasPrefix("c1,\"o1,2024-01-01,1\nc2,o2"))
        }
    }
}
