/// How well predicted churn probabilities match what happened, on held-out rows.
///
/// - `auc`: ROC AUC with ties (`ChurnMetrics.rocAUC`); `logLoss`, `brierScore` as scikit-learn.
/// - `atHalf`: the confusion matrix flagging p ≥ 0.5.
/// - `atBaseRate`: flagging as many customers as the training churn rate predicts: the threshold
///   is the m-th largest probability, m = max(1, round(base rate × n)), and every customer with
///   p ≥ threshold is flagged (ties can flag a few more). With the test rows' own rate, precision
///   and recall would be equal there.
/// - `deciles`: lift, cumulative gains and calibration by decile of predicted risk.
/// - `rocCurve`: the exact ROC curve, one point per distinct probability (`ChurnROCCurve`; nil
///   for rows streamed from partitions, which are never held whole); `rocChart`: the same thinned
///   to at most `rocPointLimit` points for charts and reports.
public struct ChurnEvaluation: Sendable {
    /// Rows evaluated and churners among them; their churn rate.
    public let rows: Int
    public let churners: Int
    public var churnRate: Double { Double(churners) / Double(rows) }
    public let auc: Double
    public let logLoss: Double
    public let brierScore: Double
    public let atHalf: ChurnConfusion
    public let atBaseRate: ChurnConfusion
    /// The base rate used for `atBaseRate` (the training churn rate).
    public let baseRate: Double
    public let deciles: [ChurnDecile]
    public let rocCurve: ChurnROCCurve?
    public let rocChart: ChurnROCCurve

    /// An evaluation computed elsewhere (`ChurnEvaluation(streaming:…)`).
    package init(rows: Int, churners: Int, auc: Double, logLoss: Double, brierScore: Double, atHalf: ChurnConfusion,
                 atBaseRate: ChurnConfusion, baseRate: Double, deciles: [ChurnDecile], rocChart: ChurnROCCurve) {
        self.rows = rows; self.churners = churners; self.auc = auc; self.logLoss = logLoss; self.brierScore = brierScore
        self.atHalf = atHalf; self.atBaseRate = atBaseRate; self.baseRate = baseRate; self.deciles = deciles
        rocCurve = nil
        self.rocChart = rocChart
    }

    /// Evaluates `probabilities` (each in [0, 1]) against `labels`.
    /// - Parameters:
    ///   - part: names the rows in errors ("test").
    ///   - baseRate: the churn rate whose share of customers `atBaseRate` flags, in (0, 1).
    ///   - rocPointLimit: the most points of `rocChart` (≥ 2). Default 201.
    /// - Throws: `ChurnError.singleClass` (65) when the rows hold one class (AUC undefined),
    ///   `.tooFewRows` (65) when there are none, `.lengthMismatch` (70), `.nonFiniteValue` (70) for
    ///   a probability outside [0, 1].
    /// - Complexity: O(n log n).
    public init(labels: [Bool], probabilities: [Double], baseRate: Double, part: String = "test",
                rocPointLimit: Int = 201) throws(ChurnError) {
        let n = labels.count
        guard probabilities.count == n else { throw .lengthMismatch(name: "probabilities", count: probabilities.count, expected: n) }
        guard n > 0 else { throw .tooFewRows(part: part, rows: 0, parameters: 1) }
        for (i, p) in probabilities.enumerated() where !(p >= 0 && p <= 1) {
            throw .nonFiniteValue(name: "churn probability", customer: i, value: p)
        }
        let churners = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard churners > 0, churners < n else { throw .singleClass(part: part, rows: n, churners: churners) }
        // Rows by probability descending, ties in row order (a stable order), sorted once for
        // the AUC, the threshold at the base rate, the deciles and the ROC curve.
        let order = ChurnRowOrder.descending(probabilities)
        rows = n
        self.churners = churners
        auc = ChurnMetrics.rocAUC(labels: labels, scores: probabilities, descending: order, positives: churners)
        logLoss = ChurnMetrics.logLoss(labels: labels, probabilities: probabilities)
        brierScore = ChurnMetrics.brierScore(labels: labels, probabilities: probabilities)
        atHalf = ChurnConfusion(threshold: 0.5, labels: labels, probabilities: probabilities)
        self.baseRate = min(max(baseRate, 0), 1)
        let flagged = min(n, max(1, Int((self.baseRate * Double(n)).rounded())))
        atBaseRate = ChurnConfusion(threshold: probabilities[order[flagged - 1]], labels: labels, probabilities: probabilities)
        deciles = Self.deciles(order: order, labels: labels, probabilities: probabilities, churners: churners)
        let curve = ChurnROCCurve(order: order, labels: labels, probabilities: probabilities)
        rocCurve = curve
        rocChart = curve.thinned(to: max(2, rocPointLimit))
    }

    package static func deciles(order: [Int], labels: [Bool], probabilities: [Double], churners: Int) -> [ChurnDecile] {
        var deciles = ChurnDeciles(rows: order.count, churners: churners)
        for r in order { deciles.add(probabilities[r], churned: labels[r]) }
        return deciles.finished()
    }
}

/// The decile table of rows met in descending order of probability (ties in row order): decile d
/// (1…10) holds positions ⌊n (d − 1) / 10⌋ ..< ⌊n d / 10⌋, its predicted probabilities added in
/// that order. Shared by the evaluation of rows in memory and of rows streamed from partitions.
package struct ChurnDeciles {
    private let rows: Int
    private let churners: Int
    private var seen = 0
    private var decile = 1
    private var caught = 0
    private var predicted = 0.0
    private var cumulativeCustomers = 0
    private var cumulativeChurners = 0
    private var table: [ChurnDecile] = []

    package init(rows: Int, churners: Int) {
        self.rows = rows
        self.churners = churners
    }

    /// The next row in descending order.
    package mutating func add(_ probability: Double, churned: Bool) {
        while decile <= 10, seen >= rows * decile / 10 { close() }
        if churned { caught += 1 }
        predicted += probability
        seen += 1
    }

    /// The ten deciles (empty ones with counts and rates 0).
    package func finished() -> [ChurnDecile] {
        var copy = self
        while copy.decile <= 10 { copy.close() }
        return copy.table
    }

    private mutating func close() {
        let customers = rows * decile / 10 - rows * (decile - 1) / 10
        cumulativeCustomers += customers
        cumulativeChurners += caught
        let overall = Double(churners) / Double(rows)
        let rate = ChurnConfusion.ratio(caught, customers)
        let share = Double(cumulativeCustomers) / Double(rows)
        let gain = ChurnConfusion.ratio(cumulativeChurners, churners)
        table.append(ChurnDecile(decile: decile, customers: customers, churners: caught,
                                 meanPredicted: customers == 0 ? 0 : predicted / Double(customers), observedRate: rate,
                                 lift: overall > 0 ? rate / overall : 0, cumulativeShare: share, cumulativeGain: gain,
                                 cumulativeLift: share > 0 ? gain / share : 0))
        decile += 1
        caught = 0
        predicted = 0
    }
}
