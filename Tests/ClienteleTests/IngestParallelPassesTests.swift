import Foundation
import Testing
@testable import Clientele

/// The ingest's and RFM's passes that run in blocks on every thread give what one serial pass
/// gives, with data large enough to cross their block boundaries (the customer merge's key ranges,
/// 32,768 keys; order sorting and total checks, 32,768 and 65,536 customers; interaction blocks,
/// 65,536 rows; RFM blocks, 65,536 customers).
@Suite("Ingest and RFM parallel passes: blocks and threads change nothing")
struct IngestParallelPassesTests {
    /// Keys of varying length (0 to 24 bytes), many sharing their first 8 or 16 bytes, so that the
    /// merge's word compare ties and the whole keys decide, also at its splitters.
    static func keys(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SeededGenerator(seed: seed)
        var seen = Set<[UInt8]>()
        var keys: [[UInt8]] = []
        while keys.count < count {
            var key: [UInt8]
            switch rng.next() % 4 {
            case 0: key = Array("CUSTOMER-PREFIX!".utf8) + (0..<Int(rng.next() % 9)).map { _ in UInt8(rng.next() % 4) }
            case 1: key = Array("C0000".utf8) + Array(String(rng.next() % 1_000_000).utf8)
            case 2: key = (0..<Int(rng.next() % 25)).map { _ in UInt8(rng.next() % 256) }
            default: key = Array("SAME8BYT".utf8) + (0..<Int(rng.next() % 12)).map { _ in UInt8(48 + rng.next() % 3) }
            }
            if seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }

    @Test("the merge cut into key ranges gives every key its byte-order rank, on one to three threads and any partitions",
          arguments: [(bits: 0, threads: 1), (bits: 4, threads: 2), (bits: 8, threads: 3), (bits: 12, threads: 2)])
    func mergeRanks(bits: Int, threads: Int) {
        let keys = Self.keys(100_000, seed: 7)
        #expect(CustomerIndex.mergeRanges(keys.count) > 1, "the data crosses the merge's key ranges")
        let partitioning = IngestPartitioning(bits: bits)
        var interners = (0..<partitioning.count).map { _ in KeyInterner(capacity: 16) }
        for key in keys {
            key.withUnsafeBytes { k in _ = interners[partitioning.partition(IngestPartitioning.hash(k))].intern(k, hash: IngestPartitioning.hash(k)) }
        }
        let index = Parallelism.withThreads(threads) {
            CustomerIndex(partitions: interners, partitioning: partitioning, workers: threads)
        }
        let sorted = keys.sorted(by: Self.less)
        #expect(index.count == sorted.count)
        for (rank, key) in sorted.enumerated() {
            let stored = index.withKey(Int32(rank)) { Array($0) }
            if stored != key { Issue.record("rank \(rank) holds \(stored), expected \(key)"); return }
            let found = key.withUnsafeBytes { index.id(of: $0) }
            if found != Int32(rank) { Issue.record("id(of:) of rank \(rank) is \(String(describing: found))"); return }
        }
    }

    /// Random orders of `customers` customers, some with more than 64 (the insertion sort's limit),
    /// many out of order and with ties on the first day.
    static func orders(customers: Int, seed: UInt64) -> (customer: [Int32], first: [Int32], last: [Int32], cents: [Int64], lines: [Int32]) {
        var rng = SeededGenerator(seed: seed)
        var c: [Int32] = [], f: [Int32] = [], l: [Int32] = [], m: [Int64] = [], q: [Int32] = []
        for customer in 0..<customers {
            let count = customer % 997 == 0 ? 70 + Int(rng.next() % 30) : Int(rng.next() % 5)
            for _ in 0..<count {
                let day = Int32(rng.next() % 20)
                c.append(Int32(customer)); f.append(day); l.append(day + Int32(rng.next() % 3))
                m.append(Int64(rng.next() % 2_000) - 500); q.append(Int32(1 + rng.next() % 3))
            }
        }
        return (c, f, l, m, q)
    }

    @Test("each customer's orders come out sorted by (first day, last day, cents, lines), the same on one and three threads")
    func orderRowsSorted() {
        let o = Self.orders(customers: 70_000, seed: 3)
        let tables = [1, 3].map { threads in
            Parallelism.withThreads(threads) {
                OrderTable(customers: 70_000, customer: o.customer, firstDay: o.first, lastDay: o.last, netCents: o.cents, lines: o.lines)
            }
        }
        #expect(tables[0].customerStart == tables[1].customerStart && tables[0].firstDay == tables[1].firstDay
                && tables[0].lastDay == tables[1].lastDay && tables[0].netCents == tables[1].netCents && tables[0].lines == tables[1].lines)
        // The reference: each customer's rows as tuples, sorted by the library sort.
        var expected: [[(Int32, Int32, Int64, Int32)]] = Array(repeating: [], count: 70_000)
        for k in o.customer.indices { expected[Int(o.customer[k])].append((o.first[k], o.last[k], o.cents[k], o.lines[k])) }
        let table = tables[1]
        for c in 0..<70_000 {
            let rows = table.orders(of: c).map { (table.firstDay[$0], table.lastDay[$0], table.netCents[$0], table.lines[$0]) }
            let want = expected[c].sorted { $0 < $1 }
            if !rows.elementsEqual(want, by: { $0 == $1 }) { Issue.record("customer \(c): \(rows) != \(want)"); return }
        }
    }

