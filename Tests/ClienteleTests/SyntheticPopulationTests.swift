import Foundation
import Testing
@testable import Clientele

/// Rows of a rendered CSV split into fields (test helper; the files never need quoting).
private func csvRows(_ bytes: [UInt8]) -> (header: String, rows: [[String]]) {
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.hasSuffix("\n"))
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.removeLast()  // after the final LF
    let header = lines.removeFirst()
    return (header, lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
}

/// "-12.50" → -1250, and nil unless exactly two decimals.
private func cents(_ text: String) -> Int? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[1].count == 2, let whole = Int(parts[0]), let fraction = Int(parts[1]),
          !parts[1].hasPrefix("-") else { return nil }
    let magnitude = abs(whole) * 100 + fraction
    return text.hasPrefix("-") ? -magnitude : magnitude
}

@Suite("SyntheticPopulation")
struct SyntheticPopulationTests {
    static let small = SyntheticPopulation(customers: 2_000, seed: 42)

    @Test("headers are exactly the documented ones")
    func headers() throws {
        let files = try Self.small.render()
        #expect(csvRows(files.transactions).header == "customer_id,order_id,order_date,amount,quantity,product_id,channel")
        #expect(csvRows(files.interactions).header == "customer_id,interaction_date,channel,kind,satisfaction,recommend")
    }

    @Test("the same seed gives the same bytes on one thread and on four, across several blocks")
    func determinism() throws {
        var one = SyntheticPopulation(customers: SyntheticPopulation.blockSize * 2 + 100, seed: 3)
        one.threads = 1
        var four = one
        four.threads = 4
        let a = try one.render()
        let b = try four.render()
        #expect(a.transactions == b.transactions)
        #expect(a.interactions == b.interactions)
        #expect(a.parameters == b.parameters)
        #expect(try one.render().transactions == a.transactions)
    }

    @Test("different seeds give different data")
    func seeds() throws {
        let a = try SyntheticPopulation(customers: 200, seed: 1).render()
        let b = try SyntheticPopulation(customers: 200, seed: 2).render()
        #expect(a.transactions != b.transactions)
        #expect(a.interactions != b.interactions)
    }

    @Test("the first customers are the same whatever the customer count (customer row order)")
    func prefixStable() throws {
        let a = try SyntheticPopulation(customers: 300, seed: 8, rowOrder: .customer).render()
        let b = try SyntheticPopulation(customers: 900, seed: 8, rowOrder: .customer).render()
        #expect(b.transactions.starts(with: a.transactions))
        #expect(b.interactions.starts(with: a.interactions))
        #expect(a.transactions.count < b.transactions.count)
    }

    @Test("every order's lines sum to the drawn net value, which is positive")
    func orderSums() throws {
        let files = try Self.small.render()
        var sums: [String: Int] = [:]
        for row in csvRows(files.transactions).rows {
            #expect(row.count == 7)
            let amount = try #require(cents(row[3]), "amount \(row[3]) should have two decimals")
            sums[row[1], default: 0] += amount
        }
        #expect(sums.count == files.summary.counts.orders)
        #expect(sums.values.allSatisfy { $0 > 0 })
        for number in [1, 2, 17, 999, 2_000] {
            let customer = try Self.small.customer(number)
            for (k, order) in customer.orders.enumerated() {
                #expect(sums["\(number)-\(k + 1)"] == order.netCents)
            }
        }
    }

    @Test("return lines are negative, quantity -1, on the same order and day as positive lines")
    func returns() throws {
        let files = try Self.small.render()
        var ordersByID: [String: [[String]]] = [:]
        for row in csvRows(files.transactions).rows { ordersByID[row[1], default: []].append(row) }
        var returnCount = 0
        for (_, lines) in ordersByID {
            let negatives = lines.filter { $0[3].hasPrefix("-") }
            #expect(negatives.count <= 1)
            for line in negatives {
                returnCount += 1
                #expect(line[4] == "-1")
                let positives = lines.filter { !$0[3].hasPrefix("-") }
                #expect(!positives.isEmpty)
                #expect(positives.contains { $0[5] == line[5] }, "the refunded product was bought in the order")
                #expect(lines.allSatisfy { $0[2] == line[2] && $0[0] == line[0] && $0[6] == line[6] })
            }
        }
        #expect(returnCount == files.summary.counts.returns)
        #expect(returnCount > 0)
    }

