import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The churn model's P(churn) beside the purchase model's P(no purchase within h days)
/// (`ChurnNoPurchaseComparison`) for a run spread over machines: each partition's exact sums of
/// both probabilities, their squares and products over its customers with both, and its
/// largest gaps (`partition score --churn-comparison-out`); merged in any order they give the
/// same bytes, and `report` the single run's figures (Pearson's r from the exact sums instead of
/// two passes: the same to about 1e-15 relative; the disagreements the same customers and numbers).
public struct PartitionChurnComparison: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var customerId: String
        public var churnProbability: Double
        public var noPurchaseProbability: Double
    }

    public var customers = 0
    public var churn = ExactSum()
    public var noPurchase = ExactSum()
    public var churnSquares = ExactSum()
    public var noPurchaseSquares = ExactSum()
    public var products = ExactSum()
    /// The largest |P(churn) − P(no purchase)| first, ties by customer_id in byte order; at most
    /// `ChurnNoPurchaseComparison().disagreements` rows.
    public var disagreements: [Row] = []

    public init() {}

    /// One partition's share: `scores` (current customers, ids into `index`) and P(no purchase)
    /// by customer id (NaN where not predicted).
    /// The partition's largest gaps are kept by the single run's rule (`LargestGaps`: ties by
    /// customer index, which is customer_id byte order), and only they are named.
    init(scores: ChurnScores, noPurchase: [Double], index: CustomerIndex) {
        var top = ChurnNoPurchaseComparison.LargestGaps(limit: ChurnNoPurchaseComparison().disagreements)
        for (id, c) in zip(scores.customers, scores.probabilities) {
            let p = Int(id) < noPurchase.count ? noPurchase[Int(id)] : .nan
            guard c.isFinite, p.isFinite else { continue }
            customers += 1
            churn.add(c); self.noPurchase.add(p)
            churnSquares.add(c * c); noPurchaseSquares.add(p * p); products.add(c * p)
            top.add(.init(customer: id, churnProbability: c, noPurchaseProbability: p))
        }
        disagreements = top.rows.map {
            Row(customerId: index.customerID($0.customer), churnProbability: $0.churnProbability, noPurchaseProbability: $0.noPurchaseProbability)
        }
    }

    /// Both partitions' customers together.
    public func merged(with other: PartitionChurnComparison) -> PartitionChurnComparison {
        var m = self
        m.customers += other.customers
        m.churn = churn.merged(with: other.churn)
        m.noPurchase = noPurchase.merged(with: other.noPurchase)
        m.churnSquares = churnSquares.merged(with: other.churnSquares)
        m.noPurchaseSquares = noPurchaseSquares.merged(with: other.noPurchaseSquares)
        m.products = products.merged(with: other.products)
        m.disagreements = Self.largestGaps(disagreements + other.disagreements)
        return m
    }

    /// Every partition's share (`score --churn-comparison-out` files), merged.
    public static func read(_ paths: [String]) throws -> PartitionChurnComparison {
        try paths.reduce(PartitionChurnComparison()) { $0.merged(with: try PartitionWorker.readExactJSON(PartitionChurnComparison.self, from: $1)) }
    }

    /// The rows the single run keeps: the largest gaps, ties by customer_id bytes.
    static func largestGaps(_ rows: [Row]) -> [Row] {
        let limit = ChurnNoPurchaseComparison().disagreements
        func gap(_ r: Row) -> Double { abs(r.churnProbability - r.noPurchaseProbability) }
        return Array(rows.sorted {
            gap($0) != gap($1) ? gap($0) > gap($1) : Array($0.customerId.utf8).lexicographicallyPrecedes(Array($1.customerId.utf8))
        }.prefix(max(0, limit)))
    }

    /// report.json's comparison (nil, as in the single run, with fewer than 3 customers).
    /// - Parameters: `churnWindowWeeks`: the holdout's length (the classifier's window).
    public func report(horizonDays: Int, model: RepeatPurchaseModelKind, churnWindowWeeks: Double?) -> ChurnReport.NoPurchaseComparison? {
        guard customers >= 3 else { return nil }
        let n = Double(customers), sumC = churn.value, sumP = noPurchase.value
        let meanC = sumC / n, meanP = sumP / n
        let scc = churnSquares.value - sumC * meanC, spp = noPurchaseSquares.value - sumP * meanP, scp = products.value - sumC * meanP
        let r = scc > 0 && spp > 0 ? scp / (scc * spp).squareRoot() : .nan
        return ChurnReport.NoPurchaseComparison(
            horizonDays: horizonDays, model: model, churnWindowWeeks: churnWindowWeeks, customers: customers, pearsonR: r,
            meanChurnProbability: meanC, meanNoPurchaseProbability: meanP,
            disagreements: disagreements.map { ($0.customerId, $0.churnProbability, $0.noPurchaseProbability) })
    }
}
