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
        let presence = PresenceMasks(ranks, pattern: pattern)
        // One row map shared by the tables, which run one after the other (each one's row sets
        // and pairs spread over the threads).
        var local: [Int32] = []
        var tables = [table(group: CorrelationResult.allGroup, rows: .all(rows: n, ranks: ranks), x: x, y: y,
                            ranks: ranks, pattern: pattern, presence: presence, local: &local)]
        if let groups {
            for (g, rows) in CorrelationTableRows.groups(groups, ranks: ranks).enumerated() {
                tables.append(table(group: groups.names[g], rows: rows, x: x, y: y, ranks: ranks, pattern: pattern,
                                    presence: presence, local: &local))
            }
        }
        return CorrelationResult(settings: self, xNames: x.map(\.name), yNames: y.map(\.name), tables: tables)
    }

    /// One table's pairs. Unchecked: assumes validated, equal-length columns.
    ///
    /// Pairs are grouped by the rows they are complete on: variables with the same missing rows
    /// share a row set, so each variable is ranked once per row set it meets rather than once
    /// per pair (survey columns share theirs; order-based loyalty columns have none). The row
    /// sets are found in one pass over the table's rows (in fixed blocks spread over the threads,
    /// each row's place in every set from the counts of the blocks before it); each variable is
    /// then ranked on all the sets it meets in one walk along its value order, the variables
    /// spread over the threads; then every pair of every set, each writing its own slot.
    /// `ranks`: each variable's (x, then y) ranks and value order over all rows; `pattern`: its
    /// missing-value pattern (`missingPatterns`), `presence` which patterns each row has;
    /// `local`: scratch, one entry per row and row set.
    func table(group: String, rows table: CorrelationTableRows, x: [CorrelationVariable], y: [CorrelationVariable],
               ranks: [MissingRanks], pattern: [Int], presence: PresenceMasks, local: inout [Int32]) -> CorrelationTable {
        let matrix = PearsonMatrix(x: x.map { table.values($0.values) }, y: y.map { table.values($0.values) })
        let variables = x + y
        var rowSets: [(px: Int, py: Int)] = []
        for i in x.indices {
            for j in y.indices where !rowSets.contains(where: { $0 == (pattern[i], pattern[x.count + j]) }) {
                rowSets.append((pattern[i], pattern[x.count + j]))
            }
        }
        let k = rowSets.count
        let n = ranks.first?.ranks.count ?? 0
        if local.count < n * k { local = [Int32](repeating: -1, count: n * k) }
        let sets = Self.rowSets(rowSets, table: table, presence: presence, local: &local)
        // Per variable, the sets it belongs to: an x variable to those of its pattern, a y variable likewise.
        let memberships = variables.indices.map { v in
            (0..<k).filter { v < x.count ? rowSets[$0].px == pattern[v] : rowSets[$0].py == pattern[v] }
        }
        var columns = [[RankedColumn]](repeating: [], count: variables.count)
        local.withUnsafeBufferPointer { map in
            let shared = UncheckedSendable(map)
            parallelEach(&columns) { v, out in
                let member = memberships[v]
                guard !member.isEmpty else { return }
                out = RankedColumn.ranked(name: variables[v].name, values: variables[v].values, ranks: ranks[v],
                                          sets: member.map { sets[$0] }, local: shared.value, stride: k, slots: member,
                                          tableOrder: table.orders[v], orderRanks: table.orderRanks[v])
            }
        }
        func column(_ v: Int, inSet s: Int) -> RankedColumn { columns[v][memberships[v].firstIndex(of: s)!] }
        var setPairs: [(i: Int, j: Int, set: Int)] = []
        for (s, set) in rowSets.enumerated() {
            for i in x.indices where pattern[i] == set.px {
                for j in y.indices where pattern[x.count + j] == set.py { setPairs.append((i, j, s)) }
            }
        }
        var results = [CorrelationPair?](repeating: nil, count: setPairs.count)
        parallelEach(&results) { q, out in
            let p = setPairs[q]
            out = pair(column(p.i, inSet: p.set), column(x.count + p.j, inSet: p.set), pearsonR: matrix.r[p.i * y.count + p.j])
        }
        var pairs = [CorrelationPair?](repeating: nil, count: x.count * y.count)
        for (q, p) in setPairs.enumerated() { pairs[p.i * y.count + p.j] = results[q] }
        return CorrelationTable(group: group, rows: table.count, pairs: pairs.map { $0! })
    }

    /// The rows (ascending) of each row set of a table, and each table row's local row in set s
    /// at `local[row × sets.count + s]` (−1 outside it). The table's rows are cut into fixed
    /// blocks; each block counts its members of every set, then writes them at the offsets of
    /// the blocks before it — the same arrays on any number of threads.
    static func rowSets(_ rowSets: [(px: Int, py: Int)], table: CorrelationTableRows, presence: PresenceMasks,
                        local: inout [Int32]) -> [[Int32]] {
        let k = rowSets.count
        let count = table.count
        let blockSize = 1 << 15
        let tableRows = table.rows
        func row(_ t: Int) -> Int { tableRows.map { Int($0[t]) } ?? t }
        let need = rowSets.map { (x: presence.bit($0.px), y: presence.bit($0.py)) }
        let masks = presence.masks, words = presence.words
        func member(_ r: Int, _ s: Int) -> Bool {
            masks[r * words + need[s].x.word] & need[s].x.bit != 0 && masks[r * words + need[s].y.word] & need[s].y.bit != 0
        }
        let counts = parallelBlocks(count, size: blockSize) { block -> [Int] in
            var c = [Int](repeating: 0, count: k)
            for t in block {
                let r = row(t)
                for s in 0..<k where member(r, s) { c[s] += 1 }
            }
            return c
        }
        var offsets = [[Int]](repeating: [Int](repeating: 0, count: k), count: counts.count)
        var totals = [Int](repeating: 0, count: k)
        for b in counts.indices {
            offsets[b] = totals
            for s in 0..<k { totals[s] += counts[b][s] }
        }
        let sets = (0..<k).map { UnsafeMutableBufferPointer<Int32>.allocate(capacity: totals[$0]) }
        defer { for set in sets { set.deallocate() } }
        let blocks = splitBlocks(count, size: blockSize)
        local.withUnsafeMutableBufferPointer { map in
            let shared = UncheckedSendable((map, sets))
            parallelFor(blocks.count) { b in
                let (map, out) = shared.value
                var next = offsets[b]
                for t in blocks[b] {
                    let r = row(t)
                    for s in 0..<k {
                        if member(r, s) {
                            map[r * k + s] = Int32(next[s])
                            out[s][next[s]] = Int32(r)
                            next[s] += 1
                        } else {
                            map[r * k + s] = -1
                        }
                    }
                }
            }
        }
        return sets.map { Array($0) }
    }

    /// One id per distinct pattern of missing values: variables get the same id exactly when
    /// they are missing on the same rows.
    static func missingPatterns(_ columns: [MissingRanks]) -> [Int] {
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
        let rho = RankedColumn.spearmanRho(x, y)
        let spearman = SpearmanEstimate(rho: rho, pValue: SpearmanTest.pValue(rho: rho, n: n))
        let kendall: Estimate<KendallEstimate> = includeKendall
            ? .defined(KendallTauB.summary(KendallTauB.pairCounts(x, y),
                                           n: n, method: kendallMethod))
            : .notDefined(.notComputed)
        return CorrelationPair(x: x.name, y: y.name, n: n, pearson: .defined(pearson), spearman: .defined(spearman), kendall: kendall)
    }
}

