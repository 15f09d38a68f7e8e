/// report.html's value-concentration section and the CLV distribution, P(alive) matrix and
/// tracking sections: each a one-line reading, its chart with units, and its key numbers.
extension HTMLReportWriter {
    func concentrationBody(_ c: ConcentrationReport) -> String {
        let points = zip(c.curveCustomerShare, c.curveValueShare).map { SVGPoint(x: $0, y: $1) }
        let top = c.curveValueShare.max() ?? 1
        let chart = SVGLineChart(
            title: "Share of net revenue by share of customers",
            description: "Customers ordered from the largest net revenue (returns included) to the smallest; the curve is the share of all net revenue "
                + "the first x% of them bring. The dashed diagonal is every customer bringing the same"
                + (top > 1 ? "; the curve rises above 100% and falls back because some customers' net value is negative" : ""),
            x: .init(title: "share of customers, most valuable first", domain: 0...1, format: .percent(0)),
            y: .init(title: "share of net revenue", domain: 0...max(1, top), format: .percent(0)),
            series: [.init(name: "cumulative share of net revenue", points: points)],
            diagonal: "equal shares", note: c.valueShare(ofTop: 0.2).map { "top 20%: " + SVGNumber.percent($0) },
            width: 480)
        var keys: [(String, String)] = [("customers", SVGNumber.grouped(c.customers)), ("net revenue", SVGNumber.money(c.netValue))]
        for t in c.topShares {
            keys.append(("top \(SVGNumber.percent(t.customerShare, digits: 0)) of customers bring", t.valueShare.map { SVGNumber.percent($0) } ?? "—"))
        }
        keys.append(("Gini coefficient", c.gini.map { SVGNumber.fixed($0, digits: 3) } ?? "—"))
        keys.append(("net value zero or negative", "\(SVGNumber.grouped(c.customersNonPositive)) customers (\(SVGNumber.percent(c.nonPositiveShare)))"))
        keys.append(("net value negative", "\(SVGNumber.grouped(c.customersNegative)) customers (\(SVGNumber.percent(c.negativeShare)))"))
        if c.customersNegative > 0 { keys.append(("their net value", SVGNumber.money(c.negativeValue))) }
        return "<p class=\"reading\">\(e(c.reading))</p>\n" + sectionBody(charts: [chart], keys: keys)
    }

    /// "≤ 0.00", "10.00 – 20.00".
    static func binLabel(_ b: CLVChartsReport.Distribution.Bin) -> String {
        guard let lower = b.lower else { return "≤ " + SVGNumber.money(b.upper) }
        return SVGNumber.money(lower) + " – " + SVGNumber.money(b.upper)
    }

    func clvDistributionBody(_ d: CLVChartsReport.Distribution) -> String {
        let n = Double(max(1, d.customers))
        let totalPositive = d.total > 0 ? d.total : .nan
        let chart = SVGBarChart(
            title: "Predicted CLV per customer, next \(d.horizonMonths) months",
            description: "Customers by their predicted CLV (discounted \(SVGNumber.percent(d.monthlyDiscountRate, digits: 2)) a month, margin applied), "
                + "in bins on the 1–2–5 series: the share of customers in each bin and the share of all predicted CLV they hold",
            categories: d.bins.map(Self.binLabel),
            series: [.init(name: "share of customers", values: d.bins.map { Double($0.customers) / n }),
                     .init(name: "share of predicted CLV", values: d.bins.map { $0.predictedCLV / totalPositive })],
            categoryTitle: "predicted CLV (currency units)", valueTitle: "share of customers, of predicted CLV", valueFormat: .percent(1), width: 600)
        var keys: [(String, String)] = [("customers predicted", SVGNumber.grouped(d.customers)),
                                        ("horizon", "\(d.horizonMonths) months"),
                                        ("total predicted CLV", SVGNumber.money(d.total))]
        if let m = d.mean { keys.append(("mean", SVGNumber.money(m))) }
        if let m = d.median { keys.append(("median", SVGNumber.money(m))) }
        if let p = d.percentile90 { keys.append(("90th percentile", SVGNumber.money(p))) }
        if let p = d.percentile99 { keys.append(("99th percentile", SVGNumber.money(p))) }
        return "<p class=\"reading\">\(e(Self.clvDistributionReading(d)))</p>\n" + sectionBody(charts: [chart], keys: keys)
    }

