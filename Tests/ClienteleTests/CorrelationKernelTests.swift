import Foundation
import Testing
@testable import Clientele

@Suite("Correlation kernel")
struct CorrelationKernelTests {
    @Test("hand-worked Pearson: r = 0.8 for (1,2,3,4,5) vs (2,1,4,3,5), p and interval from n = 5")
    func handWorkedPearson() throws {
        // Deviations (−2,−1,0,1,2)·(−1,−2,1,0,2) = 2 + 2 + 0 + 0 + 4 = 8; both sums of squares 10: r = 0.8.
        let e = try #require(PearsonTest.estimate(x: [1, 2, 3, 4, 5], y: [2, 1, 4, 3, 5]).value)
        #expect(abs(e.r - 0.8) <= 1e-15)
        // t = 0.8 √3 / 0.6 with 3 df: two-sided p = 0.10408803866182788 (t test).
        let t = 0.8 * 3.0.squareRoot() / 0.6
        #expect(abs(e.pValue - Distributions.studentTTwoSidedTail(t, degreesOfFreedom: 3)) <= 1e-14)
        #expect(abs(e.pValue - 0.10408803866182788) <= 1e-12)
        // Fisher: atanh(0.8) ± 1.959963984540054 / √2.
        let z = atanh(0.8), h = 1.959963984540054 / 2.0.squareRoot()
        #expect(abs(e.confidenceLow - tanh(z - h)) <= 1e-14 && abs(e.confidenceHigh - tanh(z + h)) <= 1e-14)
    }

    @Test("Spearman equals Pearson of average ranks, and is 1 for any increasing transform")
    func spearman() throws {
        let x: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
        let y = x.map { exp($0) }
        let s = try #require(SpearmanTest.estimate(x: x, y: y).value)
        #expect(abs(s.rho - 1) <= 1e-15 && s.pValue < 1e-9)
        let z: [Double] = [2, 7, 1, 8, 2, 8, 1, 8]
        let t = try #require(SpearmanTest.estimate(x: x, y: z).value)
        #expect(abs(t.rho - PearsonTest.coefficient(x: Ranks.average(x), y: Ranks.average(z))) <= 1e-15)
    }

    @Test("pairwise-complete n: each pair drops only the rows where one of its two values is missing")
    func pairwiseComplete() throws {
        let nan = Double.nan
        let a = CorrelationVariable(name: "a", values: [1, 2, nan, 4, 5, 6])
        let b = CorrelationVariable(name: "b", values: [2, nan, 3, 5, 4, 7])
        let c = CorrelationVariable(name: "c", values: [1, 1, 2, 3, 5, 8])
        let result = try Correlation().run(x: [a], y: [b, c])
        #expect(result.pair(x: "a", y: "b")?.n == 4)
        #expect(result.pair(x: "a", y: "c")?.n == 5)
        let r = try #require(result.pair(x: "a", y: "b")?.pearson.value?.r)
        #expect(abs(r - PearsonTest.coefficient(x: [1, 4, 5, 6], y: [2, 5, 4, 7])) <= 1e-14)
    }

    @Test("results per group: 'all' first, then each group on its own rows")
    func groups() throws {
        var random = RandomSource(seed: 5)
        let n = 90
        let x = (0..<n).map { _ in Double(1 + random.index(below: 5)) }
        let y = x.map { $0 + Double(random.index(below: 3)) }
        let labels = (0..<n).map { Int32($0 % 3) }
        let result = try Correlation().run(x: [CorrelationVariable(name: "csat", values: x)], y: [CorrelationVariable(name: "f", values: y)],
                                           groups: CorrelationGroups(labels: labels, names: ["A", "B", "C"]))
        #expect(result.tables.map(\.group) == ["all", "A", "B", "C"])
        #expect(result.tables.map(\.rows) == [90, 30, 30, 30])
        let rows = (0..<n).filter { $0 % 3 == 1 }
        let expected = try #require(KendallTauB.estimate(x: rows.map { x[$0] }, y: rows.map { y[$0] }).value)
        #expect(result.pair(x: "csat", y: "f", group: "B")?.kendall.value == expected)
    }

    @Test("the BLAS matrix adds its row blocks correctly: 20,000 rows with blanks, several blocks")
    func manyBlocks() throws {
        var random = RandomSource(seed: 77)
        let n = 20_000
        let columns = (0..<3).map { j in (0..<n).map { _ in random.uniform() < 0.1 ? Double.nan : Double(random.index(below: 5 + 3 * j)) } }
        let y = (0..<3).map { j in (0..<n).map { i in columns[j][i].isNaN ? random.uniform() : Double(i % 97) + (random.uniform() < 0.05 ? .nan : 0) } }
        let matrix = PearsonMatrix(x: columns, y: y)
        #expect(BLAS.singleThreadedRows(inner: 9, outer: 9, cap: 8_192) < n / 2)  // more than one block
        for i in 0..<3 {
            for j in 0..<3 {
                let keep = (0..<n).filter { !columns[i][$0].isNaN && !y[j][$0].isNaN }
                let r = PearsonTest.coefficient(x: keep.map { columns[i][$0] }, y: keep.map { y[j][$0] })
                #expect(abs(matrix.r[i * 3 + j] - r) <= 1e-12)
                #expect(matrix.n[i * 3 + j] == keep.count)
            }
        }
    }

    @Test("Kendall can be switched off; the pair then says 'not computed'")
    func kendallOff() throws {
        var c = Correlation()
        c.includeKendall = false
        let v = CorrelationVariable(name: "a", values: [1, 2, 3, 4]), w = CorrelationVariable(name: "b", values: [2, 1, 4, 3])
        let pair = try #require(try c.run(x: [v], y: [w]).pair(x: "a", y: "b"))
        #expect(pair.kendall == .notDefined(.notComputed))
        #expect(pair.pearson.value != nil && pair.spearman.value != nil)
    }

    @Test("errors name the variable and quote the numbers", arguments: [
        (CorrelationError.lengthMismatch(variable: "tenure", count: 3, expected: 4), "correlation: tenure has 3 values, expected 4 (one per customer)"),
        (.infiniteValue(variable: "clv", row: 7, value: .infinity), "correlation: clv row 7 is inf; use NaN for a missing value"),
        (.invalidConfidenceLevel(1.5), "correlation confidence level = 1.5: must be strictly between 0 and 1 (e.g. 0.95)"),
    ])
    func errorMessages(error: CorrelationError, message: String) {
        #expect(error.description == message)
    }

    @Test("invalid input throws before computing")
    func throwsOnBadInput() {
        let v = CorrelationVariable(name: "v", values: [1, 2, 3])
        #expect(throws: CorrelationError.lengthMismatch(variable: "w", count: 2, expected: 3)) {
            try Correlation().run(x: [v], y: [CorrelationVariable(name: "w", values: [1, 2])])
        }
        #expect(throws: CorrelationError.infiniteValue(variable: "w", row: 1, value: -.infinity)) {
            try Correlation().run(x: [v], y: [CorrelationVariable(name: "w", values: [1, -.infinity, 2])])
        }
        var c = Correlation()
        c.confidenceLevel = 0
        #expect(throws: CorrelationError.invalidConfidenceLevel(0)) { try c.run(x: [v], y: [v]) }
        #expect(throws: CorrelationError.unknownGroup(label: 2, groups: 2)) {
            try Correlation().run(x: [v], y: [v], groups: CorrelationGroups(labels: [0, 1, 2], names: ["a", "b"]))
        }
    }
}
