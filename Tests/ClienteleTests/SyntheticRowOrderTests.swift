import Foundation
import Testing
@testable import Clientele

/// Rows of a generated CSV, header dropped (the generator never quotes).
private func rowOrderRows(_ bytes: [UInt8]) -> [Substring] {
    let text = String(decoding: bytes, as: UTF8.self)
    return text.split(separator: "\n").dropFirst().map { $0 }
}

/// Field `index` of a generated row.
private func field(_ row: Substring, _ index: Int) -> Substring {
    row.split(separator: ",", omittingEmptySubsequences: false)[index]
}

/// FNV-1a, 64 bits: a fingerprint of a file's bytes for golden values.
private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return hash
}

@Suite("SyntheticRowOrder: date order as exports come, customer order as before")
struct SyntheticRowOrderTests {
    /// Three blocks of customers, so rows cross block and day-bucket boundaries.
    static let population = SyntheticPopulation(customers: SyntheticPopulation.blockSize * 2 + 1_000, seed: 19,
                                                rowOrder: .date, threads: 2)
    static let date = Result { try population.render() }
    static let customer = Result { () throws -> SyntheticFiles in
        var p = population
        p.rowOrder = .customer
        return try p.render()
    }

    @Test("date is the default row order")
    func defaultOrder() {
        #expect(SyntheticPopulation().rowOrder == .date)
    }

    @Test("date order is non-decreasing in date, in both files")
    func datesNonDecreasing() throws {
        let files = try Self.date.get()
        for (bytes, column) in [(files.transactions, 2), (files.interactions, 1)] {
            let dates = rowOrderRows(bytes).map { field($0, column) }
            #expect(dates.count > 10_000)
            let firstDrop = dates.indices.dropLast().first { dates[$0] > dates[$0 + 1] }
            #expect(firstDrop == nil, "a date goes back at row \(firstDrop ?? -1)")
        }
    }

    @Test("date order holds exactly the customer order's rows, and the same counts")
    func sameMultiset() throws {
        let date = try Self.date.get()
        let customer = try Self.customer.get()
        #expect(date.transactions != customer.transactions)
        #expect(date.interactions != customer.interactions)
        #expect(rowOrderRows(date.transactions).sorted() == rowOrderRows(customer.transactions).sorted())
        #expect(rowOrderRows(date.interactions).sorted() == rowOrderRows(customer.interactions).sorted())
        #expect(date.transactions.count == customer.transactions.count)
        #expect(date.summary.counts == customer.summary.counts)
    }

    @Test("an order's lines stay together, in their customer-order sequence")
    func ordersContiguous() throws {
        let date = rowOrderRows(try Self.date.get().transactions)
        let customer = rowOrderRows(try Self.customer.get().transactions)
        func linesByOrder(_ rows: [Substring]) -> (lines: [Substring: [Substring]], runs: Int) {
            var lines: [Substring: [Substring]] = [:]
            var runs = 0
            var previous: Substring?
            for row in rows {
                let order = field(row, 1)
                if order != previous { runs += 1; previous = order }
                lines[order, default: []].append(row)
            }
            return (lines, runs)
        }
        let (dateLines, dateRuns) = linesByOrder(date)
        let (customerLines, _) = linesByOrder(customer)
        #expect(dateRuns == dateLines.count, "every order is one run of rows")
        #expect(dateLines == customerLines)
    }

    @Test("in date order, orders of one day come by purchase time and customer ids are scattered")
    func purchaseTimeOrder() throws {
        let rows = rowOrderRows(try Self.date.get().transactions)
        var previous: (day: Substring, week: Double)?
        var lastOrder: Substring?
        var orders: [Int] = []  // customer numbers, one per order
        for row in rows {
            if field(row, 1) == lastOrder { continue }
            lastOrder = field(row, 1)
            let parts = field(row, 1).split(separator: "-")
            let (number, ordinal) = (Int(parts[0])!, Int(parts[1])!)
            orders.append(number)
            let week = try Self.population.customer(number).orders[ordinal - 1].week
            let day = field(row, 2)
            if let previous, previous.day == day {
                #expect(SyntheticDayBuckets.orderTime(week: previous.week) <= SyntheticDayBuckets.orderTime(week: week))
            }
            previous = (day, week)
            if orders.count == 3_000 { break }
        }
        // Scattered: about half the neighbouring orders go up in customer number, as in a shuffle.
        let ups = zip(orders, orders.dropFirst()).filter { $0.0 < $0.1 }.count
        #expect(Double(ups) / Double(orders.count - 1) > 0.4 && Double(ups) / Double(orders.count - 1) < 0.6)
    }

    @Test("interactions of one day are scattered over customer ids too")
    func interactionsScattered() throws {
        let ids = rowOrderRows(try Self.date.get().interactions).map { Int(field($0, 0).dropFirst())! }
        let ups = zip(ids, ids.dropFirst()).filter { $0.0 < $0.1 }.count
        let share = Double(ups) / Double(ids.count - 1)
        #expect(share > 0.45 && share < 0.55, "share of neighbours going up \(share)")
    }

