import Foundation
import Testing
@testable import Clientele

@Suite("Run with predicted value: BG/NBD + Gamma-Gamma through the whole pipeline")
struct EndToEndCLVTests {
    static let population = SyntheticPopulation(customers: 20_000, seed: 31)

    @Test("generated customers: clv_model.json recovers the generating parameters and customers.csv has every CLV column filled")
    func generated() throws {
        try withScratch { scratch in
            let files = try Self.population.render()
            let path = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            var config = configuration(transactions: path, out: scratch.join("report"), clv: true)
            config.asOf = Self.population.asOf
            config.calibrationEnd = Self.population.calibrationEnd
            let outcome = try Run(configuration: config).execute()
            let clv = try #require(outcome.report.clv)
            #expect(clv.calibrationEnd == Self.population.calibrationEnd.description)
            #expect(clv.bgnbd?.converged == true)
            // Every estimate within 3 standard errors of the value that generated the data.
            let truth = ["r": 0.5, "alpha": 12.0, "a": 1.5, "b": 3.5, "p": 6.0, "q": 4.0, "gamma": 15.0]
            for e in (clv.bgnbd?.estimates ?? []) + (clv.gammaGamma?.estimates ?? []) {
                let se = try #require(e.standardError, "\(e.name) has a standard error")
                let value = try #require(e.value)
                #expect(abs(value - truth[e.name]!) <= 3 * se, "\(e.name) = \(value) ± \(se)")
            }
            let holdout = try #require(clv.holdout)
            let predicted = try #require(holdout.predictedPurchases), actual = try #require(holdout.actualPurchases)
            #expect(abs(predicted - actual) / actual < 0.1)
            #expect(clv.valueMatrix.quadrants.map(\.customers).reduce(0, +) == outcome.report.customers.scored)

            let lines = try text(scratch.join("report/customers.csv")).split(separator: "\n")
            // The interval columns are there only with [clv] interval_draws > 0 (off by default).
            #expect(lines[0].hasSuffix(",p_alive,expected_purchases,expected_order_value,predicted_clv,value_quadrant,p_no_purchase_90d"))
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                #expect(fields.count == 18)
                let pAlive = try #require(Double(fields[12]))
                #expect(pAlive >= 0 && pAlive <= 1)
                #expect(Double(fields[13]) != nil && Double(fields[14]) != nil && Double(fields[15]) != nil)
                #expect(["most_valuable", "growth_potential", "declining", "low_value"].contains(String(fields[16])))
            }
            let model = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.join("report/clv_model.json")))) as? [String: Any])
            #expect(model["bgnbd"] != nil && model["gamma_gamma"] != nil && model["holdout"] != nil && model["value_matrix"] != nil)
        }
    }

    @Test("a tiny history still gives a report.json without NaN, whatever the fits do", arguments: ["2024-09-01", "2025-01-01", "2025-07-01"])
    func tiny(asOf: String) throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"), clv: true)
            config.asOf = CalendarDay(iso: asOf)
            _ = try Run(configuration: config).execute()
            let files = try entries(scratch.join("report"))
            #expect(files.contains("report.json"))
            for file in files {
                let body = try text(scratch.join("report/" + file)).lowercased()
                let tokens = body.split { !$0.isLetter }
                #expect(!tokens.contains("nan") && !tokens.contains("inf") && !tokens.contains("infinity"), "\(file) has no NaN or infinity")
            }
        }
    }

    @Test("only one-time buyers: the run succeeds, says why predicted value was skipped, and writes no CLV column")
    func oneTimeBuyers() throws {
        try withScratch { scratch in
            let rows = (0..<50).map { "c\($0),o\($0),2024-0\($0 % 9 + 1)-1\($0 % 9),\($0 + 1).00" }
            let path = try scratch.write("t.csv", "customer_id,order_id,order_date,amount\n" + rows.joined(separator: "\n") + "\n")
            let outcome = try Run(configuration: configuration(transactions: path, out: scratch.join("report"), clv: true)).execute()
            #expect(outcome.report.clv == nil)
            let reason = try #require(outcome.report.skipped.first { $0.section == "clv" }?.reason)
            #expect(reason.contains("exactly once"), "the reason names the missing repeat purchases: \(reason)")
            #expect(try !entries(scratch.join("report")).contains("clv_model.json"))
            let header = try text(scratch.join("report/customers.csv")).split(separator: "\n")[0]
            #expect(!header.contains("p_alive"))
            #expect(try !text(scratch.join("report/report.json")).lowercased().contains("nan"))
        }
    }
}