    /// A table of `customers` customers with one order of `cents` each, but for the given overrides.
    static func totalsTable(customers: Int, cents: Int64, overrides: [Int: [Int64]]) -> OrderTable {
        var c: [Int32] = [], m: [Int64] = []
        for customer in 0..<customers {
            for x in overrides[customer] ?? [cents] { c.append(Int32(customer)); m.append(x) }
        }
        let days = [Int32](repeating: 0, count: c.count)
        return OrderTable(customers: customers, customer: c, firstDay: days, lastDay: days, netCents: m, lines: days.map { _ in 1 })
    }

    static func index(customers: Int) -> CustomerIndex {
        var interner = KeyInterner(capacity: customers)
        for k in 0..<customers { var key = String(format: "K%07d", k); key.withUTF8 { _ = interner.intern(UnsafeRawBufferPointer($0)) } }
        return CustomerIndex.sorting(interner).0
    }

    @Test("the order-total check names the same customer as a serial pass, across its blocks, on one and two threads")
    func totalsCheck() throws {
        let n = 140_000, index = Self.index(customers: n)
        let limit = CentsLimit.maximum
        // Customer 100,000's own purchases pass the limit (in the second block).
        let own = Self.totalsTable(customers: n, cents: 1, overrides: [100_000: [limit, limit]])
        // The file's purchases pass it at customer 70,001: 65,537 + 1 ... crosses blocks 0 and 1.
        let file = Self.totalsTable(customers: n, cents: 1, overrides: [3: [limit / 2], 70_001: [limit / 2]])
        // Returns reach Int64.min exactly at customer 131,072 (the first of the third block).
        let returns = Self.totalsTable(customers: n, cents: 0, overrides: [5: [-limit], 131_072: [-1]])
        // Within the limit: nothing is thrown.
        let fine = Self.totalsTable(customers: n, cents: 1, overrides: [7: [limit - Int64(n)], 8: [-limit]])
        for threads in [1, 2] {
            try Parallelism.withThreads(threads) {
                #expect(throws: IngestError.customerTotalOverflow(path: "p", customer: "K0100000", side: .purchases)) {
                    try TransactionLoader.checkTotals(own, customers: index, path: "p")
                }
                #expect(throws: IngestError.fileTotalOverflow(path: "p", customer: "K0070001", side: .purchases)) {
                    try TransactionLoader.checkTotals(file, customers: index, path: "p")
                }
                #expect(throws: IngestError.fileTotalOverflow(path: "p", customer: "K0131072", side: .returns)) {
                    try TransactionLoader.checkTotals(returns, customers: index, path: "p")
                }
                try TransactionLoader.checkTotals(fine, customers: index, path: "p")
            }
        }
    }

    @Test("kinds are matched in any case, and nothing else is a known kind")
    func kinds() {
        func kind(_ text: String) -> InteractionKind { Array(text.utf8).withUnsafeBytes { InteractionKind(bytes: $0) } }
        #expect(kind("support") == .support && kind("SUPPORT") == .support && kind("Complaint") == .complaint)
        #expect(kind("survey") == .survey && kind("MarKeting") == .marketing && kind("other") == .other)
        for text in ["", "supp", "supports", "support ", " survey", "complain", "complaints", "marketin", "marketinG1",
                     "surv3y", "c0mplaint", "su\u{0}port", "SUPPORT\u{0}", "survey\u{20}", "\u{c0}urvey"] {
            #expect(kind(text) == .other, "\(text.debugDescription) is no kind")
        }
    }

    @Test("interactions past one concatenation block keep their order and channel codes on one and three lanes")
    func interactionBlocks() throws {
        try withIngestFolder { folder in
            var t = "customer_id,order_id,order_date,amount\n", i = "customer_id,interaction_date,channel,kind,satisfaction,recommend\n"
            for c in 0..<2_000 { t += "C\(c),O\(c),2024-01-0\(1 + c % 9),10.00\n" }
            // 150,000 rows: channels first appear late (one only after the first block), orphans between
            // (row 0 is an orphan, so phone is the first channel among the rows kept).
            for r in 0..<150_000 {
                let channel = r < 70_000 ? ["web", "phone"][r % 2] : ["web", "phone", "late"][r % 3]
                let customer = r % 11 == 0 ? "X\(r)" : "C\(r % 2_000)"
                i += "\(customer),2024-02-0\(1 + r % 9),\(channel),\(["support", "survey", "Complaint"][r % 3]),\(r % 2 == 0 ? "4" : ""),\n"
            }
            let tPath = try folder.write("t.csv", bytes: Array(t.utf8)), iPath = try folder.write("i.csv", bytes: Array(i.utf8))
            let loaded = try ingestLoad(tPath)
            let tables = try [1, 3].map { lanes in
                try Parallelism.withThreads(lanes) {
                    try InteractionLoader(source: CSVSource(path: iPath), options: ingestOptions(lanes: lanes, blockSize: 1 << 20))
                        .load(customers: loaded.customers).table
                }
            }
            for table in tables {
                #expect(table.channelNames == ["phone", "web", "late"])
                #expect(table.count == 150_000 - (0..<150_000).filter { $0 % 11 == 0 }.count)
                let kept = (0..<150_000).filter { $0 % 11 != 0 }
                let ok = kept.enumerated().allSatisfy { o, r in
                    table.customer[o] == loaded.customers.id(of: "C\(r % 2_000)")
                        && table.channelNames[Int(table.channel[o])] == (r < 70_000 ? ["web", "phone"][r % 2] : ["web", "phone", "late"][r % 3])
                        && table.kind[o] == [.support, .survey, .complaint][r % 3]
                        && (r % 2 == 0 ? table.satisfaction[o] == 4 : table.satisfaction[o].isNaN)
                }
                #expect(ok)
            }
        }
    }

    @Test("RFM scores in blocks agree on one and three threads, and list exactly the active customers")
    func rfmBlocks() throws {
        let o = Self.orders(customers: 150_000, seed: 5)
        let orders = OrderTable(customers: 150_000, customer: o.customer, firstDay: o.first, lastDay: o.last, netCents: o.cents, lines: o.lines)
        let activity = CustomerActivity(orders: orders, asOf: CalendarDay(daysSinceEpoch: 15))
        var scorer = RFMScorer()
        scorer.monetary = .mean
        scorer.ties = .split
        scorer.margin = 0.37
        let results = try [1, 3].map { threads in try Parallelism.withThreads(threads) { try scorer.run(activity) } }
        let active = (0..<150_000).filter { activity.isActive($0) }.map(Int32.init)
        #expect(results[0].customers == active && results[1].customers == active)
        #expect(results[0].recencyDays == results[1].recencyDays && results[0].frequency == results[1].frequency)
        #expect(results[0].monetaryCents == results[1].monetaryCents && results[0].revenueCents == results[1].revenueCents)
        #expect(results[0].historicalCLVCents == results[1].historicalCLVCents && results[0].segment == results[1].segment)
        #expect(results[0].r == results[1].r && results[0].f == results[1].f && results[0].m == results[1].m)
        for (k, c) in active.enumerated() where k % 997 == 0 {
            let c = Int(c)
            #expect(results[1].recencyDays[k] == activity.recencyDays(c) && results[1].frequency[k] == activity.frequency[c])
            #expect(results[1].monetaryCents[k] == roundedDivision(activity.netCents[c], Int64(activity.frequency[c])))
            #expect(results[1].historicalCLVCents[k] == (Double(activity.netCents[c]) * 0.37).rounded(.toNearestOrAwayFromZero))
        }
    }
}