/// Which missing-value patterns (`Correlation.missingPatterns`) each row is present in, one bit
/// per pattern: a row belongs to a pair's row set when it has the bits of both variables'
/// patterns.
struct PresenceMasks: Sendable {
    /// Words of 64 bits per row.
    let words: Int
    /// Row r's bits at `masks[r × words ..< (r + 1) × words]`: bit b set when the row is
    /// present in the b-th distinct pattern.
    let masks: [UInt64]
    /// Pattern id (a variable index) → its word and bit.
    private let bits: [Int: (word: Int, bit: UInt64)]

    init(_ columns: [MissingRanks], pattern: [Int]) {
        var representatives: [Int] = []
        for p in pattern where !representatives.contains(p) { representatives.append(p) }
        let words = max(1, (representatives.count + 63) / 64)
        let n = columns.first?.ranks.count ?? 0
        var masks = [UInt64](repeating: 0, count: n * words)
        masks.withUnsafeMutableBufferPointer { out in
            let shared = UncheckedSendable(out)
            parallelRanges(n, size: 1 << 16) { block in
                for (b, v) in representatives.enumerated() {
                    let word = b / 64, bit = UInt64(1) << UInt64(b % 64)
                    columns[v].ranks.withUnsafeBufferPointer { r in
                        for i in block where r[i] >= 0 { shared.value[i * words + word] |= bit }
                    }
                }
            }
        }
        self.words = words
        self.masks = masks
        bits = Dictionary(uniqueKeysWithValues: representatives.enumerated().map { ($0.element, ($0.offset / 64, UInt64(1) << UInt64($0.offset % 64))) })
    }

    /// Where pattern `pattern`'s bit is in a row's words.
    func bit(_ pattern: Int) -> (word: Int, bit: UInt64) { bits[pattern]! }
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
