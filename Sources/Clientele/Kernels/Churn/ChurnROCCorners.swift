/// The chart points of an ROC curve met one point at a time, highest threshold first: the rule of
/// `ChurnROCCurve.thinned(to:)` for a curve that is never held whole (the test rows of a run spread
/// over machines arrive as one merged stream). Two walks over the same points give the chart:
///
/// 1. `ChurnROCCorners` drops the points in the middle of a straight run (collinear in exact
///    counts) and measures the corners' arc length in rate space;
/// 2. `ChurnROCCornerPick` keeps, of the same corners walked again, the first at or past each of
///    `limit` evenly spaced distances along that length (every corner when there are at most `limit`).
///
/// Both walks see the same corners in the same order and add the same lengths, so the kept points
/// are `thinned(to:)`'s, bit for bit.
package struct ChurnROCCorners {
    /// A point of the curve in exact counts: flagging every row with probability ≥ `threshold`.
    package struct Point: Equatable {
        package var threshold: Double
        package var truePositives: Int
        package var falsePositives: Int
        package init(threshold: Double, truePositives: Int, falsePositives: Int) {
            self.threshold = threshold; self.truePositives = truePositives; self.falsePositives = falsePositives
        }
    }

    /// The curve's churners and non-churners (both > 0): the rates' denominators.
    let positives: Int
    let negatives: Int
    /// The last corner kept, and the point met after it whose fate waits on the next point.
    private var corner: Point
    private var pending: Point?
    /// Corners so far (the first point counts) and their arc length.
    package private(set) var count = 1
    package private(set) var length = 0.0

    /// A walk that starts at the first point, which flags nobody (threshold +∞, (0, 0)).
    package init(positives: Int, negatives: Int) {
        self.positives = positives
        self.negatives = negatives
        corner = Point(threshold: .infinity, truePositives: 0, falsePositives: 0)
    }

    /// Takes the next point; returns the corner it confirms, if any (the point before it, unless
    /// that one lies on the straight run from the last corner to this one).
    package mutating func add(_ point: Point) -> Point? {
        defer { pending = point }
        guard let middle = pending else { return nil }
        let crossA = (middle.falsePositives - corner.falsePositives) * (point.truePositives - middle.truePositives)
        let crossB = (middle.truePositives - corner.truePositives) * (point.falsePositives - middle.falsePositives)
        if crossA == crossB { return nil }
        return accept(middle)
    }

    /// The last point, always a corner (nil when no point came after the first).
    package mutating func finish() -> Point? {
        guard let last = pending else { return nil }
        pending = nil
        return accept(last)
    }

    private mutating func accept(_ next: Point) -> Point {
        let dx = Double(next.falsePositives) / Double(negatives) - Double(corner.falsePositives) / Double(negatives)
        let dy = Double(next.truePositives) / Double(positives) - Double(corner.truePositives) / Double(positives)
        length += (dx * dx + dy * dy).squareRoot()
        count += 1
        corner = next
        return next
    }
}

/// The second walk of `ChurnROCCorners`: which corners the chart keeps, given the first walk's
/// corner count and total length.
package struct ChurnROCCornerPick {
    private let limit: Int
    private let total: Double
    private let all: Bool
    private var target = 1
    /// The kept points, in curve order; the first point (+∞, (0, 0)) first.
    package private(set) var kept: [ChurnROCCorners.Point] = [ChurnROCCorners.Point(threshold: .infinity, truePositives: 0, falsePositives: 0)]
    private var last: ChurnROCCorners.Point?

    /// - Parameters: `corners` and `length`: the first walk's `count` and `length`; `limit` ≥ 2.
    package init(limit: Int, corners: Int, length: Double) {
        precondition(limit >= 2, "ChurnROCCornerPick: limit \(limit) < 2")
        self.limit = limit
        total = length
        all = corners <= limit
    }

    /// Takes the next corner (after the first point) and its arc length from the first point.
    package mutating func add(_ corner: ChurnROCCorners.Point, at length: Double) {
        last = corner
        if all { kept.append(corner); return }
        while target < limit - 1, length >= total * Double(target) / Double(limit - 1) {
            if kept[kept.count - 1] != corner { kept.append(corner) }
            target += 1
        }
    }

    /// The kept points, the last corner always among them.
    package func finished() -> [ChurnROCCorners.Point] {
        guard let last, kept[kept.count - 1] != last else { return kept }
        return kept + [last]
    }
}
