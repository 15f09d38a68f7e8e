import Testing
@testable import Clientele

@Suite("Ranks")
struct DistributionsRanksTests {
    @Test("average ranks give tied values the mean of their positions (scipy rankdata 'average')")
    func averageRanks() {
        #expect(Ranks.average([10, 20, 20, 5, 20]) == [2, 4, 4, 1, 4])
        #expect(Ranks.average([3, 1, 2]) == [3, 1, 2])
        #expect(Ranks.average([7, 7, 7, 7]) == [2.5, 2.5, 2.5, 2.5])
        #expect(Ranks.average([]) == [])
    }

    @Test("dense ranks are consecutive from 0 and count the distinct values")
    func denseRanks() {
        let (ranks, distinct) = Ranks.dense([2.5, -1, 2.5, 100, -1])
        #expect(ranks == [1, 0, 1, 2, 0])
        #expect(distinct == 3)
    }

    @Test("the radix order is a stable sort: negative numbers, −0 equal to +0, infinities, and index order within ties")
    func order() {
        let values: [Double] = [0.0, -0.0, -3.5, .infinity, 2, -.infinity, 2, -1e-300, 1e300]
        let order = Ranks.order(values).map(Int.init)
        #expect(order == [5, 2, 7, 0, 1, 4, 6, 8, 3])
    }

    @Test("the radix order equals a stable comparison sort on random data with many ties")
    func orderMatchesSort() {
        var random = RandomSource(seed: 42)
        for _ in 0..<20 {
            let n = 1 + random.index(below: 500)
            let values = (0..<n).map { _ in Double(random.index(below: 7)) - 3 + (random.uniform() < 0.2 ? random.uniform() : 0) }
            let expected = values.indices.sorted { values[$0] != values[$1] ? values[$0] < values[$1] : $0 < $1 }
            #expect(Ranks.order(values).map(Int.init) == expected)
        }
    }

    @Test("tie statistics: Σt(t−1)/2, Σt(t−1)(t−2), Σt(t−1)(2t+5) over groups larger than 1")
    func tieStatistics() {
        let s = Ranks.TieStatistics(groupSizes: [1, 2, 3])
        #expect(s.pairs == 1 + 3)
        #expect(s.v1 == 0 + 6)
        #expect(s.v2 == 2 * 9 + 6 * 11)
    }
}
