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
        var tables = [table(group: CorrelationResult.allGroup, x: x, y: y)]
        if let groups {
            var rows = [[Int]](repeating: [], count: groups.names.count)
            for (i, g) in groups.labels.enumerated() { rows[Int(g)].append(i) }
            for (g, name) in groups.names.enumerated() {
                let sx = x.map { v in CorrelationVariable(name: v.name, values: rows[g].map { v.values[$0] }) }
                let sy = y.map { v in CorrelationVariable(name: v.name, values: rows[g].map { v.values[$0] }) }
                tables.append(table(group: name, x: sx, y: sy))
            }
        }
        return CorrelationResult(settings: self, xNames: x.map(\.name), yNames: y.map(\.name), tables: tables)
    }

    /// One group's pairs. Unchecked: assumes validated, equal-length columns.
    func table(group: String, x: [CorrelationVariable], y: [CorrelationVariable]) -> CorrelationTable {
        let matrix = PearsonMatrix(x: x.map(\.values), y: y.map(\.values))
        var pairs: [CorrelationPair] = []
        pairs.reserveCapacity(x.count * y.count)
        for (i, xv) in x.enumerated() {
            for (j, yv) in y.enumerated() {
                pairs.append(pair(xv, yv, pearsonR: matrix.r[i * y.count + j]))
            }
        }
        return CorrelationTable(group: group, rows: x.first?.values.count ?? 0, pairs: pairs)
    }

    /// The three statistics of one pair on its complete rows; `pearsonR` from the BLAS matrix.
    func pair(_ x: CorrelationVariable, _ y: CorrelationVariable, pearsonR: Double) -> CorrelationPair {
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity(x.values.count); ys.reserveCapacity(y.values.count)
        for i in x.values.indices where !x.values[i].isNaN && !y.values[i].isNaN {
            xs.append(x.values[i]); ys.append(y.values[i])
        }
        let n = xs.count
        let undefined: NotDefined?
        if n < PearsonTest.minimumPairs {
            undefined = .tooFewPairs(n: n, minimum: PearsonTest.minimumPairs)
        } else if let v = PearsonTest.constantValue(xs) {
            undefined = .constant(variable: x.name, value: v)
        } else if let v = PearsonTest.constantValue(ys) {
            undefined = .constant(variable: y.name, value: v)
        } else {
            undefined = nil
        }
        if let undefined {
            return CorrelationPair(x: x.name, y: y.name, n: n, pearson: .notDefined(undefined),
                                   spearman: .notDefined(undefined), kendall: .notDefined(undefined))
        }
        let pearson = PearsonTest.summary(r: pearsonR, n: n, confidenceLevel: confidenceLevel)
        let spearman = SpearmanTest.estimate(x: xs, y: ys, xName: x.name, yName: y.name)
        let kendall: Estimate<KendallEstimate> = includeKendall
            ? KendallTauB.estimate(x: xs, y: ys, xName: x.name, yName: y.name, method: kendallMethod)
            : .notDefined(.notComputed)
        return CorrelationPair(x: x.name, y: y.name, n: n, pearson: .defined(pearson), spearman: spearman, kendall: kendall)
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
