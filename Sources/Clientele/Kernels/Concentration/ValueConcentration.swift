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
///   values, → 1 when one customer holds everything; above 1 when some values are negative),
///   its numerator summed exactly in 128-bit integers, one rounding at the division.
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
        // Ascending by key through the package's stable radix order (exact, thread-count free),
        // then runs of equal values.
        // The sorted values themselves are walked (in order in memory), not the order's indices.
        let sorted = parallelStableOrder(byKeys: values).sortedKeys
        var distinct: [Int64] = [], counts: [Int64] = []
        for v in sorted {
            if let last = distinct.last, last == v { counts[counts.count - 1] += 1 } else { distinct.append(v); counts.append(1) }
        }
        self.init(ascendingValues: distinct, counts: counts)
    }

    /// The customers as distinct net values in cents, ascending, each with its number of
    /// customers (a run spread over partitions has these counts, merged, and no customer list):
    /// the same result as `init(netCents:)` of the customers one by one, bit for bit, since every
    /// partial sum is an integer and the Gini numerator is summed exactly (128 bits).
    /// - Complexity: O(distinct) and O(log distinct) per curve point.
    public init(ascendingValues values: [Int64], counts: [Int64]) {
        precondition(values.count == counts.count, "one count per value")
        let n = Int(counts.reduce(0, +))
        var total: Int64 = 0, nonPositive = 0, negative = 0, negativeCents: Int64 = 0
        for (v, c) in zip(values, counts) {
            total += v * c
            if v <= 0 { nonPositive += Int(c) }
            if v < 0 { negative += Int(c); negativeCents += v * c }
        }
        customers = n
        totalCents = total
        nonPositiveCustomers = nonPositive
        negativeCustomers = negative
        self.negativeCents = negativeCents
        // The runs from the most valuable down: before[r] customers and S_before[r] cents precede run r.
        let runs = values.count
        var before = [Int](repeating: 0, count: runs + 1), sumBefore = [Int64](repeating: 0, count: runs + 1)
        for r in 0..<runs {
            let v = values[runs - 1 - r], c = counts[runs - 1 - r]
            before[r + 1] = before[r] + Int(c)
            sumBefore[r + 1] = sumBefore[r] + v * c
        }
        // S_k and the (k + 1)-th value from the top, for 0 ≤ k < n (k = n: S, no next value).
        func prefix(_ k: Int) -> (sum: Int64, next: Int64?) {
            guard k < n else { return (total, nil) }
            var low = 0, high = runs - 1  // the run r with before[r] ≤ k < before[r + 1]
            while low < high {
                let mid = (low + high + 1) / 2
                if before[mid] <= k { low = mid } else { high = mid - 1 }
            }
            let v = values[runs - 1 - low]
            return (sumBefore[low] + Int64(k - before[low]) * v, v)
        }
        func share(_ q: Double) -> Double? {
            guard total > 0, n > 0 else { return nil }
            let position = q * Double(n)
            let whole = min(n, Int(position.rounded(.down)))
            let (sum, next) = prefix(whole)
            var part = Double(sum)
            if let next { part += (position - Double(whole)) * Double(next) }
            return part / Double(total)
        }
        topShares = Self.reportedShares.map(share)
        if total > 0, n > 0 {
            // Σ_i (2i − n − 1)·wᵢ over the ascending values: a run at positions a + 1 … b adds
            // w·((b(b + 1) − a(a + 1)) − (n + 1)(b − a)), exactly.
            var numerator: Int128 = 0, a: Int128 = 0
            let n128 = Int128(n)
            for (v, c) in zip(values, counts) {
                let b = a + Int128(c)
                numerator += Int128(v) * ((b * (b + 1) - a * (a + 1)) - (n128 + 1) * (b - a))
                a = b
            }
            gini = Double(numerator) / (Double(n) * Double(total))
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
