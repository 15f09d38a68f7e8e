import Testing
@testable import Clientele

@Suite("parallelStableOrder: the stable comparison-sort order, on any number of threads")
struct StatsParallelRadixSortTests {
    /// Keys of three shapes across several blocks: a few distinct values (heavy ties), signed
    /// values over a wide range, and the extremes of Int64.
    static func keys(_ shape: Int, count n: Int) -> [Int64] {
        var random = SeededGenerator(seed: UInt64(shape) &+ 41)
        switch shape {
        case 0: return (0..<n).map { _ in Int64.random(in: 0...6, using: &random) }
        case 1: return (0..<n).map { _ in Int64.random(in: -5_000_000_000...5_000_000_000, using: &random) }
        default: return (0..<n).map { _ in [Int64.min, -1, 0, 1, Int64.max].randomElement(using: &random)! }
        }
    }

    @Test("order and sorted keys equal a stable comparison sort's, for 1 to 4 threads", arguments: [0, 1, 2])
    func equalsSerial(shape: Int) {
        let n = 3 * ParallelRadixSort.blockRows + 17
        let keys = Self.keys(shape, count: n)
        let expected = (0..<n).sorted { (keys[$0], $0) < (keys[$1], $1) }.map(Int32.init)
        for threads in 1...4 {
            let (order, sorted) = Parallelism.withThreads(threads) { parallelStableOrder(byKeys: keys) }
            #expect(order == expected, "threads \(threads)")
            #expect(sorted == expected.map { keys[Int($0)] }, "threads \(threads)")
        }
    }

    @Test("small inputs: empty, one key, equal keys keep their row order")
    func small() {
        #expect(parallelStableOrder(byKeys: []).order.isEmpty)
        #expect(parallelStableOrder(byKeys: [7]) == ([0], [7]))
        #expect(parallelStableOrder(byKeys: [3, -2, 3, -2]) == ([1, 3, 0, 2], [-2, -2, 3, 3]))
    }
}
