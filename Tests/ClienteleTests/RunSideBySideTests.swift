import Foundation
import Testing
@testable import Clientele

@Suite("Stages side by side: the cohorts and clusters run beside the purchase models with more than one thread, with the results of a run in turn")
struct RunSideBySideTests {
    /// Every output file but report.json (which holds the timings and the thread setting), and
    /// report.json's skipped sections and cluster report.
    private func outputs(threads: Int, sequential: Bool = false, clusters: Bool, clv: Bool, churn: Bool,
                         in scratch: ScratchFolder, files: (transactions: String, interactions: String)) throws -> (files: [String: [UInt8]], skipped: [String], k: Int?) {
        let out = scratch.join("report-\(threads)-\(clusters)-\(clv)-\(churn)")
        var config = configuration(transactions: files.transactions, out: out, interactions: files.interactions,
                                   clv: clv, clusters: clusters, churn: churn, satisfaction: true)
        config.threads = threads
        let outcome = try Run(configuration: config).execute()
        var contents: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: out) where name.hasSuffix(".csv") {
            contents[name] = try bytes(out + "/" + name)
        }
        return (contents, outcome.report.skipped.map(\.section), outcome.report.clusters?.k)
    }

    @Test("every file and the skipped sections, in their order, are those of a one-thread run",
          arguments: [(true, true, true), (true, false, false), (false, true, true), (false, false, false)])
    func sameAsInTurn(clusters: Bool, clv: Bool, churn: Bool) throws {
        try withScratch { scratch in
            let population = SyntheticPopulation(customers: 1_500, seed: 21)
            let rendered = try population.render()
            let files = (try scratch.write("t.csv", String(decoding: rendered.transactions, as: UTF8.self)),
                         try scratch.write("i.csv", String(decoding: rendered.interactions, as: UTF8.self)))
            let one = try outputs(threads: 1, clusters: clusters, clv: clv, churn: churn, in: scratch, files: files)
            let two = try outputs(threads: 3, clusters: clusters, clv: clv, churn: churn, in: scratch, files: files)
            #expect(two.files.keys.sorted() == one.files.keys.sorted())
            for (name, content) in one.files { #expect(two.files[name] == content, "\(name) differs") }
            #expect(two.skipped == one.skipped)
            #expect(two.k == one.k)
            // What each configuration leaves out, in stage order.
            let expected = (clusters ? [] : ["clusters"]) + (clv ? [] : ["clv"]) + (churn ? [] : ["churn"])
            #expect(one.skipped == expected)
            #expect((one.files["customers.csv"].map { String(decoding: $0.prefix(400), as: UTF8.self) } ?? "").contains(",cluster,") == clusters)
            #expect(one.files["cohorts.csv"] != nil)
            #expect((one.files["clusters.csv"] != nil) == clusters)
        }
    }
}
