import Foundation
import Synchronization
import Testing
@testable import Clientele

/// Generated exports with interactions, returns and a holdout, large enough (70,000 customers)
/// that every per-customer pass has three blocks of 32,768 customers and the logistic pass many
/// blocks of 2,048 rows: one to four threads really do share the work differently.
private struct InvarianceExports {
    var transactions: [UInt8]
    var interactions: [UInt8]

    static let shared: InvarianceExports = {
        let population = SyntheticPopulation(customers: 70_000, seed: 23, threads: 2)
        let files = try! population.render()
        return InvarianceExports(transactions: files.transactions, interactions: files.interactions)
    }()
}

@Suite("Thread count: --threads changes how fast, never what is written")
struct ThreadCountInvarianceTests {
    static let reportFiles = ["customers.csv", "segments.csv", "cohorts.csv", "clusters.csv", "clv_model.json", "correlations.csv",
                              "churn_model.csv", "churn_risk.csv", "report.json", "report.md", "report.html"]

    @Test("a full run on one, two, three or four threads writes the same bytes in every report file, but for timings, start time and the threads setting",
          .timeLimit(.minutes(10)))
    func fullRun() throws {
        let exports = InvarianceExports.shared
        try withScratch { scratch in
            let t = scratch.join("transactions.csv"), i = scratch.join("interactions.csv")
            try Data(exports.transactions).write(to: URL(fileURLWithPath: t))
            try Data(exports.interactions).write(to: URL(fileURLWithPath: i))
            var expected: [String: [UInt8]]?
            for threads in [1, 2, 3, 4] {
                let out = scratch.join("out\(threads)")
                var config = configuration(transactions: t, out: out, interactions: i, clv: true, clusters: true,
                                           churn: true, satisfaction: true)
                config.threads = threads
                // 20 bootstrap draws instead of 200: the interval columns still cross every pattern
                // block (70,000 customers), and four debug-build runs stay inside the time limit.
                config.clv.model.intervals.draws = 20
                // BG/NBD alone: with auto, the Pareto/NBD fit on a debug build would take most of the
                // time limit four times over.
                config.clv.model.purchaseModel = .fixed(.bgnbd)
                _ = try Run(configuration: config).execute()
                var files: [String: [UInt8]] = [:]
                for name in Self.reportFiles {
                    let raw = try bytes(out + "/" + name)
                    files[name] = name.hasPrefix("report.") ? try Self.normalised(name, raw, folders: [out]) : raw
                }
                if let expected {
                    for name in Self.reportFiles where files[name] != expected[name] {
                        let x = files[name] ?? [], y = expected[name] ?? []
                        let at = (0..<min(x.count, y.count)).first { x[$0] != y[$0] } ?? min(x.count, y.count)
                        let window = { (b: [UInt8]) in String(decoding: b[max(0, at - 80)..<min(b.count, at + 80)], as: UTF8.self) }
                        Issue.record("\(name) on \(threads) threads differs at byte \(at): \(window(x)) ≠ \(window(y))")
                    }
                } else {
                    expected = files
                    for name in Self.reportFiles { #expect(files[name]?.isEmpty == false, "\(name) was written") }
                }
            }
        }
    }

    @Test("customer activity is the same on one and three threads across block boundaries")
    func customerActivity() throws {
        let orders = try Self.orders()
        #expect(orders.customerCount > 2 * 32_768)
        let asOf = CalendarDay(daysSinceEpoch: orders.firstDay.max()! + 1)
        let one = Parallelism.withThreads(1) { CustomerActivity(orders: orders, asOf: asOf) }
        let three = Parallelism.withThreads(3) { CustomerActivity(orders: orders, asOf: asOf) }
        #expect(one.frequency == three.frequency)
        #expect(one.netCents == three.netCents)
        #expect(one.firstDay == three.firstDay)
        #expect(one.lastDay == three.lastDay)
    }

    @Test("the calibration summary and the CLV model fit are the same on one and three threads")
    func calibrationAndCLV() throws {
        let orders = try Self.orders()
        let last = orders.firstDay.max()!
        let end = CalendarDay(daysSinceEpoch: last - 180), asOf = CalendarDay(daysSinceEpoch: last + 1)
        let one = try Parallelism.withThreads(1) { try CalibrationSummary(orders: orders, calibrationEnd: end, asOf: asOf) }
        let three = try Parallelism.withThreads(3) { try CalibrationSummary(orders: orders, calibrationEnd: end, asOf: asOf) }
        #expect(one.frequency == three.frequency)
        #expect(one.recency.map(\.bitPattern) == three.recency.map(\.bitPattern))
        #expect(one.age.map(\.bitPattern) == three.age.map(\.bitPattern))
        #expect(one.repeatSpend.map(\.bitPattern) == three.repeatSpend.map(\.bitPattern))
        #expect(one.holdoutPurchases == three.holdoutPurchases)
        #expect(one.includedCount == three.includedCount)
    }

    @Test("churn features and the churn fit are the same on one and three threads")
    func churn() throws {
        let orders = try Self.orders()
        let last = orders.firstDay.max()!
        let features = ChurnFeatures(calibrationEnd: CalendarDay(daysSinceEpoch: last - 180), asOf: CalendarDay(daysSinceEpoch: last + 1))
        let one = try Parallelism.withThreads(1) { try features.run(orders: orders, interactions: nil) }
        let three = try Parallelism.withThreads(3) { try features.run(orders: orders, interactions: nil) }
        #expect(one.labelled.values.map(\.bitPattern) == three.labelled.values.map(\.bitPattern))
        #expect(one.current.values.map(\.bitPattern) == three.current.values.map(\.bitPattern))
        #expect(one.churned == three.churned)
        let fitOne = try Parallelism.withThreads(1) { try LogisticRegression().fit(one.labelled, labels: one.churned) }
        let fitThree = try Parallelism.withThreads(3) { try LogisticRegression().fit(three.labelled, labels: three.churned) }
        #expect(fitOne.coefficients.map(\.bitPattern) == fitThree.coefficients.map(\.bitPattern))
        #expect(fitOne.covariance.map(\.bitPattern) == fitThree.covariance.map(\.bitPattern))
        let pOne = try Parallelism.withThreads(1) { try fitOne.probabilities(one.current) }
        let pThree = try Parallelism.withThreads(3) { try fitOne.probabilities(one.current) }
        #expect(pOne.map(\.bitPattern) == pThree.map(\.bitPattern))
    }

    @Test("parallel loops run at most the bound number of workers, one outside any binding, and give results in block order",
          arguments: [1, 2, 3])
    func loopsHonourTheSetting(threads: Int) {
        let running = Atomic<Int>(0), peak = Atomic<Int>(0)
        let results = Parallelism.withThreads(threads) {
            parallelBlocks(1_000, size: 10) { range -> Int in
                let now = running.add(1, ordering: .relaxed).newValue
                _ = peak.max(now, ordering: .relaxed)
                usleep(200)
                running.subtract(1, ordering: .relaxed)
                return range.lowerBound
            }
        }
        #expect(results == Array(stride(from: 0, to: 1_000, by: 10)))
        #expect(peak.load(ordering: .relaxed) <= threads)
        #expect(Parallelism.threads == 1)
    }

    @Test("block boundaries depend on the size only")
    func blocks() {
        #expect(splitBlocks(0, size: 4).isEmpty)
        #expect(splitBlocks(10, size: 4) == [0..<4, 4..<8, 8..<10])
        #expect(Parallelism.withThreads(7) { splitBlocks(10, size: 4) } == splitBlocks(10, size: 4))
    }

    /// `IngestPartitionedTests.normalised`, and the threads cell of report.html's settings table
    /// (`threads, seed</th><td>N, 42`) and its timings paragraph, which those patterns do not reach.
    static func normalised(_ name: String, _ bytes: [UInt8], folders: [String]) throws -> [UInt8] {
        let text = String(decoding: try IngestPartitionedTests.normalised(name, bytes, folders: folders), as: UTF8.self)
        return Array(text.replacingOccurrences(of: #"threads, seed</th><td>\d+"#, with: "threads, seed</th><td>N", options: .regularExpression)
            .replacingOccurrences(of: #"<p class="timings">[^<]*</p>"#, with: "<p class=\"timings\">T</p>", options: .regularExpression).utf8)
    }

    private static func orders() throws -> OrderTable {
        try withScratch { scratch in
            let t = scratch.join("transactions.csv")
            try Data(InvarianceExports.shared.transactions).write(to: URL(fileURLWithPath: t))
            return try ingestLoad(t).orders
        }
    }
}
