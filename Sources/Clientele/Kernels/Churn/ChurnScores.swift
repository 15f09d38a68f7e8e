import ClienteleSupport

/// Churn probabilities of every current customer (an order before the as-of date), from features
/// as of the as-of date: the probability of no order in the next period of the holdout's length.
public struct ChurnScores: Sendable {
    /// Scored customer ids, ascending.
    public let customers: [Int32]
    /// P(churn) of each scored customer, in [0, 1].
    public let probabilities: [Double]
    /// Number of customers in the index (scored or not).
    public let customerCount: Int
    /// P(churn) by customer id, NaN for customers not scored: O(1) lookups for the writers, which
    /// ask once per customer.
    private let byCustomer: [Double]

    package init(customers: [Int32], probabilities: [Double], customerCount: Int) {
        precondition(customers.count == probabilities.count, "ChurnScores: \(customers.count) customers, \(probabilities.count) probabilities")
        self.customers = customers
        self.probabilities = probabilities
        self.customerCount = customerCount
        var byCustomer = [Double](repeating: .nan, count: customerCount)
        for (id, p) in zip(customers, probabilities) { byCustomer[Int(id)] = p }
        self.byCustomer = byCustomer
    }

    /// The probability of customer `id`, or `nil` when it has no order before the as-of date.
    /// - Complexity: O(1).
    public func probability(of id: Int32) -> Double? {
        let p = byCustomer[Int(id)]
        return p.isNaN ? nil : p
    }

    /// One entry per customer id, NaN for customers not scored.
    package var probabilityColumn: [Double] { byCustomer }

    /// One entry per customer id (`customerCount`), `nil` for customers not scored: the
    /// `churn_probability` column of customers.csv.
    public var probabilityByCustomer: [Double?] { byCustomer.map { $0.isNaN ? nil : $0 } }

    /// The scored customers ranked by value at risk = P(churn) × value, highest first (ties by
    /// customer id ascending); `values[c]` is customer c's value (predicted CLV, or historical CLV
    /// when the predictive model did not run), one per customer id.
    ///
    /// - Parameter limit: keep the first `limit` rows (nil: all scored customers).
    /// - Throws: `ChurnError.lengthMismatch` (70) when `values` does not have `customerCount`
    ///   entries; `.nonFiniteValue` (70) for a NaN or infinite value of a scored customer;
    ///   `.invalidSetting` (64) for a negative limit.
    /// - Complexity: O(n) (a radix sort, `ChurnRowOrder`).
    public func riskRanking(values: [Double], limit: Int? = nil) throws(ChurnError) -> [ChurnRiskRow] {
        guard values.count == customerCount else { throw .lengthMismatch(name: "customer values", count: values.count, expected: customerCount) }
        if let limit, limit < 0 { throw .invalidSetting(name: "limit", value: "\(limit)", requirement: "should be >= 0") }
        // Per-row passes in fixed blocks on every thread; a block reports its first non-finite value.
        let n = customers.count, block = 32_768
        var atRisk = [Double](repeating: 0, count: n)
        let failures = atRisk.withUnsafeMutableBufferPointer { out in
            parallelBlocks(n, size: block) { range -> ChurnError? in
                for r in range {
                    let id = customers[r], v = values[Int(id)]
                    guard v.isFinite else { return .nonFiniteValue(name: "customer value", customer: Int(id), value: v) }
                    out[r] = probabilities[r] * v
                }
                return nil
            }
        }
        if let first = failures.first(where: { $0 != nil }) ?? nil { throw first }
        // Rows by value at risk descending, ties in row order = customer id ascending.
        let order = ChurnRowOrder.descending(atRisk)
        let kept = limit.map { min($0, n) } ?? n
        return [ChurnRiskRow](unsafeUninitializedCapacity: kept) { rows, count in
            parallelRanges(kept, size: block) { range in
                for rank in range {
                    let r = order[rank]
                    (rows.baseAddress! + rank).initialize(to: ChurnRiskRow(
                        rank: rank + 1, customer: customers[r], churnProbability: probabilities[r],
                        value: values[Int(customers[r])], valueAtRisk: atRisk[r]))
                }
            }
            count = kept
        }
    }
}

/// One row of the value-at-risk ranking (`churn_risk.csv`: `rank, customer_id, churn_probability,
/// predicted_clv, value_at_risk, segment`; the writer adds customer_id and segment).
public struct ChurnRiskRow: Sendable, Hashable {
    /// 1 = the most value at risk.
    public let rank: Int
    /// Customer id (index into `CustomerIndex`).
    public let customer: Int32
    public let churnProbability: Double
    /// The customer's value as passed in (predicted or historical CLV).
    public let value: Double
    /// churnProbability × value.
    public let valueAtRisk: Double
}
