/// A grid of coloured cells with their values written in them, and a colour legend.
///
/// Rows are drawn top to bottom in the order given, columns left to right. Each cell's fill comes
/// from `scale` (by default light-to-dark blue over the finite values' range, so a darker cell
/// always holds a larger value) and its label is written in black or white, whichever contrasts
/// more. NaN values draw an empty grey cell labelled `—`.
package struct SVGHeatMap: SVGChart {
    package var title: String
    package var description: String
    /// Title of the vertical axis (the rows), e.g. "Recency score R".
    package var rowTitle: String
    /// Title of the horizontal axis (the columns), e.g. "Frequency score F".
    package var columnTitle: String
    package var rowLabels: [String]
    package var columnLabels: [String]
    /// Row-major, `rowLabels.count × columnLabels.count` values.
    package var values: [Double]
    /// Main text of each cell (row-major); `nil` writes the value in `valueFormat`.
    package var cellLabels: [String]? = nil
    /// A smaller second line in each cell (row-major), e.g. a share.
    package var cellSublabels: [String]? = nil
    package var valueFormat: SVGValueFormat = .integer
    /// `nil`: `SVGColorScale.sequential` over the finite values' minimum...maximum.
    package var scale: SVGColorScale? = nil
    /// Written before the legend, e.g. "customers".
    package var legendTitle: String = ""
    package var width: Double = 520

    package init(title: String, description: String, rowTitle: String, columnTitle: String, rowLabels: [String], columnLabels: [String],
         values: [Double], cellLabels: [String]? = nil, cellSublabels: [String]? = nil, valueFormat: SVGValueFormat = .integer,
         scale: SVGColorScale? = nil, legendTitle: String = "", width: Double = 520) {
        precondition(values.count == rowLabels.count * columnLabels.count,
                     "SVGHeatMap: \(values.count) values for \(rowLabels.count) rows × \(columnLabels.count) columns")
        precondition(cellLabels == nil || cellLabels!.count == values.count, "SVGHeatMap: one cell label per value")
        precondition(cellSublabels == nil || cellSublabels!.count == values.count, "SVGHeatMap: one cell sublabel per value")
        self.title = title; self.description = description; self.rowTitle = rowTitle; self.columnTitle = columnTitle
        self.rowLabels = rowLabels; self.columnLabels = columnLabels; self.values = values
        self.cellLabels = cellLabels; self.cellSublabels = cellSublabels; self.valueFormat = valueFormat
        self.scale = scale; self.legendTitle = legendTitle; self.width = width
    }

    /// The scale in use.
    package var effectiveScale: SVGColorScale {
        if let scale { return scale }
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        return lo.isFinite ? .sequential(lo...hi) : .sequential(0...1)
    }

    /// The fill of cell (`row`, `column`).
    package func fill(row: Int, column: Int) -> SVGColor { effectiveScale.color(values[row * columnLabels.count + column]) }

    /// The main label of cell (`row`, `column`).
    package func label(row: Int, column: Int) -> String {
        let k = row * columnLabels.count + column
        return cellLabels?[k] ?? SVGNumber.format(values[k], valueFormat)
    }

    package var dataSummary: String {
        var rows: [String] = []
        for r in rowLabels.indices {
            let cells = columnLabels.indices.map { c in
                let sub = cellSublabels.map { " (\($0[r * columnLabels.count + c]))" } ?? ""
                return "\(columnLabels[c]) \(label(row: r, column: c))\(sub)"
            }
            rows.append("\(rowTitle) \(rowLabels[r]): " + cells.joined(separator: ", "))
        }
        return "Rows: \(rowTitle); columns: \(columnTitle). " + SVGFrame.list(rows, limit: 30) + "."
    }

    package func svg() -> String {
        let rows = rowLabels.count, columns = columnLabels.count
        let scale = effectiveScale
        let labelSize = 12.0
        let rowLabelWidth = min(150, rowLabels.map { SVGText.width($0, fontSize: labelSize) }.max() ?? 0)
        let left = 26 + rowLabelWidth + 8
        let right = 14.0
        let top = SVGFrame.titleBand + 6
        let gridWidth = max(40, width - left - right)
        let cellWidth = gridWidth / Double(max(1, columns))
        let cellHeight = min(max(cellWidth * 0.62, 26), 54)
        let gridHeight = cellHeight * Double(rows)
        let maxColumnLabel = columnLabels.map { SVGText.width($0, fontSize: labelSize) }.max() ?? 0
        let rotateColumns = maxColumnLabel > cellWidth - 4
        // Slanted labels are cut at 180 units, so the band under the grid stays bounded.
        let slantedWidth = min(180, maxColumnLabel)
        let columnLabelBand = rotateColumns ? SVGSlantedLabel.band(width: slantedWidth, fontSize: labelSize) + 8 : 18
        let legendTop = top + gridHeight + columnLabelBand + 22
        let height = legendTop + 34

        var canvas = SVGCanvas(capacity: 256 * max(1, rows * columns) + 2048)
        // Cells.
        let mainSize = min(13, max(8, cellHeight * 0.34), cellWidth / 5.5)
        for r in 0..<rows {
            for c in 0..<columns {
                let k = r * columns + c
                let x = left + Double(c) * cellWidth, y = top + Double(r) * cellHeight
                let color = scale.color(values[k])
                let main = label(row: r, column: c)
                let sub = cellSublabels?[k]
                canvas.rect(x: x, y: y, width: cellWidth, height: cellHeight, fill: color, stroke: SVGColor(hex: 0xFFFFFF),
                            tooltip: "\(rowTitle) \(rowLabels[r]), \(columnTitle) \(columnLabels[c]): \(main)\(legendTitle.isEmpty ? "" : " " + legendTitle)\(sub.map { " (\($0))" } ?? "")")
                let ink = values[k].isNaN ? SVGPalette.mutedText : color.contrastingText
                if let sub, cellHeight >= 30 {
                    canvas.text(main, x: x + cellWidth / 2, y: y + cellHeight / 2 - mainSize * 0.55, size: mainSize, anchor: .middle, weight: .bold, fill: ink, centered: true)
                    canvas.text(sub, x: x + cellWidth / 2, y: y + cellHeight / 2 + mainSize * 0.7, size: mainSize * 0.82, anchor: .middle, fill: ink, centered: true)
                } else {
                    canvas.text(main, x: x + cellWidth / 2, y: y + cellHeight / 2, size: mainSize, anchor: .middle, weight: .bold, fill: ink, centered: true)
                }
            }
        }
        // Row labels and title.
        for r in 0..<rows {
            canvas.label(rowLabels[r], maxWidth: rowLabelWidth, x: left - 6,
                        y: top + (Double(r) + 0.5) * cellHeight, size: labelSize, anchor: .end, centered: true)
        }
        canvas.label(rowTitle, maxWidth: gridHeight + 12, x: 14, y: top + gridHeight / 2, size: 12, anchor: .middle, weight: .bold, rotation: -90, centered: true)
        // Column labels and title.
        let columnLabelY = top + gridHeight + 14
        for c in 0..<columns {
            let x = left + (Double(c) + 0.5) * cellWidth
            if rotateColumns {
                canvas.label(columnLabels[c], maxWidth: min(slantedWidth, SVGSlantedLabel.maxWidth(anchoredAt: x, fontSize: labelSize)), x: x, y: columnLabelY - 2,
                             size: labelSize, anchor: .end, rotation: SVGSlantedLabel.rotation)
            } else {
                canvas.text(columnLabels[c], x: x, y: columnLabelY, size: labelSize, anchor: .middle)
            }
        }
        canvas.label(columnTitle, maxWidth: width - 16, x: left + gridWidth / 2, y: top + gridHeight + columnLabelBand + 12, size: 12, anchor: .middle, weight: .bold)
        // Legend: the ramp in 24 steps, with its end (and centre) values.
        let legendX = left, legendWidth = min(220, gridWidth * 0.6)
        if !legendTitle.isEmpty {
            canvas.label(legendTitle, maxWidth: width - (legendX + legendWidth + 8) - 4, x: legendX + legendWidth + 8, y: legendTop + 7,
                         size: 11, fill: SVGPalette.mutedText, centered: true)
        }
        let steps = 24
        for i in 0..<steps {
            let v = scale.lower + (scale.upper - scale.lower) * (Double(i) + 0.5) / Double(steps)
            canvas.rect(x: legendX + legendWidth * Double(i) / Double(steps), y: legendTop, width: legendWidth / Double(steps) + 0.3, height: 14, fill: scale.color(v))
        }
        canvas.text(legendText(scale.lower), x: legendX, y: legendTop + 27, size: 10, anchor: .start, fill: SVGPalette.mutedText)
        if scale.isDiverging {
            canvas.text(legendText((scale.lower + scale.upper) / 2), x: legendX + legendWidth / 2, y: legendTop + 27, size: 10, anchor: .middle, fill: SVGPalette.mutedText)
        }
        canvas.text(legendText(scale.upper), x: legendX + legendWidth, y: legendTop + 27, size: 10, anchor: .end, fill: SVGPalette.mutedText)
        return SVGFrame.render(width: width, height: height, title: title, alternative: textAlternative, body: canvas.markup)
    }

    /// A legend end: money in short form with the currency symbol.
    private func legendText(_ v: Double) -> String {
        valueFormat == .money ? SVGNumber.compactMoney(v) : SVGNumber.format(v, legendFormat)
    }

    private var legendFormat: SVGValueFormat {
        valueFormat == .integer || valueFormat == .money ? .compact : valueFormat
    }
}
