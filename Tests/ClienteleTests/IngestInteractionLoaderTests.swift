import Foundation
import Testing
@testable import Clientele

/// A bad interactions row and what it must be rejected for.
struct InteractionBadCase: Sendable, CustomTestStringConvertible {
    var name: String
    var row: String
    var column: Int
    var reason: RejectReason
    var message: String
    var testDescription: String { name }

    static let all: [InteractionBadCase] = [
        .init(name: "a satisfaction above the scale", row: "c1,2024-01-05,phone,survey,6,", column: 5, reason: .outOfRange,
              message: "satisfaction: 6.0 is outside the scale 1.0–5.0"),
        .init(name: "a satisfaction of zero", row: "c1,2024-01-05,phone,survey,0,", column: 5, reason: .outOfRange,
              message: "satisfaction: 0.0 is outside the scale 1.0–5.0"),
        .init(name: "a recommend score of 11", row: "c1,2024-01-05,phone,survey,,11", column: 6, reason: .outOfRange,
              message: "recommend: 11.0 is outside the scale 0.0–10.0"),
        .init(name: "a word for a satisfaction", row: "c1,2024-01-05,phone,survey,good,", column: 5, reason: .badNumber,
              message: "satisfaction: cannot parse \"good\" as a number (leave it blank when unanswered)"),
        .init(name: "a bad date", row: "c1,2024-02-30,phone,survey,,", column: 2, reason: .badDate,
              message: "interaction_date: cannot parse \"2024-02-30\" as a date; expected YYYY-MM-DD (ISO 8601) (set date_format in the job file for other layouts)"),
        .init(name: "an empty customer_id", row: ",2024-01-05,phone,survey,,", column: 1, reason: .emptyKey,
              message: "customer_id: customer_id is empty"),
        .init(name: "too few fields", row: "c1,2024-01-05", column: 3, reason: .fieldCount,
              message: "channel: expected 6 fields as in the header, found 2"),
        .init(name: "an unknown customer's bad row is a reject, not an orphan", row: "zz,2024-01-05,phone,survey,9,", column: 5, reason: .outOfRange,
              message: "satisfaction: 9.0 is outside the scale 1.0–5.0"),
    ]
}

@Suite("InteractionLoader: interactions.csv against the customer index")
struct IngestInteractionLoaderTests {
    static let h = ingestInteractionsHeader

    /// Customers c1, c2 and c3, from a small transactions file in `folder`.
    static func customers(_ folder: IngestFolder) throws -> CustomerIndex {
        let path = try folder.write("transactions.csv", "\(ingestTransactionsHeader)\nc2,o1,2024-01-01,1\nc1,o2,2024-01-01,1\nc3,o3,2024-01-02,1\n")
        return try ingestLoad(path).customers
    }

    static func load(_ path: String, _ customers: CustomerIndex, columns: InteractionColumns = InteractionColumns(),
                     options: IngestOptions = ingestOptions()) throws -> InteractionLoader.Loaded {
        try InteractionLoader(source: CSVSource(path: path), columns: columns, options: options).load(customers: customers)
    }

