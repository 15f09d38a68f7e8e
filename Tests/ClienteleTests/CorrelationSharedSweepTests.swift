import Foundation
import Testing
@testable import Clientele

/// The shared passes of a correlation run — row sets found in blocks, each variable ranked on all
/// its row sets in one walk, Spearman from per-column unit deviations, Kendall's sweep taking a
/// large tie group per value — against the plain definitions, with heavy ties, missing values
/// and groups, on one to four threads.
@Suite("Correlation: shared row sets and sweeps against the definitions")
struct CorrelationSharedSweepTests {
    /// Survey-like x columns with few values and blanks, loyalty-like y columns from few to many
    /// values, 4 groups (one of them empty).
    private static func sample(n: Int, seed: UInt64) -> (x: [CorrelationVariable], y: [CorrelationVariable], groups: CorrelationGroups) {
        var random = RandomSource(seed: seed)
        let answered = (0..<n).map { _ in random.index(below: 5) != 0 }
        let csat = (0..<n).map { answered[$0] ? Double(2 + random.index(below: 7)) / 2 : .nan }
        let recommend = (0..<n).map { answered[$0] && random.index(below: 3) != 0 ? Double(random.index(below: 11)) : .nan }
        let nps = recommend.map { $0.isNaN ? .nan : $0 >= 9 ? 1.0 : $0 <= 6 ? -1.0 : 0.0 }
        let complaints = (0..<n).map { _ in Double(random.index(below: 6) / 4) }
        let frequency = (0..<n).map { i in Double(1 + random.index(below: 4)) + (csat[i].isNaN ? 0 : (csat[i] * 2).rounded()) }
        let tenure = (0..<n).map { _ in Double(random.index(below: 400)) }
        let rate = (0..<n).map { _ in Double(random.index(below: 50_000)) / 7 }
        let retained = (0..<n).map { _ in random.index(below: 9) == 0 ? .nan : Double(random.index(below: 2)) }
        let labels = (0..<n).map { _ in Int32(random.index(below: 3)) }  // group 3 stays empty
        return ([CorrelationVariable(name: "csat", values: csat), CorrelationVariable(name: "recommend", values: recommend),
                 CorrelationVariable(name: "nps", values: nps), CorrelationVariable(name: "complaints", values: complaints)],
                [CorrelationVariable(name: "frequency", values: frequency), CorrelationVariable(name: "tenure", values: tenure),
                 CorrelationVariable(name: "rate", values: rate), CorrelationVariable(name: "retained", values: retained)],
                CorrelationGroups(labels: labels, names: ["g0", "g1", "g2", "empty"]))
    }

