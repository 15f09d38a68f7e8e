/// The cohort retention heat map: one row per first-purchase month (oldest at the top), one column
/// per month since, each cell coloured by the share of the cohort that ordered in that month, or by
/// the month's net revenue per cohort customer (`measure`).
///
/// The table is a triangle (a newer cohort has fewer months behind it), so cells past the last
/// month are not drawn. The colour runs light to dark over 0 … the largest value after month 0
/// (month 0 is 100% by definition, and its revenue holds every first order: either would wash every
/// later month out; it is drawn at the darkest colour). Cells are labelled with the value where it
/// fits the measured width, and every cell has a tooltip with both measures; each row ends with
/// its cohort size.
package struct SVGCohortHeatMap: SVGChart {
    /// What colours and labels the cells.
    package enum Measure: Sendable {
        /// Share of the cohort with an order in the month, 0…1.
        case activeShare
        /// Net revenue in the month per cohort customer, in currency units.
        case revenuePerCustomer
    }

    package var title: String
    package var description: String
    package var rowTitle = "month of first purchase (cohort)"
    package var columnTitle = "months since the first purchase (0 = the month of the first purchase)"
    package var rowLabels: [String]
    /// Customers per cohort.
    package var customers: [Int]
    /// Per cohort, the share active in months 0 ..< count.
    package var shares: [[Double]]
    /// Per cohort, net revenue per customer in months 0 ..< count (currency units).
    package var revenuePerCustomer: [[Double]]
    package var measure: Measure = .activeShare
    package var width: Double = 760

    package init(title: String, description: String, rowLabels: [String], customers: [Int], shares: [[Double]], revenuePerCustomer: [[Double]],
                 measure: Measure = .activeShare, width: Double = 760) {
        precondition(customers.count == rowLabels.count && shares.count == rowLabels.count && revenuePerCustomer.count == rowLabels.count,
                     "SVGCohortHeatMap: one size, share row and revenue row per cohort")
        precondition(zip(shares, revenuePerCustomer).allSatisfy { $0.count == $1.count }, "SVGCohortHeatMap: one revenue per share")
        self.title = title; self.description = description; self.rowLabels = rowLabels; self.customers = customers
        self.shares = shares; self.revenuePerCustomer = revenuePerCustomer; self.measure = measure; self.width = width
    }

    /// The values the cells show: `shares` or `revenuePerCustomer`.
    package var values: [[Double]] { measure == .activeShare ? shares : revenuePerCustomer }

    /// A cell's label or a legend end.
    package func format(_ x: Double) -> String {
        measure == .activeShare ? SVGNumber.percent(x, digits: 0) : SVGNumber.compactMoney(x)
    }

    /// The legend's title: what the colour means, with its unit.
    package var legendTitle: String {
        measure == .activeShare ? "% of the cohort with an order in the month" : "net revenue per cohort customer in the month"
    }

    /// Months since the first purchase that some row reaches.
    package var columns: Int { shares.map(\.count).max() ?? 0 }

    /// Sequential blues over 0 (or a lower negative value) … the largest value after month 0
    /// (… 100% or the largest month-0 value when there is none).
    package var scale: SVGColorScale {
        let later = values.flatMap { $0.dropFirst() }.filter(\.isFinite)
        let low = min(0, later.min() ?? 0)
        let top = later.max() ?? 0
        let fallback = measure == .activeShare ? 1 : max(values.compactMap(\.first).filter(\.isFinite).max() ?? 1, low + 1)
        return .sequential(low...(top > low ? top : fallback))
    }

    package var dataSummary: String {
        let rows = rowLabels.indices.map { r in
            "\(rowLabels[r]) (\(SVGNumber.grouped(customers[r])) customers): "
                + values[r].enumerated().map { "\($0.offset) \(format($0.element))" }.joined(separator: ", ")
        }
        return "Rows: \(rowTitle); columns: \(columnTitle); cells: \(legendTitle). " + SVGFrame.list(rows, limit: 30) + "."
    }

    package func svg() -> String {
        let rows = rowLabels.count, columns = max(1, self.columns)
        let scale = self.scale, values = self.values
        let labelSize = 11.0
        let rowLabelWidth = min(150, rowLabels.map { SVGText.width($0, fontSize: labelSize) }.max() ?? 0)
        let sizeTexts = customers.map(SVGNumber.grouped)
        let sizeHeader = "customers"
        let sizeWidth = max(SVGText.width(sizeHeader, fontSize: 10), sizeTexts.map { SVGText.width($0, fontSize: 10) }.max() ?? 0)
        let left = 26 + rowLabelWidth + 8
        let right = sizeWidth + 18
        let top = SVGFrame.titleBand + 20
        let gridWidth = max(40, width - left - right)
        let cellWidth = gridWidth / Double(columns)
        let cellHeight = min(max(cellWidth * 0.7, 16), 30)
        let gridHeight = cellHeight * Double(max(1, rows))
        let legendTop = top + gridHeight + 18 + 30
        let height = legendTop + 34

        var canvas = SVGCanvas(capacity: 300 * max(1, rows * columns) + 2048)
        let cellSize = min(11, max(7, cellHeight * 0.45))
        for r in 0..<rows {
            let y = top + Double(r) * cellHeight
            for k in values[r].indices {
                let x = left + Double(k) * cellWidth
                let share = shares[r][k], value = values[r][k]
                let color = scale.color(value)
                let tip = "Cohort \(rowLabels[r]) (\(sizeTexts[r]) customers), month \(k): \(SVGNumber.percent(share)) ordered; "
                    + "revenue per customer \(SVGNumber.money(revenuePerCustomer[r][k]))"
                canvas.rect(x: x, y: y, width: cellWidth, height: cellHeight, fill: color, stroke: SVGColor(hex: 0xFFFFFF), tooltip: tip)
                let text = format(value)
                if SVGText.width(text, fontSize: cellSize) <= cellWidth - 3 {
                    canvas.text(text, x: x + cellWidth / 2, y: y + cellHeight / 2, size: cellSize, anchor: .middle,
                                fill: value.isNaN ? SVGPalette.mutedText : color.contrastingText, centered: true)
                }
            }
            canvas.label(rowLabels[r], maxWidth: rowLabelWidth, x: left - 6, y: y + cellHeight / 2, size: labelSize, anchor: .end, centered: true)
            canvas.text(sizeTexts[r], x: width - 8, y: y + cellHeight / 2, size: 10, anchor: .end, fill: SVGPalette.mutedText, centered: true)
        }
        canvas.text(sizeHeader, x: width - 8, y: top - 8, size: 10, anchor: .end, fill: SVGPalette.mutedText)
        canvas.label(rowTitle, maxWidth: gridHeight + 12, x: 14, y: top + gridHeight / 2, size: 12, anchor: .middle, weight: .bold, rotation: -90, centered: true)
        // Column labels: every one when they fit, else every second or more.
        let widest = SVGText.width(String(columns - 1), fontSize: labelSize) + 4
        let every = max(1, Int((widest / cellWidth).rounded(.up)))
        for k in stride(from: 0, to: columns, by: every) {
            canvas.text(String(k), x: left + (Double(k) + 0.5) * cellWidth, y: top + gridHeight + 14, size: labelSize, anchor: .middle)
        }
        canvas.label(columnTitle, maxWidth: width - 16, x: left + gridWidth / 2, y: top + gridHeight + 36, size: 12, anchor: .middle, weight: .bold)
        // Legend: the ramp in 24 steps from 0 to the largest later value.
        let legendX = left, legendWidth = min(220, gridWidth * 0.6)
        for i in 0..<24 {
            let v = scale.lower + (scale.upper - scale.lower) * (Double(i) + 0.5) / 24
            canvas.rect(x: legendX + legendWidth * Double(i) / 24, y: legendTop, width: legendWidth / 24 + 0.3, height: 14, fill: scale.color(v))
        }
        let clamped = values.contains { ($0.first ?? -.infinity) > scale.upper }
        canvas.text(format(scale.lower), x: legendX, y: legendTop + 27, size: 10, anchor: .start, fill: SVGPalette.mutedText)
        canvas.text(format(scale.upper) + (clamped ? " or more" : ""), x: legendX + legendWidth, y: legendTop + 27, size: 10,
                    anchor: .end, fill: SVGPalette.mutedText)
        canvas.label(legendTitle, maxWidth: width - (legendX + legendWidth + 8) - 4,
                     x: legendX + legendWidth + 8, y: legendTop + 7, size: 11, fill: SVGPalette.mutedText, centered: true)
        return SVGFrame.render(width: width, height: height, title: title, alternative: textAlternative, body: canvas.markup)
    }
}