    @Test("known customers' rows fill the table; unknown customers' rows are counted as orphans, never dropped from the accounting")
    func orphans() throws {
        let text = """
            \(Self.h)
            c1,2024-01-05,phone,Support,4,9
            c2,2024-01-06T10:00:00Z,email,COMPLAINT,,
            x9,2024-01-07,chat,survey,5,10
            x9,2024-01-08,chat,survey,3,
            x8,2024-01-08,web,marketing,,
            c1,2024-01-09,Store,call,2.5,0

            """
        try withIngestFolder { folder in
            let customers = try Self.customers(folder)
            let path = try folder.write("interactions.csv", text)
            for lanes in [1, 2] {
                let loaded = try Self.load(path, customers, options: ingestOptions(lanes: lanes, blockSize: 40))
                let c1 = try #require(customers.id(of: "c1")), c2 = try #require(customers.id(of: "c2"))
                #expect(loaded.table.count == 3)
                #expect(loaded.table.customer == [c1, c2, c1])
                #expect(loaded.table.day == [ingestDay("2024-01-05"), ingestDay("2024-01-06"), ingestDay("2024-01-09")])
                #expect(loaded.table.kind == [.support, .complaint, .other])
                #expect(loaded.table.channel.map { loaded.table.channelNames[Int($0)] } == ["phone", "email", "Store"])
                #expect(loaded.table.satisfaction[0] == 4 && loaded.table.satisfaction[1].isNaN && loaded.table.satisfaction[2] == 2.5)
                #expect(loaded.table.recommend[0] == 9 && loaded.table.recommend[1].isNaN && loaded.table.recommend[2] == 0)
                #expect(loaded.orphanRows == 3)
                #expect(loaded.orphanCustomers == 2)
                #expect(loaded.orphanExamples == ["x8", "x9"])
                #expect(loaded.accounting.rowsRead == 6)
                #expect(loaded.accounting.rowsUsed == 6)
                #expect(loaded.accounting.rowsUnmatched == 3)
                #expect(loaded.accounting.rowsRead == loaded.accounting.rowsUsed + loaded.accounting.rowsRejected)
                #expect(loaded.rejects.isEmpty)
            }
        }
    }

    @Test("orphan examples are at most five ids, in byte order")
    func orphanExamples() throws {
        try withIngestFolder { folder in
            let customers = try Self.customers(folder)
            let rows = ["q", "b", "z", "a", "c1", "m", "b", "k", "e"].map { "\($0),2024-01-05,,,," }
            let loaded = try Self.load(try folder.write("i.csv", ([Self.h] + rows).joined(separator: "\n")), customers)
            #expect(loaded.orphanRows == 8)
            #expect(loaded.orphanCustomers == 7)
            #expect(loaded.orphanExamples == ["a", "b", "e", "k", "m"])
            #expect(loaded.table.count == 1)
        }
    }

    @Test("a bad interactions row fails with FILE:LINE:COLUMN (exit 65); under skip it is a reject", arguments: InteractionBadCase.all)
    func badRow(c: InteractionBadCase) throws {
        try withIngestFolder { folder in
            let customers = try Self.customers(folder)
            let path = try folder.write("interactions.csv", "\(Self.h)\nc1,2024-01-04,web,support,5,10\n\(c.row)\n")
            let error = try #require(ingestError { try Self.load(path, customers) })
            #expect(error.description == "\(path):3:\(c.column): \(c.message); use --on-bad-row skip to set bad rows aside in rejects.csv")
            #expect(error.exitStatus == .dataError)
            #expect(error.rejectedRow?.reason == c.reason)

            let skipped = try Self.load(path, customers, options: ingestOptions(.skip))
            #expect(skipped.accounting.rowsRead == 2)
            #expect(skipped.accounting.rowsUsed == 1)
            #expect(skipped.accounting.rejectedByReason == [c.reason: 1])
            #expect(skipped.rejects.map(\.rawLine) == [c.row])
            #expect(skipped.orphanRows == 0)
            #expect(skipped.table.count == 1)
        }
    }

    @Test("the answer scales are configurable")
    func scales() throws {
        var columns = InteractionColumns()
        columns.satisfactionScale = 0...10
        columns.recommendScale = 1...5
        try withIngestFolder { folder in
            let customers = try Self.customers(folder)
            let path = try folder.write("i.csv", "\(Self.h)\nc1,2024-01-05,phone,survey,9,5\n")
            let loaded = try Self.load(path, customers, columns: columns)
            #expect(loaded.table.satisfaction == [9])
            #expect(loaded.table.recommend == [5])
            let bad = try folder.write("bad.csv", "\(Self.h)\nc1,2024-01-05,phone,survey,9,0\n")
            #expect(ingestError { try Self.load(bad, customers, columns: columns) }?.rejectedRow?.message == "0.0 is outside the scale 1.0–5.0")
        }
    }

