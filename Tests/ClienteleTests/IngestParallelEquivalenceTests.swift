import Foundation
import Testing
@testable import Clientele

/// A random, well-formed transactions export: columns in random order, every field quoted or not
/// at random, customer and order ids holding delimiters, doubled quotes, LF and CRLF, spaces,
/// non-ASCII bytes and (unquoted) literal quotes; LF and CRLF line ends mixed; blank lines;
/// ISO dates with and without times; amounts in several spellings. Reproducible from its seed.
struct RandomExport {
    var bytes: [UInt8]
    var rows: Int

    static func generate(seed: UInt64, rows: Int, orderID: Bool, padding: Int = 0) -> RandomExport {
        var rng = IngestRandom(seed: seed)
        var columns = ["customer_id", "order_date", "amount", "channel"] + (orderID ? ["order_id"] : [])
        columns.shuffle(using: &rng)
        var out: [UInt8] = []
        out.reserveCapacity(rows * (60 + padding))
        func lineEnd() { out += rng.chance(0.4) ? [13, 10] : [10] }
        func write(_ fields: [[UInt8]]) {
            for (k, field) in fields.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out += field
            }
        }
        func field(_ value: [UInt8], plain: Bool = false) -> [UInt8] {
            // A value with a quote but nothing else special may be written bare: the quote is literal.
            let bare = plain && value.first != 34 && !value.contains { $0 == 44 || $0 == 10 || $0 == 13 } && rng.chance(0.5)
            return bare ? value : referenceField(value, force: rng.chance(0.2))
        }
        func decorated(_ base: String) -> [UInt8] {
            var s = Array(base.utf8)
            let pieces: [[UInt8]] = [Array(",".utf8), Array("\"".utf8), Array("\"\"".utf8), [10], [13, 10], Array(" ".utf8),
                                     Array("é".utf8), Array(";".utf8), Array("\t".utf8), Array("x\"y".utf8)]
            for piece in pieces where rng.chance(0.06) {
                let at = Int.random(in: 0...s.count, using: &rng)
                s.insert(contentsOf: piece, at: at)
            }
            return s
        }
        let customers = (0..<max(1, rows / 4)).map { decorated("cust\($0)") }
        var orders: [[[UInt8]]] = customers.map { _ in [] }

        write(columns.map { field(Array($0.utf8)) })
        lineEnd()
        for i in 0..<rows {
            if rng.chance(0.03) { lineEnd() }  // a blank line
            let c = Int.random(in: 0..<customers.count, using: &rng)
            if orders[c].isEmpty || rng.chance(0.4) { orders[c].append(decorated("ord\(i)")) }
            let order = rng.pick(orders[c])
            let day = CalendarDay(daysSinceEpoch: ingestDay("2023-01-01") + Int32.random(in: 0..<730, using: &rng)).description
            let time = rng.pick(["", "T08:30:00Z", " 23:59", "T12:00:00.5+01:00", "T00:00-05:00"])
            let cents = Int.random(in: -5_000...50_000, using: &rng)
            let units = abs(cents) / 100, rest = abs(cents) % 100
            var amount = (cents < 0 ? "-" : rng.chance(0.1) ? "+" : "") + String(units)
            if rest != 0 || rng.chance(0.5) { amount += "." + (rest < 10 ? "0" : "") + String(rest) }
            let channel = rng.pick(["web", "store", "phone, call", ""]) + String(repeating: "p", count: padding)
            let values: [String: [UInt8]] = [
                "customer_id": field(customers[c], plain: true), "order_id": field(order, plain: true),
                "order_date": field(Array((day + time).utf8)), "amount": field(Array(amount.utf8)),
                "channel": field(Array(channel.utf8)),
            ]
            write(columns.map { values[$0]! })
            if i < rows - 1 || rng.chance(0.5) { lineEnd() }
        }
        return RandomExport(bytes: out, rows: rows)
    }
}

@Suite("Parallel ingest: lanes and block sizes give the same result as one sequential reader")
struct IngestParallelEquivalenceTests {
    static let smallBlocks: [ReadingPlan] = [
        .init(lanes: 2, blockSize: 64), .init(lanes: 2, blockSize: 257), .init(lanes: 2, blockSize: 4096), .init(lanes: 1, blockSize: 100),
    ]

    @Test("random exports load identically with one lane and a big block, two lanes and tiny blocks, and the reference reader",
          arguments: 0..<24)
    func randomExports(seed: Int) throws {
        let export = RandomExport.generate(seed: UInt64(seed), rows: 40 + seed * 15, orderID: seed % 3 != 0)
        let records = try #require(referenceRecords(export.bytes), "the generator wrote malformed CSV")
        #expect(records.count == export.rows + 1)
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", bytes: export.bytes)
            let sequential = try ingestLoad(path, options: ingestOptions(lanes: 1, blockSize: 8 << 20))
            #expect(sequential.accounting.rowsRead == export.rows)
            #expect(sequential.accounting.rowsUsed == export.rows)
            #expect(ingestSummaries(sequential) == referenceSummaries(records))
            let expected = IngestLoadSnapshot(sequential)
            for plan in Self.smallBlocks {
                let loaded = try ingestLoad(path, options: ingestOptions(lanes: plan.lanes, blockSize: plan.blockSize))
                #expect(IngestLoadSnapshot(loaded) == expected, "\(plan.testDescription)")
            }
        }
    }

    @Test("a random export of more than 2 MiB, split between two lanes, loads as the sequential reader and the reference read it",
          arguments: [(7 as UInt64, true), (8, false)])
    func largeExport(seed: UInt64, orderID: Bool) throws {
        let export = RandomExport.generate(seed: seed, rows: 11_000, orderID: orderID, padding: 180)
        #expect(export.bytes.count > 2 << 20)
        let records = try #require(referenceRecords(export.bytes))
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", bytes: export.bytes)
            let sequential = try ingestLoad(path, options: ingestOptions(lanes: 1, blockSize: 8 << 20))
            #expect(ingestSummaries(sequential) == referenceSummaries(records))
            #expect(sequential.hasOrderID == orderID)
            for plan in [ReadingPlan.splitBlock, .init(lanes: 2, blockSize: 4096)] {
                let loaded = try ingestLoad(path, options: ingestOptions(lanes: plan.lanes, blockSize: plan.blockSize))
                #expect(IngestLoadSnapshot(loaded) == IngestLoadSnapshot(sequential), "\(plan.testDescription)")
            }
        }
    }

    @Test("the same bytes give the same customers whatever the column order")
    func columnOrder() throws {
        try withIngestFolder { folder in
            let a = try folder.write("a.csv", "customer_id,order_id,order_date,amount\n\"x,1\",o1,2024-01-01,1\ny,o2,2024-01-02,2\n")
            let b = try folder.write("b.csv", "amount,order_date,order_id,customer_id\n2,2024-01-02,o2,y\n1,2024-01-01,o1,\"x,1\"\n")
            #expect(IngestLoadSnapshot(try ingestLoad(a)).customerIDs == IngestLoadSnapshot(try ingestLoad(b)).customerIDs)
            #expect(ingestSummaries(try ingestLoad(a)) == ingestSummaries(try ingestLoad(b)))
        }
    }
}
