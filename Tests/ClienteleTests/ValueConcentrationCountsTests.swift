// Value concentration from counts of distinct values (a run spread over partitions has those,
// merged, and no customer list) is the customer-by-customer result, bit for bit.
import Foundation
import Testing
@testable import Clientele

@Suite("ValueConcentration from value counts")
struct ValueConcentrationCountsTests {
    @Test("distinct values with counts give init(netCents:)'s shares, curve and Gini bit for bit, ties and negatives included",
          arguments: [1, 7, 1_000, 25_000])
    func countsEqualCustomers(n: Int) throws {
        var random = RandomSource(seed: UInt64(n))
        // Few distinct values (many ties), some negative and zero.
        let values = (0..<n).map { _ in Int64(random.index(below: 400)) * 25 - 1_000 }
        let one = ValueConcentration(netCents: values)
        var counts: [Int64: Int64] = [:]
        for v in values { counts[v, default: 0] += 1 }
        let keys = counts.keys.sorted()
        let grouped = ValueConcentration(ascendingValues: keys, counts: keys.map { counts[$0]! })
        #expect(grouped == one)
        #expect(grouped.gini.map(\.bitPattern) == one.gini.map(\.bitPattern))
    }

    @Test("hand-worked: 1, 2, 3, 4 cents → Gini (−3·1 − 1·2 + 1·3 + 3·4)/(4·10) = 0.25, top 50 % bring 0.7")
    func handWorked() throws {
        let c = ValueConcentration(ascendingValues: [1, 2, 3, 4], counts: [1, 1, 1, 1])
        #expect(c.gini == 0.25)
        #expect(c.topShares[4] == 0.7)
        let tied = ValueConcentration(ascendingValues: [5], counts: [3])
        #expect(tied.gini == 0 && tied.topShares[4] == 0.5)
    }
}
