import Foundation
import Testing
@testable import Clientele

/// τ-b straight from the definition: every pair, O(n²).
func correlationBruteForceTauB(_ x: [Double], _ y: [Double]) -> (tau: Double, discordant: Int64, tiedX: Int64, tiedY: Int64, tiedBoth: Int64) {
    var c: Int64 = 0, d: Int64 = 0, tx: Int64 = 0, ty: Int64 = 0, tb: Int64 = 0
    for i in 0..<x.count {
        for j in (i + 1)..<x.count {
            let dx = x[i] - x[j], dy = y[i] - y[j]
            if dx == 0 { tx += 1 }
            if dy == 0 { ty += 1 }
            if dx == 0 && dy == 0 { tb += 1 }
            if dx * dy > 0 { c += 1 } else if dx * dy < 0 { d += 1 }
        }
    }
    let n0 = Int64(x.count * (x.count - 1) / 2)
    return (Double(c - d) / (Double(n0 - tx) * Double(n0 - ty)).squareRoot(), d, tx, ty, tb)
}

@Suite("Kendall tau-b")
struct CorrelationKendallTests {
    @Test("hand-worked toy with ties in x, in y and in both")
    func toy() throws {
        // Pairs (1,1) (2,1) (2,2) (3,3) (3,3): N0 = 10, tied x = 2, tied y = 2, tied both = 1,
        // discordant 0, concordant = 10 − (2 + 2 − 1) = 7; tau-b = 7 / √(8 × 8) = 0.875.
        let e = try #require(KendallTauB.estimate(x: [1, 2, 2, 3, 3], y: [1, 1, 2, 3, 3]).value)
        #expect(abs(e.tauB - 0.875) <= 1e-15)
        #expect(e.discordant == 0 && e.tiedX == 2 && e.tiedY == 2 && e.tiedBoth == 1)
        #expect(e.concordantMinusDiscordant == 7)
        #expect(e.method == .asymptotic)  // ties: never exact
    }

    @Test("Knight's merge counting equals the O(n²) definition on random survey-like data", arguments: [3, 10, 57, 400, 1_500])
    func matchesBruteForce(n: Int) throws {
        var random = RandomSource(seed: UInt64(n))
        for scale in [2, 5, 11, 1_000] {
            let x = (0..<n).map { _ in Double(random.index(below: scale)) }
            let y = x.map { $0 + Double(random.index(below: scale)) - Double(scale / 2) }
            let brute = correlationBruteForceTauB(x, y)
            guard let e = KendallTauB.estimate(x: x, y: y).value else {
                #expect(Set(x).count == 1 || Set(y).count == 1)
                continue
            }
            #expect(e.discordant == brute.discordant && e.tiedX == brute.tiedX && e.tiedY == brute.tiedY && e.tiedBoth == brute.tiedBoth)
            #expect(abs(e.tauB - brute.tau) <= 1e-14)
        }
    }

    @Test("tau-b is symmetric in x and y, flips sign with y, and ignores monotone transforms")
    func invariants() throws {
        var random = RandomSource(seed: 9)
        let x = (0..<300).map { _ in Double(random.index(below: 6)) }
        let y = x.map { $0 * 0.5 + Double(random.index(below: 4)) }
        let a = try #require(KendallTauB.estimate(x: x, y: y).value)
        let b = try #require(KendallTauB.estimate(x: y, y: x).value)
        let c = try #require(KendallTauB.estimate(x: x, y: y.map { -$0 }).value)
        let d = try #require(KendallTauB.estimate(x: x.map { exp($0) }, y: y.map { $0 * $0 * $0 + 7 }).value)
        #expect(abs(a.tauB - b.tauB) <= 1e-15 && a.pValue == b.pValue)
        #expect(abs(a.tauB + c.tauB) <= 1e-15 && abs(a.pValue - c.pValue) <= 1e-15)
        #expect(a.tauB == d.tauB)
    }

    @Test("exact p-values: n = 4 perfectly ordered gives 2/4! = 1/12; the exact and asymptotic methods are both offered")
    func exactSmall() throws {
        let e = try #require(KendallTauB.estimate(x: [1, 2, 3, 4], y: [10, 20, 30, 40]).value)
        #expect(e.tauB == 1 && e.method == .exact)
        #expect(abs(e.pValue - 1.0 / 12) <= 1e-16)
        let a = try #require(KendallTauB.estimate(x: [1, 2, 3, 4], y: [10, 20, 30, 40], method: .asymptotic).value)
        #expect(a.method == .asymptotic && a.pValue != e.pValue)
        // The exact distribution sums to 1: at C = N0/2 the two-sided p-value is 1.
        #expect(KendallTauB.exactPValue(n: 5, concordant: 5) == 1)
    }

    @Test("not defined below three pairs or for a constant variable, whatever the other")
    func undefined() {
        #expect(KendallTauB.estimate(x: [1, 2], y: [2, 1]).reason == .tooFewPairs(n: 2, minimum: 3))
        #expect(KendallTauB.estimate(x: [4, 4, 4], y: [1, 2, 3], xName: "csat").reason == .constant(variable: "csat", value: 4))
        #expect(SpearmanTest.estimate(x: [1, 2, 3], y: [5, 5, 5], yName: "f").reason == .constant(variable: "f", value: 5))
        #expect(PearsonTest.estimate(x: [], y: []).reason == .tooFewPairs(n: 0, minimum: 3))
    }
}
