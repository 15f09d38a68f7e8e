import Foundation
import Testing
@testable import Clientele

/// Random bytes shaped like a CSV export gone wrong: usually a header, then valid rows mixed with
/// quotes, CR, LF, delimiters, 0xFF, NUL, impossible dates and decimal commas.
enum FuzzInput {
    static func make(_ rng: inout IngestRandom, header: String, row: (inout IngestRandom) -> String = FuzzInput.transactionRow) -> [UInt8] {
        let length = Int.random(in: 0...2000, using: &rng)
        var out: [UInt8] = []
        if rng.chance(0.85) {
            out += rng.chance(0.1) ? [0xEF, 0xBB, 0xBF] : []
            out += Array(header.utf8) + (rng.chance(0.5) ? [10] : [13, 10])
        }
        let tokens: [[UInt8]] = [[34], [34, 34], [13], [10], [13, 10], [44], [0xFF], [0], [59], [32],
                                 Array("2024-02-30".utf8), Array("12,50".utf8), Array("c1".utf8), Array("1.001".utf8),
                                 Array("\"a\"b".utf8), Array("é".utf8), [0xC3], Array("2024-01-01T10:00Z".utf8)]
        while out.count < length {
            if rng.chance(0.3) {
                out += Array(row(&rng).utf8) + (rng.chance(0.5) ? [10] : [13, 10])
            } else if rng.chance(0.2) {
                out.append(UInt8.random(in: 0...255, using: &rng))
            } else {
                out += rng.pick(tokens)
            }
        }
        return out
    }

    static func transactionRow(_ rng: inout IngestRandom) -> String {
        let day = Int.random(in: 1...28, using: &rng)
        return "c\(Int.random(in: 0..<20, using: &rng)),o\(Int.random(in: 0..<30, using: &rng)),2024-01-\(day < 10 ? "0" : "")\(day),\(Int.random(in: -99...999, using: &rng))"
    }

    static func interactionRow(_ rng: inout IngestRandom) -> String {
        let day = Int.random(in: 1...28, using: &rng)
        let satisfaction = rng.chance(0.3) ? "" : String(Int.random(in: 0...6, using: &rng))
        let recommend = rng.chance(0.3) ? "" : String(Int.random(in: 0...11, using: &rng))
        return "c\(Int.random(in: 0..<6, using: &rng)),2024-01-\(day < 10 ? "0" : "")\(day),\(rng.pick(["phone", "email", ""])),\(rng.pick(["survey", "complaint", "x"])),\(satisfaction),\(recommend)"
    }
}

/// What one load produced, reduced to what must not depend on lanes or block size.
enum FuzzOutcome: Equatable {
    case loaded(IngestLoadSnapshot)
    case failed(IngestError)
}

@Suite("Ingest fuzz: arbitrary bytes never crash, and every row is accounted for")
struct IngestFuzzTests {
    static let plans = [ReadingPlan(lanes: 1, blockSize: 1 << 16), ReadingPlan(lanes: 2, blockSize: 64)]

