import Foundation
import Testing
@testable import Clientele

@Suite("Report writers")
struct ReportWritersTests {
    /// Three one-order customers whose ids need quoting or sort by byte (uppercase before lowercase).
    static let awkwardIDs = """
        customer_id,order_id,order_date,amount
        plain,o2,2025-01-02,0.99
        "q""uote",o3,2025-01-03,1234567.89
        "Smith, J",o1,2025-01-01,-0.05

        """

    @Test("customers.csv quotes ids that need it, sorts by bytes and writes small negative cents with their sign")
    func customersQuoting() throws {
        try withScratch { scratch in
            let input = try scratch.write("t.csv", Self.awkwardIDs)
            _ = try Run(configuration: configuration(transactions: input, out: scratch.join("report"))).execute()
            // as-of 2025-01-04; n = 3: R worse 0, 1, 2 → 1, 2, 4; M the same order; F all tied → 1.
            #expect(try text(scratch.join("report/customers.csv")) == """
                customer_id,first_order_date,last_order_date,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_cell,segment,historical_clv
                "Smith, J",2025-01-01,2025-01-01,3,1,-0.05,1,1,1,111,Hibernating,-0.05
                plain,2025-01-02,2025-01-02,2,1,0.99,2,1,2,212,Hibernating,0.99
                "q""uote",2025-01-03,2025-01-03,1,1,1234567.89,4,1,4,414,Promising,1234567.89

                """)
        }
    }

    @Test("segment names with commas and quotes are quoted in customers.csv and segments.csv")
    func segmentNameQuoting() throws {
        try withScratch { scratch in
            let input = try scratch.write("t.csv", Self.awkwardIDs)
            var config = configuration(transactions: input, out: scratch.join("report"))
            config.rfm.quantiles = 2
            config.rfm.segments = try SegmentMap(rows: [["Low, low", "Low \"F\""], ["High", "Top"]])
            _ = try Run(configuration: config).execute()
            // N = 2: R = 1 + ⌊2·worse/3⌋ → 1, 1, 2.
            let customers = csvRecords(try text(scratch.join("report/customers.csv"))).dropFirst().map { [$0[0], $0[10]] }
            #expect(customers == [["Smith, J", "Low, low"], ["plain", "Low, low"], ["q\"uote", "High"]])
            #expect(try text(scratch.join("report/customers.csv")).contains(",\"Low, low\","))
            #expect(try text(scratch.join("report/segments.csv")).split(separator: "\n").count == 5)
            let names = csvRecords(try text(scratch.join("report/segments.csv"))).dropFirst().map { $0[0] }
            #expect(names == ["Top", "High", "Low \"F\"", "Low, low"])
            #expect(try text(scratch.join("report/segments.csv")).contains("\n\"Low \"\"F\"\"\",0,"))
        }
    }

    @Test("segments.csv leaves means of empty segments blank, and revenue shares blank when net revenue is not positive")
    func blanks() throws {
        try withScratch { scratch in
            let input = try scratch.write("t.csv", "customer_id,order_id,order_date,amount\nr1,1,2025-01-01,-5.00\nr2,2,2025-01-01,-1.00\n")
            _ = try Run(configuration: configuration(transactions: input, out: scratch.join("report"))).execute()
            let rows = csvRecords(try text(scratch.join("report/segments.csv")))
            #expect(rows.first?.count == 8)
            let byName = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0) })
            // Both tie on everything: worse = 0 → 111 → Hibernating.
            #expect(byName["Hibernating"] == ["Hibernating", "2", "1.0", "-6.00", "", "1.0", "1.0", "-3.0"])
            #expect(byName["Champions"] == ["Champions", "0", "0.0", "0.00", "", "", "", ""])
            let segments = try #require((try reportJSON(scratch.join("report"))["rfm"] as? [String: Any])?["segments"] as? [[String: Any]])
            #expect(segments.allSatisfy { $0["revenue_share"] == nil }, "no revenue share in report.json either")
        }
    }

    @Test("report.json has snake_case keys in sorted order, unescaped slashes and a final newline")
    func jsonShape() throws {
        try withScratch { scratch in
            _ = try Run(configuration: configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"), clv: true, clusters: true)).execute()
            let json = try text(scratch.join("report/report.json"))
            #expect(json.hasSuffix("}\n"))
            #expect(json.contains("\"path\" : \"\(Package.fixture("rfm/transactions.csv"))\""))
            let topLevel = json.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.dropFirst(3).prefix { $0 != "\"" } }
            #expect(topLevel == topLevel.sorted())
            #expect(topLevel.map(String.init) == ["clusters", "clv", "clv_charts", "cohorts", "concentration", "customers", "inputs", "outputs", "rfm", "settings", "skipped", "started_at", "summary", "timings", "tool", "warnings"])
            #expect(!json.contains("asOf") && !json.contains("rowsRead"), "keys are snake_case")
        }
    }

    @Test("an output folder is staged hidden beside the target, swapped in by commit, and removed by abandon")
    func outputFolder() throws {
        try withScratch { scratch in
            let target = scratch.join("report")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
            try scratch.write("report/\(ReportMarker.fileName)", "run_token=old\n")
            try scratch.write("report/report.json", "{}")

            let abandoned = try OutputFolder(target + "/")
            #expect(abandoned.finalPath == target)
            #expect(abandoned.stagingPath == scratch.join(".report.staging-\(getpid())"))
            #expect(try entries(scratch.path) == [".report.staging-\(getpid())", "report"])
            try FileSink.write(Array("half".utf8), to: abandoned.path("customers.csv"))
            abandoned.abandon()
            #expect(try entries(scratch.path) == ["report"])
            #expect(try entries(target) == [ReportMarker.fileName, "report.json"])

            let folder = try OutputFolder(target)
            try FileSink.write(Array("new".utf8), to: folder.path("new.txt"))
            try folder.commit()
            #expect(try entries(scratch.path) == ["report"])
            #expect(try entries(target) == [ReportMarker.fileName, "new.txt"])
            #expect(ReportMarker.token(inFolder: target) == folder.token)
            #expect(try text(target + "/new.txt") == "new")
        }
    }

    @Test("JSON reports write arrays of numbers on one line and leave strings, objects and nested arrays as they were")
    func jsonScalarArrays() throws {
        struct Sample: Encodable {
            var counts = [0, 3, 17]
            var thresholds: [Double?] = [nil, 0.5, -0.25]
            var flags = [true, false]
            var empty: [Int] = []
            var names = ["a [1, 2]", "quote \" ]"]
            var nested = [[1, 2], [3]]
            var objects = [["x": 1]]
        }
        let bytes = try JSONReportWriter.bytes(of: Sample(), file: "sample.json")
        let json = String(decoding: bytes, as: UTF8.self)
        #expect(json.contains("\"counts\" : [0, 3, 17],\n"))
        #expect(json.contains("\"thresholds\" : [null, 0.5, -0.25]"))
        #expect(json.contains("\"flags\" : [true, false]") && json.contains("\"empty\" : []"))
        #expect(json.contains("\"names\" : [\n    \"a [1, 2]\",\n"), "arrays of strings stay one per line")
        #expect(json.contains("\"nested\" : [\n    [1, 2],\n    [3]\n  ]"), "the inner arrays collapse, the outer one does not")
        let plain = JSONEncoder()
        plain.keyEncodingStrategy = .convertToSnakeCase
        let same = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
        #expect(same == (try JSONSerialization.jsonObject(with: plain.encode(Sample())) as? NSDictionary), "the same value")
    }

    @Test("rows formatted in chunks on several threads come out whole and in order",
          arguments: [(0, 2, 4), (1, 2, 4), (10, 3, 4), (1_000, 2, 7), (1_000, 1, 1_000)])
    func rowsInChunks(count: Int, threads: Int, chunkRows: Int) throws {
        try withScratch { scratch in
            let path = scratch.join("rows.csv")
            try FileSink.writeRows(count, to: path, header: Array("n\n".utf8), threads: threads, maxRowBytes: 21, chunkRows: chunkRows) { range, b in
                for i in range { b.int(i); b.newline() }
            }
            #expect(try text(path) == "n\n" + (0..<count).map { "\($0)\n" }.joined())
        }
    }

    @Test("the day table writes what the calendar writes, inside its range and outside it")
    func dayTable() {
        let table = ISODayTable(first: 19_000, last: 19_400)
        for day: Int32 in [18_999, 19_000, 19_001, 19_200, 19_400, 19_401, -1, 0, 60_000] {
            var fromTable = ByteBuffer(), direct = ByteBuffer()
            table.write(day, to: &fromTable)
            direct.day(day)
            #expect(fromTable.bytes == direct.bytes, "day \(day)")
        }
        var empty = ByteBuffer()
        ISODayTable(first: 5, last: 4).write(5, to: &empty)
        #expect(String(decoding: empty.bytes, as: UTF8.self) == "1970-01-06")
    }

    @Test("the formatting primitives write the same bytes into an array and into a row cursor")
    func sinksAgree() {
        func fill<S: ByteSink>(_ s: inout S) {
            s.int(-1234567890123); s.comma(); s.cents(-1205); s.comma(); s.cents(7); s.comma(); s.day(20_000); s.comma()
            s.double(0.16346606414029768); s.comma(); s.double(.nan); s.comma(); s.money(28.945); s.comma()
            s.field("Can't, \"Lose\""); s.comma(); s.text("é"); s.newline()
            for length in 0...40 { s.append(Array((0..<length).map { UInt8(65 + ($0 * 7 + length) % 26) })) }  // every copy path
        }
        var buffer = ByteBuffer()
        fill(&buffer)
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1024)
        defer { block.deallocate() }
        var cursor = RowCursor(block)
        fill(&cursor)
        let written = Array(block[..<(cursor.position - block.baseAddress!)])
        #expect(written == buffer.bytes)
        #expect(String(decoding: written.prefix(86), as: UTF8.self)
                == "-1234567890123,-12.05,0.07,2024-10-04,0.16346606414029768,,28.95,\"Can't, \"\"Lose\"\"\",é\n")
    }
}
