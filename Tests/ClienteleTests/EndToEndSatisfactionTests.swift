import Foundation
import Testing
@testable import Clientele

@Suite("Run with interactions: satisfaction columns, correlations.csv and NPS, checked from customers.csv")
struct EndToEndSatisfactionTests {
    static let population = SyntheticPopulation(customers: 4_000, seed: 17)

    /// Pearson's r by its definition (two passes).
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my) }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Kendall's τ-b over all n(n−1)/2 pairs.
    static func kendallTauB(_ x: [Double], _ y: [Double]) -> Double {
        var concordant = 0, discordant = 0, tiedX = 0, tiedY = 0
        for i in x.indices {
            for j in (i + 1)..<x.count {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 { tiedX += 1 } else if dy == 0 { tiedY += 1 } else if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        return Double(concordant - discordant) / (Double(concordant + discordant + tiedX) * Double(concordant + discordant + tiedY)).squareRoot()
    }

    @Test("mean_satisfaction × frequency and NPS in the report equal an independent computation from customers.csv, overall and per segment")
    func generated() throws {
        try withScratch { scratch in
            let files = try Self.population.render()
            let transactions = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            let interactions = try scratch.write("i.csv", String(decoding: files.interactions, as: UTF8.self))
            var config = configuration(transactions: transactions, out: scratch.join("report"), interactions: interactions, satisfaction: true)
            config.asOf = Self.population.asOf
            let outcome = try Run(configuration: config).execute()
            let report = try #require(outcome.report.satisfaction)

            let lines = try text(scratch.join("report/customers.csv")).split(separator: "\n")
            let header = lines[0].split(separator: ",").map(String.init)
            let column = { (name: String) in header.firstIndex(of: name)! }
            let (segment, frequency, csat, recommend, group) = (column("segment"), column("frequency"), column("mean_satisfaction"),
                                                                 column("mean_recommend"), column("loyalty_group"))
            var x: [String: [Double]] = [:], y: [String: [Double]] = [:]
            var promoters = 0, detractors = 0, respondents = 0
            for line in lines.dropFirst() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let f2 = Double(f[frequency])!
                if let r = Double(f[recommend]) {
                    respondents += 1
                    if r >= 9 { promoters += 1 } else if r <= 6 { detractors += 1 }
                }
                guard let s = Double(f[csat]) else {
                    #expect(f[group].isEmpty, "no CSAT, no loyalty group")
                    continue
                }
                let expected = s >= 4 ? (f2 >= 2 ? "loyalist" : "mercenary") : (f2 >= 2 ? "hostage" : "defector")
                #expect(f[group] == expected)
                for key in ["all", f[segment]] { x[key, default: []].append(s); y[key, default: []].append(f2) }
            }
            #expect(report.nps.respondents == respondents)
            #expect(report.nps.score == 100 * Double(promoters - detractors) / Double(respondents))
            #expect(respondents > 300, "the generated set has enough answers to mean something")

            let rows = try text(scratch.join("report/correlations.csv")).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            for key in ["all", "Champions", "Hibernating"] {
                let xs = try #require(x[key]), ys = try #require(y[key])
                let row = try #require(rows.first { $0[0] == key && $0[1] == "mean_satisfaction" && $0[2] == "frequency" }, "\(key) row")
                #expect(Int(row[3]) == xs.count)
                let r = try #require(Double(row[4])), tau = try #require(Double(row[10]))
                #expect(abs(r - Self.pearson(xs, ys)) < 1e-12, "\(key): Pearson")
                #expect(abs(tau - Self.kendallTauB(xs, ys)) < 1e-12, "\(key): Kendall τ-b")
            }
            // Generated satisfaction rises with loyalty (InteractionSettings): the sign must show.
            #expect((report.pair(x: "mean_satisfaction", y: "frequency")?.spearmanRho ?? 0) > 0.1)
            #expect(report.quadrants.map(\.customers).reduce(0, +) == report.classified)
        }
    }
}
