import Foundation
import Testing
@testable import Clientele

/// Generated exports (returns, RFM ties, orphan interactions, lines of one order together) large
/// enough that two to four lanes each get a share of a block, with the rows shuffled by seed.
private struct PartitionedExports {
    var transactions: [UInt8]
    var interactions: [UInt8]

    static let shared: PartitionedExports = {
        var interactions = InteractionSettings()
        interactions.perCustomer = 6  // about 3 MB of interactions, so that lanes split them too
        let population = SyntheticPopulation(customers: 12_000, seed: 19, interactions: interactions, threads: 2)
        let files = try! population.render()
        return PartitionedExports(transactions: files.transactions, interactions: files.interactions)
    }()

    /// The same rows under the same header, the body in an order drawn from `seed` (0: as generated).
    static func shuffled(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
        guard seed != 0 else { return bytes }
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var body = Array(lines.dropFirst())
        var rng = SeededGenerator(seed: seed)
        body.shuffle(using: &rng)
        return ([lines[0]] + body).joined(separator: [10]) + [10]
    }
}

/// What an interactions load produced, with the table's rows as a multiset (their order follows
/// the file's, so a shuffled file lists them in another order).
private struct InteractionLoadSnapshot: Equatable {
    var rows: [String]
    var channelNames: Set<String>
    var accounting: FileAccounting
    var orphanRows: Int
    var orphanCustomers: Int
    var orphanExamples: [String]
    var unknownKinds: UnknownValueCounts

    init(_ loaded: InteractionLoader.Loaded, customers: CustomerIndex) {
        let t = loaded.table
        rows = (0..<t.count).map { r in
            "\(customers.customerID(t.customer[r])) \(t.day[r]) \(t.kind[r]) \(t.channelNames[Int(t.channel[r])]) \(t.satisfaction[r].bitPattern) \(t.recommend[r].bitPattern)"
        }.sorted()
        channelNames = Set(t.channelNames)
        accounting = loaded.accounting
        orphanRows = loaded.orphanRows
        orphanCustomers = loaded.orphanCustomers
        orphanExamples = loaded.orphanExamples
        unknownKinds = loaded.unknownKinds
    }
}

@Suite("Partitioned ingest: row order, threads and partitions change nothing")
struct IngestPartitionedTests {
    /// (lanes, partition bits): one partition, a few, the default from the data, and 4,096
    /// partitions for 12,000 customers (most partitions hold two or three).
    static let plans: [(lanes: Int, bits: Int?)] = [(1, 0), (2, 3), (3, nil), (4, 12), (2, 12), (1, 5)]

    static func options(lanes: Int, bits: Int?, blockSize: Int = 8 << 20) -> IngestOptions {
        var o = ingestOptions(lanes: lanes, blockSize: blockSize)
        o.partitionBits = bits
        return o
    }

    @Test("shuffled rows, one to four lanes and any partition count load the same customers, orders, accounting and orphans",
          arguments: [0 as UInt64, 1, 2])
    func loadsAgree(seed: UInt64) throws {
        let exports = PartitionedExports.shared
        try withIngestFolder { folder in
            let reference = try folder.write("t0.csv", bytes: exports.transactions)
            let referenceInteractions = try folder.write("i0.csv", bytes: exports.interactions)
            let t = try folder.write("t.csv", bytes: PartitionedExports.shuffled(exports.transactions, seed: seed))
            let i = try folder.write("i.csv", bytes: PartitionedExports.shuffled(exports.interactions, seed: seed &+ 100))
            let expected = try ingestLoad(reference, options: Self.options(lanes: 1, bits: 0))
            let expectedSnapshot = IngestLoadSnapshot(expected)
            let expectedInteractions = InteractionLoadSnapshot(
                try InteractionLoader(source: CSVSource(path: referenceInteractions), options: Self.options(lanes: 1, bits: 0))
                    .load(customers: expected.customers), customers: expected.customers)
            #expect(expectedInteractions.orphanRows > 0)
            #expect(String(decoding: exports.transactions, as: UTF8.self).contains(",-"), "the export holds returns")
            for plan in Self.plans {
                let loaded = try ingestLoad(t, options: Self.options(lanes: plan.lanes, bits: plan.bits))
                var snapshot = IngestLoadSnapshot(loaded)
                snapshot.accounting.path = reference
                #expect(snapshot == expectedSnapshot, "lanes \(plan.lanes), bits \(String(describing: plan.bits))")
                let interactions = try InteractionLoader(source: CSVSource(path: i), options: Self.options(lanes: plan.lanes, bits: plan.bits))
                    .load(customers: loaded.customers)
                var interactionSnapshot = InteractionLoadSnapshot(interactions, customers: loaded.customers)
                interactionSnapshot.accounting.path = referenceInteractions
                #expect(interactionSnapshot == expectedInteractions, "lanes \(plan.lanes), bits \(String(describing: plan.bits))")
            }
        }
    }