    static func clvDistributionReading(_ d: CLVChartsReport.Distribution) -> String { clvDistributionReadingLines(d).joined(separator: " ") }

    /// The reading in lines short enough for report.md (no number where a line would wrap).
    static func clvDistributionReadingLines(_ d: CLVChartsReport.Distribution) -> [String] {
        guard let median = d.median, let p90 = d.percentile90 else { return ["No customer has a predicted CLV."] }
        return ["Half the customers are predicted to bring at most \(SVGNumber.money(median)) over the next \(d.horizonMonths) months;",
                "one in ten more than \(SVGNumber.money(p90)) (predicted CLV in currency units, discounted, margin applied)."]
    }

    /// "0–3 wk" for row r (weeks [r·w, (r + 1)·w)).
    static func recencyLabel(_ m: CLVChartsReport.AliveMatrix, row r: Int) -> String {
        let w = m.recencyWeeksPerRow
        return w == 1 ? "\(r) wk" : "\(r * w)–\((r + 1) * w - 1) wk"
    }

    static func frequencyLabel(_ m: CLVChartsReport.AliveMatrix, column k: Int) -> String {
        k == m.frequencies.count - 1 && m.lastColumnOpen ? "\(m.frequencies[k])+" : "\(m.frequencies[k])"
    }

    func aliveMatrixBody(_ m: CLVChartsReport.AliveMatrix) -> String {
        let columns = m.frequencies.count
        let rows = Array((0..<m.rows).reversed())
        var values = [Double](), labels = [String](), sublabels = [String]()
        for r in rows {
            for k in 0..<columns {
                let v = m.meanProbabilityAlive[r * columns + k], count = m.customers[r * columns + k]
                values.append(v ?? .nan)
                labels.append(v.map { SVGNumber.percent($0, digits: 0) } ?? SVGNumber.missing)
                sublabels.append(count > 0 ? SVGNumber.compact(Double(count)) : "")
            }
        }
        let chart = SVGHeatMap(
            title: "Mean P(alive) by repeat purchases × recency",
            description: "Each cell is the mean probability that its customers are still active (\(m.model), as of the report date), with the number "
                + "of customers below it; columns: repeat purchases x (orders before as-of − 1), rows: recency t_x, the weeks from the first "
                + "to the last order (most recent at the top)",
            rowTitle: "recency t_x (weeks)", columnTitle: "repeat purchases x", rowLabels: rows.map { Self.recencyLabel(m, row: $0) },
            columnLabels: (0..<columns).map { Self.frequencyLabel(m, column: $0) }, values: values, cellLabels: labels, cellSublabels: sublabels,
            valueFormat: .percent(0), scale: .sequential(0...1), legendTitle: "mean P(alive)", width: 620)
        let total = m.customers.reduce(0, +)
        var weighted = 0.0
        for (k, v) in m.meanProbabilityAlive.enumerated() { if let v { weighted += v * Double(m.customers[k]) } }
        var keys: [(String, String)] = [("model", m.model), ("customers", SVGNumber.grouped(total)),
                                        ("mean P(alive)", total > 0 ? SVGNumber.percent(weighted / Double(total)) : "—"),
                                        ("recency rows", "\(m.recencyWeeksPerRow) week\(m.recencyWeeksPerRow == 1 ? "" : "s") each")]
        if let k = m.customers.indices.max(by: { m.customers[$0] < m.customers[$1] }), m.customers[k] > 0 {
            keys.append(("largest cell", "x \(Self.frequencyLabel(m, column: k % columns)), t_x \(Self.recencyLabel(m, row: k / columns)): "
                         + "\(SVGNumber.grouped(m.customers[k])) customers, \(m.meanProbabilityAlive[k].map { SVGNumber.percent($0) } ?? "—")"))
        }
        let reading = "Customers whose last order came long after their first (top rows) are the most likely to be still active; "
            + "those with repeat purchases all soon after their first order (bottom rows, right of x = 0) have most likely stopped buying."
        return "<p class=\"reading\">\(e(reading))</p>\n" + sectionBody(charts: [chart], keys: keys)
    }