    @Test("every pair of every group: Kendall's counts equal the O(n²) definition, Spearman the Pearson r of average ranks to the bit, on 1 to 4 threads",
          arguments: [1, 2, 3, 4])
    func pairsMatchDefinitions(threads: Int) throws {
        let n = 1_200
        let (x, y, groups) = Self.sample(n: n, seed: 5)
        let result = try Parallelism.withThreads(threads) { try Correlation().run(x: x, y: y, groups: groups) }
        #expect(result.tables.map(\.group) == [CorrelationResult.allGroup] + groups.names)
        for table in result.tables {
            let rows = (0..<n).filter { table.group == CorrelationResult.allGroup || groups.names[Int(groups.labels[$0])] == table.group }
            #expect(table.rows == rows.count)
            for xv in x {
                for yv in y {
                    let complete = rows.filter { !xv.values[$0].isNaN && !yv.values[$0].isNaN }
                    let a = complete.map { xv.values[$0] }, b = complete.map { yv.values[$0] }
                    let pair = try #require(result.pair(x: xv.name, y: yv.name, group: table.group))
                    #expect(pair.n == complete.count)
                    guard let kendall = pair.kendall.value, let spearman = pair.spearman.value else {
                        #expect(complete.count < 3 || Set(a).count == 1 || Set(b).count == 1)
                        continue
                    }
                    let brute = correlationBruteForceTauB(a, b)
                    #expect(kendall.discordant == brute.discordant && kendall.tiedX == brute.tiedX
                            && kendall.tiedY == brute.tiedY && kendall.tiedBoth == brute.tiedBoth)
                    #expect(spearman.rho == PearsonTest.coefficient(x: Ranks.average(a), y: Ranks.average(b)))
                }
            }
        }
    }

    @Test("tables are bit-identical on 1 to 4 threads when the row-set blocks and every parallel pass have several blocks",
          arguments: [2, 3, 4])
    func threadCountInvariantAcrossBlocks(threads: Int) throws {
        let (x, y, groups) = Self.sample(n: 150_000, seed: 9)
        let one = try Parallelism.withThreads(1) { try Correlation().run(x: x, y: y, groups: groups) }
        let many = try Parallelism.withThreads(threads) { try Correlation().run(x: x, y: y, groups: groups) }
        #expect(one == many)
    }

    @Test("a column ranked on three row sets in one walk of its value order equals each set ranked from its rows in row order, and scipy's average ranks")
    func walkEqualsRowOrder() {
        let n = 40_000
        var random = RandomSource(seed: 44)
        // More distinct values than `rowOrderDomainLimit` (the walk), with ties and blanks.
        let values = (0..<n).map { _ in random.index(below: 10) == 0 ? .nan : Double(random.index(below: 30_000)) / 3 }
        let ranks = MissingRanks(values)
        #expect(ranks.distinct > RankedColumn.rowOrderDomainLimit)
        let k = 3
        var local = [Int32](repeating: -1, count: n * k)
        var sets = [[Int32]](repeating: [], count: k)
        for row in 0..<n where !values[row].isNaN {
            for s in 0..<k where random.index(below: s + 2) != 0 {
                local[row * k + s] = Int32(sets[s].count)
                sets[s].append(Int32(row))
            }
        }
        let walked = local.withUnsafeBufferPointer { local in
            RankedColumn.ranked(name: "v", values: values, ranks: ranks, sets: sets, local: local, stride: k, slots: [0, 1, 2],
                                tableOrder: ranks.order[...], orderRanks: ranks.orderRanks[...])
        }
        for s in 0..<k {
            let counted = RankedColumn.rowOrder(name: "v", values: values, ranks: ranks, rows: sets[s])
            #expect(walked[s].sorted == counted.sorted && walked[s].tieSizes == counted.tieSizes
                    && walked[s].average == counted.average && walked[s].rank == counted.rank)
            #expect(walked[s].average == Ranks.average(sets[s].map { values[Int($0)] }))
            #expect(walked[s].unitDeviations == counted.unitDeviations)
        }
    }

    @Test("the sweep's count per value of a tie group at least as large as the tree's domain equals the definition")
    func largeTieGroups() {
        var random = RandomSource(seed: 31)
        for (xLevels, yLevels, n) in [(3, 2, 500), (2, 3, 500), (5, 40, 900), (40, 5, 900), (7, 7, 3)] {
            let x = (0..<n).map { _ in Double(random.index(below: xLevels)) }
            let y = x.map { $0 * 0.5 + Double(random.index(below: yLevels)) }
            let ranked = [x, y].map { v in
                let ranks = MissingRanks(v)
                let rows = (0..<v.count).map(Int32.init)
                return rows.withUnsafeBufferPointer { local in
                    RankedColumn(name: "v", values: v, ranks: ranks, rows: rows, local: local, tableOrder: ranks.order[...])
                }
            }
            let counts = KendallTauB.pairCounts(ranked[0], ranked[1])
            let brute = correlationBruteForceTauB(x, y)
            #expect(counts.discordant == brute.discordant && counts.tiesX.pairs == brute.tiedX
                    && counts.tiesY.pairs == brute.tiedY && counts.tiedBoth == brute.tiedBoth)
        }
    }

    @Test("the satisfaction–loyalty matrix in blocks equals one pass in row order (counts, NPS, means to the bit), on 1 to 4 threads",
          arguments: [1, 2, 3, 4])
    func matrixMatchesRowOrderPass(threads: Int) throws {
        let n = 150_000
        var random = RandomSource(seed: 12)
        let satisfaction = (0..<n).map { _ in random.index(below: 4) == 0 ? .nan : Double(1 + random.index(below: 13)) / 3 }
        let loyalty = (0..<n).map { _ in random.index(below: 7) == 0 ? .nan : Double(random.index(below: 5)) + random.uniform() }
        let recommend = (0..<n).map { _ in random.index(below: 3) == 0 ? .nan : Double(random.index(below: 21)) / 2 }
        let groups = CorrelationGroups(labels: (0..<n).map { _ in Int32(random.index(below: 3)) }, names: ["a", "b", "c"])
        let matrix = SatisfactionLoyaltyMatrix()
        let result = try Parallelism.withThreads(threads) {
            try matrix.run(satisfaction: satisfaction, loyalty: loyalty, recommend: recommend, groups: groups)
        }
        // The definition, row by row.
        for (k, quadrant) in LoyaltyGroup.allCases.enumerated() {
            var count = 0, s = 0.0, l = 0.0
            var nps = NetPromoterScore()
            for i in 0..<n where !satisfaction[i].isNaN && !loyalty[i].isNaN
                && LoyaltyGroup(satisfied: satisfaction[i] >= 4, loyal: loyalty[i] >= 2) == quadrant {
                count += 1; s += satisfaction[i]; l += loyalty[i]
                nps.add(NPSClass(recommend: recommend[i]))
            }
            let q = result.quadrants[k]
            #expect(q.group == quadrant && q.customers == count && q.nps == nps)
            #expect(q.meanSatisfaction == s / Double(count) && q.meanLoyalty == l / Double(count))
        }
        #expect(result.nps == NetPromoterScore(classes: recommend.map { NPSClass(recommend: $0) }))
        for g in 0..<3 {
            let members = (0..<n).filter { groups.labels[$0] == Int32(g) }
            #expect(result.npsByGroup[g].customers == members.count)
            #expect(result.npsByGroup[g].nps == NetPromoterScore(classes: members.map { NPSClass(recommend: recommend[$0]) }))
        }
        #expect(result.groups == (0..<n).map { i in
            satisfaction[i].isNaN || loyalty[i].isNaN ? nil : LoyaltyGroup(satisfied: satisfaction[i] >= 4, loyal: loyalty[i] >= 2)
        })
        #expect(result.npsClasses == recommend.map { NPSClass(recommend: $0) })
    }
}
