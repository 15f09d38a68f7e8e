import ClienteleSupport

/// Correlation of satisfaction measures with loyalty measures: Pearson (the matrix through BLAS),
/// Spearman and Kendall τ-b for every (x, y) pair, with p-values and Pearson's interval, overall
/// and per group (RFM segment). The numbers equal `scipy.stats` `pearsonr`, `spearmanr` and
/// `kendalltau(variant="b")` on each pair's complete observations.
///
/// Missing values are NaN; each pair uses the rows where both are present (pairwise-complete n,
/// like pandas `DataFrame.corr` and scipy with `nan_policy="omit"` on that pair).
///
/// ```swift
/// let result = try Correlation().run(x: [satisfaction, recommend], y: [frequency, tenure],
///                                    groups: CorrelationGroups(labels: segment, names: segmentNames))
/// for table in result.tables { for pair in table.pairs { … pair.pearson.value?.r … } }
/// ```
public struct Correlation: Sendable, Equatable {
    /// Coverage of Pearson's Fisher-z interval (default 0.95).
    public var confidenceLevel: Double = 0.95
    /// Kendall p-value method (default: scipy's `auto`).
    public var kendallMethod: KendallTauB.Method = .auto
    /// Whether to compute Kendall's τ-b (O(n log n) per pair; the other two are O(n)).
    public var includeKendall: Bool = true

    public init() {}

    /// All pairs (x, y) for x in `x`, y in `y`: first over all rows (group "all"), then, when
    /// `groups` is given, over each group's rows in group order.
    /// - Throws: `CorrelationError` when columns differ in length, a name repeats, a value is
    ///   infinite, or the settings are out of range.
    /// - Complexity: O(9 n p q) for the Pearson matrix (one GEMM per row block), one radix sort per
    ///   variable, then O(n log d) per pair (d: the fewer distinct values of the two).
    public func run(x: [CorrelationVariable], y: [CorrelationVariable], groups: CorrelationGroups? = nil)
        throws(CorrelationError) -> CorrelationResult {
        guard confidenceLevel > 0, confidenceLevel < 1 else { throw .invalidConfidenceLevel(confidenceLevel) }
        guard !x.isEmpty, !y.isEmpty else { throw .noVariables }
        let n = x[0].values.count
        var seen = Set<String>()
        let variables = x + y
        // In variable order: a length that differs, or else the column's first infinite value
        // (found for all same-length columns at once, blocks of rows over the threads).
        let sameLength = variables.firstIndex { $0.values.count != n } ?? variables.count
        for (v, row) in Self.firstInfinite(variables[..<sameLength].map(\.values), rows: n).enumerated() {
            if let row { throw .infiniteValue(variable: variables[v].name, row: row, value: variables[v].values[row]) }
        }
        if sameLength < variables.count {
            let v = variables[sameLength]
            throw .lengthMismatch(variable: v.name, count: v.values.count, expected: n)
        }
        for v in x where !seen.insert(v.name).inserted { throw .duplicateName(v.name) }
        var seenY = Set<String>()
        for v in y where !seenY.insert(v.name).inserted { throw .duplicateName(v.name) }
        if let groups {
            guard groups.labels.count == n else { throw .lengthMismatch(variable: "group", count: groups.labels.count, expected: n) }
            if let bad = groups.labels.first(where: { Int($0) >= groups.names.count || $0 < 0 }) {
                throw .unknownGroup(label: Int(bad), groups: groups.names.count)
            }
        }
        // Each variable sorted once, over all rows; every table and row set takes its ranks and
        // value order from these.
        var sortedColumns = [MissingRanks?](repeating: nil, count: variables.count)
        parallelEach(&sortedColumns) { v, out in out = MissingRanks(variables[v].values) }
        let ranks = sortedColumns.map { $0! }
        let pattern = Self.missingPatterns(ranks)
        // One row map shared by the tables, which run one after the other (each one's row sets
        // and pairs spread over the threads).
        var local = [Int32](repeating: -1, count: n)
        var tables = [table(group: CorrelationResult.allGroup, rows: .all(rows: n, ranks: ranks), x: x, y: y,
                            ranks: ranks, pattern: pattern, local: &local)]
        if let groups {
            for (g, rows) in CorrelationTableRows.groups(groups, ranks: ranks).enumerated() {
                tables.append(table(group: groups.names[g], rows: rows, x: x, y: y, ranks: ranks, pattern: pattern, local: &local))
            }
        }
        return CorrelationResult(settings: self, xNames: x.map(\.name), yNames: y.map(\.name), tables: tables)
    }

