import Foundation
import Testing
@testable import Clientele

/// The data rows of a generated CSV (header kept apart), as lines without their line feed.
private func dataLines(_ bytes: [UInt8]) -> (header: ArraySlice<UInt8>, rows: [ArraySlice<UInt8>]) {
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
    return (lines[0], Array(lines.dropFirst()))
}

/// The file with its data rows in a seeded random order (Fisher–Yates), header first.
private func shuffled(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
    var (header, rows) = dataLines(bytes)
    var random = SeededGenerator(seed: seed)
    rows.shuffle(using: &random)
    var out = Array(header) + [UInt8(ascii: "\n")]
    for row in rows { out += row; out.append(UInt8(ascii: "\n")) }
    return out
}

/// What may differ between two runs of the same data: the start time, the timings, the thread
/// setting and the run token. Everything else must be the same bytes.
private enum RunNeutral {
    /// report.json decoded, without `started_at`, `timings` and `settings.threads`.
    static func json(_ folder: String) throws -> NSDictionary {
        var json = try reportJSON(folder)
        json["started_at"] = nil
        json["timings"] = nil
        var settings = try #require(json["settings"] as? [String: Any])
        settings["threads"] = nil
        json["settings"] = settings
        return json as NSDictionary
    }

    /// report.md without the timings table's rows and the closing "started" line.
    static func markdown(_ folder: String) throws -> [Substring] {
        let timingRow = /^\| [a-z_\\]+ \| [0-9]+\.[0-9]{3} \|$/
        return try text(folder + "/report.md").split(separator: "\n", omittingEmptySubsequences: false)
            .filter { (try? timingRow.wholeMatch(in: $0)) == nil && !$0.hasPrefix("_clientele ") }
    }

    /// report.html without the settings table (it shows the thread count), the timings and the footer.
    static func html(_ folder: String) throws -> [Substring] {
        try text(folder + "/report.html").split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("class=\"settings\"") && !$0.contains("class=\"timings\"") && !$0.hasPrefix("<footer>") }
    }

    /// Every other file of the folder, bytes as written.
    static func dataFiles(_ folder: String) throws -> [String: [UInt8]] {
        try snapshot(folder).filter { !["report.json", "report.md", "report.html", ReportMarker.fileName].contains($0.key) }
    }
}

@Suite("Row order and threads: the same exports in any row order, on any number of threads, give the same report")
struct EndToEndRowOrderTests {
    /// Enough customers for the scanner to split blocks into shares and the kernels to cut blocks
    /// on every thread; returns, tied RFM values and orphan interactions come with the generator.
    static let population = SyntheticPopulation(customers: 12_000, seed: 29, rowOrder: .date, threads: 2)
    static let dateOrder = Result { try population.render() }

    /// Writes `transactions` and `interactions` to fixed paths (so report.json's settings match),
    /// runs the whole default pipeline on `threads` threads into `out`.
    static func run(_ scratch: ScratchFolder, transactions: [UInt8], interactions: [UInt8], threads: Int, out: String) throws {
        try Data(transactions).write(to: URL(fileURLWithPath: scratch.join("transactions.csv")))
        try Data(interactions).write(to: URL(fileURLWithPath: scratch.join("interactions.csv")))
        var config = configuration(transactions: scratch.join("transactions.csv"), out: scratch.join(out),
                                   interactions: scratch.join("interactions.csv"), clv: true, clusters: true, churn: true, satisfaction: true)
        config.threads = threads
        _ = try Run(configuration: config).execute()
    }

    @Test("the generated data has what the comparison needs: returns, orphan interactions, every section")
    func dataCoversTheCases() throws {
        let files = try Self.dateOrder.get()
        #expect(files.summary.counts.returns > 0)
        #expect(files.summary.counts.orphanInteractions > 0)
        try withScratch { scratch in
            try Self.run(scratch, transactions: files.transactions, interactions: files.interactions, threads: 2, out: "report")
            let outputs = try #require(try reportJSON(scratch.join("report"))["outputs"] as? [String])
            for file in ["customers.csv", "clusters.csv", "clv_model.json", "churn_model.csv", "churn_risk.csv", "correlations.csv"] {
                #expect(outputs.contains(file), "the whole pipeline wrote \(file)")
            }
            let skipped = try #require(try reportJSON(scratch.join("report"))["skipped"] as? [Any])
            #expect(skipped.isEmpty, "no section skipped: \(skipped)")
        }
    }

    @Test("date order, customer order and two random shuffles of both files, on 1 to 4 threads: every output identical")
    func identicalOutputs() throws {
        let date = try Self.dateOrder.get()
        var byCustomer = Self.population
        byCustomer.rowOrder = .customer
        let customer = try byCustomer.render()
        #expect(customer.transactions != date.transactions)
        let variants: [(name: String, transactions: [UInt8], interactions: [UInt8], threads: [Int])] = [
            ("date", date.transactions, date.interactions, [1, 2, 3, 4]),
            ("customer", customer.transactions, customer.interactions, [2]),
            ("shuffled-a", shuffled(date.transactions, seed: 1), shuffled(date.interactions, seed: 2), [1, 2, 3, 4]),
            ("shuffled-b", shuffled(customer.transactions, seed: 3), shuffled(customer.interactions, seed: 4), [3]),
        ]
        try withScratch { scratch in
            try Self.run(scratch, transactions: date.transactions, interactions: date.interactions, threads: 1, out: "reference")
            let reference = scratch.join("reference")
            let (files, json, markdown, html) = (try RunNeutral.dataFiles(reference), try RunNeutral.json(reference),
                                                 try RunNeutral.markdown(reference), try RunNeutral.html(reference))
            #expect(files.count >= 7)
            for variant in variants {
                for threads in variant.threads {
                    let out = "\(variant.name)-\(threads)"
                    try Self.run(scratch, transactions: variant.transactions, interactions: variant.interactions, threads: threads, out: out)
                    let folder = scratch.join(out)
                    let other = try RunNeutral.dataFiles(folder)
                    #expect(other.keys.sorted() == files.keys.sorted(), "\(out): the same files")
                    for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
                        #expect(other[name] == bytes, "\(out): \(name) differs from date order on 1 thread")
                    }
                    #expect(try RunNeutral.json(folder) == json, "\(out): report.json")
                    #expect(try RunNeutral.markdown(folder) == markdown, "\(out): report.md")
                    #expect(try RunNeutral.html(folder) == html, "\(out): report.html")
                }
            }
        }
    }
}
