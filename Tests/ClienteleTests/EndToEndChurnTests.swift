import Foundation
import Testing
@testable import Clientele

@Suite("Run with the churn model: churn_probability, churn_model.csv and churn_risk.csv")
struct EndToEndChurnTests {
    @Test("generated customers: the model beats the recency baseline, and the risk list is ranked by value at risk")
    func generated() throws {
        try withScratch { scratch in
            let population = SyntheticPopulation(customers: 20_000, seed: 8)
            let files = try population.render()
            let t = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            let i = try scratch.write("i.csv", String(decoding: files.interactions, as: UTF8.self))
            var config = configuration(transactions: t, out: scratch.join("report"), interactions: i, clv: true, churn: true)
            config.asOf = population.asOf
            config.calibrationEnd = population.calibrationEnd
            let outcome = try Run(configuration: config).execute()
            let churn = try #require(outcome.report.churn)
            let model = try #require(churn.model.auc), baseline = try #require(churn.recencyBaseline?.auc)
            #expect(model > baseline, "model AUC \(model) vs recency-only \(baseline)")
            #expect(churn.terms.first?.term == "intercept")

            let terms = try text(scratch.join("report/churn_model.csv")).split(separator: "\n")
            #expect(terms[0] == "term,coefficient,std_error,z,p_value,ci_low,ci_high,odds_ratio,odds_ratio_per_unit")
            #expect(terms.count == churn.terms.count + 1)

            let risk = try text(scratch.join("report/churn_risk.csv")).split(separator: "\n")
            #expect(risk[0] == "rank,customer_id,churn_probability,predicted_clv,value_at_risk,segment")
            let atRisk = risk.dropFirst().map { Double($0.split(separator: ",")[4])! }
            #expect(atRisk == atRisk.sorted(by: >), "ranked by value at risk")
            #expect(risk.count - 1 == outcome.report.customers.scored)
            // Each risk row (written in chunks on both cores) names its rank and its customer's
            // segment and churn probability as customers.csv does.
            let customers = try text(scratch.join("report/customers.csv")).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let byID = Dictionary(uniqueKeysWithValues: customers.map { ($0[0], [$0[10], $0[$0.count - 1]]) })
            let fields = risk.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            #expect(fields.map { Int($0[0]) } == Array(1...fields.count))
            #expect(fields.filter { byID[$0[1]] != [$0[5], $0[2]] }.count == 0, "rows whose segment or probability disagree with customers.csv")

            let header = try text(scratch.join("report/customers.csv")).split(separator: "\n")[0]
            #expect(header.hasSuffix(",value_quadrant,p_no_purchase_90d,churn_probability"))
        }
    }

    @Test("a history too short for a holdout skips churn with its reason, and the run succeeds")
    func shortHistory() throws {
        try withScratch { scratch in
            let path = try scratch.write("t.csv", "customer_id,order_id,order_date,amount\na,1,2024-01-01,5\na,2,2024-01-10,5\nb,3,2024-01-05,7\n")
            let outcome = try Run(configuration: configuration(transactions: path, out: scratch.join("report"), churn: true)).execute()
            #expect(outcome.report.churn == nil)
            #expect(outcome.report.skipped.contains { $0.section == "churn" })
            #expect(try !entries(scratch.join("report")).contains("churn_risk.csv"))
        }
    }
}
