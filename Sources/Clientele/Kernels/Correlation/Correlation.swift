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
    /// - Complexity: O(9 n p q) for the Pearson matrix (one GEMM per row block) plus O(n log n) per pair.
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
        // Each variable sorted once, over all rows; every table takes its ranks from these.
        var ranks = (x + y).map { _ in MissingRanks(ranks: [], distinct: 0) }
        parallelEach(&ranks) { v, out in out = MissingRanks(v < x.count ? x[v].values : y[v - x.count].values) }
        // Two workers: one takes all rows, the other the groups, which together are as many.
        var parts: [[CorrelationTable]] = [[], []]
        parallelEach(&parts) { part, tables in
            if part == 0 {
                tables = [table(group: CorrelationResult.allGroup, x: x, y: y, ranks: ranks)]
            } else if let groups {
                var rows = [[Int]](repeating: [], count: groups.names.count)
                for (i, g) in groups.labels.enumerated() { rows[Int(g)].append(i) }
                for (g, name) in groups.names.enumerated() {
                    let sx = x.map { v in CorrelationVariable(name: v.name, values: rows[g].map { v.values[$0] }) }
                    let sy = y.map { v in CorrelationVariable(name: v.name, values: rows[g].map { v.values[$0] }) }
                    let sr = ranks.map { r in MissingRanks(ranks: rows[g].map { r.ranks[$0] }, distinct: r.distinct) }
                    tables.append(table(group: name, x: sx, y: sy, ranks: sr))
                }
            }
        }
        return CorrelationResult(settings: self, xNames: x.map(\.name), yNames: y.map(\.name), tables: parts[0] + parts[1])
    }

    /// One group's pairs. Unchecked: assumes validated, equal-length columns.
    ///
    /// Pairs are grouped by the rows they are complete on: variables with the same missing rows
    /// share a row set, so each variable is filtered and ranked once per row set it meets rather
    /// than once per pair (survey columns share theirs; order-based loyalty columns have none).
    /// `ranks`: each variable's (x, then y) dense ranks on these rows, from one sort over all rows.
    func table(group: String, x: [CorrelationVariable], y: [CorrelationVariable], ranks: [MissingRanks]? = nil) -> CorrelationTable {
        let ranks = ranks ?? (x + y).map { MissingRanks($0.values) }
        let matrix = PearsonMatrix(x: x.map(\.values), y: y.map(\.values))
        let n = x.first?.values.count ?? 0
        let variables = x + y
        let pattern = Self.missingPatterns(variables.map(\.values))
        var pairs = [CorrelationPair?](repeating: nil, count: x.count * y.count)
        var rowSets: [(px: Int, py: Int)] = []
        for i in x.indices {
            for j in y.indices where !rowSets.contains(where: { $0 == (pattern[i], pattern[x.count + j]) }) {
                rowSets.append((pattern[i], pattern[x.count + j]))
            }
        }
        for set in rowSets {
            let members = variables.indices.filter { pattern[$0] == set.px || pattern[$0] == set.py }
            let rows = (0..<n).filter { r in members.allSatisfy { !variables[$0].values[r].isNaN } }
            var ranked: [Int: RankedColumn] = [:]
            func column(_ v: Int) -> RankedColumn {
                if let c = ranked[v] { return c }
                let c = RankedColumn(name: variables[v].name, first: rows.first.map { variables[v].values[$0] },
                                     rows: rows, of: ranks[v])
                ranked[v] = c
                return c
            }
            for i in x.indices where pattern[i] == set.px {
                for j in y.indices where pattern[x.count + j] == set.py {
                    pairs[i * y.count + j] = pair(column(i), column(x.count + j), pearsonR: matrix.r[i * y.count + j])
                }
            }
        }
        return CorrelationTable(group: group, rows: n, pairs: pairs.map { $0! })
    }

    /// One id per distinct pattern of missing values: variables get the same id exactly when
    /// they are NaN on the same rows.
    static func missingPatterns(_ columns: [[Double]]) -> [Int] {
        var representatives: [Int] = []
        return columns.indices.map { v in
            if let same = representatives.first(where: { r in
                zip(columns[r], columns[v]).allSatisfy { $0.isNaN == $1.isNaN }
            }) { return same }
            representatives.append(v)
            return v
        }
    }

    /// The three statistics of one pair on its complete rows; `pearsonR` from the BLAS matrix.
    func pair(_ x: RankedColumn, _ y: RankedColumn, pearsonR: Double) -> CorrelationPair {
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
            ? .defined(KendallTauB.summary(KendallTauB.pairCounts(xRanks: x.dense, xDistinct: x.distinct, yRanks: y.dense, yDistinct: y.distinct),
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