    func trackingBody(_ t: CLVChartsReport.Tracking) -> String {
        let end = t.days.firstIndex(of: t.calibrationEnd) ?? (t.days.count - 1)
        let xEnd = t.weeks[end]
        func points(_ values: [Double]) -> [SVGPoint] { zip(t.weeks, values).map { SVGPoint(x: $0, y: $1) } }
        let actual = t.actualCumulative.map(Double.init)
        let incrementalActual = actual.indices.map { $0 == 0 ? 0 : actual[$0] - actual[$0 - 1] }
        let incrementalExpected = t.expectedCumulative.indices.map { $0 == 0 ? 0 : t.expectedCumulative[$0] - t.expectedCumulative[$0 - 1] }
        func chart(_ title: String, _ description: String, _ a: [Double], _ x: [Double], yTitle: String) -> SVGLineChart {
            let top = max(a.max() ?? 0, x.max() ?? 0)
            let domain = SVGLinearScale.niceDomain([0, top])
            return SVGLineChart(
                title: title, description: description,
                x: .init(title: "weeks since \(t.startDay)", domain: 0...max(10, ((t.weeks.last ?? 1) / 10).rounded(.up) * 10)),
                y: .init(title: yTitle, domain: domain, format: .integer),
                series: [.init(name: "actual", points: points(a)), .init(name: "expected (\(t.model))", points: points(x), dashed: true),
                         .init(name: "calibration end \(t.calibrationEnd)", points: [SVGPoint(x: xEnd, y: domain.lowerBound), SVGPoint(x: xEnd, y: domain.upperBound)], dashed: true)],
                width: 620, plotHeight: 240)
        }
        let cumulative = chart("Cumulative repeat purchases: actual and expected",
                               "Repeat purchases (orders after each customer's first) of the \(SVGNumber.grouped(t.customers)) customers who bought by \(t.calibrationEnd), "
                               + "week by week, against the \(t.model) model's expectation for customers acquired on their first-order days; "
                               + "the model was fitted on the weeks left of the calibration end",
                               actual, t.expectedCumulative, yTitle: "repeat purchases, cumulative")
        let incremental = chart("Weekly repeat purchases: actual and expected",
                                "The same purchases week by week (weeks end on the calibration end; the first and the last week can be short)",
                                incrementalActual, incrementalExpected, yTitle: "repeat purchases per week")
        var keys: [(String, String)] = [("model", t.model), ("customers followed", SVGNumber.grouped(t.customers)),
                                        ("calibration end", t.calibrationEnd),
                                        ("actual by calibration end", SVGNumber.grouped(t.actualAtCalibrationEnd)),
                                        ("expected by calibration end", SVGNumber.fixed(t.expectedAtCalibrationEnd, digits: 1, grouping: true))]
        if t.lastDay != t.calibrationEnd {
            let a = t.actualAtEnd - t.actualAtCalibrationEnd, x = t.expectedAtEnd - t.expectedAtCalibrationEnd
            keys += [("actual in the holdout", SVGNumber.grouped(a)), ("expected in the holdout", SVGNumber.fixed(x, digits: 1, grouping: true)),
                     ("actual by \(t.lastDay)", SVGNumber.grouped(t.actualAtEnd)),
                     ("expected by \(t.lastDay)", SVGNumber.fixed(t.expectedAtEnd, digits: 1, grouping: true))]
        }
        return "<p class=\"reading\">\(e(Self.trackingReading(t)))</p>\n" + sectionBody(charts: [cumulative, incremental], keys: keys)
    }

    static func trackingReading(_ t: CLVChartsReport.Tracking) -> String { trackingReadingLines(t).joined(separator: " ") }

    /// The reading in lines short enough for report.md (no number where a line would wrap).
    static func trackingReadingLines(_ t: CLVChartsReport.Tracking) -> [String] {
        guard t.lastDay != t.calibrationEnd else {
            return ["No holdout: the model is checked only against the weeks it was fitted on",
                    "(\(SVGNumber.grouped(t.actualAtEnd)) repeat purchases, \(SVGNumber.fixed(t.expectedAtEnd, digits: 1, grouping: true)) expected)."]
        }
        let a = Double(t.actualAtEnd - t.actualAtCalibrationEnd), x = t.expectedAtEnd - t.expectedAtCalibrationEnd
        let off = a > 0 ? " (" + (x >= a ? "+" : "") + SVGNumber.percent((x - a) / a) + ")" : ""
        return ["In the holdout after \(t.calibrationEnd), the \(t.model) model expected \(SVGNumber.fixed(x, digits: 0, grouping: true)) repeat purchases",
                "from these customers and they made \(SVGNumber.fixed(a, digits: 0, grouping: true))\(off)."]
    }
}
