import Foundation
import Testing
@testable import Clientele

@Suite("CLV distribution: the radix sort of predictions")
struct CLVDistributionSortTests {
    @Test("finite values come out ascending, as a comparison sort gives them; NaN and infinities are left out")
    func radixSortMatchesComparisonSort() {
        var random = RandomSource(seed: 9)
        var values: [Double] = [0, -0.0, .nan, .infinity, -.infinity, -1e-300, 1e-300, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
        for _ in 0..<200_000 { values.append((random.uniform() - 0.3) * pow(10, Double(random.index(below: 12)) - 4)) }
        let sorted = CLVDistribution.sortedFinite(values)
        // −0 before +0, as their bit patterns order them; otherwise the comparison order.
        let expected = values.filter(\.isFinite).sorted { (a: Double, b: Double) -> Bool in
            a < b || (a == b && a.sign == .minus && b.sign == .plus)
        }
        #expect(sorted.count == expected.count)
        #expect(sorted.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
