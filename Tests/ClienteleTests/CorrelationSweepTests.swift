import Foundation
import Testing
@testable import Clientele

/// A column ranked on all its rows (none missing), as `Correlation` ranks one row set.
private func rankedColumn(_ name: String, _ values: [Double]) -> RankedColumn {
    let ranks = MissingRanks(values)
    let rows = (0..<values.count).map(Int32.init)
    return rows.withUnsafeBufferPointer { local in
        RankedColumn(name: name, values: values, ranks: ranks, rows: rows, local: local, tableOrder: ranks.order[...], tableOrderRanks: ranks.orderRanks[...])
    }
}

@Suite("Correlation: Kendall sweep and the shared row sets")
struct CorrelationSweepTests {
    @Test("the sweep (running prefix counts up to 256 values, a Fenwick tree above) counts the same pairs as the O(n²) definition and as Knight's merge counting",
          arguments: [3, 17, 400, 2_000])
    func sweepMatchesBruteForce(n: Int) {
        var random = RandomSource(seed: UInt64(n) &+ 77)
        var domains = Set<Bool>()  // whether the smaller domain took the prefix counts
        for (xScale, yScale) in [(2, 1_000), (5, 5), (11, 3), (1_000, 7), (100_000, 100_000)] {
            let x = (0..<n).map { _ in Double(random.index(below: xScale)) / 4 }
            let y = x.map { $0 + Double(random.index(below: yScale)) - Double(yScale / 2) }
            let cx = rankedColumn("x", x), cy = rankedColumn("y", y)
            domains.insert(min(cx.domain, cy.domain) <= KendallTauB.denseSweepLimit)
            let brute = correlationBruteForceTauB(x, y)
            let sweep = KendallTauB.pairCounts(cx, cy)
            let merge = KendallTauB.pairCounts(cx, cy, domainLimit: 0)  // forces the merge counting
            #expect(sweep == merge)
            #expect(sweep.discordant == brute.discordant && sweep.tiesX.pairs == brute.tiedX
                    && sweep.tiesY.pairs == brute.tiedY && sweep.tiedBoth == brute.tiedBoth)
            #expect(sweep == KendallTauB.pairCounts(xRanks: Ranks.dense(x).ranks, xDistinct: Ranks.dense(x).distinct,
                                                    yRanks: Ranks.dense(y).ranks, yDistinct: Ranks.dense(y).distinct))
        }
        #expect(domains == (n >= 400 ? [true, false] : [true]), "both sweeps met from n = 400")
    }

    @Test("a ranked column's tie sizes are the value counts and its dense ranks Ranks.dense")
    func tiesAndDenseRanks() {
        var random = RandomSource(seed: 3)
        let v = (0..<500).map { _ in Double(random.index(below: 37)) - 18 }
        let c = rankedColumn("v", v)
        #expect(c.tieSizes.reduce(0, +) == v.count && c.distinct == Set(v).count)
        #expect(c.denseRanks() == Ranks.dense(v).ranks)
    }

    @Test("Spearman's rho from two ranked columns is, to the last bit, Pearson's r of scipy's average ranks (rankdata)",
          arguments: [3, 4, 57, 1_000, 20_011])
    func spearmanFromUnitsIsBitIdentical(n: Int) {
        var random = RandomSource(seed: UInt64(n) &+ 5)
        for (xScale, yScale) in [(2, 1_000), (5, 5), (11, 3), (1_000, 7), (1 << 30, 1 << 30)] {
            let x = (0..<n).map { _ in Double(random.index(below: xScale)) / 4 - 3 }
            let y = x.map { $0 * 0.5 + Double(random.index(below: yScale)) }
            let cx = rankedColumn("x", x), cy = rankedColumn("y", y)
            guard !cx.isConstant, !cy.isConstant else { continue }
            let expected = PearsonTest.coefficient(x: Ranks.average(x), y: Ranks.average(y))
            #expect(RankedColumn.spearmanRho(cx, cy).bitPattern == expected.bitPattern, "n=\(n) scales \(xScale), \(yScale)")
        }
    }

    /// Survey-like columns with blanks, loyalty-like columns without, and 6 groups.
    private static func sample(n: Int, seed: UInt64) -> (x: [CorrelationVariable], y: [CorrelationVariable], groups: CorrelationGroups) {
        var random = RandomSource(seed: seed)
        let answered = (0..<n).map { _ in random.index(below: 4) != 0 }
        let csat = (0..<n).map { answered[$0] ? Double(1 + random.index(below: 5)) : .nan }
        let recommend = (0..<n).map { _ in random.index(below: 3) == 0 ? .nan : Double(random.index(below: 11)) }
        let complaints = (0..<n).map { _ in Double(random.index(below: 3)) }
        let frequency = (0..<n).map { i in Double(1 + random.index(below: 9)) + (csat[i].isNaN ? 0 : csat[i]) }
        let tenure = (0..<n).map { _ in Double(random.index(below: 100_000)) / 7 }
        let labels = (0..<n).map { _ in Int32(random.index(below: 5)) }  // group 5 stays empty
        return ([CorrelationVariable(name: "csat", values: csat), CorrelationVariable(name: "recommend", values: recommend),
                 CorrelationVariable(name: "complaints", values: complaints)],
                [CorrelationVariable(name: "frequency", values: frequency), CorrelationVariable(name: "tenure", values: tenure)],
                CorrelationGroups(labels: labels, names: ["a", "b", "c", "d", "e", "empty"].enumerated().map { "\($0.offset)\($0.element)" }))
    }

    @Test("every pair of every group equals the single-pair estimates on that pair's complete rows")
    func matchesSinglePairEstimates() throws {
        let (x, y, groups) = Self.sample(n: 3_000, seed: 21)
        let result = try Correlation().run(x: x, y: y, groups: groups)
        for table in result.tables {
            let rows = (0..<3_000).filter { table.group == CorrelationResult.allGroup || groups.names[Int(groups.labels[$0])] == table.group }
            for xv in x {
                for yv in y {
                    let complete = rows.filter { !xv.values[$0].isNaN && !yv.values[$0].isNaN }
                    let a = complete.map { xv.values[$0] }, b = complete.map { yv.values[$0] }
                    let pair = try #require(result.pair(x: xv.name, y: yv.name, group: table.group))
                    #expect(pair.n == complete.count)
                    #expect(pair.kendall == KendallTauB.estimate(x: a, y: b, xName: xv.name, yName: yv.name))
                    #expect(pair.spearman == SpearmanTest.estimate(x: a, y: b, xName: xv.name, yName: yv.name))
                }
            }
        }
    }

    @Test("results are bit-identical for 1, 2 and 3 threads", arguments: [2, 3])
    func threadCountInvariant(threads: Int) throws {
        let (x, y, groups) = Self.sample(n: 20_000, seed: 8)
        let one = try Parallelism.withThreads(1) { try Correlation().run(x: x, y: y, groups: groups) }
        let many = try Parallelism.withThreads(threads) { try Correlation().run(x: x, y: y, groups: groups) }
        #expect(one == many)
    }
}
