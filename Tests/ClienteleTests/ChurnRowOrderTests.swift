import Testing
@testable import Clientele

/// The radix row order behind the churn evaluation and the value-at-risk ranking equals the stable
/// comparison sort it replaced, on any thread count and across its block boundaries.
@Suite("Churn row order: highest value first, ties in row order, same on any thread count")
struct ChurnRowOrderTests {
    /// The order the comparison sort gave before: value descending, ties by row ascending.
    static func comparisonOrder(_ v: [Double]) -> [Int] {
        (0..<v.count).sorted { v[$0] > v[$1] || (v[$0] == v[$1] && $0 < $1) }
    }

    /// Values with many ties, both zeros, negatives, extremes and subnormals; more rows than
    /// three blocks of the pass, so the blocks' offsets meet.
    static func values(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        let specials: [Double] = [0, -0.0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                  -.greatestFiniteMagnitude, .infinity, -.infinity, 0.5, 1e-300]
        return (0..<n).map { i in
            switch next() % 4 {
            case 0: return specials[Int(next() % UInt64(specials.count))]
            case 1: return Double(next() % 50) / 49  // ties
            default: return Double(next()) / Double(1 << 53) * (i % 2 == 0 ? 1 : -3)
            }
        }
    }

    @Test("equals the stable comparison sort on ties, signed zeros, infinities and subnormals, over three blocks")
    func equalsComparisonSort() {
        let v = Self.values(3 * ChurnRowOrder.blockRows + 777, seed: 5)
        #expect(ChurnRowOrder.descending(v) == Self.comparisonOrder(v))
    }

    @Test("the same order on one, two, three and four threads")
    func threadCountInvariant() {
        let v = Self.values(2 * ChurnRowOrder.blockRows + 5, seed: 9)
        let one = Parallelism.withThreads(1) { ChurnRowOrder.descending(v) }
        for threads in 2...4 {
            #expect(Parallelism.withThreads(threads) { ChurnRowOrder.descending(v) } == one)
        }
        #expect(one == Self.comparisonOrder(v))
    }

    @Test("empty, single and constant inputs")
    func smallInputs() {
        #expect(ChurnRowOrder.descending([]) == [])
        #expect(ChurnRowOrder.descending([2.5]) == [0])
        #expect(ChurnRowOrder.descending([0, -0.0, 0, -0.0]) == [0, 1, 2, 3])
        #expect(ChurnRowOrder.descending([1, 3, 2, 3]) == [1, 3, 2, 0])
    }

    @Test("AUC from the radix order equals the comparison-sort AUC, with ties between classes")
    func aucMatchesComparison() {
        let v = Self.values(ChurnRowOrder.blockRows + 321, seed: 3).map { min(max(abs($0), 0), 1) }
        let labels = v.indices.map { ($0 * 7919) % 3 == 0 }
        let order = Self.comparisonOrder(v)
        // Mann–Whitney by ascending ranks, the former computation.
        var ascending = Array(order.reversed()), rankSum = 0.0, start = 0
        ascending.sort { v[$0] < v[$1] }
        while start < v.count {
            var end = start + 1
            while end < v.count, v[ascending[end]] == v[ascending[start]] { end += 1 }
            let positives = (start..<end).filter { labels[ascending[$0]] }.count
            rankSum += Double(positives) * Double(start + 1 + end) / 2
            start = end
        }
        let n1 = Double(labels.filter { $0 }.count), n0 = Double(v.count) - n1
        let expected = (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0)
        let one = Parallelism.withThreads(1) { ChurnMetrics.rocAUC(labels: labels, scores: v) }
        let three = Parallelism.withThreads(3) { ChurnMetrics.rocAUC(labels: labels, scores: v) }
        #expect(one == expected)
        #expect(three == expected)
    }

    @Test("the value-at-risk ranking is the same on one and three threads and ranks ties by customer id")
    func riskRankingInvariant() throws {
        let n = 2 * ChurnRowOrder.blockRows + 11
        let customers = (0..<Int32(n)).map { $0 }
        let probabilities: [Double] = (0..<n).map { i in Double((i * 37) % 101) / 100 }
        let values: [Double] = (0..<n).map { i in Double((i * 13) % 17) }
        let scores = ChurnScores(customers: customers, probabilities: probabilities, customerCount: n)
        let one = try Parallelism.withThreads(1) { try scores.riskRanking(values: values) }
        let three = try Parallelism.withThreads(3) { try scores.riskRanking(values: values) }
        #expect(one == three)
        let atRisk: [Double] = (0..<n).map { i in probabilities[i] * values[i] }
        #expect(one.map { Int($0.customer) } == Self.comparisonOrder(atRisk))
    }