    @Test("the same seed gives the same bytes in date order: again, on one thread or four, in memory or on disk")
    func determinism() throws {
        let files = try Self.date.get()
        var one = Self.population
        one.threads = 1
        var four = Self.population
        four.threads = 4
        for population in [one, four] {
            let again = try population.render()
            #expect(again.transactions == files.transactions)
            #expect(again.interactions == files.interactions)
            #expect(again.parameters == files.parameters)
        }
        try withScratch { scratch in
            let directory = URL(fileURLWithPath: scratch.join("data"), isDirectory: true)
            let summary = try Self.population.write(to: directory)
            #expect(summary == files.summary)
            #expect(try bytes(scratch.join("data/transactions.csv")) == files.transactions)
            #expect(try bytes(scratch.join("data/interactions.csv")) == files.interactions)
            #expect(try bytes(scratch.join("data/parameters.json")) == files.parameters)
            #expect(try entries(scratch.join("data")) == ["interactions.csv", "parameters.json", "transactions.csv"],
                    "no scratch or temporary file is left")
        }
        var other = Self.population
        other.seed = 20
        #expect(try other.render().transactions != files.transactions)
    }

    @Test("parameters.json records the row order")
    func parametersRecordOrder() throws {
        for files in [try Self.date.get(), try Self.customer.get()] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(files.parameters)) as? [String: Any])
            #expect(json["row_order"] as? String == files.summary.population.rowOrder.rawValue)
        }
    }

    @Test("customer order is the layout of earlier releases, byte for byte")
    func customerLayoutPinned() throws {
        // Fingerprints of the files the generator wrote before row orders existed (commit 6599cf5).
        let files = try SyntheticPopulation(customers: 300, seed: 11, rowOrder: .customer).render()
        #expect(files.transactions.count == 72_042)
        #expect(fnv1a(files.transactions) == 0xC9F6_F4F8_0356_5830)
        #expect(files.interactions.count == 14_495)
        #expect(fnv1a(files.interactions) == 0x038C_E33E_FD59_B7EC)
    }

    @Test("a whole default run gives the same customers.csv and segments.csv on either row order")
    func runIsOrderIndependent() throws {
        try withScratch { scratch in
            let population = SyntheticPopulation(customers: 4_000, seed: 23)
            var reports: [SyntheticRowOrder: [String: [UInt8]]] = [:]
            for order in SyntheticRowOrder.allCases {
                var p = population
                p.rowOrder = order
                let data = scratch.join("data-\(order.rawValue)")
                _ = try p.write(to: URL(fileURLWithPath: data, isDirectory: true))
                var config = JobConfiguration()
                config.transactions = CSVSource(path: data + "/transactions.csv")
                config.interactions = CSVSource(path: data + "/interactions.csv")
                config.out = scratch.join("report-\(order.rawValue)")
                config.asOf = p.asOf
                config.calibrationEnd = p.calibrationEnd
                config.threads = 2
                _ = try Run(configuration: config).execute()
                reports[order] = try snapshot(scratch.join("report-\(order.rawValue)"))
            }
            for name in ["customers.csv", "segments.csv"] {
                let date = try #require(reports[.date]?[name])
                let customer = try #require(reports[.customer]?[name])
                #expect(date == customer, "\(name) differs between date and customer order")
            }
        }
    }

    /// Bucket geometry: (days, buckets asked) → days per bucket and bucket count.
    @Test("day buckets cover the window in at most 256 runs of at most 4096 days", arguments: [
        (1_092, 1, 1_092, 1), (1_092, 16, 69, 16), (1_092, 153, 8, 137), (1_092, 5_000, 5, 219),
        (7, 100, 1, 7), (364_000, 1, 4_090, 89), (364_000, 1_000, 1_422, 256),
    ])
    func bucketGeometry(days: Int, asked: Int, perBucket: Int, count: Int) {
        let buckets = SyntheticDayBuckets(days: days, buckets: asked)
        #expect(buckets.daysPerBucket == perBucket)
        #expect(buckets.count == count)
        #expect(buckets.place(day: days - 1, time: 0).bucket == count - 1)
        #expect(buckets.daysPerBucket <= SyntheticDayBuckets.maximumDaysPerBucket)
    }

    @Test("a bucket sorts its records by key and keeps arrival order on equal keys")
    func bucketSort() {
        var buffer = SyntheticByteBuffer(capacity: 64)
        for (key, text) in [(UInt32(5), "e1\n"), (2, "b\n"), (5, "e2\n"), (0, "a\n"), (5, "e3\n"), (3, "ccc\n")] {
            let record = buffer.startRecord(key: key)
            buffer.appendRow(maxBytes: 8) { out in
                for (k, byte) in text.utf8.enumerated() { out[k] = byte }
                return text.utf8.count
            }
            buffer.finishRecord(at: record)
        }
        let sorted = SyntheticDayBuckets.sortedRows(buffer.take())
        #expect(String(decoding: sorted, as: UTF8.self) == "a\nb\nccc\ne1\ne2\ne3\n")
        #expect(SyntheticDayBuckets.sortedRows([]).isEmpty)
    }

    @Test("generate --row-order picks the order and refuses anything else with exit status 64")
    func commandLine() throws {
        try withScratch { scratch in
            for order in SyntheticRowOrder.allCases {
                let r = try CLI.run(["generate", "--customers", "300", "--seed", "11", "--row-order", order.rawValue,
                                     "--out", order.rawValue], in: scratch.path)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout.contains("\(order.rawValue) order"))
            }
            let expected = try SyntheticPopulation(customers: 300, seed: 11, rowOrder: .customer).render()
            #expect(try bytes(scratch.join("customer/transactions.csv")) == expected.transactions)
            #expect(try bytes(scratch.join("date/transactions.csv")) != expected.transactions)
            let bad = try CLI.run(["generate", "--customers", "10", "--row-order", "sideways", "--out", "x"], in: scratch.path)
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("sideways"))
        }
    }
}
