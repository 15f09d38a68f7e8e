import Foundation
import Testing
@testable import Clientele
@testable import ClienteleIngest

/// A lane consumer that keeps every record it is given: its line and its unescaped fields.
struct RecordingConsumer: RecordConsumer {
    var records: [ReferenceRecord] = []
    var malformedLines: [Int] = []

    mutating func consume(_ batch: RecordBatch, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
        var cursor = FieldCursor(buffer: buffer, quote: UInt8(ascii: "\""))
        for r in 0..<batch.count {
            let first = Int(batch.recordFields[r])
            let fields = (0..<batch.fieldCount(r)).map { j in cursor.with(batch.fields[first + j]) { Array($0) } }
            records.append(ReferenceRecord(line: lineBase + Int(batch.recordLine[r]) - 1, fields: fields))
        }
        return true
    }

    mutating func malformed(_ m: CSVTokenizer.Malformation, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
        malformedLines.append(lineBase + Int(m.line) - 1)
        return true
    }
}

@Suite("CSVFileScanner: blocks and lanes hand out exactly the records of a sequential read")
struct CSVTokenizerScannerTests {
    /// The records each lane received, scanning `path`.
    static func scan(_ path: String, lanes: Int, blockSize: Int) throws -> (header: [String], lanes: [RecordingConsumer]) {
        var header: [String] = []
        let consumers = try CSVFileScanner(path: path, dialect: CSVDialect(), blockSize: blockSize).scan(lanes: lanes) { h in
            header = h.names
            return [RecordingConsumer](repeating: RecordingConsumer(), count: lanes)
        }
        return (header, consumers)
    }

    @Test("random exports: the scanner's records and line numbers equal the reference reader's, for every block size",
          arguments: 0..<12)
    func recordsMatchReference(seed: Int) throws {
        let export = RandomExport.generate(seed: 1_000 + UInt64(seed), rows: 30 + seed * 20, orderID: true)
        let reference = try #require(referenceRecords(export.bytes))
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", bytes: export.bytes)
            for blockSize in [8 << 20, 4096, 257, 64, 1] {
                let (header, lanes) = try Self.scan(path, lanes: 2, blockSize: blockSize)
                #expect(header == reference[0].fields.map { String(decoding: $0, as: UTF8.self) })
                let records = lanes.flatMap(\.records)
                #expect(records == Array(reference.dropFirst()), "block size \(blockSize)")
                #expect(lanes.allSatisfy { $0.malformedLines.isEmpty })
            }
        }
    }

    @Test("a block of more than 2 MiB is split between two lanes, at a record boundary")
    func largeBlockIsSplit() throws {
        let export = RandomExport.generate(seed: 99, rows: 11_000, orderID: true, padding: 180)
        let reference = try #require(referenceRecords(export.bytes))
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", bytes: export.bytes)
            let (_, lanes) = try Self.scan(path, lanes: 2, blockSize: 8 << 20)
            #expect(lanes.count == 2)
            #expect(lanes.allSatisfy { $0.records.count > 1_000 }, "both lanes got a real share: \(lanes.map(\.records.count))")
            #expect(lanes.flatMap(\.records) == Array(reference.dropFirst()))
        }
    }

    @Test("a stray quote that fools the split's quote count still gives the sequential records")
    func strayQuoteBeforeSplit() throws {
        // One literal quote early on makes every later quote count odd; quoted fields with line
        // breaks after it then put the split point inside a field, and the scanner must notice.
        var text = "customer_id,order_id,order_date,amount,note\nab\"c,o0,2024-01-01,1,x\n"
        for i in 1..<12_000 {
            text += "c\(i),\"o\(i)\n\(i)\",2024-01-01,1,\"\(String(repeating: "y", count: 170))\"\n"
        }
        let bytes = Array(text.utf8)
        let reference = try #require(referenceRecords(bytes))
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", bytes: bytes)
            let (_, lanes) = try Self.scan(path, lanes: 2, blockSize: 8 << 20)
            #expect(lanes.flatMap(\.records) == Array(reference.dropFirst()))
            #expect(lanes.flatMap(\.malformedLines).isEmpty)
            let loaded = try ingestLoad(path, options: ingestOptions(lanes: 2, blockSize: 8 << 20))
            #expect(loaded.customers.count == 12_000)
            #expect(loaded.customers.id(of: "ab\"c") != nil)
        }
    }

    @Test("a record longer than the block grows the buffer instead of failing")
    func recordLongerThanBlock() throws {
        let long = String(repeating: "L", count: 100_000)
        let text = "\(ingestTransactionsHeader)\nc1,\"\(long)\n\(long)\",2024-01-01,1\nc2,o2,2024-13-01,1\n"
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            let row = try #require(ingestError { try ingestLoad(path, options: ingestOptions(lanes: 2, blockSize: 64)) }?.rejectedRow)
            #expect(row.line == 4)
            let loaded = try ingestLoad(path, options: ingestOptions(.skip, lanes: 2, blockSize: 64))
            #expect(loaded.orders.count == 1)
            #expect(loaded.accounting.rowsRead == 2)
        }
    }

    @Test("a literal quote inside an unquoted header name is a plain byte, as in data rows")
    func literalQuoteInHeader() throws {
        let text = "customer_id,order_id,order_date,amount,size 5\"\nc1,o1,2024-01-01,1,x\nc2,o2,2024-01-02,2,y\n"
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", text)
            // The same quote in a data field is literal (the tokenizer's documented leniency).
            let inData = try folder.write("data.csv", "customer_id,order_id,order_date,amount,size\nc1,o1,2024-01-01,1,5\"\n")
            #expect(try ingestLoad(inData).accounting.rowsUsed == 1)
            let loaded = try ingestLoad(path)
            #expect(loaded.accounting.rowsUsed == 2)
        }
    }

    @Test("a header longer than the block is read whole")
    func headerLongerThanBlock() throws {
        let extra = (0..<200).map { "extra_column_\($0)" }
        let header = (["customer_id", "order_id", "order_date", "amount"] + extra).joined(separator: ",")
        let row = (["c1", "o1", "2024-01-01", "1"] + extra.map { _ in "" }).joined(separator: ",")
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\u{FEFF}\(header)\r\n\(row)\r\n")
            let loaded = try ingestLoad(path, options: ingestOptions(lanes: 2, blockSize: 16))
            #expect(loaded.orders.netCents == [100])
            let (names, _) = try Self.scan(path, lanes: 1, blockSize: 16)
            #expect(names.count == 204)
            #expect(names.first == "customer_id")
        }
    }
}
