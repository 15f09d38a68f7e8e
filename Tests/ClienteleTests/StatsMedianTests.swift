import Testing
@testable import Clientele

@Suite("Median by selection")
struct StatsMedianTests {
    /// The median from a full sort, by its definition.
    static func sortedMedian(_ v: [Double]) -> Double {
        let s = v.sorted(), m = s.count / 2
        return s.count % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m])
    }

    @Test("equals the sorted median on random data with many ties, every length from 1 to 300")
    func randomTies() {
        var g = SeededGenerator(seed: 3)
        for n in 1...300 {
            let distinct = Double(1 + n % 7)
            let v = (0..<n).map { _ in (Double.random(in: 0..<distinct, using: &g)).rounded(.down) * 1.5 - 2 }
            #expect(Median.of(v) == Self.sortedMedian(v), "n = \(n)")
        }
    }

    @Test("select puts the k-th value in place with nothing larger before it and nothing smaller after it")
    func selectPartitions() {
        var g = SeededGenerator(seed: 8)
        let v = (0..<5_000).map { _ in Double.random(in: -1e6...1e6, using: &g) }
        let sorted = v.sorted()
        for k in [0, 1, 2_499, 2_500, 4_998, 4_999] {
            var w = v
            #expect(Median.select(&w, k) == sorted[k])
            #expect(w[..<k].allSatisfy { $0 <= w[k] } && w[(k + 1)...].allSatisfy { $0 >= w[k] })
        }
    }

    @Test("sorted, reversed, constant and organ-pipe inputs; empty is NaN")
    func awkwardShapes() {
        let n = 10_001
        let shapes: [[Double]] = [(0..<n).map(Double.init), (0..<n).reversed().map(Double.init), [Double](repeating: 7, count: n),
                                  (0..<n).map { Double(min($0, n - $0)) }, [3, 1], [5]]
        for v in shapes { #expect(Median.of(v) == Self.sortedMedian(v)) }
        #expect(Median.of([]).isNaN)
    }
}
