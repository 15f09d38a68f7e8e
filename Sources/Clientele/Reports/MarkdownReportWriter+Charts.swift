/// report.md's value-concentration section and the figures of the CLV charts: short tables and
/// one reading line each (the charts themselves are in report.html).
extension MarkdownReportWriter {
    func concentrationSection(_ c: ConcentrationReport) -> String {
        var md = "\n## Value concentration\n\n\(c.readingLines.joined(separator: "\n"))\n\n"
        md += "| most valuable customers | share of net revenue |\n|---|---:|\n"
        for t in c.topShares { md += "| top \(SVGNumber.percent(t.customerShare, digits: 0)) | \(t.valueShare.map { SVGNumber.percent($0) } ?? "—") |\n" }
        md += "\n| | |\n|---|---:|\n"
        md += "| Gini coefficient of net revenue per customer | \(c.gini.map { SVGNumber.fixed($0, digits: 3) } ?? "—") |\n"
        md += "| customers with zero or negative net value | \(c.customersNonPositive) (\(SVGNumber.percent(c.nonPositiveShare))) |\n"
        md += "| customers with negative net value | \(c.customersNegative) (\(SVGNumber.percent(c.negativeShare))) |\n"
        md += "| their net value | \(SVGNumber.money(c.negativeValue)) |\n"
        return md
    }

    func clvChartsSection(_ charts: CLVChartsReport) -> String {
        var md = ""
        if let d = charts.distribution {
            md += "\n### CLV distribution (predicted CLV per customer over \(d.horizonMonths) months, currency units)\n\n"
            md += HTMLReportWriter.clvDistributionReadingLines(d).joined(separator: "\n") + "\n\n"
            md += "| predicted CLV | customers | share | predicted CLV total |\n|---|---:|---:|---:|\n"
            let n = Double(max(1, d.customers))
            for b in d.bins {
                md += "| \(HTMLReportWriter.binLabel(b)) | \(b.customers) | \(SVGNumber.percent(Double(b.customers) / n)) | \(SVGNumber.money(b.predictedCLV)) |\n"
            }
            md += "\nMean \(d.mean.map(SVGNumber.money) ?? "—"), median \(d.median.map(SVGNumber.money) ?? "—"), "
            md += "90th percentile \(d.percentile90.map(SVGNumber.money) ?? "—"), 99th percentile \(d.percentile99.map(SVGNumber.money) ?? "—").\n"
        }
        if let m = charts.aliveMatrix {
            let columns = m.frequencies.count
            md += "\n### P(alive) matrix (\(MarkdownEscaping.text(m.model)), mean P(alive) at as-of)\n\n"
            md += "Rows: recency t_x (weeks from the first to the last order before as-of); columns: repeat purchases x. "
            md += "Empty cells hold no customer.\n\n"
            md += "| t_x \\ x | " + (0..<columns).map { HTMLReportWriter.frequencyLabel(m, column: $0) }.joined(separator: " | ") + " |\n"
            md += "|---|" + String(repeating: "---:|", count: columns) + "\n"
            for r in (0..<m.rows).reversed() {
                md += "| \(HTMLReportWriter.recencyLabel(m, row: r)) | "
                md += (0..<columns).map { k in m.meanProbabilityAlive[r * columns + k].map { SVGNumber.fixed($0, digits: 2) } ?? "" }.joined(separator: " | ") + " |\n"
            }
        }
        if let t = charts.tracking {
            md += "\n### Tracking: repeat purchases, actual and expected (\(MarkdownEscaping.text(t.model)))\n\n"
            md += HTMLReportWriter.trackingReadingLines(t).joined(separator: "\n") + "\n\n"
            md += "| customers who bought by \(t.calibrationEnd): repeat purchases | actual | expected |\n|---|---:|---:|\n"
            md += "| by the calibration end \(t.calibrationEnd) | \(t.actualAtCalibrationEnd) | \(SVGNumber.fixed(t.expectedAtCalibrationEnd, digits: 1)) |\n"
            if t.lastDay != t.calibrationEnd {
                md += "| in the holdout | \(t.actualAtEnd - t.actualAtCalibrationEnd) | \(SVGNumber.fixed(t.expectedAtEnd - t.expectedAtCalibrationEnd, digits: 1)) |\n"
                md += "| by \(t.lastDay) | \(t.actualAtEnd) | \(SVGNumber.fixed(t.expectedAtEnd, digits: 1)) |\n"
            }
            md += "\nWeek by week in report.json (`clv_charts.tracking`) and report.html.\n"
        }
        return md
    }
}
