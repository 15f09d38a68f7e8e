import Foundation
import Testing
@testable import Clientele
@testable import ClienteleStats
@testable import ClienteleKernels

/// Order statistics over partitions (`PartitionedSelection`) and the CLV distribution built from
/// them and from per-bin counts (`CLVDistribution.Plan`): the values and figures of all the values
/// sorted together.
@Suite("partitioned selection: exact order statistics over partitions, and the CLV distribution from them")
struct PartitionedSelectionTests {
    /// Values with ties, zeros, negatives and NaN, cut into `parts` uneven partitions.
    static func parts(_ n: Int, parts: Int, seed: UInt64) -> [[Double]] {
        var random = RandomSource(seed: seed)
        let values = (0..<n).map { k -> Double in
            switch k % 17 {
            case 0: return .nan
            case 1: return 0
            case 2: return -Double(random.index(below: 50)) / 4
            case 3: return Double(random.index(below: 20))
            default: return exp(random.uniform() * 9 - 2)
            }
        }
        var out = [[Double]](repeating: [], count: parts)
        for (k, v) in values.enumerated() { out[(k * k + 3 * k) % parts].append(v) }
        return out
    }

    static func select(_ parts: [[Double]], ranks: @escaping PartitionedSelection.Ranks) -> PartitionedSelection {
        var s = PartitionedSelection()
        while !s.isComplete {
            let counts = parts.map { s.counts($0) }
            s.advance(counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) }, ranks: ranks)
        }
        return s
    }

    @Test("the value matrix's medians and the distribution finish after different passes: no customer with a historical value, predictions for all")
    func selectionsFinishApart() {
        let predicted = Self.parts(3_000, parts: 3, seed: 9).map { $0.map { $0.isNaN ? 1 : abs($0) } }
        var medians = ValueMatrixMedians()
        var passes = 0
        while !medians.isComplete {
            let counts = predicted.map { medians.counts(historical: Array(repeating: .nan, count: $0.count), predicted: $0) }
            medians.advance(counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) })
            passes += 1
        }
        #expect(passes == PartitionedSelection.passes)
        #expect(medians.current.median.map(\.isNaN) == true && medians.future.median.map(\.isNaN) == true)
        let sorted = predicted.flatMap { $0 }.sorted()
        #expect(medians.distributionPlan?.median == sorted[CLVDistribution.ranks(count: sorted.count, nonPositive: 0)[0]])
    }

    @Test("any ranks of 1, 3 and 8 partitions are the values sorted together at those ranks, bit for bit", arguments: [1, 3, 8])
    func ranksEqualSortedValues(parts count: Int) {
        let parts = Self.parts(5_000, parts: count, seed: 4)
        let sorted = parts.joined().filter { !$0.isNaN }.sorted()
        let s = Self.select(parts) { n, nonPositive in [0, nonPositive - 1, nonPositive, n / 2, n - 1] }
        #expect(s.count == sorted.count && s.nonPositive == sorted.filter { $0 <= 0 }.count)
        let want = [0, s.nonPositive! - 1, s.nonPositive!, sorted.count / 2, sorted.count - 1].map { sorted[$0].bitPattern }
        #expect(s.values?.map(\.bitPattern) == want)
    }

    @Test("the median over partitions is Median.of all values")
    func medianStillExact() {
        let parts = Self.parts(3_001, parts: 5, seed: 9)
        var m = PartitionedMedian()
        while !m.isComplete {
            let counts = parts.map { m.counts($0) }
            m.advance(counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) })
        }
        let sorted = parts.joined().filter { !$0.isNaN }.sorted(), n = sorted.count
        #expect(m.median == (n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])))
    }

    @Test("the CLV distribution from the partitions' order statistics and bin counts is the one of all values: figures and bins exact, sums to rounding",
          arguments: [1, 4])
    func distributionEqualsSingle(parts count: Int) {
        let parts = Self.parts(20_000, parts: count, seed: 11)
        let whole = CLVDistribution(predictedCLV: Array(parts.joined()))
        let s = Self.select(parts.map { $0.filter(\.isFinite) }, ranks: CLVDistribution.ranks)
        let plan = CLVDistribution.Plan(values: s.values!)
        var customers = [Int](repeating: 0, count: plan.edges.count + 1), sums = [Double](repeating: 0, count: plan.edges.count + 1)
        var total = 0.0
        for v in parts.joined() where v.isFinite {
            customers[plan.bin(of: v)] += 1
            sums[plan.bin(of: v)] += v
            total += v
        }
        let spread = CLVDistribution(plan: plan, customers: customers, values: sums, total: total)
        #expect(spread.customers == whole.customers && spread.median == whole.median)
        #expect(spread.percentile90 == whole.percentile90 && spread.percentile99 == whole.percentile99)
        #expect(spread.bins.map { [$0.lower ?? -1, $0.upper, Double($0.customers)] } == whole.bins.map { [$0.lower ?? -1, $0.upper, Double($0.customers)] })
        #expect(whole.bins.count > 5 && whole.bins.first?.lower == nil)
        for (a, b) in zip(spread.bins, whole.bins) { #expect(abs(a.value - b.value) <= 1e-9 * max(1, abs(b.value))) }
        #expect(abs(spread.total - whole.total) <= 1e-9 * abs(whole.total))
    }
}
