import Testing
@testable import Clientele

@Suite("CompensatedSum")
struct StatsCompensatedSumTests {
    @Test("keeps what a plain sum loses", arguments: [
        ([1e16, 1, -1e16], 1.0),
        ([1, 1e100, 1, -1e100], 2.0),
        ([Double](repeating: 0.1, count: 1_000_000), 100_000.0),
        ([], 0.0),
    ])
    func exactWherePlainSumsDrift(terms: [Double], expected: Double) {
        var sum = CompensatedSum()
        for t in terms { sum.add(t) }
        #expect(abs(sum.value - expected) <= expected.ulp, "\(sum.value) vs \(expected)")
    }

    @Test("the order of the terms does not change the result beyond one ulp")
    func orderIndependent() {
        let terms = (0..<100_000).map { Double(($0 * 7_919) % 10_007) / 3 - 1_000 }
        var forward = CompensatedSum(), backward = CompensatedSum()
        for t in terms { forward.add(t) }
        for t in terms.reversed() { backward.add(t) }
        #expect(abs(forward.value - backward.value) <= forward.value.ulp)
    }
}
