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
        for v in x + y {
            guard v.values.count == n else { throw .lengthMismatch(variable: v.name, count: v.values.count, expected: n) }
            if let i = v.values.firstIndex(where: { $0.isInfinite }) { throw .infiniteValue(variable: v.name, row: i, value: v.values[i]) }
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
        let variables = x + y
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
    /// set, the columns, then the pairs, are spread over the threads; each writes its own slot.
    /// `ranks`: each variable's (x, then y) ranks and value order over all rows; `pattern`: its
    /// missing-value pattern (`missingPatterns`); `local`: scratch, one entry per row.
    package func table(group: String, rows table: CorrelationTableRows, x: [CorrelationVariable], y: [CorrelationVariable],
               ranks: [MissingRanks], pattern: [Int], local: inout [Int32]) -> CorrelationTable {
        let matrix = PearsonMatrix(x: x.map { table.values($0.values) }, y: y.map { table.values($0.values) })
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
            var rows: [Int32] = []
            ranks[set.px].ranks.withUnsafeBufferPointer { rx in
                ranks[set.py].ranks.withUnsafeBufferPointer { ry in
                    local.withUnsafeMutableBufferPointer { local in
                        func visit(_ row: Int) {
                            if rx[row] >= 0 && ry[row] >= 0 {
                                local[row] = Int32(rows.count)
                                rows.append(Int32(row))
                            } else {
                                local[row] = -1
                            }
                        }
                        if let tableRows = table.rows {
                            for row in tableRows { visit(Int(row)) }
                        } else {
                            for row in 0..<table.count { visit(row) }
                        }
                    }
                }
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
                                       local: shared.value, tableOrder: table.orders[v])
                }
            }
            let setPairs = xs.flatMap { i in ys.indices.map { (i: i, column: xs.firstIndex(of: i)!, j: ys[$0], yColumn: xs.count + $0) } }
            var results = [CorrelationPair?](repeating: nil, count: setPairs.count)
            parallelEach(&results) { k, out in
                let p = setPairs[k]
                out = pair(columns[p.column]!, columns[p.yColumn]!, pearsonR: matrix.r[p.i * y.count + p.j])
            }
            for (k, p) in setPairs.enumerated() { pairs[p.i * y.count + p.j] = results[k] }
        }
        return CorrelationTable(group: group, rows: table.count, pairs: pairs.map { $0! })
    }

    /// One id per distinct pattern of missing values: variables get the same id exactly when
    /// they are missing on the same rows.
    package static func missingPatterns(_ columns: [MissingRanks]) -> [Int] {
        var representatives: [Int] = []
        return columns.indices.map { v in
            if let same = representatives.first(where: { r in
                columns[r].order.count == columns[v].order.count
                    && zip(columns[r].ranks, columns[v].ranks).allSatisfy { ($0 < 0) == ($1 < 0) }
            }) { return same }
            representatives.append(v)
            return v
        }
    }

    /// The three statistics of one pair on its complete rows; `pearsonR` from the BLAS matrix.
    package func pair(_ x: RankedColumn, _ y: RankedColumn, pearsonR: Double) -> CorrelationPair {
        let n = x.count
        let undefined: NotDefined?
        if n < PearsonTest.minimumPairs {
            undefined = .tooFewPairs(n: n, minimum: PearsonTest.minimumPairs)
        } else if x.isConstant {
            undefined = .constant(variable: x.name, value: x.first!)
        } else if y.isConstant {
            undefined = .constant(variable: y.name, value: y.first!)
        } else {
            undefined = nil
        }
        if let undefined {
            return CorrelationPair(x: x.name, y: y.name, n: n, pearson: .notDefined(undefined),
                                   spearman: .notDefined(undefined), kendall: .notDefined(undefined))
        }
        let pearson = PearsonTest.summary(r: pearsonR, n: n, confidenceLevel: confidenceLevel)
        let rho = PearsonTest.coefficient(x: x.average, y: y.average)
        let spearman = SpearmanEstimate(rho: rho, pValue: SpearmanTest.pValue(rho: rho, n: n))
        let kendall: Estimate<KendallEstimate> = includeKendall
            ? .defined(KendallTauB.summary(KendallTauB.pairCounts(x, y),
                                           n: n, method: kendallMethod))
            : .notDefined(.notComputed)
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