    /// One table's pairs. Unchecked: assumes validated, equal-length columns.
    ///
    /// Pairs are grouped by the rows they are complete on: variables with the same missing rows
    /// share a row set, so each variable is ranked once per row set it meets rather than once
    /// per pair (survey columns share theirs; order-based loyalty columns have none). Per row
    /// set, the set's rows are found block by block over the threads, then the columns, then
    /// the pairs' statistics (Kendall and Spearman of each pair as two tasks) are spread over
    /// the threads; each writes its own slot.
    /// `ranks`: each variable's (x, then y) ranks and value order over all rows; `pattern`: its
    /// missing-value pattern (`missingPatterns`); `local`: scratch, one entry per row.
    package func table(group: String, rows table: CorrelationTableRows, x: [CorrelationVariable], y: [CorrelationVariable],
               ranks: [MissingRanks], pattern: [Int], local: inout [Int32]) -> CorrelationTable {
        let matrix = PearsonMatrix(x: x.map(\.values), y: y.map(\.values), rows: table.rows)
        let variables = x + y
        var pairs = [CorrelationPair?](repeating: nil, count: x.count * y.count)
        var rowSets: [(px: Int, py: Int)] = []
        for i in x.indices {
            for j in y.indices where !rowSets.contains(where: { $0 == (pattern[i], pattern[x.count + j]) }) {
                rowSets.append((pattern[i], pattern[x.count + j]))
            }
        }
        for set in rowSets {
            // The set's rows (ascending) and each table row's local row in the set.
            let rows = local.withUnsafeMutableBufferPointer { local in
                Self.rowSet(table, present: ranks[set.px].ranks, ranks[set.py].ranks, local: local)
            }
            let xs = x.indices.filter { pattern[$0] == set.px }
            let ys = y.indices.filter { pattern[x.count + $0] == set.py }
            let members = xs + ys.map { x.count + $0 }
            var columns = [RankedColumn?](repeating: nil, count: members.count)
            local.withUnsafeBufferPointer { map in
                let shared = UncheckedSendable(map)
                parallelEach(&columns) { c, out in
                    let v = members[c]
                    out = RankedColumn(name: variables[v].name, values: variables[v].values, ranks: ranks[v], rows: rows,
                                       local: shared.value, tableOrder: table.orders[v], tableOrderRanks: table.orderRanks[v])
                }
            }
            let ranked = columns.map { $0! }
            let setPairs = xs.flatMap { i in ys.indices.map { (i: i, column: xs.firstIndex(of: i)!, j: ys[$0], yColumn: xs.count + $0) } }
            // Task t < pairs: Kendall's counts of pair t (the longer tasks first); then Spearman's ρ.
            let defined = setPairs.map { notDefined(ranked[$0.column], ranked[$0.yColumn]) == nil }
            var kendall = [KendallTauB.PairCounts?](repeating: nil, count: setPairs.count)
            var spearman = [Double](repeating: .nan, count: setPairs.count)
            let computeKendall = includeKendall
            kendall.withUnsafeMutableBufferPointer { kendall in
                spearman.withUnsafeMutableBufferPointer { spearman in
                    let outK = UncheckedSendable(kendall), outS = UncheckedSendable(spearman)
                    parallelFor(2 * setPairs.count) { t in
                        let k = t % setPairs.count, p = setPairs[k]
                        guard defined[k] else { return }
                        let cx = ranked[p.column], cy = ranked[p.yColumn]
                        if t < setPairs.count {
                            if computeKendall { outK.value[k] = KendallTauB.pairCounts(cx, cy) }
                        } else {
                            outS.value[k] = RankedColumn.spearmanRho(cx, cy)
                        }
                    }
                }
            }
            for (k, p) in setPairs.enumerated() {
                pairs[p.i * y.count + p.j] = pair(ranked[p.column], ranked[p.yColumn], pearsonR: matrix.r[p.i * y.count + p.j],
                                                  rho: spearman[k], kendall: kendall[k])
            }
        }
        return CorrelationTable(group: group, rows: table.count, pairs: pairs.map { $0! })
    }

    /// Rows a pass over a table's rows takes at a time: blocks depend on the table's size only.
    package static let rowBlock = 1 << 15

    /// The rows of `table` where both `rx` and `ry` (ranks over all rows, −1 missing) are
    /// present, ascending, and in `local`, for every row of the table, its index among them (−1
    /// when not in the set); rows outside the table are left as they are. Two passes over
    /// blocks of the table's rows on the threads: count each block's rows, then, from the
    /// prefix sums of the counts, write them.
    package static func rowSet(_ table: CorrelationTableRows, present rx: [Int32], _ ry: [Int32],
                               local: UnsafeMutableBufferPointer<Int32>) -> [Int32] {
        let count = table.count
        return rx.withUnsafeBufferPointer { rx in
            ry.withUnsafeBufferPointer { ry in
                withTableRows(table) { tableRows in
                    let shared = UncheckedSendable((rx, ry, tableRows, local))
                    let counts = parallelBlocks(count, size: rowBlock) { range -> Int in
                        let (rx, ry, tableRows, _) = shared.value
                        var c = 0
                        for k in range {
                            let row = tableRows.map { Int($0[k]) } ?? k
                            c &+= (rx[row] >= 0 && ry[row] >= 0) ? 1 : 0
                        }
                        return c
                    }
                    var offsets = [Int](repeating: 0, count: counts.count)
                    var total = 0
                    for (b, c) in counts.enumerated() { offsets[b] = total; total += c }
                    return [Int32](unsafeUninitializedCapacity: total) { out, initialized in
                        let target = UncheckedSendable(out)
                        parallelRanges(count, size: rowBlock) { range in
                            let (rx, ry, tableRows, local) = shared.value
                            let out = target.value
                            var at = offsets[range.lowerBound / rowBlock]
                            for k in range {
                                let row = tableRows.map { Int($0[k]) } ?? k
                                if rx[row] >= 0 && ry[row] >= 0 {
                                    local[row] = Int32(at)
                                    out[at] = Int32(row)
                                    at += 1
                                } else {
                                    local[row] = -1
                                }
                            }
                        }
                        initialized = total
                    }
                }
            }
        }
    }

