import ClienteleSupport
import ClienteleKernels

/// `report.html`: one self-contained page — the run's answers and what to do tomorrow
/// (`RunSummary`, `HTMLReportWriter+FirstScreen.swift`), the warnings, then each kernel's charts
/// (inline SVG) with a one-line definition and their key numbers beside them, and the run's
/// settings, input accounting and timings last.
///
/// The page needs no network and no script: styles are inline, charts are inline `<svg>`, and a
/// Content-Security-Policy of `default-src 'none'` makes the browser refuse (and report on its
/// console) anything that tried to load or run. It is also well-formed XML, so tests can parse it.
/// Only aggregates reach the writer (`HTMLReportInput`), so its cost does not grow with customers.
/// Sections whose kernel did not run say so, with the reason.
package struct HTMLReportWriter {
    package let report: RunReport
    package let input: HTMLReportInput
    /// `ReportWarnings.derive(from: report)`: listed in a box after the first screen, and again in
    /// the section each concerns.
    package let warnings: [ReportWarning]

    package init(report: RunReport, input: HTMLReportInput) {
        self.report = report
        self.input = input
        self.warnings = ReportWarnings.derive(from: report)
    }

    package func bytes() -> [UInt8] { Array(text().utf8) }

    /// The page, every money figure with the run's currency (`RunReport.Settings.moneyFormat`).
    package func text() -> String {
        SVGNumber.$currency.withValue(report.settings.moneyFormat) { page() }
    }

    private func page() -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"/>\n"
        html += "<meta name=\"generator\" content=\"clientele \(e(report.tool.version))\"/>\n"
        html += "<title>Clientele report, as of \(e(report.settings.asOf))</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n"
        html += header()
        html += "<main>\n"
        // First the answers and what to do, then what to doubt, the charts, and the run's accounting last.
        html += summarySection()
        html += actionsSection()
        html += warningsBox()
        // The sections' charts are drawn on every thread; task-local values do not cross to the
        // loop's threads, so each drawing binds the run's currency again.
        let sections = HTMLReportInput.Section.allCases, currency = SVGNumber.currency
        var rendered = [String](repeating: "", count: sections.count)
        parallelEach(&rendered) { k, out in out = SVGNumber.$currency.withValue(currency) { render(sections[k]) } }
        for part in rendered { html += part }
        html += runSection()
        html += "</main>\n<footer><p>clientele \(e(report.tool.version)) · started \(e(report.startedAt))</p></footer>\n</body>\n</html>\n"
        return html
    }

    // MARK: - Header and run

    private func header() -> String {
        let s = report.settings
        var h = "<header>\n<h1>Clientele report</h1>\n<p class=\"subtitle\">As of <strong>\(e(s.asOf))</strong>"
        if s.asOfDefaulted { h += " (the day after the last transaction)" }
        if let end = s.calibrationEnd { h += " · calibration ends \(e(end))" }
        h += " · \(SVGNumber.grouped(report.customers.scored)) customers scored</p>\n<nav aria-label=\"Sections\"><ul>"
        if report.summary != nil { h += "<li><a href=\"#summary\">At a glance</a></li><li><a href=\"#actions\">What to do tomorrow</a></li>" }
        if !warnings.isEmpty { h += "<li><a href=\"#warnings\" class=\"warn\">Warnings (\(warnings.count))</a></li>" }
        for section in HTMLReportInput.Section.allCases {
            let ran = input.has(section)
            h += "<li><a href=\"#\(section.rawValue)\"\(ran ? "" : " class=\"off\"")>\(e(section.heading))\(ran ? "" : " (not run)")</a></li>"
        }
        h += "<li><a href=\"#run\">Run and inputs</a></li>"
        h += "</ul></nav>\n</header>\n"
        return h
    }

    /// Every warning, each linked to the section it concerns; nothing when none fired.
    private func warningsBox() -> String {
        guard !warnings.isEmpty else { return "" }
        var h = "<section id=\"warnings\" class=\"warnings\" role=\"note\" aria-labelledby=\"warnings-heading\">\n"
        h += "<h2 id=\"warnings-heading\">Warnings: what to doubt in this report</h2>\n<ul>"
        for w in warnings {
            let section = Self.htmlSection(of: w.code)
            h += "<li><a href=\"#\(section.rawValue)\">\(e(section.heading))</a>: \(e(w.message)) <span class=\"code\">\(e(w.code.rawValue))</span></li>"
        }
        return h + "</ul>\n</section>\n"
    }

    /// The section of the page that shows what a warning doubts.
    package static func htmlSection(of code: ReportWarning.Code) -> HTMLReportInput.Section {
        switch code {
        case .rfmScoreUnused: return .rfmGrid
        case .rfmSegmentEmpty: return .segments
        case .clvNotConverged: return .valueMatrix
        case .clvHoldoutTotalOff: return .holdout
        case .satisfactionFewRespondents, .satisfactionLowResponseShare: return .satisfactionLoyalty
        case .churnNearRecencyBaseline: return .roc
        case .churnLowTopDecileLift: return .liftGains
        }
    }

    private func runSection() -> String {
        let s = report.settings
        var h = "<section id=\"run\" class=\"report-section\">\n<h2>Run and inputs</h2>\n<div class=\"section-body\">\n"
        h += "<table class=\"settings\"><caption>Settings</caption><tbody>"
        h += row("transactions", s.transactions)
        h += row("interactions", s.interactions ?? "none")
        h += row("as of", s.asOf + (s.asOfDefaulted ? " (default)" : ""))
        h += row("calibration end", s.calibrationEnd ?? "not set")
        h += row("RFM", "\(s.rfmQuantiles) quantiles, ties \(s.rfmTies), monetary \(s.rfmMonetary)"
                 + (s.rfmFrequencyBreaks.map { ", frequency breaks " + $0.map(String.init).joined(separator: ", ") } ?? ""))
        h += row("margin", SVGNumber.fixed(s.margin, digits: 2))
        h += row("bad rows", "\(s.onBadRow), at most \(SVGNumber.percent(s.maxRejectShare, digits: 2)) rejected")
        h += row("threads, seed", "\(s.threads), \(s.seed)")
        if let r = report.results {
            let tables = [r.customersTable, r.segmentsTable, r.runsTable].map { (r.schema.map { $0 + "." } ?? "") + $0 }.joined(separator: ", ")
            h += row("results also in", "PostgreSQL \(r.sink), tables \(tables), run_id \(r.runId)")
        }
        h += "</tbody></table>\n"

        h += "<table class=\"inputs\"><caption>Input accounting</caption><thead><tr><th>file</th><th class=\"num\">rows read</th>"
        h += "<th class=\"num\">used</th><th class=\"num\">rejected</th><th>rejected by reason</th></tr></thead><tbody>"
        for f in report.inputs {
            let reasons = f.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key): \(SVGNumber.grouped($0.value))" }.joined(separator: ", ")
            h += "<tr><td>\(e(f.role))<br/><span class=\"path\">\(e(f.path))</span></td>\(num(f.rowsRead))\(num(f.rowsUsed))\(num(f.rowsRejected))"
            h += "<td>\(reasons.isEmpty ? "—" : e(reasons))</td></tr>"
        }
        h += "</tbody></table>\n"

        let c = report.customers
        h += "<table class=\"customers\"><caption>Customers</caption><tbody>"
        h += "<tr><th>with transactions</th>\(num(c.inTransactions))</tr>"
        h += "<tr><th>scored as of \(e(s.asOf))</th>\(num(c.scored))</tr>"
        h += "<tr><th>not yet active</th>\(num(c.notYetActive))</tr>"
        h += "<tr><th>orders</th>\(num(c.orders))</tr>"
        h += "<tr><th>net revenue</th><td class=\"num\">\(SVGNumber.money(c.netRevenue))</td></tr>"
        h += "</tbody></table>\n</div>\n"

        var notes: [String] = []
        for f in report.inputs {
            if let after = f.rowsAfterAsOf, after > 0 {
                notes.append("\(SVGNumber.grouped(after)) \(e(f.role)) rows are dated on or after as-of \(e(s.asOf)); they are counted as used and left out of the analysis.")
            }
            if let unmatched = f.rowsUnmatchedCustomer, unmatched > 0 {
                let examples = (f.unmatchedCustomerExamples ?? []).joined(separator: ", ")
                notes.append("\(SVGNumber.grouped(unmatched)) \(e(f.role)) rows (\(SVGNumber.grouped(f.unmatchedCustomers ?? 0)) customer ids\(examples.isEmpty ? "" : ", e.g. " + e(examples))) name customers with no transaction; they are counted as used and kept out of the analysis.")
            }
        }
        for k in report.skipped { notes.append("<strong>\(e(k.section))</strong> not run: \(e(k.reason))") }
        if !notes.isEmpty { h += "<ul class=\"notes\">" + notes.map { "<li>\($0)</li>" }.joined() + "</ul>\n" }
        if !report.timings.isEmpty {
            h += "<p class=\"timings\">Timings (s): " + report.timings.sorted { $0.key < $1.key }
                .map { "\(e($0.key)) \(SVGNumber.fixed($0.value, digits: 3))" }.joined(separator: " · ") + "</p>\n"
        }
        h += "</section>\n"
        return h
    }

    // MARK: - Sections

    private func render(_ section: HTMLReportInput.Section) -> String {
        let body: String?
        switch section {
        case .rfmGrid: body = input.rfmGrid.map(rfmGridBody)
        case .segments: body = input.segments.flatMap { $0.isEmpty ? nil : segmentsBody($0) }
        case .cohorts: body = input.cohorts.flatMap { $0.cohorts.isEmpty ? nil : cohortsBody($0) }
        case .valueMatrix: body = input.valueMatrix.map { quadrantsBody($0, title: "Current × future value", description: "Customers split by current (historical) value and predicted future value.") }
        case .holdout: body = input.holdout.map(holdoutBody)
        case .concentration: body = input.concentration.map(concentrationBody)
        case .clvDistribution: body = input.clvDistribution.map(clvDistributionBody)
        case .aliveMatrix: body = input.aliveMatrix.map(aliveMatrixBody)
        case .tracking: body = input.tracking.map(trackingBody)
        case .clusters: body = input.clusters.map(clustersBody)
        case .correlations: body = input.correlations.map(correlationsBody)
        case .satisfactionLoyalty: body = input.satisfactionLoyalty.map { quadrantsBody($0, title: "Satisfaction × loyalty", description: "Customers split by satisfaction and loyalty: loyalists, mercenaries, hostages and defectors (Jones & Sasser 1995).") }
        case .roc: body = input.roc.map(rocBody)
        case .liftGains: body = input.liftGains.map(liftGainsBody)
        case .calibration: body = input.calibration.map(calibrationBody)
        }
        var h = "<section id=\"\(section.rawValue)\" class=\"report-section\(body == nil ? " not-run-section" : "")\">\n<h2>\(e(section.heading))</h2>\n"
        if body != nil, let definition = definition(section) { h += "<p class=\"definition\">\(e(definition))</p>\n" }
        if let body {
            let concerning = warnings.filter { Self.htmlSection(of: $0.code) == section }
            if !concerning.isEmpty {
                h += "<ul class=\"section-warnings\" role=\"note\">" + concerning.map { "<li><strong>Warning:</strong> \(e($0.message))</li>" }.joined() + "</ul>\n"
            }
            h += body
            if let notes = input.sectionNotes[section], !notes.isEmpty {
                h += "<ul class=\"notes\">" + notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
            }
            if section == .calibration, let x = input.noPurchaseComparison { h += noPurchaseTable(x) }
        } else {
            h += "<p class=\"not-run\" role=\"note\"><strong>Not run:</strong> \(e(notRunReason(section)))</p>\n"
        }
        return h + "</section>\n"
    }

    /// The caller's reason, else the run's skipped entry for the section's kernel, else a default.
    package func notRunReason(_ section: HTMLReportInput.Section) -> String {
        if let reason = input.notRun[section] { return reason }
        if let skipped = report.skipped.first(where: { section.skippedKeys.contains($0.section) }) { return skipped.reason }
        return "the \(section.kernel) step produced no result in this run"
    }

    private func rfmGridBody(_ g: HTMLReportInput.RFMGrid) -> String {
        let n = g.quantiles
        let rows = Array((1...n).reversed()), columns = Array(1...n)
        let totalCustomers = g.totalCustomers, totalRevenue = g.totalRevenue
        var counts: [Double] = [], revenue: [Double] = [], countLabels: [String] = [], countShares: [String] = []
        var revenueLabels: [String] = [], revenueShares: [String] = []
        for r in rows {
            for f in columns {
                let c = g.customers(r: r, f: f), v = g.revenue(r: r, f: f)
                counts.append(Double(c)); revenue.append(v)
                countLabels.append(SVGNumber.grouped(c))
                countShares.append(totalCustomers > 0 ? SVGNumber.percent(Double(c) / Double(totalCustomers)) : "—")
                revenueLabels.append(SVGNumber.compactMoney(v))
                revenueShares.append(totalRevenue > 0 ? SVGNumber.percent(v / totalRevenue) : "—")
            }
        }
        let rowLabels = rows.map(String.init), columnLabels = columns.map(String.init)
        let customersChart = SVGHeatMap(
            title: "Customers by recency and frequency score", description: "Scored customers in each R × F cell; \(n) is the best score (most recent, most frequent)",
            rowTitle: "Recency score R", columnTitle: "Frequency score F", rowLabels: rowLabels, columnLabels: columnLabels,
            values: counts, cellLabels: countLabels, cellSublabels: countShares, legendTitle: "customers")
        let revenueChart = SVGHeatMap(
            title: "Net revenue by recency and frequency score", description: "Net revenue of the customers in each R × F cell, with its share of all net revenue",
            rowTitle: "Recency score R", columnTitle: "Frequency score F", rowLabels: rowLabels, columnLabels: columnLabels,
            values: revenue, cellLabels: revenueLabels, cellSublabels: revenueShares, valueFormat: .money, legendTitle: "net revenue")
        var keys: [(String, String)] = [
            ("customers scored", SVGNumber.grouped(totalCustomers)),
            ("net revenue", SVGNumber.money(totalRevenue)),
        ]
        for (label, r, f) in [("best cell", n, n), ("worst cell", 1, 1)] {
            let c = g.customers(r: r, f: f), v = g.revenue(r: r, f: f)
            keys.append(("\(label) R \(r) F \(f)", "\(SVGNumber.grouped(c)) customers (\(totalCustomers > 0 ? SVGNumber.percent(Double(c) / Double(totalCustomers)) : "—")), revenue \(SVGNumber.money(v))\(totalRevenue > 0 ? " (" + SVGNumber.percent(v / totalRevenue) + ")" : "")"))
        }
        return sectionBody(charts: [customersChart, revenueChart], keys: keys)
    }

    private func segmentsBody(_ segments: [RunReport.Segment]) -> String {
        let hasRevenueShare = segments.contains { $0.revenueShare != nil }
        var series = [SVGBarChart.Series(name: "share of customers", values: segments.map(\.share))]
        if hasRevenueShare {
            series.append(.init(name: "share of net revenue", values: segments.map { $0.revenueShare ?? .nan }))
        }
        let chart = SVGBarChart(
            title: "Segment sizes and revenue share", description: "Each RFM segment's share of scored customers" + (hasRevenueShare ? " and of net revenue" : ""),
            categories: segments.map(\.segment), series: series, categoryTitle: "segment", valueTitle: "share",
            valueFormat: .percent(1), width: 600)
        var table = "<table><thead><tr><th>segment</th><th class=\"num\">customers</th><th class=\"num\">share</th><th class=\"num\">revenue share</th></tr></thead><tbody>"
        for s in segments {
            table += "<tr><td>\(e(s.segment))</td>\(num(s.customers))<td class=\"num\">\(SVGNumber.percent(s.share))</td><td class=\"num\">\(s.revenueShare.map { SVGNumber.percent($0) } ?? "—")</td></tr>"
        }
        table += "</tbody></table>"
        if !hasRevenueShare { table += "<p class=\"muted\">No revenue shares: net revenue is not positive.</p>" }
        return sectionBody(charts: [chart], keyHTML: table)
    }

    private func quadrantsBody(_ q: HTMLReportInput.QuadrantMatrix, title: String, description: String) -> String {
        func cell(_ g: HTMLReportInput.QuadrantMatrix.Group) -> SVGQuadrantChart.Cell {
            .init(name: g.name, customers: g.customers, detail: g.value.map { "\(q.valueName ?? "value") \(SVGNumber.compactMoney($0))" }, tone: g.tone)
        }
        let chart = SVGQuadrantChart(title: title, description: description, xTitle: q.xTitle, yTitle: q.yTitle, xSplit: q.xSplit, ySplit: q.ySplit,
                                     topLeft: cell(q.lowXHighY), topRight: cell(q.highXHighY), bottomLeft: cell(q.lowXLowY), bottomRight: cell(q.highXLowY))
        var table = "<table><thead><tr><th>group</th><th class=\"num\">customers</th><th class=\"num\">share</th>"
        if q.valueName != nil { table += "<th class=\"num\">\(e(q.valueName!))</th>" }
        table += "</tr></thead><tbody>"
        for g in [q.highXHighY, q.lowXHighY, q.highXLowY, q.lowXLowY] {
            table += "<tr><td>\(e(g.name))</td>\(num(g.customers))<td class=\"num\">\(SVGNumber.percent(chart.share(cell(g))))</td>"
            if q.valueName != nil { table += "<td class=\"num\">\(g.value.map(SVGNumber.money) ?? "—")</td>" }
            table += "</tr>"
        }
        table += "</tbody></table>"
        return sectionBody(charts: [chart], keyHTML: table)
    }

    private func cohortsBody(_ c: CohortReport) -> String {
        let shown = c.shownCohorts
        let partial = c.lastMonthComplete ? "" : " (\(c.lastMonth) up to \(c.lastDay))"
        let chart = SVGCohortHeatMap(
            title: "Cohort retention: % of each cohort ordering, by month since first purchase",
            description: "Rows: customers grouped by the month of their first order (cohort); columns: months since that month\(partial); "
                + "each cell is the % of the cohort with an order in that month (the colour scale ends at the largest share after month 0, which is 100%)",
            rowLabels: shown.map(\.cohortMonth), customers: shown.map(\.customers), shares: shown.map(\.activeShare),
            revenuePerCustomer: shown.map(\.revenuePerCustomer))
        let revenue = SVGCohortHeatMap(
            title: "Net revenue per cohort customer, by month since first purchase (\(report.settings.currency.map { String($0.filter { $0 != " " }) } ?? "currency units"))",
            description: "The same cohorts: each cell is the month's net revenue (returns included) divided by the customers in the cohort "
                + "(the colour scale ends at the largest value after month 0, which holds every first order)",
            rowLabels: shown.map(\.cohortMonth), customers: shown.map(\.customers), shares: shown.map(\.activeShare),
            revenuePerCustomer: shown.map(\.revenuePerCustomer), measure: .revenuePerCustomer)
        var keys: [(String, String)] = [
            ("cohorts", SVGNumber.grouped(c.cohorts.count) + (c.shownIsCut.cohorts ? " (newest \(shown.count) shown; all in cohorts.csv)" : "")
                + (c.shownIsCut.months ? " (months since up to \(CohortReport.shownMonthsSince - 1) shown)" : "")),
            ("customers", SVGNumber.grouped(c.customers)),
            ("months", "\(c.cohorts.first?.cohortMonth ?? "—") to \(c.lastMonth)\(c.lastMonthComplete ? "" : " (partial)")"),
        ]
        if let s = c.secondMonthShare { keys.append(("ordering again in the month after their first", SVGNumber.percent(s))) }
        if let largest = shown.max(by: { $0.customers < $1.customers }) {
            keys.append(("largest cohort", "\(largest.cohortMonth): \(SVGNumber.grouped(largest.customers)) customers"))
            if largest.revenuePerCustomer.count > 1 {
                let later = largest.revenuePerCustomer.dropFirst().reduce(0, +)
                keys.append(("its revenue per customer after month 0", SVGNumber.money(later)))
            }
        }
        return "<p class=\"reading\">\(e(c.reading))</p>\n" + sectionBody(charts: [chart, revenue], keys: keys)
    }

    private func holdoutBody(_ h: HTMLReportInput.HoldoutPurchases) -> String {
        let chart = SVGBarChart(
            title: "Holdout purchases: actual and predicted",
            description: "Mean purchases per customer in the holdout window after \(h.calibrationEnd), by repeat purchases in the calibration period",
            categories: h.bins.map(\.label),
            series: [.init(name: "actual", values: h.bins.map { $0.actual ?? .nan }),
                     .init(name: "predicted (\(h.model))", values: h.bins.map { $0.predicted ?? .nan })],
            orientation: .vertical, categoryTitle: "repeat purchases in the calibration period", valueTitle: "mean holdout purchases",
            valueFormat: .fixed(2), width: 560)
        var keys: [(String, String)] = [("calibration ends", h.calibrationEnd)]
        if let w = h.holdoutWeeks { keys.append(("holdout window", SVGNumber.fixed(w, digits: 1) + " weeks")) }
        keys.append(("customers", SVGNumber.grouped(h.customers)))
        if let a = h.totalActual { keys.append(("actual holdout purchases", SVGNumber.fixed(a, digits: 0, grouping: true))) }
        if let p = h.totalPredicted { keys.append(("predicted holdout purchases", SVGNumber.fixed(p, digits: 1, grouping: true))) }
        if let e = h.meanAbsoluteError { keys.append(("mean absolute error per customer", SVGNumber.fixed(e, digits: 3))) }
        return sectionBody(charts: [chart], keys: keys)
    }

    private func clustersBody(_ c: HTMLReportInput.ClusterProfiles) -> String {
        let directions = c.directions ?? c.features.map { _ in 1 }
        let values = c.clusters.flatMap { zip($0.standardizedMeans, directions).map { z, d in z * d } }
        let labels = c.clusters.flatMap { $0.means.map(SVGNumber.compact) }
        let limit = min(3, max(1, values.filter(\.isFinite).map(abs).max() ?? 1))
        let signed = c.directions != nil
        let chart = SVGHeatMap(
            title: "Cluster profiles", description: signed
                ? "Each cluster's mean of every feature in original units; the colour shows how much better (teal) or worse (brown) than the average customer it is for the business (fewer days since the last order and fewer complaints are better)"
                : "Each cluster's mean of every feature in original units; the colour shows how far it lies above (red) or below (blue) the average customer",
            rowTitle: "cluster", columnTitle: "feature", rowLabels: c.clusters.map(\.label), columnLabels: c.features,
            values: values, cellLabels: labels, valueFormat: .fixed(2), scale: signed ? .worseBetter(limit: limit) : .diverging(limit: limit),
            legendTitle: signed ? "worse / better than average" : "above / below average", width: 600)
        let named = c.clusters.contains { $0.name != nil }
        var table = "<table><thead><tr><th>cluster</th>\(named ? "<th>name</th>" : "")<th class=\"num\">customers</th><th class=\"num\">share</th></tr></thead><tbody>"
        for k in c.clusters {
            table += "<tr><td>\(e(k.label))</td>\(named ? "<td>\(e(k.name ?? ""))</td>" : "")\(num(k.customers))<td class=\"num\">\(SVGNumber.percent(k.share))</td></tr>"
        }
        table += "</tbody></table><table><tbody>"
        table += "<tr><th>k</th>\(num(c.clusters.count))</tr>"
        if let i = c.inertia { table += "<tr><th>inertia</th><td class=\"num\">\(SVGNumber.fixed(i, digits: 1, grouping: true))</td></tr>" }
        if let s = c.silhouette { table += "<tr><th>silhouette</th><td class=\"num\">\(SVGNumber.fixed(s, digits: 3))</td></tr>" }
        table += "</tbody></table>"
        return sectionBody(charts: [chart], keyHTML: table)
    }

    private func correlationsBody(_ m: HTMLReportInput.CorrelationMatrix) -> String {
        let labels = m.coefficients.indices.map { k -> String in
            let star = (m.pValues?[k]).map { $0 < 0.05 ? "*" : "" } ?? ""
            return SVGNumber.fixed(m.coefficients[k], digits: 2) + star
        }
        let sublabels = m.pValues.map { $0.map(Self.pValue) }
        let chart = SVGHeatMap(
            title: "\(m.method) correlations: satisfaction and loyalty", description: "\(m.method) correlation of each satisfaction measure (rows) with each loyalty measure (columns), \(m.group), n = \(SVGNumber.grouped(m.n)); * marks p < 0.05",
            rowTitle: "satisfaction", columnTitle: "loyalty", rowLabels: m.rowNames, columnLabels: m.columnNames,
            values: m.coefficients, cellLabels: labels, cellSublabels: sublabels, valueFormat: .fixed(2), scale: .diverging(limit: 1),
            legendTitle: "correlation", width: 600)
        var keys: [(String, String)] = [("method", m.method), ("customers (n)", SVGNumber.grouped(m.n)), ("group", m.group)]
        // The strongest pairs, largest |coefficient| first (ties in row-major order).
        let strongest = m.coefficients.indices.filter { m.coefficients[$0].isFinite }
            .sorted { abs(m.coefficients[$0]) > abs(m.coefficients[$1]) || (abs(m.coefficients[$0]) == abs(m.coefficients[$1]) && $0 < $1) }
        for k in strongest.prefix(5) {
            let r = k / m.columnNames.count, c = k % m.columnNames.count
            keys.append(("\(m.rowNames[r]) ~ \(m.columnNames[c])", labels[k] + (m.pValues.map { " (" + Self.pValue($0[k]) + ")" } ?? "")))
        }
        return sectionBody(charts: [chart], keys: keys)
    }

    private func rocBody(_ r: HTMLReportInput.ROCCurve) -> String {
        let points = zip(r.falsePositiveRate, r.truePositiveRate).map { SVGPoint(x: $0, y: $1) }
        var series: [SVGLineChart.Series] = [.init(name: "churn model (AUC \(SVGNumber.fixed(r.auc, digits: 3)))", points: points, markers: points.count <= 20)]
        var keys: [(String, String)] = [("ROC AUC", SVGNumber.fixed(r.auc, digits: 3))]
        if let b = r.baseline {
            series.append(.init(name: "\(b.name) (AUC \(SVGNumber.fixed(b.auc, digits: 3)))",
                                points: zip(b.falsePositiveRate, b.truePositiveRate).map { SVGPoint(x: $0, y: $1) }, dashed: true))
            keys.append(("ROC AUC, \(b.name)", SVGNumber.fixed(b.auc, digits: 3)))
        }
        let chart = SVGLineChart(
            title: "ROC curve (holdout)", description: "True positive rate against false positive rate at \(r.cutOffs), for the churn model on held-out customers",
            x: .init(title: "false positive rate", domain: 0...1), y: .init(title: "true positive rate", domain: 0...1),
            series: series, diagonal: "chance (AUC 0.5)", note: "AUC \(SVGNumber.fixed(r.auc, digits: 3))",
            width: 420, plotHeight: 300)
        keys += [("churned (positives)", SVGNumber.grouped(r.positives)), ("retained (negatives)", SVGNumber.grouped(r.negatives))]
        return sectionBody(charts: [chart], keys: keys)
    }

    private func liftGainsBody(_ l: HTMLReportInput.LiftGains) -> String {
        let lift = SVGBarChart(
            title: "Lift by decile", description: "Churn rate in each decile of predicted risk (1 = riskiest) over the overall churn rate",
            categories: l.deciles.map { "\($0.decile)" }, series: [.init(name: "lift", values: l.deciles.map(\.lift))], orientation: .vertical,
            categoryTitle: "decile of predicted risk", valueTitle: "lift", valueFormat: .fixed(2),
            reference: .init(value: 1, label: "no model"), width: 440)
        let total = Double(max(1, l.deciles.reduce(0) { $0 + $1.customers }))
        var contacted = 0
        var points = [SVGPoint(x: 0, y: 0)]
        for d in l.deciles {
            contacted += d.customers
            points.append(SVGPoint(x: Double(contacted) / total, y: d.cumulativeGain))
        }
        let gains = SVGLineChart(
            title: "Cumulative gains", description: "Share of all churners found when contacting customers in order of predicted risk",
            x: .init(title: "share of customers contacted", domain: 0...1, format: .percent(0)), y: .init(title: "share of churners found", domain: 0...1, format: .percent(0)),
            series: [.init(name: "churn model", points: points, markers: true)], diagonal: "random order", width: 420, plotHeight: 280)
        var keys: [(String, String)] = [("overall churn rate", SVGNumber.percent(l.baseRate))]
        if let first = l.deciles.first { keys.append(("lift in decile \(first.decile)", SVGNumber.fixed(first.lift, digits: 2))) }
        for d in l.deciles.prefix(3) {
            keys.append((d.decile == 1 ? "churners found in decile 1" : "churners found in deciles 1–\(d.decile)", SVGNumber.percent(d.cumulativeGain)))
        }
        return sectionBody(charts: [lift, gains], keys: keys)
    }

    private func calibrationBody(_ c: HTMLReportInput.CalibrationCurve) -> String {
        let points = c.bins.map { SVGPoint(x: $0.meanPredicted, y: $0.observedRate) }
        let chart = SVGLineChart(
            title: "Calibration (holdout)", description: "Observed churn rate against mean predicted churn probability, per bin of predicted probability",
            x: .init(title: "mean predicted probability", domain: 0...1), y: .init(title: "observed churn rate", domain: 0...1),
            series: [.init(name: "churn model", points: points, markers: true)], diagonal: "perfect calibration", width: 420, plotHeight: 300)
        var keys: [(String, String)] = []
        if let b = c.brier { keys.append(("Brier score", SVGNumber.fixed(b, digits: 4))) }
        if let l = c.logLoss { keys.append(("log loss", SVGNumber.fixed(l, digits: 4))) }
        keys.append(("bins", "\(c.bins.count)"))
        keys.append(("customers", SVGNumber.grouped(c.bins.reduce(0) { $0 + $1.customers })))
        return sectionBody(charts: [chart], keys: keys)
    }

    /// The customers on whom the churn model and the purchase model disagree most.
    private func noPurchaseTable(_ x: ChurnReport.NoPurchaseComparison) -> String {
        func n(_ v: Double?) -> String { v.map { SVGNumber.fixed($0, digits: 3) } ?? "—" }
        guard !x.disagreements.isEmpty else { return "" }
        var h = "<table><caption>Where P(churn) and P(no purchase in \(x.horizonDays) days) disagree most</caption><thead><tr><th>customer</th>"
        h += "<th class=\"num\">churn probability</th><th class=\"num\">P(no purchase in \(x.horizonDays) days)</th><th class=\"num\">difference</th></tr></thead><tbody>"
        for r in x.disagreements {
            h += "<tr><td>\(e(r.customerId))</td><td class=\"num\">\(n(r.churnProbability))</td><td class=\"num\">\(n(r.noPurchaseProbability))</td><td class=\"num\">\(n(r.difference))</td></tr>"
        }
        return h + "</tbody></table>\n"
    }

    // MARK: - Pieces

    func sectionBody(charts: [any SVGChart], keys: [(String, String)]) -> String {
        var table = "<table><tbody>"
        for (k, v) in keys { table += "<tr><th>\(e(k))</th><td class=\"num\">\(e(v))</td></tr>" }
        table += "</tbody></table>"
        return sectionBody(charts: charts, keyHTML: table)
    }

    private func sectionBody(charts: [any SVGChart], keyHTML: String) -> String {
        var h = "<div class=\"section-body\">\n"
        for chart in charts {
            let caption = chart.description.hasSuffix(".") ? chart.description : chart.description + "."
            h += "<figure>\(chart.svg())<figcaption>\(e(caption))</figcaption></figure>\n"
        }
        h += "<aside class=\"key-numbers\" aria-label=\"Key numbers\"><h3>Key numbers</h3>\(keyHTML)</aside>\n</div>\n"
        return h
    }

    func row(_ key: String, _ value: String) -> String { "<tr><th>\(e(key))</th><td>\(e(value))</td></tr>" }
    func num(_ n: Int) -> String { "<td class=\"num\">\(SVGNumber.grouped(n))</td>" }
    func e(_ s: String) -> String { SVGText.escape(s) }

    package static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "p —" }
        return p < 0.001 ? "p < 0.001" : "p = " + SVGNumber.fixed(p, digits: 3)
    }

    /// Inline styles: one column on screen, A4 pages in print with each section kept whole and
    /// colours printed as drawn. No external fonts or images.
    package static let css = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.4;font-size:14px}
        header,main,footer{max-width:1240px;margin:0 auto;padding:0 20px}
        h1{font-size:26px;margin:18px 0 2px}
        h2{font-size:19px;margin:0 0 12px;padding-bottom:4px;border-bottom:2px solid #0072b2}
        h3{font-size:14px;margin:0 0 6px}
        .subtitle{margin:0 0 8px;color:#444}
        nav ul{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px}
        nav a{color:#0072b2;text-decoration:none}
        nav a.off{color:#888}
        .report-section{margin:16px 0;padding:14px 16px;border:1px solid #d8d8d8;border-radius:6px;break-inside:avoid;page-break-inside:avoid}
        .section-body{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
        figure{margin:0;flex:0 1 auto;min-width:0}
        figcaption{font-size:12px;color:#555;margin-top:4px}
        svg.chart{max-width:100%;height:auto;display:block}
        .key-numbers{flex:0 1 300px;font-size:13px}
        .key-numbers th{white-space:nowrap}
        table{border-collapse:collapse;font-size:13px;margin:0 0 10px}
        caption{text-align:left;font-weight:bold;padding-bottom:4px}
        th,td{padding:3px 8px;border-bottom:1px solid #e6e6e6;text-align:left;vertical-align:top}
        th{font-weight:600}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .path{color:#555;font-size:12px;word-break:break-all}
        .notes,.timings,.muted{color:#555;font-size:12px}
        .reading{margin:0 0 10px;font-size:15px}
        .definition{margin:-6px 0 10px;color:#444;font-size:13px}
        .figures{display:flex;flex-wrap:wrap;gap:10px 14px;margin:0;padding:0;list-style:none}
        .figures li{flex:1 1 170px;padding:8px 12px;border-left:4px solid #0072b2;background:#f5f8fb}
        .figures .figure{display:block;font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}
        .figures .label{display:block;font-size:12px;color:#444}
        .figures .detail{display:block;font-size:12px;color:#555}
        .figures li.risk{border-left-color:#d55e00;background:#fdf3ee}
        .actions td.action{max-width:520px}
        .actions-grid{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
        .not-run{margin:0;padding:10px 14px;background:#fff6e0;border-left:4px solid #e69f00;color:#5a4300}
        .warnings{margin:16px 0;padding:14px 16px;background:#fdf0ec;border:1px solid #d8d8d8;border-radius:6px;break-inside:avoid;page-break-inside:avoid}
        .warnings h2{border-bottom-color:#d55e00;margin-bottom:8px}
        .warnings ul{margin:0;padding-left:20px}
        .warnings li{margin:2px 0}
        .warnings .code{font-family:"DejaVu Sans Mono",monospace;font-size:11px;color:#666}
        .section-warnings{list-style:none;margin:0 0 10px;padding:6px 12px;background:#fdf0ec;border-left:4px solid #d55e00;font-size:13px}
        nav a.warn{color:#d55e00;font-weight:600}
        footer{color:#777;font-size:12px;padding-bottom:24px}
        @media print{
        body{font-size:10pt}
        header,main,footer{max-width:none;padding:0}
        nav{display:none}
        .report-section{border:none;padding:0;margin:0 0 14pt}
        h2{break-after:avoid;page-break-after:avoid}
        figure{flex:0 1 auto}
        svg.chart{max-height:11cm}
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        @page{size:A4;margin:12mm}
        }
        """
}

/// The aggregates `report.html` draws, one optional payload per section; `nil` renders the section
/// as "Not run" with its reason. Every payload is small (cells, bins, curve points, deciles), built
/// by the kernels' result types or by `Run`, never per customer in the writer.
package struct HTMLReportInput: Sendable {
    /// The chart sections, in page order between the first screen and "Run and inputs" (last); the raw value is the section's `id`.
    package enum Section: String, CaseIterable, Sendable {
        case rfmGrid = "rfm-grid"
        case segments
        case cohorts
        case concentration = "value-concentration"
        case valueMatrix = "value-matrix"
        case holdout = "holdout-purchases"
        case clvDistribution = "clv-distribution"
        case aliveMatrix = "alive-matrix"
        case tracking
        case clusters
        case correlations
        case satisfactionLoyalty = "satisfaction-loyalty"
        case roc
        case liftGains = "lift-gains"
        case calibration

        package var heading: String {
            switch self {
            case .rfmGrid: return "RFM: recency × frequency"
            case .segments: return "Segments"
            case .cohorts: return "Cohort retention"
            case .valueMatrix: return "Customer value"
            case .holdout: return "CLV model check"
            case .concentration: return "Value concentration"
            case .clvDistribution: return "CLV distribution"
            case .aliveMatrix: return "P(alive) matrix"
            case .tracking: return "Tracking: actual and expected purchases"
            case .clusters: return "Clusters"
            case .correlations: return "Correlations"
            case .satisfactionLoyalty: return "Satisfaction and loyalty"
            case .roc: return "Churn: ROC curve"
            case .liftGains: return "Churn: lift and gains"
            case .calibration: return "Churn: calibration"
            }
        }

        /// The kernel that fills the section, for the default "not run" reason.
        package var kernel: String {
            switch self {
            case .rfmGrid, .segments: return "RFM"
            case .cohorts: return "cohort"
            case .valueMatrix, .holdout, .clvDistribution, .aliveMatrix, .tracking: return "CLV (BG/NBD and Gamma-Gamma)"
            case .concentration: return "value concentration"
            case .clusters: return "k-means"
            case .correlations, .satisfactionLoyalty: return "correlation"
            case .roc, .liftGains, .calibration: return "churn"
            }
        }

        /// `RunReport.Skipped.section` names whose reason explains this section's absence, first match wins.
        package var skippedKeys: [String] {
            switch self {
            case .rfmGrid, .segments: return ["rfm"]
            case .cohorts: return ["cohorts"]
            case .valueMatrix: return ["clv"]
            case .holdout: return ["clv", "holdout validation", "calibration"]
            case .concentration: return ["rfm"]
            case .clvDistribution: return ["clv", "gamma-gamma"]
            case .aliveMatrix, .tracking: return ["clv"]
            case .clusters: return ["kmeans", "clusters"]
            case .correlations, .satisfactionLoyalty: return ["correlation", "correlations", "satisfaction-loyalty", "interactions"]
            case .roc, .liftGains, .calibration: return ["churn", "calibration"]
            }
        }
    }

    package var rfmGrid: RFMGrid? = nil
    /// `RunReport.rfm.segments`.
    package var segments: [RunReport.Segment]? = nil
    /// `RunReport.cohorts`: a few numbers per cohort and month, drawn for the newest 24 months.
    package var cohorts: CohortReport? = nil
    /// x: current value, y: future value.
    package var valueMatrix: QuadrantMatrix? = nil
    package var holdout: HoldoutPurchases? = nil
    /// `RunReport.concentration`.
    package var concentration: ConcentrationReport? = nil
    /// `RunReport.clvCharts`' three parts.
    package var clvDistribution: CLVChartsReport.Distribution? = nil
    package var aliveMatrix: CLVChartsReport.AliveMatrix? = nil
    package var tracking: CLVChartsReport.Tracking? = nil
    package var clusters: ClusterProfiles? = nil
    package var correlations: CorrelationMatrix? = nil
    /// x: satisfaction, y: loyalty (see `QuadrantMatrix.satisfactionLoyalty`).
    package var satisfactionLoyalty: QuadrantMatrix? = nil
    package var roc: ROCCurve? = nil
    package var liftGains: LiftGains? = nil
    package var calibration: CalibrationCurve? = nil
    /// Why a section is missing, when the caller knows better than `RunReport.skipped`.
    package var notRun: [Section: String] = [:]
    /// Lines shown under a section's body (model choice and intervals under the value matrix,
    /// the churn/no-purchase comparison under calibration).
    package var sectionNotes: [Section: [String]] = [:]
    /// Shown under the calibration section: `report.churn.noPurchaseComparison`.
    package var noPurchaseComparison: ChurnReport.NoPurchaseComparison? = nil

    package init(rfmGrid: RFMGrid? = nil, segments: [RunReport.Segment]? = nil, cohorts: CohortReport? = nil, valueMatrix: QuadrantMatrix? = nil, holdout: HoldoutPurchases? = nil,
         clusters: ClusterProfiles? = nil, correlations: CorrelationMatrix? = nil, satisfactionLoyalty: QuadrantMatrix? = nil,
         roc: ROCCurve? = nil, liftGains: LiftGains? = nil, calibration: CalibrationCurve? = nil, notRun: [Section: String] = [:]) {
        self.rfmGrid = rfmGrid; self.segments = segments; self.cohorts = cohorts; self.valueMatrix = valueMatrix; self.holdout = holdout
        self.clusters = clusters; self.correlations = correlations; self.satisfactionLoyalty = satisfactionLoyalty
        self.roc = roc; self.liftGains = liftGains; self.calibration = calibration; self.notRun = notRun
    }

    /// Whether `section` has a payload to draw.
    package func has(_ section: Section) -> Bool {
        switch section {
        case .rfmGrid: return rfmGrid != nil
        case .segments: return !(segments ?? []).isEmpty
        case .cohorts: return !(cohorts?.cohorts ?? []).isEmpty
        case .valueMatrix: return valueMatrix != nil
        case .holdout: return holdout != nil
        case .concentration: return concentration != nil
        case .clvDistribution: return clvDistribution != nil
        case .aliveMatrix: return aliveMatrix != nil
        case .tracking: return tracking != nil
        case .clusters: return clusters != nil
        case .correlations: return correlations != nil
        case .satisfactionLoyalty: return satisfactionLoyalty != nil
        case .roc: return roc != nil
        case .liftGains: return liftGains != nil
        case .calibration: return calibration != nil
        }
    }

    /// Customers and net revenue per (R, F) score pair.
    package struct RFMGrid: Sendable, Equatable {
        /// N: scores run 1...N.
        package let quantiles: Int
        /// N × N counts, row-major by R − 1, then F − 1.
        package let customerCounts: [Int]
        /// N × N net revenue in currency units (summed in cents, so exact), same layout.
        package let revenues: [Double]

        package init(quantiles: Int, customerCounts: [Int], revenues: [Double]) {
            precondition(quantiles >= 1 && customerCounts.count == quantiles * quantiles && revenues.count == quantiles * quantiles,
                         "RFMGrid: \(customerCounts.count) counts and \(revenues.count) revenues for \(quantiles) × \(quantiles) cells")
            self.quantiles = quantiles; self.customerCounts = customerCounts; self.revenues = revenues
        }

        /// Tallies per-customer scores into the grid in one pass; `r`, `f` and `revenueCents` align
        /// (as in `RFMResult`), and every score is in 1...`quantiles` (the scorer's postcondition).
        /// - Complexity: O(n) time, O(N²) memory.
        package init(r: [UInt8], f: [UInt8], revenueCents: [Int64], quantiles: Int) {
            let cells = Self.cells(r: r, f: f, revenueCents: revenueCents, quantiles: quantiles)
            self.init(quantiles: quantiles, customerCounts: cells.customers, cents: cells.cents)
        }

        /// From per-cell customers and net cents (`cells`, or their sums over partitions).
        package init(quantiles: Int, customerCounts: [Int], cents: [Int64]) {
            self.init(quantiles: quantiles, customerCounts: customerCounts, revenues: cents.map { Double($0) / 100 })
        }

        /// Per (R, F) cell, row-major by R then F: the customers and their net cents, exact integers.
        package static func cells(r: [UInt8], f: [UInt8], revenueCents: [Int64], quantiles n: Int) -> (customers: [Int], cents: [Int64]) {
            precondition(r.count == f.count && f.count == revenueCents.count, "RFMGrid: r, f and revenue must align (\(r.count), \(f.count), \(revenueCents.count))")
            precondition(n >= 1 && n <= 255, "RFMGrid: quantiles = \(n) should be in 1...255")
            var counts = [Int](repeating: 0, count: n * n)
            var cents = [Int64](repeating: 0, count: n * n)
            for k in r.indices {
                let ri = Int(r[k]) - 1, fi = Int(f[k]) - 1
                precondition(ri >= 0 && ri < n && fi >= 0 && fi < n, "RFMGrid: score (\(r[k]), \(f[k])) outside 1...\(n)")
                counts[ri * n + fi] += 1
                cents[ri * n + fi] += revenueCents[k]
            }
            return (counts, cents)
        }

        package func customers(r: Int, f: Int) -> Int { customerCounts[(r - 1) * quantiles + (f - 1)] }
        package func revenue(r: Int, f: Int) -> Double { revenues[(r - 1) * quantiles + (f - 1)] }
        package var totalCustomers: Int { customerCounts.reduce(0, +) }
        package var totalRevenue: Double { revenues.reduce(0, +) }
    }

    /// Four groups of customers split on two measures at stated thresholds.
    package struct QuadrantMatrix: Sendable, Equatable {
        package struct Group: Sendable, Equatable {
            package var name: String
            package var customers: Int
            /// The group's total of `valueName` (e.g. predicted CLV), if any.
            package var value: Double? = nil
            /// What the group means (its fill); nil: filled by its share of customers.
            package var tone: SVGPalette.Tone? = nil
            package init(name: String, customers: Int, value: Double? = nil, tone: SVGPalette.Tone? = nil) {
                self.name = name; self.customers = customers; self.value = value; self.tone = tone
            }
        }
        package var xTitle: String
        package var yTitle: String
        /// How each measure is split, e.g. "split at the median, 84.20".
        package var xSplit: String? = nil
        package var ySplit: String? = nil
        /// What `Group.value` sums, e.g. "predicted CLV"; `nil` when groups carry no value.
        package var valueName: String? = nil
        package var lowXLowY: Group
        package var highXLowY: Group
        package var lowXHighY: Group
        package var highXHighY: Group

        package init(xTitle: String, yTitle: String, xSplit: String? = nil, ySplit: String? = nil, valueName: String? = nil,
             lowXLowY: Group, highXLowY: Group, lowXHighY: Group, highXHighY: Group) {
            self.xTitle = xTitle; self.yTitle = yTitle; self.xSplit = xSplit; self.ySplit = ySplit; self.valueName = valueName
            self.lowXLowY = lowXLowY; self.highXLowY = highXLowY; self.lowXHighY = lowXHighY; self.highXHighY = highXHighY
        }

        /// The satisfaction–loyalty matrix (Jones & Sasser 1995): x satisfaction, y loyalty.
        package static func satisfactionLoyalty(loyalists: Int, mercenaries: Int, hostages: Int, defectors: Int,
                                        satisfactionSplit: String? = nil, loyaltySplit: String? = nil) -> QuadrantMatrix {
            QuadrantMatrix(xTitle: "satisfaction", yTitle: "loyalty", xSplit: satisfactionSplit, ySplit: loyaltySplit,
                           lowXLowY: .init(name: "Defectors", customers: defectors, tone: .bad), highXLowY: .init(name: "Mercenaries", customers: mercenaries, tone: .watch),
                           lowXHighY: .init(name: "Hostages", customers: hostages, tone: .watch), highXHighY: .init(name: "Loyalists", customers: loyalists, tone: .good))
        }

        /// The meaning of each value quadrant (by its customers.csv name): most valuable to keep,
        /// growth potential to develop, declining to watch, low value low priority.
        package static let valueTone: [String: SVGPalette.Tone] = [
            "most_valuable": .good, "growth_potential": .promising, "declining": .watch, "low_value": .low,
        ]

        /// The current × future value matrix of `report.clv`: x historical CLV, y predicted CLV, each
        /// group's value its summed predicted CLV. Quadrants are found by their `customers.csv` names.
        package init(valueMatrix m: CLVReport.ValueMatrix) {
            func group(_ key: String) -> Group {
                let tone = Self.valueTone[key]
                guard let q = m.quadrants.first(where: { $0.quadrant == key }) else { return Group(name: key, customers: 0, tone: tone) }
                let name = q.title.range(of: " (").map { String(q.title[..<$0.lowerBound]) } ?? q.title
                return Group(name: name, customers: q.customers, value: q.futureValue, tone: tone)
            }
            self.init(xTitle: "current value", yTitle: "future value",
                      xSplit: m.currentThreshold.map { "high: historical CLV above " + SVGNumber.money($0) },
                      ySplit: m.futureThreshold.map { "high: predicted CLV above " + SVGNumber.money($0) },
                      valueName: "predicted CLV",
                      lowXLowY: group("low_value"), highXLowY: group("declining"), lowXHighY: group("growth_potential"), highXHighY: group("most_valuable"))
        }
    }

    /// Predicted against actual holdout purchases, per number of calibration repeat purchases
    /// (the check of Fader, Hardie & Lee 2005, fig. 2; `CLVReport.Holdout`).
    package struct HoldoutPurchases: Sendable, Equatable {
        package struct Bin: Sendable, Equatable {
            /// Repeat purchases in the calibration period: "0", "1", …, "7+".
            package var label: String
            package var customers: Int
            /// Mean holdout purchases per customer in the bin; `nil` when not defined.
            package var actual: Double?
            package var predicted: Double?
            package init(label: String, customers: Int, actual: Double?, predicted: Double?) {
                self.label = label; self.customers = customers; self.actual = actual; self.predicted = predicted
            }
        }
        package var calibrationEnd: String
        package var holdoutWeeks: Double?
        package var customers: Int
        package var bins: [Bin]
        package var totalActual: Double? = nil
        package var totalPredicted: Double? = nil
        package var meanAbsoluteError: Double? = nil
        /// The purchase model that predicted (the series' name).
        package var model = "BG/NBD"
        package init(calibrationEnd: String, holdoutWeeks: Double?, customers: Int, bins: [Bin], totalActual: Double? = nil,
             totalPredicted: Double? = nil, meanAbsoluteError: Double? = nil) {
            self.calibrationEnd = calibrationEnd; self.holdoutWeeks = holdoutWeeks; self.customers = customers; self.bins = bins
            self.totalActual = totalActual; self.totalPredicted = totalPredicted; self.meanAbsoluteError = meanAbsoluteError
        }

        /// The holdout table of `report.clv`.
        package init(holdout h: CLVReport.Holdout, calibrationEnd: String) {
            self.init(calibrationEnd: calibrationEnd, holdoutWeeks: h.holdoutWeeks, customers: h.customers,
                      bins: h.buckets.map { Bin(label: $0.calibrationFrequency, customers: $0.customers, actual: $0.actualMean, predicted: $0.predictedMean) },
                      totalActual: h.actualPurchases, totalPredicted: h.predictedPurchases, meanAbsoluteError: h.meanAbsoluteError)
            model = h.model ?? "BG/NBD"
        }
    }

    /// k-means cluster profiles: per cluster its size and each feature's mean.
    package struct ClusterProfiles: Sendable, Equatable {
        package struct Cluster: Sendable, Equatable {
            package var label: String
            package var customers: Int
            package var share: Double
            /// One per feature, in original units.
            package var means: [Double]
            /// One per feature, in the standardised space the clustering used (colours the cells).
            package var standardizedMeans: [Double]
            /// From the profile (`ClusterReport.name`), e.g. "High value, recent"; nil: unnamed.
            package var name: String? = nil
            package init(label: String, customers: Int, share: Double, means: [Double], standardizedMeans: [Double], name: String? = nil) {
                self.label = label; self.customers = customers; self.share = share; self.means = means; self.standardizedMeans = standardizedMeans
                self.name = name
            }
        }
        package var features: [String]
        package var clusters: [Cluster]
        package var inertia: Double? = nil
        package var silhouette: Double? = nil
        /// Per feature, +1 when higher is better for the business, −1 when lower is (recency days,
        /// complaints): the cells are coloured worse (brown) / better (teal) than average. nil:
        /// coloured above (red) / below (blue) average.
        package var directions: [Double]? = nil
        package init(features: [String], clusters: [Cluster], inertia: Double? = nil, silhouette: Double? = nil) {
            precondition(clusters.allSatisfy { $0.means.count == features.count && $0.standardizedMeans.count == features.count },
                         "ClusterProfiles: every cluster needs one mean per feature (\(features.count))")
            self.features = features; self.clusters = clusters; self.inertia = inertia; self.silhouette = silhouette
        }
    }

    /// Correlations of satisfaction measures (rows) with loyalty measures (columns).
    package struct CorrelationMatrix: Sendable, Equatable {
        package var method: String
        package var group: String
        package var n: Int
        package var rowNames: [String]
        package var columnNames: [String]
        /// Row-major, rows × columns.
        package var coefficients: [Double]
        /// Same layout, two-sided p-values; `nil` when not computed.
        package var pValues: [Double]? = nil
        package init(method: String, group: String = "all customers", n: Int, rowNames: [String], columnNames: [String], coefficients: [Double], pValues: [Double]? = nil) {
            precondition(coefficients.count == rowNames.count * columnNames.count && (pValues == nil || pValues!.count == coefficients.count),
                         "CorrelationMatrix: \(coefficients.count) coefficients for \(rowNames.count) × \(columnNames.count)")
            self.method = method; self.group = group; self.n = n; self.rowNames = rowNames; self.columnNames = columnNames
            self.coefficients = coefficients; self.pValues = pValues
        }
    }

    /// The ROC curve on held-out customers, thinned to a few hundred points by its producer, and
    /// the recency-only baseline's curve on the same customers when there is one.
    package struct ROCCurve: Sendable, Equatable {
        /// A comparison curve: its rates and its AUC.
        package struct Baseline: Sendable, Equatable {
            package var name: String
            package var falsePositiveRate: [Double]
            package var truePositiveRate: [Double]
            package var auc: Double
            package init(name: String, falsePositiveRate: [Double], truePositiveRate: [Double], auc: Double) {
                precondition(falsePositiveRate.count == truePositiveRate.count, "ROCCurve.Baseline: rates must align")
                self.name = name; self.falsePositiveRate = falsePositiveRate; self.truePositiveRate = truePositiveRate; self.auc = auc
            }
        }
        package var falsePositiveRate: [Double]
        package var truePositiveRate: [Double]
        /// From all scores, whatever points the curve keeps.
        package var auc: Double
        package var positives: Int
        package var negatives: Int
        /// Where the points are, for the caption: "every threshold", "the ten decile cut-offs".
        package var cutOffs: String
        package var baseline: Baseline?
        package init(falsePositiveRate: [Double], truePositiveRate: [Double], auc: Double, positives: Int, negatives: Int, cutOffs: String = "every threshold",
             baseline: Baseline? = nil) {
            precondition(falsePositiveRate.count == truePositiveRate.count, "ROCCurve: rates must align")
            self.falsePositiveRate = falsePositiveRate; self.truePositiveRate = truePositiveRate; self.auc = auc
            self.positives = positives; self.negatives = negatives; self.cutOffs = cutOffs; self.baseline = baseline
        }
    }

    /// Lift and cumulative gains by decile of predicted risk (decile 1 = riskiest).
    package struct LiftGains: Sendable, Equatable {
        package struct Decile: Sendable, Equatable {
            package var decile: Int
            package var customers: Int
            package var positives: Int
            /// The decile's churn rate over the overall rate.
            package var lift: Double
            /// Share of all churners in deciles 1...this one.
            package var cumulativeGain: Double
            package init(decile: Int, customers: Int, positives: Int, lift: Double, cumulativeGain: Double) {
                self.decile = decile; self.customers = customers; self.positives = positives; self.lift = lift; self.cumulativeGain = cumulativeGain
            }
        }
        package var baseRate: Double
        package var deciles: [Decile]
        package init(baseRate: Double, deciles: [Decile]) { self.baseRate = baseRate; self.deciles = deciles }
    }

    /// Reliability bins: mean predicted probability against observed rate.
    package struct CalibrationCurve: Sendable, Equatable {
        package struct Bin: Sendable, Equatable {
            package var meanPredicted: Double
            package var observedRate: Double
            package var customers: Int
            package init(meanPredicted: Double, observedRate: Double, customers: Int) {
                self.meanPredicted = meanPredicted; self.observedRate = observedRate; self.customers = customers
            }
        }
        package var bins: [Bin]
        package var brier: Double? = nil
        package var logLoss: Double? = nil
        package init(bins: [Bin], brier: Double? = nil, logLoss: Double? = nil) { self.bins = bins; self.brier = brier; self.logLoss = logLoss }
    }
}

// MARK: - Payloads from the run report
//
// Mappings of the kernels' report values; the only arithmetic is presentation: the colour scale of
// the cluster profiles and the ROC curve's counts as rates.

extension HTMLReportInput.ClusterProfiles {
    /// The profiles of `report.clusters`, labelled by cluster number (1 = largest) and named from
    /// their profiles. Each cell is coloured by z = (mean_k − m) / s (`ClusterReport.standardizedMeans`)
    /// signed by the feature's direction, so teal is better and brown worse than the average
    /// customer. Empty clusters (mean `nil`) draw grey cells.
    package init(report: ClusterReport) {
        let features = report.profileNames
        let j = features.count
        let z = ClusterReport.standardizedMeans(report.profiles, features: j)
        let clusters = zip(report.profiles, z).map { p, z -> Cluster in
            let means = (0..<j).map { f in f < p.means.count ? (p.means[f] ?? .nan) : .nan }
            return Cluster(label: String(p.cluster), customers: p.customers, share: p.share, means: means, standardizedMeans: z, name: p.name)
        }
        self.init(features: features, clusters: clusters, inertia: report.inertia, silhouette: report.silhouette?[String(report.k)])
        directions = features.map(ClusterReport.direction(of:))
    }
}

extension HTMLReportInput.LiftGains {
    /// Lift and cumulative gains by decile of `report.churn.model` (decile 1 = highest predicted
    /// probability); base rate = churners / rows; undefined values draw nothing.
    package init(evaluation e: ChurnReport.Evaluation) {
        self.init(baseRate: e.rows > 0 ? Double(e.churners) / Double(e.rows) : .nan, deciles: e.deciles.map {
            Decile(decile: $0.decile, customers: $0.customers, positives: $0.churners, lift: $0.lift ?? .nan, cumulativeGain: $0.cumulativeGain ?? .nan)
        })
    }
}

extension HTMLReportInput.CalibrationCurve {
    /// Observed churn rate against mean predicted probability per decile of `report.churn.model`,
    /// lowest prediction first; deciles without both numbers are left out.
    package init(evaluation e: ChurnReport.Evaluation) {
        let bins = e.deciles.compactMap { d -> Bin? in
            guard let p = d.meanPredicted, let o = d.observedRate else { return nil }
            return Bin(meanPredicted: p, observedRate: o, customers: d.customers)
        }.sorted { $0.meanPredicted < $1.meanPredicted }
        self.init(bins: bins, brier: e.brierScore, logLoss: e.logLoss)
    }
}

extension HTMLReportInput.ROCCurve {
    /// The ROC curve of `report.churn.model` (`ChurnReport.ROC`: TPR = true positives / churners,
    /// FPR = false positives / (rows − churners)) with the AUC as reported (from every score), and
    /// `baseline`'s curve beside it when it has one. `nil` without a curve, an AUC or both classes.
    package init?(evaluation e: ChurnReport.Evaluation, baseline: ChurnReport.Evaluation? = nil) {
        guard let (fpr, tpr) = Self.rates(e), let auc = e.auc else { return nil }
        let base = baseline.flatMap { b -> Baseline? in
            guard let (fpr, tpr) = Self.rates(b), let auc = b.auc else { return nil }
            return Baseline(name: "recency only", falsePositiveRate: fpr, truePositiveRate: tpr, auc: auc)
        }
        self.init(falsePositiveRate: fpr, truePositiveRate: tpr, auc: auc, positives: e.churners, negatives: e.rows - e.churners,
                  cutOffs: "\(SVGNumber.grouped(fpr.count)) points of the exact curve", baseline: base)
    }

    private static func rates(_ e: ChurnReport.Evaluation) -> (fpr: [Double], tpr: [Double])? {
        let negatives = e.rows - e.churners
        guard let roc = e.roc, e.churners > 0, negatives > 0 else { return nil }
        return (roc.falsePositives.map { Double($0) / Double(negatives) }, roc.truePositives.map { Double($0) / Double(e.churners) })
    }
}
