import ClienteleSupport

/// Relates the churn classifier's P(churn) to the purchase model's P(no purchase within h days),
/// customer by customer: Pearson's r over the customers that have both, their means, and the
/// customers on whom they disagree most.
///
/// The two answer different questions and are not expected to agree: the churn model is a
/// logistic regression trained on the calibration/holdout split (did a customer who bought by E
/// buy nothing in the holdout window?), scored on today's features; P(no purchase within h) is
/// the behavioural model's (BG/NBD, MBG/NBD, Pareto/NBD) probability that a customer with history
/// (x, t_x, T) makes no purchase in the next h days, alive or not. A large gap points at a
/// customer whose features (complaints, satisfaction, order value) say something the purchase
/// history does not, or at a horizon difference (the classifier's window is the holdout's length).
public struct ChurnNoPurchaseComparison: Sendable, Hashable {
    /// Rows of the disagreement table. Default 10.
    public var disagreements: Int

    public init(disagreements: Int = 10) { self.disagreements = disagreements }

    /// - Parameters:
    ///   - churn: the churn model's scores (by customer id).
    ///   - noPurchase: P(no purchase within h) by customer id (NaN where not predicted).
    /// - Returns: nil when fewer than 3 customers have both values.
    /// - Complexity: O(n log k), k = `disagreements`; sums in customer-id order.
    public func run(churn: ChurnScores, noPurchase: [Double]) -> ChurnNoPurchaseComparisonResult? {
        let limit = max(0, disagreements)
        var n = 0
        var sumC = 0.0, sumP = 0.0
        for (id, c) in zip(churn.customers, churn.probabilities) {
            let p = Int(id) < noPurchase.count ? noPurchase[Int(id)] : .nan
            guard c.isFinite, p.isFinite else { continue }
            n += 1; sumC += c; sumP += p
        }
        guard n >= 3 else { return nil }
        let meanC = sumC / Double(n), meanP = sumP / Double(n)
        var scc = 0.0, spp = 0.0, scp = 0.0
        var top = LargestGaps(limit: limit)
        for (id, c) in zip(churn.customers, churn.probabilities) {
            let p = Int(id) < noPurchase.count ? noPurchase[Int(id)] : .nan
            guard c.isFinite, p.isFinite else { continue }
            let dc = c - meanC, dp = p - meanP
            scc += dc * dc; spp += dp * dp; scp += dc * dp
            top.add(ChurnNoPurchaseComparisonResult.Disagreement(customer: id, churnProbability: c, noPurchaseProbability: p))
        }
        let r = scc > 0 && spp > 0 ? scp / (scc * spp).squareRoot() : .nan
        return ChurnNoPurchaseComparisonResult(customers: n, pearsonR: r, meanChurnProbability: meanC,
                                               meanNoPurchaseProbability: meanP, disagreements: top.rows, settings: self)
    }

    /// The `limit` largest |P(churn) − P(no purchase)| seen, kept sorted: larger gap first, then
    /// smaller customer id (also the partitions' share of a run spread over machines).
    package struct LargestGaps {
        package let limit: Int
        package private(set) var rows: [ChurnNoPurchaseComparisonResult.Disagreement] = []

        package init(limit: Int) { self.limit = max(0, limit) }

        package mutating func add(_ row: ChurnNoPurchaseComparisonResult.Disagreement) {
            func before(_ a: ChurnNoPurchaseComparisonResult.Disagreement, _ b: ChurnNoPurchaseComparisonResult.Disagreement) -> Bool {
                abs(a.difference) != abs(b.difference) ? abs(a.difference) > abs(b.difference) : a.customer < b.customer
            }
            guard limit > 0, rows.count < limit || before(row, rows[rows.count - 1]) else { return }
            rows.insert(row, at: rows.firstIndex { before(row, $0) } ?? rows.count)
            if rows.count > limit { rows.removeLast() }
        }
    }
}

/// What `ChurnNoPurchaseComparison.run` found.
public struct ChurnNoPurchaseComparisonResult: Sendable {
    /// One customer where the two probabilities are far apart.
    public struct Disagreement: Sendable, Hashable {
        public let customer: Int32
        public let churnProbability: Double
        public let noPurchaseProbability: Double
        package init(customer: Int32, churnProbability: Double, noPurchaseProbability: Double) {
            self.customer = customer; self.churnProbability = churnProbability; self.noPurchaseProbability = noPurchaseProbability
        }
        /// P(churn) − P(no purchase).
        public var difference: Double { churnProbability - noPurchaseProbability }
    }

    /// Customers with both probabilities.
    public let customers: Int
    /// Pearson's r between them; NaN when either is constant.
    public let pearsonR: Double
    public let meanChurnProbability: Double
    public let meanNoPurchaseProbability: Double
    /// The largest |difference| first (ties by customer id).
    public let disagreements: [Disagreement]
    public let settings: ChurnNoPurchaseComparison
}
