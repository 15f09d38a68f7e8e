import ClienteleStats
import ClienteleStore

/// How net value is spread over customers (docs/definitions.md, "Value concentration"): the
/// Pareto curve (customers from the most valuable down, cumulative share of all net value), the
/// top shares ("the top 20 % of customers bring X % of net revenue"), the Gini coefficient, and the
/// customers whose net value is zero or negative ("not every customer brings profit").
///
/// Over the customers with an order before as-of (the scored customers), each with the net value
/// of `CustomerActivity.netCents` (returns included). The values are sorted in cents, so the
/// order, the counts and every partial sum are exact integers; the result does not depend on the
/// thread count. With n customers sorted descending v₁ ≥ … ≥ vₙ, S_k = v₁ + … + v_k, and S = Sₙ:
/// - the curve at customer share q is the piecewise-linear interpolation
///   (S_⌊qn⌋ + (qn − ⌊qn⌋)·v_{⌊qn⌋+1}) / S, so it ends at 1 and is the exact share whenever qn is whole;
/// - `topShare(q)` is that value;
/// - Gini = Σ_i (2i − n − 1)·w_i / (n·S) over the ascending values w₁ ≤ … ≤ wₙ (0 = equal
///   values, → 1 when one customer holds everything; above 1 when some values are negative).
/// Shares and Gini are `nil` when S ≤ 0.
public struct ValueConcentration: Sendable, Equatable {
    /// The customer shares `topShares` reports.
    public static let reportedShares: [Double] = [0.01, 0.05, 0.10, 0.20, 0.50]
    /// Points of `curve`: customer shares 0, 1/`curvePoints`, …, 1.
    public static let curvePoints = 100

    public let customers: Int
    /// S, in cents.
    public let totalCents: Int64
    /// Customers with net value ≤ 0, and < 0.
    public let nonPositiveCustomers: Int
    public let negativeCustomers: Int
    /// Sum of the negative values, in cents (≤ 0).
    public let negativeCents: Int64
    /// `reportedShares[k]` → share of S brought by that share of the most valuable customers.
    public let topShares: [Double?]
    public let gini: Double?
    /// `curvePoints` + 1 points (customer share, cumulative share of S), most valuable first.
    public let curve: [(customerShare: Double, valueShare: Double)]

    public static func == (a: Self, b: Self) -> Bool {
        a.customers == b.customers && a.totalCents == b.totalCents && a.nonPositiveCustomers == b.nonPositiveCustomers
            && a.negativeCustomers == b.negativeCustomers && a.negativeCents == b.negativeCents && a.topShares == b.topShares
            && a.gini == b.gini && a.curve.map(\.customerShare) == b.curve.map(\.customerShare) && a.curve.map(\.valueShare) == b.curve.map(\.valueShare)
    }

    /// Share of customers with net value ≤ 0 (0 without customers).
    public var nonPositiveShare: Double { customers > 0 ? Double(nonPositiveCustomers) / Double(customers) : 0 }
    public var negativeShare: Double { customers > 0 ? Double(negativeCustomers) / Double(customers) : 0 }

    /// The scored customers of `activity` (those with an order before its as-of).
    public init(activity: CustomerActivity) {
        var values = [Int64]()
        values.reserveCapacity(activity.count)
        for c in 0..<activity.count where activity.isActive(c) { values.append(activity.netCents[c]) }
        self.init(netCents: values)
    }

    /// Any list of per-customer net values in cents (order does not matter).
    public init(netCents values: [Int64]) {
        let n = values.count
        // Ascending by key through the package's stable radix order (exact, thread-count free).
        let order = stableOrder(byKeys: values)
        var ascending = [Int64](repeating: 0, count: n)
        for (i, k) in order.enumerated() { ascending[i] = values[Int(k)] }
        var total: Int64 = 0, nonPositive = 0, negative = 0, negativeCents: Int64 = 0
        for v in ascending {
            total += v
            if v <= 0 { nonPositive += 1 }
            if v < 0 { negative += 1; negativeCents += v }
        }
        customers = n
        totalCents = total
        nonPositiveCustomers = nonPositive
        negativeCustomers = negative
        self.negativeCents = negativeCents
        // Prefix sums of the descending values: prefix[k] = S_k.
        var prefix = [Int64](repeating: 0, count: n + 1)
        for k in 0..<n { prefix[k + 1] = prefix[k] + ascending[n - 1 - k] }
        func share(_ q: Double) -> Double? {
            guard total > 0, n > 0 else { return nil }
            let position = q * Double(n)
            let whole = min(n, Int(position.rounded(.down)))
            var part = Double(prefix[whole])
            if whole < n { part += (position - Double(whole)) * Double(ascending[n - 1 - whole]) }
            return part / Double(total)
        }
        topShares = Self.reportedShares.map(share)
        if total > 0, n > 0 {
            var sum = CompensatedSum()
            for (i, v) in ascending.enumerated() { sum.add(Double(2 * (i + 1) - n - 1) * Double(v)) }
            gini = sum.value / (Double(n) * Double(total))
        } else {
            gini = nil
        }
        curve = total > 0 && n > 0
            ? (0...Self.curvePoints).map { k in
                let q = Double(k) / Double(Self.curvePoints)
                return (q, k == Self.curvePoints ? 1 : share(q)!)
            }
            : []
    }
}