    @Test("small blocks split runs of one order's lines across batches without changing the orders")
    func smallBlocks() throws {
        let exports = PartitionedExports.shared
        try withIngestFolder { folder in
            let t = try folder.write("t.csv", bytes: exports.transactions)
            let expected = IngestLoadSnapshot(try ingestLoad(t, options: Self.options(lanes: 1, bits: 0)))
            for blockSize in [4096, 65_537] {
                #expect(IngestLoadSnapshot(try ingestLoad(t, options: Self.options(lanes: 2, bits: 4, blockSize: blockSize))) == expected)
            }
        }
    }

    @Test("every customer is found through its partition, and an unknown key is not")
    func lookups() throws {
        let exports = PartitionedExports.shared
        try withIngestFolder { folder in
            let t = try folder.write("t.csv", bytes: exports.transactions)
            for bits in [0, 6, 12] {
                let customers = try ingestLoad(t, options: Self.options(lanes: 2, bits: bits)).customers
                for id in 0..<Int32(customers.count) { #expect(customers.id(of: customers.customerID(id)) == id) }
                #expect(customers.id(of: "no such customer") == nil)
                let keys = (0..<Int32(customers.count)).map { customers.customerID($0) }
                #expect(keys.map { Array($0.utf8) }.elementsEqual(keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }))
            }
        }
    }

    @Test("an order total past the limit names the same line whatever the lanes, partitions and the order of other rows",
          arguments: [(1, 0), (2, 3), (4, 12)])
    func overflowLine(lanes: Int, bits: Int) throws {
        try withIngestFolder { folder in
            let filler = (0..<100_000).map { "F\($0 % 5000),F\($0),2025-02-0\(1 + $0 % 9),1\($0 % 10).25" }
            let big = (1...5).map { _ in "C17,O9,2025-01-05,9999999999999999.99" }
            let path = try folder.write("t.csv", ([ingestTransactionsHeader] + big + filler + big).joined(separator: "\n") + "\n")
            let error = ingestError { try ingestLoad(path, options: Self.options(lanes: lanes, bits: bits)) }
            #expect(error == .orderTotalOverflow(path: path, line: 100_011, customer: "C17", order: "order \"O9\""))
        }
    }

    @Test("a run of shuffled exports writes the same report files on one to four threads, but for timings, times and paths",
          .timeLimit(.minutes(10)))
    func endToEnd() throws {
        let exports = PartitionedExports.shared
        try withScratch { scratch in
            var expected: [String: [UInt8]]?
            for (k, threads) in [1, 2, 3, 4].enumerated() {
                let folder = scratch.join("in\(k)")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let t = folder + "/transactions.csv", i = folder + "/interactions.csv"
                try Data(PartitionedExports.shuffled(exports.transactions, seed: UInt64(k))).write(to: URL(fileURLWithPath: t))
                try Data(PartitionedExports.shuffled(exports.interactions, seed: UInt64(k + 50))).write(to: URL(fileURLWithPath: i))
                var config = configuration(transactions: t, out: scratch.join("out\(k)"), interactions: i, churn: true, satisfaction: true)
                config.threads = threads
                _ = try Run(configuration: config).execute()
                var files = try snapshot(scratch.join("out\(k)"))
                files[ReportMarker.fileName] = nil  // the run's own token
                for name in ["report.json", "report.md", "report.html"] {
                    files[name] = try Self.normalised(name, files[name] ?? [], folders: [folder, scratch.join("out\(k)")])
                }
                if let expected {
                    for name in Set(expected.keys).union(files.keys) {
                        let (a, b) = (files[name] ?? [], expected[name] ?? [])
                        let at = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
                        #expect(a == b, "\(name) on \(threads) threads differs at byte \(at): \(String(decoding: a[max(0, at - 60)..<min(a.count, at + 60)], as: UTF8.self)) vs \(String(decoding: b[max(0, at - 60)..<min(b.count, at + 60)], as: UTF8.self))")
                    }
                } else {
                    expected = files
                }
            }
        }
    }

    /// A report file without what differs from run to run: timings, the start time, the
    /// `threads` setting, and the input and output folders.
    static func normalised(_ name: String, _ bytes: [UInt8], folders: [String]) throws -> [UInt8] {
        if name == "report.json" {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            object["timings"] = nil
            object["started_at"] = nil
            if var settings = object["settings"] as? [String: Any] { settings["threads"] = nil; object["settings"] = settings }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return Array(replacingFolders(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/"), folders).utf8)
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if name == "report.md" { text = text.replacingOccurrences(of: "\\", with: "") }  // Markdown escapes in paths
        text = replacingFolders(text, folders)
        if let timings = text.range(of: "### Timings"), let end = text.range(of: "_clientele", range: timings.upperBound..<text.endIndex) {
            text.removeSubrange(timings.lowerBound..<end.lowerBound)
        }
        text = text.replacingOccurrences(of: #"started \S+Z"#, with: "started T", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<p class="timings">[^<]*</p>"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(threads, seed(?:</th><td>|\W+))\d+"#, with: "$1N", options: .regularExpression)
        return Array(text.utf8)
    }

    static func replacingFolders(_ text: String, _ folders: [String]) -> String {
        folders.reduce(text) { $0.replacingOccurrences(of: $1, with: "<folder>") }
    }
}