    @Test("only customer_id and interaction_date are required")
    func optionalColumns() throws {
        try withIngestFolder { folder in
            let customers = try Self.customers(folder)
            let path = try folder.write("i.csv", "interaction_date,CUSTOMER_ID\n2024-01-05,c3\n")
            let loaded = try Self.load(path, customers)
            #expect(loaded.table.customer == [customers.id(of: "c3")!])
            #expect(loaded.table.kind == [.other])
            #expect(loaded.table.satisfaction[0].isNaN && loaded.table.recommend[0].isNaN)

            let missing = try folder.write("m.csv", "customer_id,date\nc1,2024-01-05\n")
            let error = try #require(ingestError { try Self.load(missing, customers) })
            #expect(error == .missingColumn(path: missing, column: "interaction_date", header: ["customer_id", "date"]))
            #expect(error.exitStatus == .dataError)
            let nowhere = folder.join("nowhere.csv")
            #expect(ingestError { try Self.load(nowhere, customers) } == .missingFile(path: nowhere))
        }
    }

    @Test("lanes and block size change nothing: the table, the channel names, the orphans and the rejects", arguments: ReadingPlan.all + [ReadingPlan(lanes: 2, blockSize: 64)])
    func lanesAgree(plan: ReadingPlan) throws {
        // About 2.4 MB, so that the split-block plan really splits; channels appear in a different
        // order in the second half, so each lane numbers them differently before they are merged.
        var text = Self.h + ",note\n"
        let firstHalf = ["phone", "email"], secondHalf = ["web", "chat", "email", "phone", "Store"]
        let kinds = ["support", "complaint", "survey", "marketing", "visit"]
        for i in 0..<11_000 {
            let channel = i < 5_500 ? firstHalf[i % 2] : secondHalf[i % 5]
            let customer = i % 7 == 0 ? "orphan\(i % 13)" : "c\(1 + i % 3)"
            let satisfaction = i % 4 == 0 ? "" : String(1 + i % 5)
            let recommend = i % 3 == 0 ? "" : String(i % 11)
            let row: String
            switch i {
            case 100, 5_499, 5_500, 10_999: row = "c1,2024-01-0\(i % 9 + 1),\(channel),survey,7,,"  // out of range
            case 4_000: row = "\"c2\"?,2024-01-01,phone,survey,,,"                                     // malformed
            default: row = "\(customer),2024-02-\(10 + i % 19),\(channel),\(kinds[i % 5]),\(satisfaction),\(recommend),"
            }
            text += row + String(repeating: "n", count: 180 + i % 30) + (i % 2 == 0 ? "\r\n" : "\n")
        }
        try withIngestFolder { folder in
            let customers = try Self.customers(folder)
            let path = try folder.write("i.csv", text)
            let reference = try Self.load(path, customers, options: ingestOptions(.skip, lanes: 1, blockSize: 8 << 20))
            let loaded = try Self.load(path, customers, options: ingestOptions(.skip, lanes: plan.lanes, blockSize: plan.blockSize))
            #expect(reference.table.channelNames == ["email", "phone", "chat", "Store", "web"])
            #expect(reference.rejects.map(\.line) == [102, 4_002, 5_501, 5_502, 11_001])
            #expect(reference.accounting.rowsRead == 11_000)

            #expect(loaded.table.customer == reference.table.customer)
            #expect(loaded.table.day == reference.table.day)
            #expect(loaded.table.kind == reference.table.kind)
            #expect(loaded.table.channel.map { loaded.table.channelNames[Int($0)] } == reference.table.channel.map { reference.table.channelNames[Int($0)] })
            #expect(loaded.table.channelNames == reference.table.channelNames)
            #expect(loaded.table.satisfaction.map(\.bitPattern) == reference.table.satisfaction.map(\.bitPattern))
            #expect(loaded.table.recommend.map(\.bitPattern) == reference.table.recommend.map(\.bitPattern))
            #expect(loaded.accounting == reference.accounting)
            #expect(loaded.rejects == reference.rejects)
            #expect(loaded.orphanRows == reference.orphanRows)
            #expect(loaded.orphanCustomers == 13)
            #expect(loaded.orphanExamples == reference.orphanExamples)
            #expect(loaded.accounting.rowsRead == loaded.accounting.rowsUsed + loaded.accounting.rowsRejected)
        }
    }
}
