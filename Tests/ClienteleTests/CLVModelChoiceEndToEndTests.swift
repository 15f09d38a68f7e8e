import Foundation
import Testing
@testable import Clientele

@Suite("Run with model choice, intervals and P(no purchase): the report folder's contract")
struct CLVModelChoiceEndToEndTests {
    static let population = SyntheticPopulation(customers: 3000, seed: 17)

    static func run(_ scratch: ScratchFolder, edit: (inout JobConfiguration) -> Void = { _ in }) throws -> Run.Outcome {
        let files = try population.render()
        let t = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
        let i = try scratch.write("i.csv", String(decoding: files.interactions, as: UTF8.self))
        var config = configuration(transactions: t, out: scratch.join("report"), interactions: i, clv: true, churn: true)
        config.asOf = population.asOf
        config.calibrationEnd = population.calibrationEnd
        edit(&config)
        return try Run(configuration: config).execute()
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test("customers.csv has the interval and P(no purchase) columns, filled and ordered; clv_model.json one block per model and the selection")
    func shapes() throws {
        try withScratch { scratch in
            _ = try Self.run(scratch) { $0.clv.model.intervals.draws = 200; $0.clv.model.purchaseModel = .auto }  // off by default
            let records = csvRecords(try text(scratch.join("report/customers.csv")))
            let header = records[0]
            let names = ["p_alive", "expected_purchases", "expected_order_value", "predicted_clv", "value_quadrant",
                         "expected_purchases_low", "expected_purchases_high", "predicted_clv_low", "predicted_clv_high", "p_no_purchase_90d"]
            let first = try #require(header.firstIndex(of: "p_alive"))
            #expect(Array(header[first..<(first + names.count)]) == names)
            func column(_ name: String) -> Int { header.firstIndex(of: name)! }
            for row in records.dropFirst() {
                let v = { (name: String) in Double(row[column(name)]) }
                let (e, lo, hi) = (v("expected_purchases")!, v("expected_purchases_low")!, v("expected_purchases_high")!)
                #expect(lo <= e && e <= hi, "\(row[0]): expected purchases \(e) in [\(lo), \(hi)]")
                // CLV cells are rounded to cents, so compare within a cent.
                let (clv, clo, chi) = (v("predicted_clv")!, v("predicted_clv_low")!, v("predicted_clv_high")!)
                #expect(clo <= clv + 0.005 && clv <= chi + 0.005, "\(row[0]): CLV \(clv) in [\(clo), \(chi)]")
                let p = v("p_no_purchase_90d")!
                #expect(p >= 1 - v("p_alive")! - 1e-12 && p <= 1)
            }
            let model = try Self.json(scratch.join("report/clv_model.json"))
            let models = try #require(model["models"] as? [[String: Any]])
            #expect(models.map { $0["kind"] as? String } == RepeatPurchaseModelKind.available.map(\.rawValue))
            for block in models {
                for key in ["model", "reference", "estimates", "log_likelihood", "iterations", "converged", "stop_reason", "customers",
                            "kind", "aic", "bic", "holdout_error", "holdout_mean_absolute_error", "holdout_bucket_error"] {
                    #expect(block[key] != nil, "\(block["model"] ?? "?") has \(key)")
                }
                let estimates = try #require(block["estimates"] as? [[String: Any]])
                #expect(estimates.allSatisfy { $0["name"] is String && $0["value"] is Double })
                // Standard errors come from the information matrix at a converged optimum; a fit that
                // ran to the boundary (Pareto/NBD on these BG/NBD data: s, β → ∞) has none to give.
                if block["converged"] as? Bool == true {
                    #expect(estimates.allSatisfy { $0["standard_error"] is Double }, "\(block["model"] ?? "?")")
                } else {
                    #expect(estimates.allSatisfy { $0["standard_error"] == nil || $0["standard_error"] is NSNull })
                }
            }
            let bg = try #require(model["bgnbd"] as? [String: Any], "the BG/NBD block stays where consumers read it")
            #expect((bg["estimates"] as? [[String: Any]])?.map { $0["name"] as? String } == ["r", "alpha", "a", "b"])
            let selection = try #require(model["selection"] as? [String: Any])
            #expect(selection["requested"] as? String == "auto" && selection["chosen"] as? String == "bg-nbd")
            #expect(selection["criterion"] as? String == "holdout_error" && (selection["reason"] as? String)?.isEmpty == false)
            #expect((selection["candidates"] as? [[String: Any]])?.count == models.count)
            #expect(model["purchase_model"] as? String == "bg-nbd" && model["no_purchase_days"] as? Int == 90)
            let intervals = try #require(model["intervals"] as? [String: Any])
            #expect(intervals["draws"] as? Int == 200 && intervals["level"] as? Double == 0.9 && intervals["seed"] as? Int == 42)
            let low = try #require(intervals["total_predicted_clv_low"] as? Double), high = try #require(intervals["total_predicted_clv_high"] as? Double)
            let total = try #require(model["total_predicted_clv"] as? Double)
            #expect(low < total && total < high)
            let holdout = try #require(model["holdout"] as? [String: Any])
            #expect(holdout["model"] as? String == "BG/NBD" && holdout["holdout_error"] is Double)

            let report = try reportJSON(scratch.join("report"))
            let churn = try #require(report["churn"] as? [String: Any])
            let comparison = try #require(churn["no_purchase_comparison"] as? [String: Any])
            #expect(comparison["horizon_days"] as? Int == 90 && comparison["model"] as? String == "BG/NBD")
            #expect((comparison["disagreements"] as? [[String: Any]])?.count == 10)
            let r = try #require(comparison["pearson_r"] as? Double)
            #expect(r > 0, "both measure not buying: positively related (r = \(r))")
            let md = try text(scratch.join("report/report.md"))
            #expect(md.contains("### Model choice (`[clv] model = \"auto\"`)") && md.contains("**BG/NBD** predicts (criterion: holdout error)"))
            #expect(md.contains("90% intervals (parametric bootstrap, 200 parameter draws, seed 42"))
            #expect(md.contains("### Churn probability and P(no purchase in 90 days)") && md.contains("These answer different questions."))
            let html = try text(scratch.join("report/report.html"))
            #expect(html.contains("Purchase model: BG/NBD (criterion: holdout error).") && html.contains("disagree most"))
        }
    }

    @Test("settings change the columns: no intervals and a 30-day horizon; a named model is reported as requested")
    func settings() throws {
        try withScratch { scratch in
            let outcome = try Self.run(scratch) { config in
                config.clv.model.intervals.draws = 0
                config.clv.model.forecast.noPurchaseDays = 30
                config.clv.model.purchaseModel = .fixed(.bgnbd)
            }
            let header = csvRecords(try text(scratch.join("report/customers.csv")))[0]
            #expect(!header.contains("expected_purchases_low") && !header.contains("predicted_clv_high"))
            #expect(header.contains("p_no_purchase_30d") && !header.contains("p_no_purchase_90d"))
            let clv = try #require(outcome.report.clv)
            #expect(clv.selection?.criterion == "requested" && clv.selection?.requested == "bg-nbd")
            #expect(clv.intervals?.unavailable == "intervals are off ([clv] interval_draws = 0)")
            #expect(try text(scratch.join("report/report.md")).contains(#"No 90% intervals: intervals are off (\[clv\] interval\_draws = 0)."#))
        }
    }
}
