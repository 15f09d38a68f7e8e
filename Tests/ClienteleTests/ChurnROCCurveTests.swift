import Testing
@testable import Clientele
@testable import ClienteleKernels

/// The trapezoidal area under `points`, computed here from the rates alone.
private func trapezoidArea(_ points: [ChurnROCPoint]) -> Double {
    zip(points, points.dropFirst()).reduce(0) { area, pair in
        let (a, b) = pair
        return area + (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
    }
}

/// Distance from `p` to the polyline through `line`.
private func distance(_ p: ChurnROCPoint, toPolyline line: [ChurnROCPoint]) -> Double {
    zip(line, line.dropFirst()).map { a, b in
        let (ax, ay) = (a.falsePositiveRate, a.truePositiveRate), (bx, by) = (b.falsePositiveRate, b.truePositiveRate)
        let (dx, dy) = (bx - ax, by - ay)
        let t = dx == 0 && dy == 0 ? 0 : min(1, max(0, ((p.falsePositiveRate - ax) * dx + (p.truePositiveRate - ay) * dy) / (dx * dx + dy * dy)))
        let (x, y) = (ax + t * dx - p.falsePositiveRate, ay + t * dy - p.truePositiveRate)
        return (x * x + y * y).squareRoot()
    }.min() ?? .infinity
}

private func curve(_ labels: [Bool], _ scores: [Double]) throws -> ChurnEvaluation {
    try ChurnEvaluation(labels: labels, probabilities: scores, baseRate: 0.35)
}

/// `n` rows, about 35 % churners, scores with `digits` decimals (few digits: many ties).
private func scoredRows(_ n: Int, digits: Int, seed: UInt64) -> ([Bool], [Double]) {
    var random = RandomSource(seed: seed)
    let scale = Double([1, 10, 100, 1_000, 10_000, 100_000][digits])
    var labels: [Bool] = [], scores: [Double] = []
    for _ in 0..<n {
        let y = random.uniform() < 0.35
        labels.append(y)
        scores.append(((random.uniform() * 0.7 + (y ? 0.3 : 0)) * scale).rounded() / scale)
    }
    return (labels, scores)
}

@Suite("Churn ROC curve")
struct ChurnROCCurveTests {
    /// Nine customers, five churners (+); three tie at 0.8 (two +, one −) and two at 0.3 (one each).
    static let labels = [true, true, false, true, true, false, true, false, false]
    static let scores = [0.95, 0.9, 0.8, 0.8, 0.8, 0.5, 0.3, 0.3, 0.1]

    @Test("by hand: one point per distinct probability, tied customers enter together, area 16.5 / 20")
    func handWorked() throws {
        // Shuffled rows: the curve depends on the scores only.
        let order = [4, 0, 8, 2, 6, 1, 7, 3, 5]
        let roc = try curve(order.map { Self.labels[$0] }, order.map { Self.scores[$0] }).rocCurve!
        #expect(roc.thresholds == [.infinity, 0.95, 0.9, 0.8, 0.5, 0.3, 0.1])
        #expect(roc.truePositives == [0, 1, 2, 4, 4, 5, 5])
        #expect(roc.falsePositives == [0, 0, 0, 1, 2, 3, 4])
        #expect(roc.positives == 5 && roc.negatives == 4)
        #expect(roc.points.first == ChurnROCPoint(threshold: nil, falsePositiveRate: 0, truePositiveRate: 0))
        // Pairs won (churner above non-churner) out of 5 × 4: 4 + 4 + 2 × 3.5 (one tie at 0.8) + 1.5 (one tie at 0.3).
        #expect(abs(trapezoidArea(roc.points) - 16.5 / 20) < 1e-15)
        #expect(ChurnMetrics.rocAUC(labels: Self.labels, scores: Self.scores) == 16.5 / 20)
    }

    @Test("by hand: thinning drops the point inside a straight run, then keeps corners by arc length")
    func handThinned() throws {
        let roc = try curve(Self.labels, Self.scores).rocCurve!
        let corners = roc.thinned(to: 10)
        #expect(corners.thresholds == [.infinity, 0.9, 0.8, 0.5, 0.3, 0.1], "(0, 0.2) lies on the run from (0, 0) to (0, 0.4)")
        #expect(abs(trapezoidArea(corners.points) - 16.5 / 20) < 1e-15)
        // Arc lengths 0, 0.4, 0.872, 1.122, 1.442, 1.692: the middle target 0.846 first reaches the corner at 0.8.
        #expect(roc.thinned(to: 3).thresholds == [.infinity, 0.8, 0.1])
        #expect(roc.thinned(to: 2).thresholds == [.infinity, 0.1])
    }

    @Test("the full curve starts at (0, 0), ends at (1, 1), never goes down, and its trapezoid area is the rank-formula AUC",
          arguments: [(2_000, 2), (5_000, 4), (3_000, 5)])
    func fullCurve(rows: Int, digits: Int) throws {
        let (labels, scores) = scoredRows(rows, digits: digits, seed: UInt64(rows))
        let e = try curve(labels, scores)
        let points = e.rocCurve!.points
        #expect(points.first == ChurnROCPoint(threshold: nil, falsePositiveRate: 0, truePositiveRate: 0))
        #expect(points.last?.falsePositiveRate == 1 && points.last?.truePositiveRate == 1)
        #expect(zip(points, points.dropFirst()).allSatisfy {
            $1.falsePositiveRate >= $0.falsePositiveRate && $1.truePositiveRate >= $0.truePositiveRate && $1.threshold! < ($0.threshold ?? .infinity)
        })
        #expect(points.count == Set(scores).count + 1, "one point per distinct probability")
        let auc = try #require(ChurnMetrics.rocAUC(labels: labels, scores: scores))
        #expect(abs(trapezoidArea(points) - auc) < 1e-12)
        #expect(e.auc == auc)
    }

    @Test("the chart curve has at most the limit's points, both ends, points of the full curve only, and stays within 2 / (limit − 1) of it",
          arguments: [11, 50, 201])
    func chartCurve(limit: Int) throws {
        let (labels, scores) = scoredRows(5_000, digits: 4, seed: 3)
        let full = try curve(labels, scores).rocCurve!
        let thin = full.thinned(to: limit)
        #expect(thin.count <= limit && thin.count >= limit / 2, "\(thin.count) points")
        #expect(thin.points.first == full.points.first && thin.points.last == full.points.last)
        #expect(Set(thin.points).isSubset(of: Set(full.points)))
        let line = thin.points
        let worst = full.points.map { distance($0, toPolyline: line) }.max() ?? 0
        #expect(worst <= 2 / Double(limit - 1) + 1e-12, "furthest full-curve point: \(worst)")
    }

    @Test("a curve with fewer corners than the limit is kept exactly: the chart's area is the AUC")
    func fewCorners() throws {
        let (labels, scores) = scoredRows(2_000, digits: 2, seed: 9)
        let e = try ChurnEvaluation(labels: labels, probabilities: scores, baseRate: 0.35, rocPointLimit: 10_000)
        #expect(e.rocChart.count < e.rocCurve!.count)
        #expect(abs(trapezoidArea(e.rocChart.points) - e.auc) < 1e-12)
    }

    @Test("the churn report keeps the chart curve as counts, and report.html draws it with the baseline beside the diagonal")
    func reportAndChart() throws {
        let fit = try ChurnKernelTests.large.get()
        var report = ChurnReport(fit, calibrationEnd: CalendarDay(iso: "2025-06-30")!)
        let roc = try #require(report.model.roc)
        #expect(roc.truePositives == fit.evaluation.rocChart.truePositives && roc.falsePositives == fit.evaluation.rocChart.falsePositives)
        #expect(roc.thresholds.first == .some(nil) && roc.thresholds.dropFirst().allSatisfy { $0 != nil })
        #expect(report.recencyBaseline?.roc != nil)

        // The payload: rates from the counts, the AUC as reported.
        let payload = try #require(HTMLReportInput.ROCCurve(evaluation: report.model, baseline: report.recencyBaseline))
        let negatives = Double(report.model.rows - report.model.churners)
        #expect(payload.falsePositiveRate == roc.falsePositives.map { Double($0) / negatives })
        #expect(payload.auc == report.model.auc && payload.baseline?.auc == report.recencyBaseline?.auc)
        let page = try SVGTestXML.parse(HTMLReportWriter(report: try HTMLReportSample.demoReport(), input: HTMLReportInput(roc: payload)).text())
        let section = try #require(htmlSection(page, "roc"))
        let lines = section.elements("polyline")
        #expect(lines.count == 2, "the model and the baseline")
        #expect(lines.first?.attributes["points"]?.split(separator: " ").count == roc.truePositives.count)
        #expect(section.elements("line").contains {
            $0.attributes["stroke"] == SVGPalette.reference.hex && $0.attributes["stroke-dasharray"] != nil && $0.attributes["y1"] != $0.attributes["y2"]
        }, "the dashed chance diagonal")
        #expect(section.allText.contains("AUC \(SVGNumber.fixed(fit.evaluation.auc, digits: 3))"))

        report.model.roc = nil
        #expect(HTMLReportInput.ROCCurve(evaluation: report.model) == nil, "no curve, no chart")
    }
}
