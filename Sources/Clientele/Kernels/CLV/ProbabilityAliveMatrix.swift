import ClienteleStore

/// Mean P(alive) of the customers by repeat purchases x (columns) and recency t_x (rows), the
/// matrix of lifetimes' `plot_probability_alive_matrix`, but over the customers' actual
/// summaries rather than a grid of hypothetical ones (docs/definitions.md, "P(alive) matrix").
///
/// The run draws it from the as-of summary — x = orders before as-of − 1, t_x = weeks from the
/// first to the last of them — and the P(alive) of customers.csv (the chosen model at as-of).
/// Columns: x = 0, 1, …, one per value up to `maximumColumns` − 2, the last column "k+" holds the
/// rest (one column per value when they fit). Rows: t_x in bins of whole weeks, w = ⌈max t_x /
/// `maximumRows`⌉ (at least 1), row r = ⌊t_x / w⌋ (the last bin closed). Each cell's mean is the
/// plain mean of its customers' P(alive), summed in customer order (independent of threads);
/// empty cells hold NaN.
public struct ProbabilityAliveMatrix: Sendable {
    /// Lower bounds of the x columns; the last is open-ended when `lastColumnOpen`.
    public let frequencies: [Int]
    public let lastColumnOpen: Bool
    /// Bin width in weeks and the number of recency rows (row 0 = t_x in [0, w)).
    public let recencyWeeksPerRow: Int
    public let rows: Int
    /// Row-major (recency row, x column): customers and mean P(alive) (NaN when empty).
    public let customers: [Int]
    public let meanProbabilityAlive: [Double]
    /// Customers with a finite P(alive) placed in the matrix.
    public let totalCustomers: Int

    public var columns: Int { frequencies.count }

    public func cell(row: Int, column: Int) -> (customers: Int, mean: Double) {
        (customers[row * columns + column], meanProbabilityAlive[row * columns + column])
    }

    /// The column of x (x ≥ 0).
    public func column(of x: Int) -> Int { min(x, columns - 1) }
    /// The row of t_x weeks (t_x ≥ 0).
    public func row(of recency: Double) -> Int { min(rows - 1, Int((recency / Double(recencyWeeksPerRow)).rounded(.down))) }

    /// - Parameters:
    ///   - frequency: x per customer; customers with x < 0 (no order) are left out.
    ///   - recency: t_x in weeks per customer.
    ///   - probabilityAlive: P(alive) per customer; NaN leaves the customer out.
    ///   - customers: how many customers each row stands for (customers pooled by pattern, as a
    ///     run spread over machines holds them); nil for one each.
    public init(frequency: [Int32], recency: [Double], probabilityAlive: [Double], customers weight: [Int]? = nil,
                maximumColumns: Int = 10, maximumRows: Int = 10) {
        precondition(frequency.count == recency.count && recency.count == probabilityAlive.count && (weight?.count ?? frequency.count) == frequency.count,
                     "ProbabilityAliveMatrix: columns must align (\(frequency.count), \(recency.count), \(probabilityAlive.count))")
        precondition(maximumColumns >= 2 && maximumRows >= 1, "ProbabilityAliveMatrix: at least 2 columns and 1 row")
        func included(_ c: Int) -> Bool { frequency[c] >= 0 && recency[c].isFinite && recency[c] >= 0 && probabilityAlive[c].isFinite }
        var maxX = 0, maxRecency = 0.0
        for c in frequency.indices where included(c) { maxX = max(maxX, Int(frequency[c])); maxRecency = max(maxRecency, recency[c]) }
        let columnCount = min(maximumColumns, maxX + 1)
        frequencies = Array(0..<columnCount)
        lastColumnOpen = maxX + 1 > columnCount
        recencyWeeksPerRow = max(1, Int((maxRecency / Double(maximumRows)).rounded(.up)))
        rows = max(1, min(maximumRows, Int((maxRecency / Double(recencyWeeksPerRow)).rounded(.down)) + 1))
        var counts = [Int](repeating: 0, count: rows * columnCount)
        var sums = [Double](repeating: 0, count: rows * columnCount)
        var total = 0
        let width = Double(recencyWeeksPerRow), lastRow = rows - 1
        for c in frequency.indices where included(c) {
            let k = min(lastRow, Int((recency[c] / width).rounded(.down))) * columnCount + min(Int(frequency[c]), columnCount - 1)
            let w = weight?[c] ?? 1
            counts[k] += w
            sums[k] += w == 1 ? probabilityAlive[c] : Double(w) * probabilityAlive[c]
            total += w
        }
        customers = counts
        meanProbabilityAlive = zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : .nan }
        totalCustomers = total
    }

    /// The as-of summary of `activity` (x = orders − 1, t_x = (last − first day) / 7; −1 and NaN
    /// for customers without an order) with the P(alive) of `probabilityAlive` (indexed like it).
    public init(activity: CustomerActivity, probabilityAlive: [Double], maximumColumns: Int = 10, maximumRows: Int = 10) {
        let n = activity.count
        var x = [Int32](repeating: -1, count: n), t = [Double](repeating: .nan, count: n)
        for c in 0..<n where activity.isActive(c) {
            x[c] = activity.frequency[c] - 1
            t[c] = Double(activity.lastDay[c] - activity.firstDay[c]) / 7
        }
        self.init(frequency: x, recency: t, probabilityAlive: probabilityAlive, maximumColumns: maximumColumns, maximumRows: maximumRows)
    }
}