    @Test("probabilities and the standardised design are the same on one and three threads across row blocks")
    func logisticRowPassesInvariant() throws {
        let n = 2 * LogisticRegressionFit.rowBlock + 99
        let a: [Double] = (0..<n).map { i in Double((i * 31) % 97) / 7 }
        let b: [Double] = (0..<n).map { i in
            let step = Double((i * 17) % 89)
            return step * 0.3 + Double(i % 5)
        }
        let x = try ChurnFeatureMatrix(columns: [(name: "a", values: a), (name: "b", values: b)])
        let labels: [Bool] = (0..<n).map { i in (i * 7) % 11 < 4 || i % 13 == 0 }
        let (fit1, p1, sub1) = try Parallelism.withThreads(1) { () throws -> (LogisticRegressionFit, [Double], ChurnFeatureMatrix) in
            let f = try LogisticRegression().fit(x, labels: labels)
            return (f, try f.probabilities(x), x.selecting(rows: Array(stride(from: n - 1, through: 0, by: -3))))
        }
        let (fit3, p3, sub3) = try Parallelism.withThreads(3) { () throws -> (LogisticRegressionFit, [Double], ChurnFeatureMatrix) in
            let f = try LogisticRegression().fit(x, labels: labels)
            return (f, try f.probabilities(x), x.selecting(rows: Array(stride(from: n - 1, through: 0, by: -3))))
        }
        #expect(fit1.coefficients == fit3.coefficients)
        #expect(fit1.means == fit3.means && fit1.standardDeviations == fit3.standardDeviations)
        #expect(p1 == p3)
        #expect(sub1 == sub3)
        #expect(sub1[0, 0] == x[n - 1, 0] && sub1[1, 1] == x[n - 4, 1])
        let eta = try fit1.linearPredictor(x)
        #expect(p1[n - 1] == LogisticRegressionFit.sigmoid(eta[n - 1]))
    }

    @Test("a matrix built from columns interleaves them row by row on any thread count, across row blocks")
    func columnsInterleaved() throws {
        let n = 70_001
        let a: [Double] = (0..<n).map { i in Double(i) }
        let b: [Double] = (0..<n).map { i in -Double(i) / 3 }
        let one = try Parallelism.withThreads(1) { try ChurnFeatureMatrix(columns: [(name: "a", values: a), (name: "b", values: b)]) }
        let three = try Parallelism.withThreads(3) { try ChurnFeatureMatrix(columns: [(name: "a", values: a), (name: "b", values: b)]) }
        #expect(one == three)
        #expect(one.column(0) == a && one.column(1) == b)
        #expect(throws: ChurnError.self) { try ChurnFeatureMatrix(columns: [(name: "a", values: a), (name: "b", values: [1])]) }
    }

    @Test("a non-finite customer value is reported for the first such customer on any thread count, and a limit keeps the top rows")
    func riskRankingErrorsAndLimit() throws {
        let n = 3 * 32_768 + 5
        let customers = (0..<Int32(n)).map { $0 }
        let probabilities: [Double] = (0..<n).map { i in Double(i % 10) / 10 }
        var values: [Double] = (0..<n).map { i in Double(i % 7) }
        let scores = ChurnScores(customers: customers, probabilities: probabilities, customerCount: n)
        let top = try Parallelism.withThreads(3) { try scores.riskRanking(values: values, limit: 5) }
        let all = try scores.riskRanking(values: values)
        #expect(top == Array(all.prefix(5)))
        values[70_000] = .nan
        values[90_000] = .infinity
        for threads in [1, 3] {
            do {
                _ = try Parallelism.withThreads(threads) { try scores.riskRanking(values: values) }
                Issue.record("no error on \(threads) threads")
            } catch {
                guard case .nonFiniteValue(_, let customer, _)? = error as? ChurnError else { Issue.record("unexpected \(error)"); continue }
                #expect(customer == 70_000)
            }
        }
    }
}
