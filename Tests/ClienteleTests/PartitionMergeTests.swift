// Partition statistics that merge exactly (issue 15): what a partition of customers contributes,
// pooled over partitions, gives what all customers together give.
import Testing
@testable import Clientele

/// RFM from value counts: the statistic a partition of customers contributes, merged over
/// partitions, scores every customer exactly as `RFMScorer` scores all customers together.
@Suite("RFM value counts: any split of the customers scores like all of them together")
struct RFMValueCountsTests {
    static let asOf = CalendarDay(daysSinceEpoch: 20_000)

    /// `n` customers, a fifth never active, with few recency and frequency values (heavy ties)
    /// and amounts that repeat, returns included.
    static func activity(_ n: Int, seed: UInt64) -> CustomerActivity {
        var random = RandomSource(seed: seed)
        var first = [Int32](), last = [Int32](), frequency = [Int32](), net = [Int64]()
        for _ in 0..<n {
            let orders = random.index(below: 5) == 0 ? 0 : 1 + random.index(below: 3) * random.index(below: 4)
            let lastDay = asOf.daysSinceEpoch - 1 - Int32(random.index(below: 40))
            frequency.append(Int32(orders))
            last.append(orders == 0 ? 0 : lastDay)
            first.append(orders == 0 ? 0 : lastDay - Int32(random.index(below: 300)))
            net.append(orders == 0 ? 0 : Int64(random.index(below: 60) - 5) * 250)
        }
        return CustomerActivity(asOf: asOf, firstDay: first, lastDay: last, frequency: frequency, netCents: net,
                                firstOrderCents: net)
    }

    /// The customers `members` of `all`, as their own (smaller) activity.
    static func part(_ all: CustomerActivity, _ members: [Int]) -> CustomerActivity {
        CustomerActivity(asOf: all.asOf, firstDay: members.map { all.firstDay[$0] }, lastDay: members.map { all.lastDay[$0] },
                         frequency: members.map { all.frequency[$0] }, netCents: members.map { all.netCents[$0] },
                         firstOrderCents: members.map { all.firstOrderCents[$0] })
    }

    /// Every active customer's (r, f, m) scored from `counts` through the score tables.
    static func scores(_ activity: CustomerActivity, tables: [RFMScoreTable], scorer: RFMScorer) -> [Int: [UInt8]] {
        let population = RFMScorer.activeCustomers(activity)
        let keys = RFMScorer.goodnessKeys(activity, population: population, monetary: scorer.monetary)
        var out: [Int: [UInt8]] = [:]
        for (k, c) in population.enumerated() { out[Int(c)] = (0..<3).map { tables[$0].score(keys[$0][k]) } }
        return out
    }

    @Test("fill and share, total and mean monetary, 2 to 16 partitions of random sizes: merged counts score every customer as RFMScorer does",
          arguments: [RFMScorer.TieRule.fill, .share], [RFMScorer.Monetary.total, .mean])
    func splitScoresEqualWhole(ties: RFMScorer.TieRule, monetary: RFMScorer.Monetary) throws {
        var scorer = RFMScorer()
        scorer.ties = ties
        scorer.monetary = monetary
        let all = Self.activity(5_000, seed: 7)
        let whole = try scorer.run(all)
        var expected: [Int: [UInt8]] = [:]
        for k in 0..<whole.count { expected[Int(whole.customers[k])] = [whole.r[k], whole.f[k], whole.m[k]] }

        var random = RandomSource(seed: 11)
        for partitions in [2, 3, 8, 16] {
            // Customers dealt to partitions at random, as a hash of the customer key would.
            var members = [[Int]](repeating: [], count: partitions)
            for c in 0..<all.count { members[random.index(below: partitions)].append(c) }
            let parts = members.map { Self.part(all, $0) }
            let counts = parts.map { RFMValueCounts($0, scorer: scorer) }
            let merged = counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) }
            #expect(merged == RFMValueCounts(all, scorer: scorer), "\(partitions) partitions")
            #expect(merged.customers == Int64(whole.count))
            let tables = try merged.columns.map { try RFMScoreTable($0, quantiles: scorer.quantiles, ties: ties) }
            var scored = 0, wrong: [Int] = []
            for (p, part) in parts.enumerated() {
                for (local, got) in Self.scores(part, tables: tables, scorer: scorer) {
                    scored += 1
                    if got != expected[members[p][local]] { wrong.append(members[p][local]) }
                }
            }
            #expect(scored == whole.count, "\(partitions) partitions")
            #expect(wrong.isEmpty, "\(partitions) partitions: customers \(wrong.prefix(5)) score differently")
        }
    }

    @Test("merging is order-free: any order of the partitions gives the same counts")
    func mergeOrderFree() {
        let scorer = RFMScorer()
        let all = Self.activity(2_000, seed: 3)
        let members = (0..<4).map { p in Array(stride(from: p, to: all.count, by: 4)) }
        let counts = members.map { RFMValueCounts(Self.part(all, $0), scorer: scorer) }
        let forward = counts.dropFirst().reduce(counts[0]) { $0.merged(with: $1) }
        let backward = counts.reversed().dropFirst().reduce(counts[3]) { $0.merged(with: $1) }
        let paired = counts[0].merged(with: counts[2]).merged(with: counts[1].merged(with: counts[3]))
        #expect(forward == backward)
        #expect(forward == paired)
    }

    @Test("a column counts each distinct value once, ascending; merging adds the counts of shared values")
    func columnCounts() {
        let a = RFMValueCounts.Column(counting: [5, -2, 5, 9, 5])
        #expect(a.keys == [-2, 5, 9] && a.counts == [1, 3, 1])
        let b = RFMValueCounts.Column(counting: [9, 1])
        let m = a.merged(with: b)
        #expect(m.keys == [-2, 1, 5, 9] && m.counts == [1, 1, 3, 2])
        #expect(m.total == 7)
    }

    @Test("split (NTILE by customer_id) cannot be scored from counts, and says which rules can")
    func splitRefused() {
        let column = RFMValueCounts.Column(counting: [1, 2, 3])
        #expect(throws: RFMError.tieRuleNeedsCustomerOrder) { try RFMScoreTable(column, quantiles: 5, ties: .split) }
        #expect(RFMError.tieRuleNeedsCustomerOrder.description.contains("use \"fill\" or \"share\""))
    }
}

