import Foundation
import Testing
@testable import Clientele

@Suite("Run with k-means clusters: the cluster column, clusters.csv and the report agree")
struct EndToEndClusterTests {
    @Test("clusters are numbered by size, and customers.csv, clusters.csv and report.json count the same customers",
          arguments: [KMeans.ClusterCount.fixed(5), .fixed(3), .silhouette(2...4)])
    func clusters(count: KMeans.ClusterCount) throws {
        try withScratch { scratch in
            let files = try SyntheticPopulation(customers: 3_000, seed: 5).render()
            let path = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            var config = configuration(transactions: path, out: scratch.join("report"), clusters: true)
            config.clusters.model.clusters = count
            let outcome = try Run(configuration: config).execute()
            let report = try #require(outcome.report.clusters)
            if case .fixed(let k) = count { #expect(report.k == k) } else { #expect(report.silhouette?.count == 3) }
            let sizes = report.profiles.map(\.customers)
            #expect(sizes == sizes.sorted(by: >), "largest first")
            #expect(sizes.reduce(0, +) == outcome.report.customers.scored)

            let rows = try text(scratch.join("report/customers.csv")).split(separator: "\n")
            let column = try #require(rows[0].split(separator: ",").firstIndex(of: "cluster"))
            var counted = [Int](repeating: 0, count: report.k)
            for row in rows.dropFirst() {
                let label = try #require(Int(row.split(separator: ",", omittingEmptySubsequences: false)[column]))
                #expect((1...report.k).contains(label))
                counted[label - 1] += 1
            }
            #expect(counted == sizes)
            let csv = try text(scratch.join("report/clusters.csv")).split(separator: "\n").dropFirst()
            #expect(csv.map { Int($0.split(separator: ",")[1])! } == sizes)
        }
    }

    @Test("configured features: clusters.csv profiles are each cluster's mean tenure and CSAT, recomputed from customers.csv")
    func configuredFeatures() throws {
        try withScratch { scratch in
            let population = SyntheticPopulation(customers: 2_000, seed: 9)
            let files = try population.render()
            let transactions = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            let interactions = try scratch.write("i.csv", String(decoding: files.interactions, as: UTF8.self))
            var config = configuration(transactions: transactions, out: scratch.join("report"), interactions: interactions,
                                       clusters: true, satisfaction: true)
            config.asOf = population.asOf
            config.clusters.model.clusters = .fixed(3)
            config.clusters.features.features = [.tenureDays, .meanSatisfaction, .complaints]
            config.clusters.features.transform = .none
            let outcome = try Run(configuration: config).execute()
            let report = try #require(outcome.report.clusters)
            #expect(report.features == ["tenure_days", "mean_satisfaction", "complaints"])

            let rows = try text(scratch.join("report/customers.csv")).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let index = { (name: String) in rows[0].firstIndex(of: name)! }
            let (cluster, first, csat, complaints) = (index("cluster"), index("first_order_date"), index("mean_satisfaction"), index("complaints"))
            // Customers without a CSAT answer enter with the respondents' mean.
            let answered = rows.dropFirst().compactMap { Double($0[csat]) }
            let fill = answered.reduce(0, +) / Double(answered.count)
            var sums = [[Double]](repeating: [0, 0, 0], count: 3), counts = [Double](repeating: 0, count: 3)
            for row in rows.dropFirst() {
                let k = Int(row[cluster])! - 1
                let tenure = Double(population.asOf.daysSinceEpoch - CalendarDay(iso: row[first])!.daysSinceEpoch)
                sums[k][0] += tenure; sums[k][1] += Double(row[csat]) ?? fill; sums[k][2] += Double(row[complaints])!
                counts[k] += 1
            }
            let csv = try text(scratch.join("report/clusters.csv")).split(separator: "\n")
            #expect(csv[0] == "cluster,customers,share,mean_tenure_days,mean_mean_satisfaction,mean_complaints")
            for line in csv.dropFirst() {
                let f = line.split(separator: ",").map { Double($0)! }
                let k = Int(f[0]) - 1
                for j in 0..<3 { #expect(abs(f[3 + j] - sums[k][j] / counts[k]) <= 1e-9 * max(1, abs(f[3 + j])), "cluster \(k + 1) feature \(j)") }
            }
        }
    }

    @Test("a feature from the interactions without an interactions file is a configuration error (exit 64)")
    func featureNeedsInteractions() {
        var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: "unused", clusters: true)
        config.clusters.features.features = [.frequency, .complaints]
        #expect(throws: ConfigurationError.invalid("clusters.features: complaints comes from the interactions; pass --interactions or drop it")) {
            try config.validate()
        }
    }
}
