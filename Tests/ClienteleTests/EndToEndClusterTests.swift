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
}
