import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// The `fill` tie rule read literally from docs/definitions.md: `share` scores s_j of the distinct
/// values from worst (j = 0) to best; with d ≥ N distinct values score_j = min(score_{j−1} + 1,
/// max(s_j, N − (d − 1 − j))), score_{−1} = 0; with d < N the share scores. O(n²).
func bruteFill(_ goodness: [Int64], quantiles N: Int) -> [Int] {
    let share = bruteShare(goodness, quantiles: N)
    let distinct = Array(Set(goodness)).sorted()
    let d = distinct.count
    guard d >= N else { return share }
    var byValue: [Int64: Int] = [:], previous = 0
    for (j, v) in distinct.enumerated() {
        previous = min(previous + 1, max(share[goodness.firstIndex(of: v)!], N - (d - 1 - j)))
        byValue[v] = previous
    }
    return goodness.map { byValue[$0]! }
}

@Suite("RFMScorer fill (the default tie rule)")
struct RFMFillTests {
    @Test("fill is the default, in the scorer and in a job")
    func isDefault() {
        #expect(RFMScorer().ties == .fill)
        #expect(JobConfiguration().rfm.ties == .fill)
    }

    @Test("fill scores equal the literal recurrence over distinct values", arguments: RFMPropertyCase.all)
    func literal(c: RFMPropertyCase) throws {
        let book = RandomOrderBook(customers: c.customers, seed: c.seed, dayChoices: c.dayChoices)
        let result = try RFMScorerPropertyTests.scorer(c, ties: .fill).run(book.activity())
        let m = book.measures
        #expect(result.r.map(Int.init) == bruteFill(m.map { -$0.recency }, quantiles: c.quantiles))
        #expect(result.f.map(Int.init) == bruteFill(m.map(\.frequency), quantiles: c.quantiles))
        #expect(result.m.map(Int.init) == bruteFill(m.map(\.cents), quantiles: c.quantiles))
    }

    @Test("with at least N distinct values every score 1…N is used and neighbouring values differ by at most one score",
          arguments: [(5, UInt64(1)), (5, 2), (3, 3), (10, 4), (7, 5)])
    func noEmptyScore(quantiles N: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        var scorer = RFMScorer()
        scorer.quantiles = N
        for trial in 0..<300 {
            // Few distinct values with very unequal tie groups: the shape of order counts.
            let d = Int.random(in: N...(N + 6), using: &g), n = Int.random(in: d...(d + 200), using: &g)
            let values = (0..<d).map { Int64($0 * 3 - 7) }
            var keys = values  // each value at least once
            for _ in d..<n {
                let u = Double.random(in: 0..<1, using: &g) * Double.random(in: 0..<1, using: &g)  // mostly small values
                keys.append(values[min(d - 1, Int(u * Double(d)))])
            }
            keys.shuffle(using: &g)
            let scores = scorer.score(keys)
            #expect(Set(scores) == Set((1...N).map(UInt8.init)), "trial \(trial): d \(d) n \(n)")
            var byValue: [Int64: UInt8] = [:]
            for (k, s) in zip(keys, scores) { #expect(byValue.updateValue(s, forKey: k) ?? s == s, "ties share a score") }
            let ladder = values.map { byValue[$0]! }
            #expect(zip(ladder, ladder.dropFirst()).allSatisfy { $1 == $0 || $1 == $0 + 1 }, "trial \(trial): \(ladder)")
            #expect(scores == scorer.scoreBySorting(keys), "counting and sorting agree")
        }
    }

    @Test("without ties fill is share")
    func noTies() {
        var g = SeededGenerator(seed: 9)
        for n in [5, 6, 13, 100, 1_001] {
            let keys = (0..<Int64(n)).map { $0 * 7 }.shuffled(using: &g)
            var share = RFMScorer(), fill = RFMScorer()
            share.ties = .share
            fill.ties = .fill
            #expect(fill.score(keys) == share.score(keys))
            #expect(fill.scoreBySorting(keys) == share.scoreBySorting(keys))
        }
    }

    @Test("the documented example: orders 1, 2, 3, 4, 5, 6, 9 of 10, 4, 2, 1, 1, 1, 1 customers")
    func documentedExample() {
        let frequency: [Int64] = Array(repeating: 1, count: 10) + Array(repeating: 2, count: 4) + [3, 3, 4, 5, 6, 9]
        var scorer = RFMScorer()
        scorer.ties = .share
        let share = scorer.score(frequency)
        scorer.ties = .fill
        let fill = scorer.score(frequency)
        let byOrders = { (scores: [UInt8]) in [1, 2, 3, 4, 5, 6, 9].map { v in scores[frequency.firstIndex(of: Int64(v))!] } }
        #expect(byOrders(share) == [1, 3, 4, 5, 5, 5, 5])
        #expect(byOrders(fill) == [1, 2, 3, 4, 5, 5, 5])
    }

    /// R, F and M customer counts per score of the generated data set (`clientele generate` /
    /// `clientele demo` with `seed`), as of its default as-of for the demo.
    static func countsPerScore(customers: Int, seed: UInt64, ties: RFMScorer.TieRule) throws -> [[Int]] {
        let (loaded, population) = try clvGenerated(customers: customers, seed: seed)
        let activity = CustomerActivity(orders: loaded.orders, asOf: population.asOf)
        var scorer = RFMScorer()
        if ties != .fill { scorer.ties = ties }
        let result = try scorer.run(activity)
        return [result.r, result.f, result.m].map { scores in (1...5).map { s in scores.lazy.filter { $0 == s }.count } }
    }

    @Test("on the demo data (100,000 customers, seed 1) and on seed 11, the default leaves no R, F or M score empty; share leaves F empty",
          arguments: [1, 11] as [UInt64])
    func generatedData(seed: UInt64) throws {
        let fill = try Self.countsPerScore(customers: 100_000, seed: seed, ties: .fill)
        for (letter, counts) in zip(["R", "F", "M"], fill) {
            #expect(counts.allSatisfy { $0 > 0 }, "\(letter) per score under fill: \(counts)")
        }
        let share = try Self.countsPerScore(customers: 100_000, seed: seed, ties: .share)
        #expect(share[1].contains(0), "share leaves a frequency score empty on this data: \(share[1])")
        // The warning that share's empty score raises, and that fill's counts do not.
        let report = { (counts: [[Int]], ties: String) -> [ReportWarning] in
            let rfm = RunReport.RFM(ties: ties, quantiles: 5, segments: [],
                                    customersPerScore: .init(r: counts[0], f: counts[1], m: counts[2]))
            return ReportWarnings.rfm(rfm, scored: 100_000).filter { $0.code == .rfmScoreUnused }
        }
        #expect(report(fill, "fill").isEmpty)
        #expect(report(share, "share").contains { $0.subject?.hasPrefix("F") == true })
    }
}
