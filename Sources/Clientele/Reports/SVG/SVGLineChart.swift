/// Lines (and optional point markers) for several series on linear axes, with an optional
/// dashed y = x reference — the shape of a ROC curve, a cumulative gains curve and a calibration
/// plot — and an optional note in the plot corner (e.g. "AUC 0.812").
///
/// Series with more than `maxPoints` points are thinned by an even stride (first and last point
/// kept), so the SVG's size never follows the number of customers behind a curve.
package struct SVGLineChart: SVGChart {
    package struct Series: Sendable {
        package var name: String
        package var points: [SVGPoint]
        package var dashed: Bool = false
        package var markers: Bool = false
        package init(name: String, points: [SVGPoint], dashed: Bool = false, markers: Bool = false) {
            self.name = name; self.points = points; self.dashed = dashed; self.markers = markers
        }
    }

    package struct Axis: Sendable {
        package var title: String
        /// `nil`: the data's range widened to ticks.
        package var domain: ClosedRange<Double>? = nil
        /// `nil`: decimals from the tick step.
        package var format: SVGValueFormat? = nil
        package init(title: String, domain: ClosedRange<Double>? = nil, format: SVGValueFormat? = nil) {
            self.title = title; self.domain = domain; self.format = format
        }
    }

    package static let maxPoints = 400

    package var title: String
    package var description: String
    package var x: Axis
    package var y: Axis
    package var series: [Series]
    /// Legend text of the dashed y = x line; `nil` draws none.
    package var diagonal: String? = nil
    /// Written in the lower right corner of the plot.
    package var note: String? = nil
    package var width: Double = 440
    /// Height of the plot area; with a `diagonal` the plot is square instead.
    package var plotHeight: Double = 280

    package init(title: String, description: String, x: Axis, y: Axis, series: [Series], diagonal: String? = nil, note: String? = nil,
         width: Double = 440, plotHeight: Double = 280) {
        self.title = title; self.description = description; self.x = x; self.y = y; self.series = series
        self.diagonal = diagonal; self.note = note; self.width = width; self.plotHeight = plotHeight
    }

    /// `points` thinned to at most `maxPoints`, keeping the first and the last.
    package static func thinned(_ points: [SVGPoint]) -> [SVGPoint] {
        guard points.count > maxPoints else { return points }
        let stride = Double(points.count - 1) / Double(maxPoints - 1)
        return (0..<maxPoints).map { points[min(points.count - 1, Int((Double($0) * stride).rounded()))] }
    }

    package var xDomain: ClosedRange<Double> { x.domain ?? SVGLinearScale.niceDomain(series.flatMap { $0.points.map(\.x) }) }
    package var yDomain: ClosedRange<Double> { y.domain ?? SVGLinearScale.niceDomain(series.flatMap { $0.points.map(\.y) }) }

    package var dataSummary: String {
        let fx = x.format ?? .fixed(2), fy = y.format ?? .fixed(2)
        let parts = series.map { s -> String in
            let thinned = Self.thinned(s.points)
            let shown = thinned.count <= 12 ? thinned : Self.sample(thinned, count: 6)
            let text = shown.map { "(\(SVGNumber.format($0.x, fx)), \(SVGNumber.format($0.y, fy)))" }.joined(separator: ", ")
            return "\(s.name): \(s.points.count) points\(thinned.count > 12 ? ", among them" : "") \(text)"
        }
        var text = "\(x.title) across, \(y.title) up. " + parts.joined(separator: "; ") + "."
        if let diagonal { text += " Dashed diagonal: \(diagonal)." }
        if let note { text += " \(note)." }
        return text
    }

    private static func sample(_ points: [SVGPoint], count: Int) -> [SVGPoint] {
        (0..<count).map { points[$0 * (points.count - 1) / (count - 1)] }
    }

    package func svg() -> String {
        let xd = xDomain, yd = yDomain
        let xt = SVGLinearScale.ticks(xd), yt = SVGLinearScale.ticks(yd)
        let yTickWidth = yt.values.map { SVGText.width(SVGLinearScale.label($0, decimals: yt.decimals, format: y.format), fontSize: 10) }.max() ?? 20
        let left = 24 + yTickWidth + 8
        let right = 16.0
        let plotWidth = max(60, width - left - right)
        var canvas = SVGCanvas(capacity: 16 * Self.maxPoints * max(1, series.count) + 4096)
        var entries = series.indices.map { (name: series[$0].name, color: SVGPalette.color($0), dashed: series[$0].dashed) }
        if let diagonal { entries.append((name: diagonal, color: SVGPalette.reference, dashed: true)) }
        SVGFrame.legend(entries, x: left, y: SVGFrame.titleBand + 2, maxWidth: plotWidth, into: &canvas)
        let top = SVGFrame.titleBand + SVGFrame.legendHeight(entries.map(\.name), maxWidth: plotWidth) + 10
        // A y = x reference only reads as 45° on a square plot.
        let plotHeight = diagonal != nil ? plotWidth : self.plotHeight
        let height = top + plotHeight + 44
        let sx = SVGLinearScale(domain: xd, from: left, to: left + plotWidth)
        let sy = SVGLinearScale(domain: yd, from: top + plotHeight, to: top)
        for t in xt.values {
            canvas.line(x1: sx(t), y1: top, x2: sx(t), y2: top + plotHeight, stroke: SVGPalette.grid)
            canvas.text(SVGLinearScale.label(t, decimals: xt.decimals, format: x.format), x: sx(t), y: top + plotHeight + 14, size: 10, anchor: .middle, fill: SVGPalette.mutedText)
        }
        for t in yt.values {
            canvas.line(x1: left, y1: sy(t), x2: left + plotWidth, y2: sy(t), stroke: SVGPalette.grid)
            canvas.text(SVGLinearScale.label(t, decimals: yt.decimals, format: y.format), x: left - 5, y: sy(t), size: 10, anchor: .end, fill: SVGPalette.mutedText, centered: true)
        }
        canvas.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: SVGPalette.axis)
        canvas.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: SVGPalette.axis)
        if diagonal != nil {
            // y = x clipped to the plot: from max(lower bounds) to min(upper bounds).
            let a = max(xd.lowerBound, yd.lowerBound), b = min(xd.upperBound, yd.upperBound)
            if b > a {
                canvas.line(x1: sx(a), y1: sy(a), x2: sx(b), y2: sy(b), stroke: SVGPalette.reference, width: 1.5, dashed: true)
            }
        }
        for (i, s) in series.enumerated() {
            let color = SVGPalette.color(i)
            let clamp = { (p: SVGPoint) in
                SVGPoint(x: sx(min(max(p.x, xd.lowerBound), xd.upperBound)), y: sy(min(max(p.y, yd.lowerBound), yd.upperBound)))
            }
            let points = Self.thinned(s.points.filter { $0.x.isFinite && $0.y.isFinite }).map(clamp)
            canvas.polyline(points, stroke: color, width: 2.2, dashed: s.dashed, tooltip: s.name)
            if s.markers {
                for p in points { canvas.circle(cx: p.x, cy: p.y, r: 3, fill: color) }
            }
        }
        if let note {
            canvas.label(note, maxWidth: plotWidth - 16, x: left + plotWidth - 8, y: top + plotHeight - 10, size: 12, anchor: .end, weight: .bold)
        }
        canvas.label(x.title, maxWidth: width - 16, x: left + plotWidth / 2, y: top + plotHeight + 34, size: 12, anchor: .middle, weight: .bold)
        canvas.label(y.title, maxWidth: plotHeight + 20, x: 12, y: top + plotHeight / 2, size: 12, anchor: .middle, weight: .bold, rotation: -90, centered: true)
        return SVGFrame.render(width: width, height: height, title: title, alternative: textAlternative, body: canvas.markup)
    }
}
