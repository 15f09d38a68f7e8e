import Testing
@testable import Clientele

/// The train/test split's row lists: every row on exactly one side, each side ascending, the
/// same on any thread count and across the pass's block boundaries.
@Suite("Churn partition: training and test rows from the split flags")
struct ChurnPartitionTests {
    /// The lists a plain filter gives.
    static func filtered(_ isTest: [Bool]) -> (train: [Int], test: [Int]) {
        (isTest.indices.filter { !isTest[$0] }, isTest.indices.filter { isTest[$0] })
    }

    @Test("equals a filter of the flags, on one to four threads", arguments: [0, 1, 7, 65_536, 65_537, 200_003])
    func equalsFilter(rows: Int) {
        var state: UInt64 = 0x5EED &+ UInt64(rows)
        let isTest = (0..<rows).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % 10 < 3
        }
        let expected = Self.filtered(isTest)
        for threads in 1...4 {
            let got = Parallelism.withThreads(threads) { Churn.partition(isTest) }
            #expect(got.train == expected.train && got.test == expected.test, "threads \(threads)")
        }
    }

    @Test("all rows on one side when every flag is the same")
    func oneSided() {
        let allTest = Parallelism.withThreads(2) { Churn.partition([Bool](repeating: true, count: 70_000)) }
        #expect(allTest.train.isEmpty && allTest.test == Array(0..<70_000))
        let allTrain = Parallelism.withThreads(2) { Churn.partition([Bool](repeating: false, count: 70_000)) }
        #expect(allTrain.test.isEmpty && allTrain.train == Array(0..<70_000))
    }

    @Test("split flags are the per-customer rule on any thread count")
    func splitFlags() throws {
        let ids = (0..<150_000).map { "C\($0 * 7919 % 1_000_003)" }
        var interner = KeyInterner(capacity: 16)
        for id in ids { var id = id; _ = id.withUTF8 { interner.intern(UnsafeRawBufferPointer($0)) } }
        let index = CustomerIndex(partitions: [interner], partitioning: IngestPartitioning(bits: 0))
        let customers = (0..<Int32(ids.count)).map { $0 }
        let split = ChurnSplit(testShare: 0.3, seed: 9)
        let expected = customers.map { id in index.withKey(id) { split.isTest($0) } }
        for threads in 1...4 {
            #expect(Parallelism.withThreads(threads) { split.testFlags(for: customers, in: index) } == expected, "threads \(threads)")
        }
        #expect(expected.contains(true) && expected.contains(false))
    }
}
