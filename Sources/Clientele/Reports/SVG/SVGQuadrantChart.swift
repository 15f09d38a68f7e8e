/// A 2 × 2 matrix of customer groups (current × future value; satisfaction × loyalty): each
/// quadrant shows its name, its customer count and share, and an optional detail line; the fill
/// darkens with the share of customers, so the biggest group stands out, unless the cells carry a
/// `tone`: then the fill says what the group means (green keep, amber watch, grey low priority).
///
/// "Top" is the high end of the vertical measure, "right" the high end of the horizontal one.
package struct SVGQuadrantChart: SVGChart {
    package struct Cell: Sendable, Equatable {
        package var name: String
        package var customers: Int
        /// E.g. "revenue 1.2M (54%)".
        package var detail: String? = nil
        /// What the group means: its fill. nil: the fill darkens with the group's share instead.
        package var tone: SVGPalette.Tone? = nil
        package init(name: String, customers: Int, detail: String? = nil, tone: SVGPalette.Tone? = nil) {
            self.name = name; self.customers = customers; self.detail = detail; self.tone = tone
        }
    }

    package var title: String
    package var description: String
    /// Horizontal measure, e.g. "Current value (historical CLV)".
    package var xTitle: String
    /// Vertical measure, e.g. "Future value (predicted CLV)".
    package var yTitle: String
    /// Where each measure is split, e.g. "split at the median, 120.50".
    package var xSplit: String? = nil
    package var ySplit: String? = nil
    package var topLeft: Cell
    package var topRight: Cell
    package var bottomLeft: Cell
    package var bottomRight: Cell
    package var width: Double = 460

    package init(title: String, description: String, xTitle: String, yTitle: String, xSplit: String? = nil, ySplit: String? = nil,
         topLeft: Cell, topRight: Cell, bottomLeft: Cell, bottomRight: Cell, width: Double = 460) {
        self.title = title; self.description = description; self.xTitle = xTitle; self.yTitle = yTitle
        self.xSplit = xSplit; self.ySplit = ySplit
        self.topLeft = topLeft; self.topRight = topRight; self.bottomLeft = bottomLeft; self.bottomRight = bottomRight
        self.width = width
    }

    package var cells: [Cell] { [topLeft, topRight, bottomLeft, bottomRight] }
    package var total: Int { cells.reduce(0) { $0 + $1.customers } }

    package func share(_ cell: Cell) -> Double { total > 0 ? Double(cell.customers) / Double(total) : 0 }

    package var dataSummary: String {
        let where_ = ["high \(yTitle), low \(xTitle)", "high \(yTitle), high \(xTitle)", "low \(yTitle), low \(xTitle)", "low \(yTitle), high \(xTitle)"]
        let items = zip(cells, where_).map { cell, w in
            "\(cell.name) (\(w)): \(SVGNumber.grouped(cell.customers)) customers, \(SVGNumber.percent(share(cell)))\(cell.detail.map { ", " + $0 } ?? "")"
        }
        var text = SVGFrame.list(items) + "."
        if let xSplit { text += " \(xTitle): \(xSplit)." }
        if let ySplit { text += " \(yTitle): \(ySplit)." }
        return text
    }

    package func svg() -> String {
        let left = 52.0, right = 12.0
        let top = SVGFrame.titleBand + 6
        let side = min(width - left - right, 400)
        let cell = side / 2
        let height = top + side + 52
        let maxShare = cells.map(share).max() ?? 0
        let scale = SVGColorScale.sequential(0...max(maxShare, 1e-12))
        var canvas = SVGCanvas()
        let positions: [(Cell, Double, Double, String)] = [
            (topLeft, 0, 0, "high \(yTitle), low \(xTitle)"), (topRight, 1, 0, "high \(yTitle), high \(xTitle)"),
            (bottomLeft, 0, 1, "low \(yTitle), low \(xTitle)"), (bottomRight, 1, 1, "low \(yTitle), high \(xTitle)"),
        ]
        for (c, col, row, position) in positions {
            let x = left + col * cell, y = top + row * cell
            // Keep the fill in the lighter 70% of the ramp so the text stays large and readable.
            let color = c.tone?.fill ?? scale.color(share(c) * 0.7)
            let ink = color.contrastingText
            canvas.rect(x: x, y: y, width: cell, height: cell, fill: color, stroke: SVGColor(hex: 0xFFFFFF), strokeWidth: 2,
                        tooltip: "\(c.name) (\(position)): \(SVGNumber.grouped(c.customers)) customers")
            let cx = x + cell / 2
            // The name at 14 units, smaller (down to 11) rather than cut when it is long.
            let room = cell - 12
            let nameSize = [14.0, 13, 12].first { SVGText.width(c.name, fontSize: $0, weight: .bold) <= room } ?? 11
            canvas.label(c.name, maxWidth: room, x: cx, y: y + cell / 2 - 26, size: nameSize, anchor: .middle, weight: .bold, fill: ink)
            canvas.text(SVGNumber.grouped(c.customers), x: cx, y: y + cell / 2 + 2, size: 20, anchor: .middle, weight: .bold, fill: ink)
            canvas.text(SVGNumber.percent(share(c)) + " of customers", x: cx, y: y + cell / 2 + 22, size: 11, anchor: .middle, fill: ink)
            if let d = c.detail {
                canvas.label(d, maxWidth: room, x: cx, y: y + cell / 2 + 38, size: 11, anchor: .middle, fill: ink)
            }
        }
        // Axes: low/high at the ends, titles, split notes.
        canvas.text("low", x: left + 4, y: top + side + 14, size: 10, fill: SVGPalette.mutedText)
        canvas.text("high", x: left + side - 4, y: top + side + 14, size: 10, anchor: .end, fill: SVGPalette.mutedText)
        canvas.label(xTitle + " →", maxWidth: side - 64, x: left + side / 2, y: top + side + 16, size: 12, anchor: .middle, weight: .bold)
        if let xSplit { canvas.label(xSplit, maxWidth: side, x: left + side / 2, y: top + side + 32, size: 10, anchor: .middle, fill: SVGPalette.mutedText) }
        canvas.text("low", x: left - 4, y: top + side - 4, size: 10, anchor: .end, fill: SVGPalette.mutedText)
        canvas.text("high", x: left - 4, y: top + 10, size: 10, anchor: .end, fill: SVGPalette.mutedText)
        canvas.label(yTitle + " →", maxWidth: side, x: 16, y: top + side / 2, size: 12, anchor: .middle, weight: .bold, rotation: -90, centered: true)
        if let ySplit { canvas.label(ySplit, maxWidth: side, x: 32, y: top + side / 2, size: 10, anchor: .middle, fill: SVGPalette.mutedText, rotation: -90, centered: true) }
        return SVGFrame.render(width: width, height: height, title: title, alternative: textAlternative, body: canvas.markup)
    }
}