/// BG/NBD from purchase patterns: each partition's (x, t_x, T) patterns with their customer
/// counts, pooled as weighted rows, are the patterns of all customers together, so the fit is the
/// same to the last bit (the likelihood is a sum over patterns in the same order).
@Suite("CLV patterns: any split of the customers pools to the same patterns and the same fit")
struct CalibrationPatternsMergeTests {
    /// Customers with ties in every field: T and t_x on whole days, in weeks.
    static func summary(_ n: Int, seed: UInt64) throws -> CalibrationSummary {
        var random = RandomSource(seed: seed)
        var x = [Int](), t = [Double](), T = [Double]()
        for _ in 0..<n {
            let age = 10 + random.index(below: 200)
            let repeats = random.index(below: 3) == 0 ? 0 : random.index(below: 6)
            x.append(repeats)
            t.append(repeats == 0 ? 0 : Double(random.index(below: age + 1)) / 7)
            T.append(Double(age) / 7)
        }
        return try CalibrationSummary(frequency: x, recency: t, age: T)
    }

    /// A partition's patterns as weighted rows, as a worker would send them.
    static func rows(_ p: CalibrationPatterns) -> (x: [Int], t: [Double], T: [Double], w: [Double]) {
        (p.frequency.map(Int.init), p.recency, p.age, p.weight)
    }

    @Test("2, 5 and 13 partitions: pooled patterns equal the whole population's, and BG/NBD fits them identically")
    func pooledPatternsFitIdentically() throws {
        let n = 4_000
        let all = try Self.summary(n, seed: 5)
        let whole = CalibrationPatterns(all)
        let wholeFit = try BGNBD().fit(whole)
        var random = RandomSource(seed: 17)
        for partitions in [2, 5, 13] {
            var members = [[Int]](repeating: [], count: partitions)
            for c in 0..<n { members[random.index(below: partitions)].append(c) }
            var x = [Int](), t = [Double](), T = [Double](), w = [Double]()
            for m in members where !m.isEmpty {
                let part = try CalibrationSummary(frequency: m.map { Int(all.frequency[$0]) }, recency: m.map { all.recency[$0] },
                                                  age: m.map { all.age[$0] })
                let r = Self.rows(CalibrationPatterns(part))
                x += r.x; t += r.t; T += r.T; w += r.w
            }
            let pooled = try CalibrationPatterns(frequency: x, recency: t, age: T, weight: w)
            #expect(pooled.frequency == whole.frequency && pooled.recency == whole.recency && pooled.age == whole.age,
                    "\(partitions) partitions")
            #expect(pooled.weight == whole.weight, "\(partitions) partitions")
            let fit = try BGNBD().fit(pooled)
            #expect(fit.parameters == wholeFit.parameters, "\(partitions) partitions")
            #expect(fit.logLikelihood == wholeFit.logLikelihood)
        }
    }
}
