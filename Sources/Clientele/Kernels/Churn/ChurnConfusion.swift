/// A confusion matrix at one threshold: a customer is flagged as a churner when its predicted
/// probability is ≥ `threshold`.
///
/// Ratios with an empty denominator are 0 (scikit-learn's `zero_division=0`), never NaN.
public struct ChurnConfusion: Sendable, Hashable {
    public let threshold: Double
    public let truePositives: Int
    public let falsePositives: Int
    public let trueNegatives: Int
    public let falseNegatives: Int

    /// Counts the four cells for `probabilities` against `labels` at `threshold`.
    public init(threshold: Double, labels: [Bool], probabilities: [Double]) {
        precondition(labels.count == probabilities.count, "confusion: \(labels.count) labels, \(probabilities.count) probabilities")
        var tp = 0, fp = 0, tn = 0, fn = 0
        for (y, p) in zip(labels, probabilities) {
            switch (p >= threshold, y) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        self.threshold = threshold
        truePositives = tp
        falsePositives = fp
        trueNegatives = tn
        falseNegatives = fn
    }

    /// The matrix from its four counts (rows counted elsewhere, e.g. streamed from partitions).
    package init(threshold: Double, truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.threshold = threshold
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    public var rows: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// Customers flagged, and their share of all rows.
    public var flagged: Int { truePositives + falsePositives }
    public var flaggedShare: Double { Self.ratio(flagged, rows) }
    /// TP / (TP + FP): the share of flagged customers who churned.
    public var precision: Double { Self.ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN): the share of churners who were flagged (sensitivity).
    public var recall: Double { Self.ratio(truePositives, truePositives + falseNegatives) }
    /// TN / (TN + FP).
    public var specificity: Double { Self.ratio(trueNegatives, trueNegatives + falsePositives) }
    /// (TP + TN) / n.
    public var accuracy: Double { Self.ratio(truePositives + trueNegatives, rows) }
    /// 2 TP / (2 TP + FP + FN): the harmonic mean of precision and recall.
    public var f1: Double { Self.ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    package static func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
}

/// One decile of customers ranked by predicted churn probability (decile 1 = highest risk): the
/// lift, cumulative-gains and calibration tables in one row.
///
/// Rows are sorted by probability descending, ties in row order; decile d (1…10) holds rows
/// ⌊n (d − 1) / 10⌋ ..< ⌊n d / 10⌋, so tied customers can straddle a boundary. With n < 10 some
/// deciles are empty: their counts and rates are 0.
public struct ChurnDecile: Sendable, Hashable {
    /// 1 (highest predicted risk) … 10.
    public let decile: Int
    public let customers: Int
    public let churners: Int
    /// Mean predicted probability in the decile (calibration: compare with `observedRate`).
    public let meanPredicted: Double
    /// churners / customers.
    public let observedRate: Double
    /// observedRate / overall churn rate of the evaluated rows.
    public let lift: Double
    /// Share of all evaluated customers in deciles 1…d.
    public let cumulativeShare: Double
    /// Share of all churners caught in deciles 1…d (the cumulative gains curve).
    public let cumulativeGain: Double
    /// cumulativeGain / cumulativeShare.
    public let cumulativeLift: Double
}
