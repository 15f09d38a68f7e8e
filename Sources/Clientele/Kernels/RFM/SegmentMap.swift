import ClienteleSupport

/// Named segments on the recency × frequency score grid.
///
/// The standard map is the widely used 10-segment RFM map (docs/definitions.md); a job file can
/// replace it with one row of N names per R score.
public struct SegmentMap: Sendable, Equatable {
    /// Segment names in report order.
    public let names: [String]
    /// `cells[r - 1][f - 1]` is the index in `names` of the segment of scores (r, f).
    public let cells: [[Int]]

    public var quantiles: Int { cells.count }

    /// A map from one row of names per R score (`rows[r - 1][f - 1]`), each row N long.
    /// `order` lists segment names in report order; names it omits follow, best R and F first.
    public init(rows: [[String]], order: [String] = []) throws(SegmentMapError) {
        let n = rows.count
        guard n >= 2 else { throw SegmentMapError(reason: "needs at least 2 R rows, found \(n)") }
        for (r, row) in rows.enumerated() where row.count != n {
            throw SegmentMapError(reason: "row R=\(r + 1) has \(row.count) names; each row needs one name per F score (\(n))")
        }
        var names = order.filter { name in rows.contains { $0.contains(name) } }
        // Report order: best R first, then best F first.
        for row in rows.reversed() { for name in row.reversed() where !names.contains(name) { names.append(name) } }
        guard names.count <= 256 else { throw SegmentMapError(reason: "has \(names.count) distinct names; at most 256 are supported") }
        self.names = names
        self.cells = rows.map { $0.map { names.firstIndex(of: $0)! } }
    }

    /// The standard 5 × 5 map.
    public static let standard: SegmentMap = {
        let hibernating = "Hibernating", atRisk = "At Risk", cantLose = "Can't Lose Them", aboutToSleep = "About to Sleep"
        let needAttention = "Need Attention", loyal = "Loyal Customers", promising = "Promising"
        let potential = "Potential Loyalists", new = "New Customers", champions = "Champions"
        let rows: [[String]] = [
            [hibernating, hibernating, atRisk, atRisk, cantLose],                 // R = 1
            [hibernating, hibernating, atRisk, atRisk, cantLose],                 // R = 2
            [aboutToSleep, aboutToSleep, needAttention, loyal, loyal],            // R = 3
            [promising, potential, potential, loyal, loyal],                      // R = 4
            [new, potential, potential, champions, champions],                    // R = 5
        ]
        let order = [champions, loyal, potential, new, promising, needAttention, aboutToSleep, atRisk, cantLose, hibernating]
        return try! SegmentMap(rows: rows, order: order)
    }()

    public func segment(r: Int, f: Int) -> Int { cells[r - 1][f - 1] }
}

/// A segment map that cannot be used; a configuration error.
public struct SegmentMapError: ClienteleError, Equatable {
    public var reason: String
    public var exitStatus: ExitStatus { .usage }
    public var description: String { "segment map: \(reason)" }
}