    @Test("fields have the documented formats and lie in the window")
    func formats() throws {
        let files = try Self.small.render()
        let population = Self.small
        let start = population.start.description
        let end = population.end.description
        for row in csvRows(files.transactions).rows {
            #expect(row[0].count == 9 && row[0].hasPrefix("C") && Int(row[0].dropFirst()) != nil)
            let orderParts = row[1].split(separator: "-")
            #expect(orderParts.count == 2 && Int(orderParts[0]) == Int(row[0].dropFirst()))
            #expect(CalendarDay(iso: row[2]) != nil && row[2] >= start && row[2] <= end)
            let quantity = try #require(Int(row[4]))
            #expect(quantity == -1 || (1...3).contains(quantity))
            #expect(row[5].count == 5 && row[5].hasPrefix("P"))
            #expect(["web", "store", "app"].contains(row[6]))
        }
        for row in csvRows(files.interactions).rows {
            #expect(row.count == 6)
            #expect(CalendarDay(iso: row[1]) != nil && row[1] >= start && row[1] <= end)
            #expect(["phone", "email", "chat", "store", "web"].contains(row[2]))
            #expect(["support", "complaint", "survey", "marketing"].contains(row[3]))
            if row[3] == "survey" {
                #expect(row[4].isEmpty || (1...5).contains(Int(row[4]) ?? -1))
                #expect(row[5].isEmpty || (0...10).contains(Int(row[5]) ?? -1))
            } else {
                #expect(row[4].isEmpty && row[5].isEmpty)
            }
        }
    }

    @Test("a customer's interactions lie between their first purchase and the end of the window")
    func interactionDates() throws {
        for number in 1...300 {
            let customer = try Self.small.customer(number)
            let first = customer.orders[0].day
            #expect(customer.orders.map(\.day) == customer.orders.map(\.day).sorted())
            for interaction in customer.interactions {
                #expect(interaction.day >= first && interaction.day <= Self.small.end)
            }
            #expect(customer.interactions.map(\.day) == customer.interactions.map(\.day).sorted())
        }
    }

    @Test("orphan ids have interactions but no transactions, and are counted")
    func orphans() throws {
        var population = SyntheticPopulation(customers: 1_000, seed: 4)
        population.interactions.orphanProbability = 0.05
        let files = try population.render()
        let transactionIDs = Set(csvRows(files.transactions).rows.map { $0[0] })
        let orphanRows = csvRows(files.interactions).rows.filter { $0[0].hasPrefix("P") }
        let orphanIDs = Set(orphanRows.map { $0[0] })
        #expect(orphanIDs.count == files.summary.counts.orphanIDs)
        #expect(orphanRows.count == files.summary.counts.orphanInteractions)
        #expect((20...80).contains(orphanIDs.count))
        #expect(orphanIDs.isDisjoint(with: transactionIDs))
        #expect(orphanIDs.allSatisfy { $0.count == 9 })
    }

    @Test("customer ids widen past eight digits only when the count needs it")
    func idWidth() {
        #expect(SyntheticPopulation(customers: 42).customerIDWidth == 8)
        #expect(SyntheticPopulation(customers: 99_999_999).customerIDWidth == 8)
        #expect(SyntheticPopulation(customers: 100_000_000).customerIDWidth == 9)
    }

