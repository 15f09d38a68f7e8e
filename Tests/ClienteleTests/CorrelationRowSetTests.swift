import Testing
@testable import Clientele

/// The block passes behind a correlation table: row sets, group members, the first infinite
/// value and the Pearson matrix on a group's rows. Each is checked against the plain serial
/// definition over more rows than one block (`Correlation.rowBlock`), on 1 and 2 threads.
@Suite("Correlation: row sets and group rows in blocks")
struct CorrelationRowSetTests {
    static let n = 2 * Correlation.rowBlock + 4_321

    /// Ranks with −1 on about a third of the rows, and group labels 0..<4 (group 4 empty).
    private static func sample(seed: UInt64) -> (rx: [Int32], ry: [Int32], labels: [Int32]) {
        var random = RandomSource(seed: seed)
        let rx = (0..<n).map { _ in random.index(below: 3) == 0 ? Int32(-1) : Int32(random.index(below: 9)) }
        let ry = (0..<n).map { _ in random.index(below: 5) == 0 ? Int32(-1) : Int32(random.index(below: 9)) }
        let labels = (0..<n).map { _ in Int32(random.index(below: 4)) }
        return (rx, ry, labels)
    }

    @Test("a row set holds the table's rows where both are present, ascending, and local numbers them; other rows keep their entry",
          arguments: [1, 2])
    func rowSetIsTheSerialFilter(threads: Int) {
        let (rx, ry, labels) = Self.sample(seed: 4)
        let groups = CorrelationGroups(labels: labels, names: ["a", "b", "c", "d", "empty"])
        for tableRows in [CorrelationTableRows.all(rows: Self.n, ranks: [])] + CorrelationTableRows.groups(groups, ranks: []) {
            var local = [Int32](repeating: 77, count: Self.n)
            let rows = local.withUnsafeMutableBufferPointer { local in
                Parallelism.withThreads(threads) { Correlation.rowSet(tableRows, present: rx, ry, local: local) }
            }
            let inTable = tableRows.rows.map { $0.map(Int.init) } ?? Array(0..<Self.n)
            let expected = inTable.filter { rx[$0] >= 0 && ry[$0] >= 0 }
            #expect(rows == expected.map(Int32.init))
            var want = [Int32](repeating: 77, count: Self.n)
            for row in inTable { want[row] = -1 }
            for (l, row) in expected.enumerated() { want[row] = Int32(l) }
            #expect(local == want)
        }
    }

    @Test("group members are each group's rows in ascending order, empty groups included", arguments: [1, 2])
    func membersAreTheSerialGroups(threads: Int) {
        let (_, _, labels) = Self.sample(seed: 9)
        let members = Parallelism.withThreads(threads) { CorrelationTableRows.members(labels, groups: 5) }
        #expect(members == (0..<5).map { g in labels.indices.filter { labels[$0] == g }.map(Int32.init) })
    }

    @Test("the first infinite value of each column is found across blocks; a column without one has none", arguments: [1, 2])
    func firstInfiniteAcrossBlocks(threads: Int) {
        var a = [Double](repeating: 1, count: Self.n), b = a, c = a
        a[Self.n - 3] = .infinity
        a[Correlation.rowBlock + 1] = -.infinity  // the second block; the third has one too
        b[5] = .infinity; b[Self.n - 1] = .infinity
        c[Self.n / 2] = .nan
        let found = Parallelism.withThreads(threads) { Correlation.firstInfinite([a, b, c], rows: Self.n) }
        #expect(found == [Correlation.rowBlock + 1, 5, nil])
    }

    @Test("validation reports the first bad variable in x-then-y order, an infinite value before a later length mismatch")
    func firstBadVariableWins() {
        let v = CorrelationVariable(name: "v", values: [1, 2, 3])
        let inf = CorrelationVariable(name: "inf", values: [1, .infinity, 3])
        let short = CorrelationVariable(name: "short", values: [1, 2])
        #expect(throws: CorrelationError.infiniteValue(variable: "inf", row: 1, value: .infinity)) {
            try Correlation().run(x: [v, inf], y: [short])
        }
        #expect(throws: CorrelationError.lengthMismatch(variable: "short", count: 2, expected: 3)) {
            try Correlation().run(x: [v, short], y: [inf])
        }
    }

    @Test("the Pearson matrix on a group's rows is, bit for bit, the matrix of the group's copied values", arguments: [1, 2])
    func pearsonMatrixOnRows(threads: Int) {
        var random = RandomSource(seed: 12)
        let columns = (0..<3).map { c in
            (0..<Self.n).map { _ in random.index(below: 4) == c ? Double.nan : Double(random.index(below: 1_000)) / 7 }
        }
        let rows = (0..<Self.n).filter { $0 % 3 != 1 }.map(Int32.init)
        let copied = columns.map { v in rows.map { v[Int($0)] } }
        let onRows = Parallelism.withThreads(threads) { PearsonMatrix(x: Array(columns[0..<2]), y: [columns[2]], rows: rows) }
        let plain = PearsonMatrix(x: Array(copied[0..<2]), y: [copied[2]])
        #expect(onRows.r.map(\.bitPattern) == plain.r.map(\.bitPattern))
        #expect(onRows.n == plain.n)
    }
}
