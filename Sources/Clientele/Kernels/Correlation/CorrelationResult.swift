/// Correlations of every (x, y) pair, overall and per group, with the settings that produced them.
public struct CorrelationResult: Sendable, Equatable {
    /// The group name of the table over all rows.
    public static let allGroup = "all"

    public let settings: Correlation
    public let xNames: [String]
    public let yNames: [String]
    /// `tables[0]` is group "all"; then one table per group, in the groups' order.
    public let tables: [CorrelationTable]

    /// The pair (x, y) of `group`.
    public func pair(x: String, y: String, group: String = CorrelationResult.allGroup) -> CorrelationPair? {
        tables.first { $0.group == group }?.pairs.first { $0.x == x && $0.y == y }
    }
}

/// One group's pairs, x-major (x₀y₀, x₀y₁, …): one row each of `correlations.csv`.
public struct CorrelationTable: Sendable, Equatable {
    /// "all" or a segment name.
    public let group: String
    /// Rows in the group (before dropping missing values per pair).
    public let rows: Int
    public let pairs: [CorrelationPair]
}

/// Pearson, Spearman and Kendall τ-b of one pair on its `n` complete rows.
public struct CorrelationPair: Sendable, Equatable {
    public let x: String
    public let y: String
    /// Rows where both x and y are present.
    public let n: Int
    public let pearson: Estimate<PearsonEstimate>
    public let spearman: Estimate<SpearmanEstimate>
    public let kendall: Estimate<KendallEstimate>
}