    @Test("parameters.json records the true parameters, the calendar and the counts")
    func parameters() throws {
        let files = try Self.small.render()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(files.parameters)) as? [String: Any])
        #expect(json["seed"] as? Int == 42)
        #expect(json["customers"] as? Int == 2_000)
        #expect(json["start"] as? String == "2023-01-01")
        #expect(json["end"] as? String == "2025-12-27")
        #expect(json["as_of"] as? String == "2025-12-28")
        #expect(json["calibration_end"] as? String == "2025-06-28")
        let bgnbd = try #require(json["bgnbd"] as? [String: Double])
        #expect(bgnbd == ["r": 0.5, "alpha": 12, "a": 1.5, "b": 3.5])
        let gammaGamma = try #require(json["gamma_gamma"] as? [String: Double])
        #expect(gammaGamma == ["p": 6, "q": 4, "gamma": 15])
        let counts = try #require(json["counts"] as? [String: Int])
        #expect(counts["lines"] == csvRows(files.transactions).rows.count)
        #expect(counts["interactions"] == csvRows(files.interactions).rows.count)
        #expect(counts["transaction_bytes"] == files.transactions.count)
        #expect(counts["interaction_bytes"] == files.interactions.count)
        #expect(counts["customers"] == 2_000)
    }

    @Test("write(to:) writes the rendered bytes and leaves no temporary files")
    func writesFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("clientele-synthetic-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let population = SyntheticPopulation(customers: 500, seed: 6)
        let summary = try population.write(to: directory)
        let files = try population.render()
        let read = { (name: String) in try [UInt8](Data(contentsOf: directory.appendingPathComponent(name))) }
        #expect(try read("transactions.csv") == files.transactions)
        #expect(try read("interactions.csv") == files.interactions)
        #expect(try read("parameters.json") == files.parameters)
        #expect(summary == files.summary)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["interactions.csv", "parameters.json", "transactions.csv"])
    }

    /// A configuration with one bad setting and the exact message it must produce.
    struct BadSetting: Sendable, CustomTestStringConvertible {
        var population: SyntheticPopulation
        var message: String
        var testDescription: String { message }
    }

    static let badSettings: [BadSetting] = {
        func with(_ change: (inout SyntheticPopulation) -> Void, _ message: String) -> BadSetting {
            var population = SyntheticPopulation(customers: 10)
            change(&population)
            return BadSetting(population: population, message: message)
        }
        return [
            with({ $0.customers = 0 }, "generate: customers=0 should be >= 1"),
            with({ $0.weeks = 0 }, "generate: weeks=0 should be >= 1"),
            with({ $0.purchase.r = -1 }, "generate: r=-1.0 should be > 0"),
            with({ $0.spend.gamma = 0 }, "generate: gamma=0.0 should be > 0"),
            with({ $0.birthWeeks = 200 }, "generate: birth_weeks=200.0 should be in (0, weeks=156]"),
            with({ $0.lines.returnProbability = 1.5 }, "generate: return_probability=1.5 should be in [0, 1]"),
            with({ $0.lines.lineCountProbabilities = [0.5, 0.4] },
                 "generate: line_count_probabilities=[0.5, 0.4] should be 1 to 16 non-negative probabilities summing to 1"),
            with({ $0.threads = 0 }, "generate: threads=0 should be >= 1"),
        ]
    }()

    @Test("bad settings are refused with exit status 64 and a message naming the setting",
          arguments: badSettings)
    func invalidSettings(_ bad: BadSetting) {
        #expect {
            try bad.population.render()
        } throws: { error in
            guard let error = error as? SyntheticError else { return false }
            return error.exitStatus == .usage && error.description == bad.message
        }
    }

    @Test("an output path that is a file cannot be created (exit status 73)")
    func outputIsAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-synthetic-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            _ = try SyntheticPopulation(customers: 10).write(to: file)
        } throws: { error in
            (error as? SyntheticError)?.exitStatus == .cantCreate
        }
        #expect(try Data(contentsOf: file) == Data("x".utf8))
    }
}
