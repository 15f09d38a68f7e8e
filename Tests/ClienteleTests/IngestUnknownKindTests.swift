import Foundation
import Testing
@testable import Clientele

@Suite("Interactions: a kind Clientele does not know counts as other and is listed, never silent")
struct IngestUnknownKindTests {
    static let text = """
        \(ingestInteractionsHeader)
        c1,2024-01-05,phone,support,4,9
        c1,2024-01-06,chat,chat,,
        c2,2024-01-06,chat,chat,,
        c2,2024-01-07,sms,SMS,,
        c3,2024-01-07,web,Other,,
        c3,2024-01-08,web,,,
        c3,2024-01-09,chat,chat,,
        x9,2024-01-09,chat,chat,,
        c2,2024-01-10,mail,"two
        lines",,

        """

    static func load(_ folder: IngestFolder, _ text: String = Self.text) throws -> InteractionLoader.Loaded {
        let transactions = try folder.write("transactions.csv", "\(ingestTransactionsHeader)\nc1,o1,2024-01-01,1\nc2,o2,2024-01-01,1\nc3,o3,2024-01-02,1\n")
        let path = try folder.write("interactions.csv", text)
        return try InteractionLoader(source: CSVSource(path: path), options: ingestOptions())
            .load(customers: try ingestLoad(transactions).customers)
    }

    @Test("unknown kinds go to other as before, and are counted by the kind as written (other, in any case, is not unknown)")
    func counted() throws {
        try withIngestFolder { folder in
            let loaded = try Self.load(folder)
            #expect(loaded.table.kind == [.support, .other, .other, .other, .other, .other, .other, .other])
            #expect(loaded.unknownKinds.rows == ["chat": 3, "SMS": 1, "": 1, "two\nlines": 1], "the orphan x9's chat is not analysed, so not counted")
            #expect(loaded.unknownKinds.untrackedRows == 0 && loaded.unknownKinds.totalRows == 6)
            #expect(loaded.unknownKinds.summary(limit: 2) == "chat: 3, (blank): 1, other kinds: 2")
        }
    }

    @Test("a file of known kinds, or without a kind column, lists nothing")
    func nothingUnknown() throws {
        try withIngestFolder { folder in
            let known = try Self.load(folder, "\(ingestInteractionsHeader)\nc1,2024-01-05,phone,Support,4,9\nc2,2024-01-05,phone,other,,\n")
            #expect(known.unknownKinds == UnknownValueCounts())
            let noKind = try Self.load(folder, "customer_id,interaction_date\nc1,2024-01-05\n")
            #expect(noKind.unknownKinds.totalRows == 0)
            var file = RunReport.InputFile(role: "interactions", path: "i.csv", rowsRead: 1, rowsUsed: 1, rowsRejected: 0, rejectedByReason: [:])
            file.record(unknownKinds: known.unknownKinds)
            #expect(file.rowsUnknownKind == nil && file.unknownKinds == nil && file.unknownKindsUnlistedRows == nil)
        }
    }

    @Test("the counts stay bounded: 1,000 values by name, the rows of any further one summed")
    func bounded() throws {
        try withIngestFolder { folder in
            var text = ingestInteractionsHeader + "\n"
            for k in 0..<1_005 { text += "c1,2024-01-05,web,kind\(k),,\n" }
            text += "c1,2024-01-05,web,kind0,,\n"
            text += "c1,2024-01-05,web,\(String(repeating: "x", count: 500)),,\n"
            let counts = try Self.load(folder, text).unknownKinds
            #expect(counts.rows.count == UnknownValueCounts.trackedValues)
            #expect(counts.rows["kind0"] == 2)
            #expect(counts.untrackedRows == 6, "kind1000 … kind1004 and the long value")
            #expect(counts.totalRows == 1_007)
            let listed = counts.listed(limit: 20)
            #expect(listed.values.count == 20 && listed.values[0] == (value: "kind0", rows: 2))
            #expect(listed.otherRows == 1_007 - 2 - 19)
        }
    }

    @Test("a value longer than 128 bytes is counted by its first 128")
    func longValue() throws {
        try withIngestFolder { folder in
            let long = String(repeating: "y", count: 300)
            let counts = try Self.load(folder, "\(ingestInteractionsHeader)\nc1,2024-01-05,web,\(long),,\nc2,2024-01-05,web,\(long)z,,\n").unknownKinds
            #expect(counts.rows == [String(repeating: "y", count: 128): 2])
        }
    }

    @Test("report.json lists them in the input accounting, and report.md says so in one paragraph")
    func reported() throws {
        try withIngestFolder { folder in
            var counts = UnknownValueCounts()
            for k in 0..<25 { counts.add("k\(k < 10 ? "0" : "")\(k)", rows: 100 - k) }
            counts.add("chat", rows: 500)
            var report = try HTMLReportSample.report()
            var file = report.inputs[0]
            file.role = "interactions"
            file.record(unknownKinds: counts)
            #expect(file.rowsUnknownKind == counts.totalRows)
            #expect(file.unknownKinds?.count == RunReport.InputFile.listedUnknownKinds)
            #expect(file.unknownKinds?["chat"] == 500 && file.unknownKinds?["k18"] == 82 && file.unknownKinds?["k19"] == nil)
            #expect(file.unknownKindsUnlistedRows == (19...24).reduce(0) { $0 + 100 - $1 })
            report.inputs.append(file)

            let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReportWriter(report: report).bytes())) as? [String: Any])
            let inputs = try #require(json["inputs"] as? [[String: Any]])
            #expect(inputs[0]["unknown_kinds"] == nil, "transactions have no kinds")
            #expect((inputs[1]["unknown_kinds"] as? [String: Int])?["chat"] == 500)
            #expect(inputs[1]["rows_unknown_kind"] as? Int == counts.totalRows)
            #expect(inputs[1]["unknown_kinds_unlisted_rows"] as? Int == file.unknownKindsUnlistedRows)

            // One paragraph (report.md wraps it for a terminal): its lines joined back with spaces.
            let md = MarkdownReportWriter(report: report).text()
            let lines = md.components(separatedBy: "\n\n").map { $0.replacingOccurrences(of: "\n", with: " ") }
                .filter { $0.contains("a kind Clientele does not know") }
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("\(counts.totalRows) interactions rows have a kind Clientele does not know (chat: 500, k00: 100, k01: 99") == true)
            #expect(lines.first?.hasSuffix("k18: 82, other kinds: \(file.unknownKindsUnlistedRows!)); they are counted as `other`.") == true)
        }
    }

    @Test("a run with an unknown kind lists it in report.json")
    func endToEnd() throws {
        try withScratch { scratch in
            let interactions = try scratch.write("interactions.csv", "\(ingestInteractionsHeader)\nu9,2024-07-21,chat,chat,,\nu9,2024-07-22,phone,support,4,9\n")
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"), interactions: interactions)
            config.threads = 1
            _ = try Run(configuration: config).execute()
            let inputs = try #require(try reportJSON(scratch.join("report"))["inputs"] as? [[String: Any]])
            #expect((inputs[1]["unknown_kinds"] as? [String: Int]) == ["chat": 1])
            #expect(inputs[1]["rows_unknown_kind"] as? Int == 1)
        }
    }
}
