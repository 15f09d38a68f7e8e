/// The ROC curve of churn probabilities on evaluated rows, as exact counts.
///
/// Point i flags every customer whose probability is ≥ `thresholds[i]`: `truePositives[i]` of
/// them churned and `falsePositives[i]` did not. Points run from the highest threshold down, one
/// per distinct probability, so tied customers enter together and a tie between churners and
/// non-churners is one diagonal step (which is how the trapezoidal area counts such a pair ½).
/// The first point flags nobody (threshold +∞, (0, 0)); the last flags everyone
/// (`negatives`, `positives`), so in rates the curve runs from (0, 0) to (1, 1) and never goes
/// down. Its trapezoidal area is the Mann–Whitney AUC of `ChurnMetrics.rocAUC` (Fawcett 2006,
/// "An introduction to ROC analysis", algorithms 2 and 3).
///
/// `thinned(to:)` keeps a few hundred of these points for charts and `report.json`.
public struct ChurnROCCurve: Sendable, Hashable {
    /// Churners and non-churners among the evaluated rows (both > 0).
    public let positives: Int
    public let negatives: Int
    /// Per point: the lowest probability flagged (+∞ at the first point).
    public let thresholds: [Double]
    /// Per point: churners and non-churners flagged; both non-decreasing.
    public let truePositives: [Int]
    public let falsePositives: [Int]

    /// The exact curve of `probabilities` against `labels`.
    /// - Parameter order: the row indices sorted by probability, highest first (ties in any order).
    /// - Precondition: both classes occur (callers validate; `ChurnEvaluation` throws `.singleClass`).
    /// - Complexity: O(n) after the sort.
    package init(order: [Int], labels: [Bool], probabilities: [Double]) {
        var thresholds = [Double.infinity], tp = [0], fp = [0]
        var r = 0
        while r < order.count {
            let threshold = probabilities[order[r]]
            var positives = tp[tp.count - 1], negatives = fp[fp.count - 1]
            while r < order.count, probabilities[order[r]] == threshold {
                if labels[order[r]] { positives += 1 } else { negatives += 1 }
                r += 1
            }
            thresholds.append(threshold)
            tp.append(positives)
            fp.append(negatives)
        }
        self.init(positives: tp[tp.count - 1], negatives: fp[fp.count - 1], thresholds: thresholds, truePositives: tp, falsePositives: fp)
    }

    private init(positives: Int, negatives: Int, thresholds: [Double], truePositives: [Int], falsePositives: [Int]) {
        precondition(positives > 0 && negatives > 0, "ChurnROCCurve: needs churners (\(positives)) and non-churners (\(negatives))")
        self.positives = positives
        self.negatives = negatives
        self.thresholds = thresholds
        self.truePositives = truePositives
        self.falsePositives = falsePositives
    }

    public var count: Int { thresholds.count }

    /// TP / positives and FP / negatives at point `i`.
    public func truePositiveRate(_ i: Int) -> Double { Double(truePositives[i]) / Double(positives) }
    public func falsePositiveRate(_ i: Int) -> Double { Double(falsePositives[i]) / Double(negatives) }

    /// The points in rates, the first one without a threshold.
    public var points: [ChurnROCPoint] {
        thresholds.indices.map {
            ChurnROCPoint(threshold: $0 == 0 ? nil : thresholds[$0], falsePositiveRate: falsePositiveRate($0), truePositiveRate: truePositiveRate($0))
        }
    }

    /// At most `limit` (≥ 2) of the points, both ends always, keeping the curve's shape:
    ///
    /// 1. points in the middle of a straight run are dropped (collinear in exact counts, as
    ///    scikit-learn's `drop_intermediate`), which changes neither the shape nor the area;
    /// 2. if more than `limit` corners remain, the corners are walked by arc length in rate space
    ///    and the first corner at or past each of `limit` evenly spaced distances is kept, so the
    ///    points are spread along the drawn line (steep and flat parts alike) and no kept point is
    ///    further than 2 / (limit − 1) along the curve from the next.
    /// - Complexity: O(count).
    public func thinned(to limit: Int) -> ChurnROCCurve {
        precondition(limit >= 2, "ChurnROCCurve.thinned: limit \(limit) < 2")
        var walk = ChurnROCCorners(positives: positives, negatives: negatives)
        var corners: [(point: ChurnROCCorners.Point, length: Double)] = []
        for i in 1..<count {
            let point = ChurnROCCorners.Point(threshold: thresholds[i], truePositives: truePositives[i], falsePositives: falsePositives[i])
            if let corner = walk.add(point) { corners.append((corner, walk.length)) }
        }
        if let corner = walk.finish() { corners.append((corner, walk.length)) }
        var pick = ChurnROCCornerPick(limit: limit, corners: walk.count, length: walk.length)
        for c in corners { pick.add(c.point, at: c.length) }
        let kept = pick.finished()
        return ChurnROCCurve(positives: positives, negatives: negatives, thresholds: kept.map(\.threshold),
                             truePositives: kept.map(\.truePositives), falsePositives: kept.map(\.falsePositives))
    }

    /// The curve of a chart's kept points (`ChurnROCCornerPick`), for an evaluation streamed
    /// through `ChurnEvaluation(streamingRows:…)`.
    package init(positives: Int, negatives: Int, points: [ChurnROCCorners.Point]) {
        self.init(positives: positives, negatives: negatives, thresholds: points.map(\.threshold),
                  truePositives: points.map(\.truePositives), falsePositives: points.map(\.falsePositives))
    }
}

/// A point of the ROC curve in rates: flagging every customer with probability ≥ `threshold` gives
/// this false-positive and true-positive rate. The first point (0, 0) flags nobody and has no threshold.
public struct ChurnROCPoint: Sendable, Hashable {
    public let threshold: Double?
    public let falsePositiveRate: Double
    public let truePositiveRate: Double
}