    /// Calls `body` with the table's rows (nil for "all", every row).
    private static func withTableRows<R>(_ table: CorrelationTableRows, _ body: (UnsafeBufferPointer<Int32>?) -> R) -> R {
        guard let rows = table.rows else { return body(nil) }
        return rows.withUnsafeBufferPointer { body($0) }
    }

    /// The first infinite value's row of each column (`rows` values each), nil when none: blocks
    /// of rows over the threads, the first hit of the first block that has one.
    package static func firstInfinite(_ columns: [[Double]], rows: Int) -> [Int?] {
        let perBlock = parallelBlocks(rows, size: rowBlock) { range in
            columns.map { v in v.withUnsafeBufferPointer { v in range.first { v[$0].isInfinite } } }
        }
        return columns.indices.map { c in perBlock.lazy.compactMap { $0[c] }.first }
    }

    /// One id per distinct pattern of missing values: variables get the same id exactly when
    /// they are missing on the same rows.
    package static func missingPatterns(_ columns: [MissingRanks]) -> [Int] {
        var representatives: [Int] = []
        return columns.indices.map { v in
            // Columns without a missing value match at once; others are compared row by row.
            if let same = representatives.first(where: { r in
                columns[r].order.count == columns[v].order.count
                    && (columns[v].order.count == columns[v].ranks.count || samePresence(columns[r].ranks, columns[v].ranks))
            }) { return same }
            representatives.append(v)
            return v
        }
    }

    /// Whether two rank columns (−1 missing) are missing on the same rows; blocks of rows over the threads.
    private static func samePresence(_ a: [Int32], _ b: [Int32]) -> Bool {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let shared = UncheckedSendable((a, b))
                return !parallelBlocks(a.count, size: rowBlock) { range in
                    let (a, b) = shared.value
                    return range.allSatisfy { (a[$0] < 0) == (b[$0] < 0) }
                }.contains(false)
            }
        }
    }

    /// Why a pair's statistics are not defined on its complete rows (too few, or a constant
    /// column), nil when they are.
    package func notDefined(_ x: RankedColumn, _ y: RankedColumn) -> NotDefined? {
        if x.count < PearsonTest.minimumPairs { return .tooFewPairs(n: x.count, minimum: PearsonTest.minimumPairs) }
        if x.isConstant { return .constant(variable: x.name, value: x.first!) }
        if y.isConstant { return .constant(variable: y.name, value: y.first!) }
        return nil
    }

    /// The three statistics of one pair on its complete rows: `pearsonR` from the BLAS matrix,
    /// Spearman's `rho` (`RankedColumn.spearmanRho`) and Kendall's pair counts (nil when
    /// switched off) from its ranked columns; neither is read when the pair is not defined.
    package func pair(_ x: RankedColumn, _ y: RankedColumn, pearsonR: Double, rho: Double,
                      kendall counts: KendallTauB.PairCounts?) -> CorrelationPair {
        let n = x.count
        if let undefined = notDefined(x, y) {
            return CorrelationPair(x: x.name, y: y.name, n: n, pearson: .notDefined(undefined),
                                   spearman: .notDefined(undefined), kendall: .notDefined(undefined))
        }
        let pearson = PearsonTest.summary(r: pearsonR, n: n, confidenceLevel: confidenceLevel)
        let spearman = SpearmanEstimate(rho: rho, pValue: SpearmanTest.pValue(rho: rho, n: n))
        let kendall: Estimate<KendallEstimate> = counts.map { .defined(KendallTauB.summary($0, n: n, method: kendallMethod)) }
            ?? .notDefined(.notComputed)
        return CorrelationPair(x: x.name, y: y.name, n: n, pearson: .defined(pearson), spearman: .defined(spearman), kendall: kendall)
    }
}

/// A named numeric column; NaN marks a missing value.
public struct CorrelationVariable: Sendable, Equatable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Group membership of each row (for example the RFM segment index) and the groups' names.
public struct CorrelationGroups: Sendable, Equatable {
    /// Row → index into `names`.
    public var labels: [Int32]
    public var names: [String]

    public init(labels: [Int32], names: [String]) {
        self.labels = labels
        self.names = names
    }
}
