/// Bars per category, horizontal or vertical; with several series the bars of a category are
/// grouped side by side (series colours from `SVGPalette`, with a legend).
///
/// The value axis starts at zero (or below, for negative values) unless `valueDomain` says
/// otherwise, so bar lengths compare honestly. An optional reference value draws a dashed line
/// (e.g. lift = 1).
package struct SVGBarChart: SVGChart {
    package enum Orientation: Sendable { case horizontal, vertical }

    package struct Series: Sendable {
        package var name: String
        /// One value per category; NaN draws no bar.
        package var values: [Double]
        /// Text beside each bar; `nil` writes the value in the chart's `valueFormat`.
        package var valueLabels: [String]? = nil
        package init(name: String, values: [Double], valueLabels: [String]? = nil) {
            self.name = name; self.values = values; self.valueLabels = valueLabels
        }
    }

    package struct Reference: Sendable {
        package var value: Double
        package var label: String
    }

    package var title: String
    package var description: String
    package var categories: [String]
    package var series: [Series]
    package var orientation: Orientation = .horizontal
    package var categoryTitle: String
    package var valueTitle: String
    package var valueFormat: SVGValueFormat = .integer
    /// `nil`: from zero (or the smallest negative value) to the largest value, widened to ticks.
    package var valueDomain: ClosedRange<Double>? = nil
    package var reference: Reference? = nil
    package var width: Double = 560

    package init(title: String, description: String, categories: [String], series: [Series], orientation: Orientation = .horizontal,
         categoryTitle: String, valueTitle: String, valueFormat: SVGValueFormat = .integer,
         valueDomain: ClosedRange<Double>? = nil, reference: Reference? = nil, width: Double = 560) {
        for s in series {
            precondition(s.values.count == categories.count, "SVGBarChart: series \(s.name) has \(s.values.count) values for \(categories.count) categories")
            precondition(s.valueLabels == nil || s.valueLabels!.count == categories.count, "SVGBarChart: one value label per category")
        }
        self.title = title; self.description = description; self.categories = categories; self.series = series
        self.orientation = orientation; self.categoryTitle = categoryTitle; self.valueTitle = valueTitle
        self.valueFormat = valueFormat; self.valueDomain = valueDomain; self.reference = reference; self.width = width
    }

    package func valueLabel(series s: Int, category c: Int) -> String {
        series[s].valueLabels?[c] ?? SVGNumber.format(series[s].values[c], valueFormat)
    }

    package var dataSummary: String {
        let items = categories.indices.map { c in
            categories[c] + ": " + series.indices.map { s in
                (series.count > 1 ? series[s].name + " " : "") + valueLabel(series: s, category: c)
            }.joined(separator: ", ")
        }
        var text = "\(categoryTitle) against \(valueTitle). " + SVGFrame.list(items) + "."
        if let reference { text += " Reference line at \(SVGNumber.format(reference.value, valueFormat)) (\(reference.label))." }
        return text
    }

    private var domain: ClosedRange<Double> {
        if let valueDomain { return valueDomain }
        var all = series.flatMap(\.values)
        if let reference { all.append(reference.value) }
        return SVGLinearScale.niceDomain(all, includeZero: true)
    }

    package func svg() -> String {
        orientation == .horizontal ? horizontal() : vertical()
    }

    private func legend(top: Double, left: Double, maxWidth: Double, into canvas: inout SVGCanvas) -> Double {
        guard series.count > 1 || reference != nil else { return 0 }
        var entries = series.indices.map { (name: series[$0].name, color: SVGPalette.color($0), dashed: false) }
        if let reference { entries.append((name: reference.label, color: SVGPalette.reference, dashed: true)) }
        SVGFrame.legend(entries, x: left, y: top + 6, maxWidth: maxWidth, into: &canvas)
        return SVGFrame.legendHeight(entries.map(\.name), maxWidth: maxWidth) + 6
    }

    private func horizontal() -> String {
        let labelSize = 12.0
        // Category names get up to 35% of the width; longer ones are cut (full name on hover).
        let categoryWidth = min(width * 0.35, categories.map { SVGText.width($0, fontSize: labelSize) }.max() ?? 0)
        let left = categoryWidth + 14
        let valueLabelWidth = series.indices.flatMap { s in categories.indices.map { SVGText.width(valueLabel(series: s, category: $0), fontSize: 10.5) } }.max() ?? 0
        let right = valueLabelWidth + 12
        var canvas = SVGCanvas(capacity: 512 * max(1, categories.count * series.count) + 2048)
        let legendHeight = legend(top: SVGFrame.titleBand - 4, left: left, maxWidth: width - left - right, into: &canvas)
        let top = SVGFrame.titleBand + legendHeight + 4
        let barHeight = series.count > 1 ? 11.0 : 16.0
        let band = barHeight * Double(series.count) + 8
        let plotHeight = band * Double(max(1, categories.count))
        let plotWidth = max(60, width - left - right)
        let height = top + plotHeight + 46
        let scale = SVGLinearScale(domain: domain, from: left, to: left + plotWidth)
        let ticks = SVGLinearScale.ticks(domain)
        for t in ticks.values {
            canvas.line(x1: scale(t), y1: top, x2: scale(t), y2: top + plotHeight, stroke: SVGPalette.grid)
            canvas.text(SVGLinearScale.label(t, decimals: ticks.decimals, format: valueFormat), x: scale(t), y: top + plotHeight + 14, size: 10, anchor: .middle, fill: SVGPalette.mutedText)
        }
        let zero = scale(min(max(0, domain.lowerBound), domain.upperBound))
        for c in categories.indices {
            let bandTop = top + Double(c) * band
            canvas.label(categories[c], maxWidth: categoryWidth, x: left - 6, y: bandTop + band / 2, size: labelSize, anchor: .end, centered: true)
            for s in series.indices {
                let v = series[s].values[c]
                guard v.isFinite else { continue }
                let y = bandTop + 4 + Double(s) * barHeight
                let end = scale(min(max(v, domain.lowerBound), domain.upperBound))
                let label = valueLabel(series: s, category: c)
                canvas.rect(x: min(zero, end), y: y, width: abs(end - zero), height: barHeight - 1, fill: SVGPalette.color(s),
                            tooltip: "\(categories[c])\(series.count > 1 ? ", " + series[s].name : ""): \(label)")
                canvas.text(label, x: max(zero, end) + 4, y: y + (barHeight - 1) / 2, size: 10.5, fill: SVGPalette.mutedText, centered: true)
            }
        }
        canvas.line(x1: zero, y1: top, x2: zero, y2: top + plotHeight, stroke: SVGPalette.axis)
        if let reference {
            let x = scale(reference.value)
            canvas.line(x1: x, y1: top - 2, x2: x, y2: top + plotHeight, stroke: SVGPalette.reference, width: 1.5, dashed: true)
        }
        canvas.label(valueTitle, maxWidth: width - 16, x: left + plotWidth / 2, y: top + plotHeight + 34, size: 12, anchor: .middle, weight: .bold)
        canvas.label(categoryTitle, maxWidth: width - 16, x: 8, y: top - 6, size: 11, fill: SVGPalette.mutedText)
        return SVGFrame.render(width: width, height: height, title: title, alternative: textAlternative, body: canvas.markup)
    }

    private func vertical() -> String {
        let labelSize = 11.0
        var canvas = SVGCanvas(capacity: 512 * max(1, categories.count * series.count) + 2048)
        let ticks = SVGLinearScale.ticks(domain)
        let tickWidth = ticks.values.map { SVGText.width(SVGLinearScale.label($0, decimals: ticks.decimals, format: valueFormat), fontSize: 10) }.max() ?? 20
        let left = 24 + tickWidth + 8
        let right = 12.0
        let plotWidth = max(60, width - left - right)
        let legendHeight = legend(top: SVGFrame.titleBand - 4, left: left, maxWidth: plotWidth, into: &canvas)
        let top = SVGFrame.titleBand + legendHeight + 10
        let plotHeight = 220.0
        let band = plotWidth / Double(max(1, categories.count))
        let maxLabel = categories.map { SVGText.width($0, fontSize: labelSize) }.max() ?? 0
        let rotate = maxLabel > band - 4
        // Slanted labels are cut at 130 units, so the band under the axis stays bounded.
        let slantedWidth = min(130, maxLabel)
        let labelBand = rotate ? SVGSlantedLabel.band(width: slantedWidth, fontSize: labelSize) + 10 : 16
        let height = top + plotHeight + labelBand + 30
        let scale = SVGLinearScale(domain: domain, from: top + plotHeight, to: top)
        for t in ticks.values {
            canvas.line(x1: left, y1: scale(t), x2: left + plotWidth, y2: scale(t), stroke: SVGPalette.grid)
            canvas.text(SVGLinearScale.label(t, decimals: ticks.decimals, format: valueFormat), x: left - 5, y: scale(t), size: 10, anchor: .end, fill: SVGPalette.mutedText, centered: true)
        }
        let zero = scale(min(max(0, domain.lowerBound), domain.upperBound))
        let barWidth = min(44, (band - 8) / Double(max(1, series.count)))
        for c in categories.indices {
            let groupLeft = left + Double(c) * band + (band - barWidth * Double(series.count)) / 2
            for s in series.indices {
                let v = series[s].values[c]
                guard v.isFinite else { continue }
                let x = groupLeft + Double(s) * barWidth
                let end = scale(min(max(v, domain.lowerBound), domain.upperBound))
                let label = valueLabel(series: s, category: c)
                canvas.rect(x: x, y: min(zero, end), width: barWidth - 1, height: abs(end - zero), fill: SVGPalette.color(s),
                            tooltip: "\(categories[c])\(series.count > 1 ? ", " + series[s].name : ""): \(label)")
                // Grouped bars touch: a value wider than its bar would run into its neighbour's.
                if series.count == 1 || SVGText.width(label, fontSize: 9.5) <= barWidth + 2 {
                    canvas.text(label, x: x + (barWidth - 1) / 2, y: min(zero, end) - 4, size: 9.5, anchor: .middle, fill: SVGPalette.mutedText)
                }
            }
            let cx = left + (Double(c) + 0.5) * band
            if rotate {
                canvas.label(categories[c], maxWidth: min(slantedWidth, SVGSlantedLabel.maxWidth(anchoredAt: cx, fontSize: labelSize)), x: cx, y: top + plotHeight + 12,
                             size: labelSize, anchor: .end, rotation: SVGSlantedLabel.rotation)
            } else {
                canvas.text(categories[c], x: cx, y: top + plotHeight + 14, size: labelSize, anchor: .middle)
            }
        }
        canvas.line(x1: left, y1: zero, x2: left + plotWidth, y2: zero, stroke: SVGPalette.axis)
        canvas.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: SVGPalette.axis)
        if let reference {
            let y = scale(reference.value)
            canvas.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: SVGPalette.reference, width: 1.5, dashed: true)
        }
        canvas.label(categoryTitle, maxWidth: width - 16, x: left + plotWidth / 2, y: height - 8, size: 12, anchor: .middle, weight: .bold)
        canvas.label(valueTitle, maxWidth: plotHeight + 20, x: 12, y: top + plotHeight / 2, size: 12, anchor: .middle, weight: .bold, rotation: -90, centered: true)
        return SVGFrame.render(width: width, height: height, title: title, alternative: textAlternative, body: canvas.markup)
    }
}
