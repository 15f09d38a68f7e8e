import Testing
@testable import Clientele

@Suite("radixSortPacked")
struct StatsPackedRadixSortTests {
    @Test("sorting by the high bits equals a stable sort by key, payloads in input order within a key, for any thread count",
          arguments: [1, 2, 3])
    func matchesStableSort(threads: Int) {
        var generator = SystemRandomNumberGenerator()
        // 200,000 values span several of the sort's fixed blocks, so blocks' slots are interleaved.
        for (count, keyRange) in [(0, 1), (1, 5), (1000, 3), (5000, 70_000), (20_000, 1 << 30), (200_000, 5_000)] {
            let keys = (0..<count).map { _ in UInt64.random(in: 0..<UInt64(keyRange), using: &generator) }
            var packed = keys.enumerated().map { $0.element << 32 | UInt64($0.offset) }
            Parallelism.withThreads(threads) { radixSortPacked(&packed, keyBits: 32..<62) }
            let expected = keys.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
            #expect(packed.map { $0 >> 32 } == expected.map(\.element))
            #expect(packed.map { Int($0 & 0xFFFF_FFFF) } == expected.map(\.offset))
        }
    }

    @Test("an empty band of key bits leaves the order alone")
    func emptyBand() {
        var values: [UInt64] = [3, 1, 2]
        radixSortPacked(&values, keyBits: 40..<40)
        #expect(values == [3, 1, 2])
    }
}