    /// Loads `path`; any error must be a typed `IngestError`, any success must account for every row.
    static func outcome(_ path: String, _ policy: BadRowPolicy, _ plan: ReadingPlan, input: Int) -> FuzzOutcome? {
        do {
            let loaded = try ingestLoad(path, options: ingestOptions(policy, lanes: plan.lanes, blockSize: plan.blockSize))
            let a = loaded.accounting
            #expect(a.rowsRead == a.rowsUsed + a.rowsRejected, "input \(input)")
            #expect(loaded.rejects.count == a.rowsRejected, "input \(input)")
            #expect(loaded.rejects.map(\.line) == loaded.rejects.map(\.line).sorted(), "input \(input)")
            #expect(loaded.rejects.allSatisfy { $0.line >= 2 }, "input \(input)")
            #expect((a.rowsUsed > 0) == (loaded.customers.count > 0) && (a.rowsUsed > 0) == (loaded.orders.count > 0), "input \(input)")
            #expect(loaded.orders.lines.reduce(0) { $0 + Int($1) } == a.rowsUsed, "input \(input)")
            if policy == .fail { #expect(a.rowsRejected == 0, "input \(input)") }
            return .loaded(IngestLoadSnapshot(loaded))
        } catch let error as IngestError {
            if case .badRow(let row) = error { #expect(row.line >= 1, "input \(input)") }
            #expect(error.exitStatus == .dataError, "input \(input): \(error)")
            return .failed(error)
        } catch {
            Issue.record("input \(input): untyped error \(type(of: error)): \(error)")
            return nil
        }
    }

    @Test("random bytes under both policies: typed errors or full accounting, and the same outcome in every lane layout",
          arguments: 0..<8)
    func transactions(batch: Int) throws {
        var rng = IngestRandom(seed: 0xF022 &+ UInt64(batch))
        try withIngestFolder { folder in
            for input in 0..<375 {
                let bytes = FuzzInput.make(&rng, header: ingestTransactionsHeader)
                let path = try folder.write("t.csv", bytes: bytes)
                for policy in [BadRowPolicy.fail, .skip] {
                    let outcomes = Self.plans.map { Self.outcome(path, policy, $0, input: batch * 1_000 + input) }
                    #expect(outcomes[0] == outcomes[1], "input \(batch * 1_000 + input), \(policy): lanes and block size changed the outcome")
                }
            }
        }
    }

    @Test("random bytes as interactions: typed errors or full accounting, orphans among the used rows", arguments: 0..<4)
    func interactions(batch: Int) throws {
        var rng = IngestRandom(seed: 0x1A7E &+ UInt64(batch))
        try withIngestFolder { folder in
            let transactions = try folder.write("t.csv", "\(ingestTransactionsHeader)\nc1,o1,2024-01-01,1\nc3,o2,2024-01-01,1\n")
            let customers = try ingestLoad(transactions).customers
            for input in 0..<250 {
                let path = try folder.write("i.csv", bytes: FuzzInput.make(&rng, header: ingestInteractionsHeader, row: FuzzInput.interactionRow))
                for policy in [BadRowPolicy.fail, .skip] {
                    do {
                        let loaded = try InteractionLoader(source: CSVSource(path: path), options: ingestOptions(policy, lanes: 2, blockSize: 64))
                            .load(customers: customers)
                        let a = loaded.accounting
                        #expect(a.rowsRead == a.rowsUsed + a.rowsRejected)
                        #expect(a.rowsUsed == loaded.table.count + loaded.orphanRows)
                        #expect(a.rowsUnmatched == loaded.orphanRows)
                        #expect(loaded.orphanCustomers <= loaded.orphanRows)
                    } catch let error as IngestError {
                        #expect(error.exitStatus == .dataError)
                    } catch {
                        Issue.record("input \(input): untyped error \(error)")
                    }
                }
            }
        }
    }

    struct Dialect: Sendable, CustomTestStringConvertible {
        var name: String
        var delimiter: UInt8
        var testDescription: String { name }
    }

    @Test("keys written by a reference CSV writer load back byte for byte", arguments: [
        Dialect(name: "comma", delimiter: UInt8(ascii: ",")), Dialect(name: "semicolon", delimiter: UInt8(ascii: ";")),
        Dialect(name: "tab", delimiter: 9),
    ])
    func roundTrip(dialect: Dialect) throws {
        var rng = IngestRandom(seed: 0x5EED &+ UInt64(dialect.delimiter))
        let alphabet: [UInt8] = [34, 44, 59, 9, 10, 13, 32, 0, 0xFF, 0xC3, 0xA9, 0x7F] + Array("abcXYZ019-_.".utf8)
        var keys = Set<[UInt8]>()
        while keys.count < 600 {
            let length = Int.random(in: 1...12, using: &rng)
            keys.insert((0..<length).map { _ in rng.pick(alphabet) })
        }
        var expectedCents: [[UInt8]: Int64] = [:]
        let d = dialect.delimiter
        var out = [UInt8]("customer_id".utf8) + [d] + Array("order_id".utf8) + [d] + Array("order_date".utf8) + [d] + Array("amount".utf8) + [10]
        for (k, key) in keys.sorted(by: { $0.lexicographicallyPrecedes($1) }).shuffled(using: &rng).enumerated() {
            let orderID = key.reversed() + [UInt8(ascii: "#")]
            let cents = Int64(k % 1_000)
            expectedCents[key] = cents
            out += referenceField(key, delimiter: d, force: rng.chance(0.1)) + [d]
            out += referenceField(orderID, delimiter: d) + [d]
            out += Array("2024-05-0\(1 + k % 9)".utf8) + [d]
            out += Array("\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)".utf8)
            out += rng.chance(0.5) ? [13, 10] : [10]
        }
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", bytes: out)
            for plan in [ReadingPlan(lanes: 1, blockSize: 1 << 20), ReadingPlan(lanes: 2, blockSize: 61)] {
                let loaded = try ingestLoad(path, source: { $0.dialect = CSVDialect(delimiter: d) },
                                            options: ingestOptions(lanes: plan.lanes, blockSize: plan.blockSize))
                let summaries = ingestSummaries(loaded)
                #expect(Set(summaries.keys) == keys, "\(plan.testDescription)")
                #expect(summaries.mapValues(\.netCents) == expectedCents, "\(plan.testDescription)")
                #expect(summaries.values.allSatisfy { $0.orders == 1 })
                #expect(loaded.rejects.isEmpty)
            }
        }
    }
}
