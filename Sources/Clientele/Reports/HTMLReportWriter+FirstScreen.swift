/// The first screen of report.html — the run's answers, then what to do tomorrow — and the
/// one-line definition under each section's heading.
extension HTMLReportWriter {
    /// "At a glance": customers, active share, revenue, predicted value, value at risk, each from
    /// `report.summary` (the same numbers as report.json's `summary`).
    func summarySection() -> String {
        guard let s = report.summary else { return "" }
        func figure(_ label: String, _ value: String, _ detail: String? = nil, risk: Bool = false) -> String {
            "<li\(risk ? " class=\"risk\"" : "")><span class=\"label\">\(e(label))</span><span class=\"figure\">\(e(value))</span>"
                + (detail.map { "<span class=\"detail\">\(e($0))</span>" } ?? "") + "</li>"
        }
        var h = "<section id=\"summary\" class=\"report-section summary\">\n<h2>At a glance</h2>\n"
        h += "<p class=\"definition\">As of \(e(report.settings.asOf)). Active: at least one order in the \(s.activeWindowDays) days before as-of. "
        h += "Money is written like \(e(SVGNumber.money(1234.5)))\(report.settings.currency == nil ? " (no currency symbol: set [run] currency)" : "").</p>\n<ul class=\"figures\">"
        h += figure("customers", SVGNumber.grouped(s.customers))
        h += figure("active customers", s.activeShare.map { SVGNumber.percent($0) } ?? SVGNumber.missing, "\(SVGNumber.grouped(s.activeCustomers)) ordered in the last \(s.activeWindowDays) days")
        h += figure("net revenue to date", SVGNumber.money(s.netRevenue))
        if let v = s.predictedValue {
            var detail = s.horizonMonths.map { "over the next \($0) months" } ?? ""
            if let lo = s.predictedValueLow, let hi = s.predictedValueHigh, let level = s.predictedValueLevel {
                detail += "; \(SVGNumber.percent(level, digits: 0)) interval \(SVGNumber.money(lo)) – \(SVGNumber.money(hi))"
            }
            h += figure("predicted value", SVGNumber.money(v), detail)
        } else {
            h += figure("predicted value", SVGNumber.missing, "CLV did not run")
        }
        if let r = s.valueAtRisk {
            h += figure("value at risk", SVGNumber.money(r), "Σ churn probability × \(s.valueAtRiskBasis ?? "value") (churn_risk.csv)", risk: true)
        } else {
            h += figure("value at risk", SVGNumber.missing, "the churn model did not run", risk: true)
        }
        return h + "</ul>\n</section>\n"
    }

    /// "What to do tomorrow": segments with size, value and action; the customers with the most
    /// value at risk; movers since the previous run when there is a history.
    func actionsSection() -> String {
        guard let s = report.summary else { return "" }
        let hasPredicted = s.segments.contains { $0.predictedValue != nil }
        var h = "<section id=\"actions\" class=\"report-section actions\">\n<h2>What to do tomorrow</h2>\n"
        h += "<p class=\"definition\">Each RFM segment with its size, value and a recommended action (defaults per standard segment; "
        h += "replace them in the job file under [rfm.actions]).</p>\n"
        h += "<table class=\"segment-actions\"><caption>Segments and actions</caption><thead><tr><th>segment</th><th class=\"num\">customers</th>"
        h += "<th class=\"num\">share</th><th class=\"num\">net revenue</th>\(hasPredicted ? "<th class=\"num\">predicted value</th>" : "")<th>recommended action</th></tr></thead><tbody>"
        for g in s.segments {
            h += "<tr><td>\(e(g.segment))</td>\(num(g.customers))<td class=\"num\">\(SVGNumber.percent(g.share))</td><td class=\"num\">\(SVGNumber.money(g.revenue))</td>"
            if hasPredicted { h += "<td class=\"num\">\(g.predictedValue.map(SVGNumber.money) ?? SVGNumber.missing)</td>" }
            h += "<td class=\"action\">\(g.action.map(e) ?? "—")</td></tr>"
        }
        h += "</tbody></table>\n<div class=\"actions-grid\">\n"
        if s.valueAtRisk != nil {
            h += "<table class=\"top-at-risk\"><caption>Most value at risk (top \(s.topAtRisk.count) of churn_risk.csv)</caption><thead><tr><th class=\"num\">rank</th>"
            h += "<th>customer</th><th>segment</th><th class=\"num\">churn probability</th><th class=\"num\">\(e(s.valueAtRiskBasis ?? "value"))</th>"
            h += "<th class=\"num\">value at risk</th></tr></thead><tbody>"
            for c in s.topAtRisk {
                h += "<tr><td class=\"num\">\(c.rank)</td><td>\(e(c.customerId))</td><td>\(e(c.segment ?? "—"))</td>"
                h += "<td class=\"num\">\(SVGNumber.fixed(c.churnProbability, digits: 3))</td><td class=\"num\">\(SVGNumber.money(c.value))</td>"
                h += "<td class=\"num\">\(SVGNumber.money(c.valueAtRisk))</td></tr>"
            }
            h += "</tbody></table>\n"
        } else {
            h += "<p class=\"muted\">Most value at risk: none listed, the churn model did not run (see Run and inputs).</p>\n"
        }
        h += moversHTML(s.movers)
        return h + "</div>\n</section>\n"
    }

    private func moversHTML(_ m: RunSummary.Movers?) -> String {
        guard let m else {
            return "<p class=\"muted movers\">Movers since the previous run: run with <code>--history DB</code> (or [run] history) to compare runs.</p>\n"
        }
        var h = "<div class=\"movers\"><table class=\"flows\"><caption>Movers since the previous run (run \(m.previousRunId), as of \(e(m.previousAsOf)))</caption>"
        h += "<tbody><tr><th>customers in both runs</th>\(num(m.matched))</tr><tr><th>changed segment</th>\(num(m.changed))</tr>"
        h += "<tr><th>new since then</th>\(num(m.newCustomers))</tr><tr><th>gone since then</th>\(num(m.goneCustomers))</tr>"
        h += "<tr><th>valuable → at risk</th>\(num(m.movedDownCustomers))</tr></tbody></table>"
        if !m.flows.isEmpty {
            h += "<table class=\"flows\"><caption>Largest moves between segments</caption><thead><tr><th>from</th><th>to</th><th class=\"num\">customers</th></tr></thead><tbody>"
            for f in m.flows { h += "<tr><td>\(e(f.from))</td><td>\(e(f.to))</td>\(num(f.customers))</tr>" }
            h += "</tbody></table>"
        }
        if !m.movedDown.isEmpty {
            h += "<table class=\"moved-down\"><caption>Most valuable customers who moved down</caption><thead><tr><th>customer</th><th>from</th><th>to</th>"
            h += "<th class=\"num\">value</th></tr></thead><tbody>"
            for c in m.movedDown {
                h += "<tr><td>\(e(c.customerId))</td><td>\(e(c.from))</td><td>\(e(c.to))</td><td class=\"num\">\(SVGNumber.money(c.value))</td></tr>"
            }
            h += "</tbody></table>"
        }
        return h + "</div>\n"
    }

    /// The one-line "how to read" under a section's heading, from the report's settings.
    func definition(_ section: HTMLReportInput.Section) -> String? {
        let s = report.settings
        switch section {
        case .rfmGrid:
            return "R and F scores run 1 to \(s.rfmQuantiles) (\(s.rfmQuantiles) = most recent, most frequent): quantiles of days since the last order and of orders as of \(s.asOf), ties rule \(s.rfmTies)."
        case .segments:
            return "Segments are named cells of the R × F grid; shares are of scored customers and of net revenue to date."
        case .cohorts:
            return "A cohort is the customers whose first order fell in a month; a customer counts as active in a month with at least one order."
        case .valueMatrix:
            guard let clv = report.clv else { return nil }
            let m = clv.valueMatrix
            return "Current value: historical CLV (net revenue × margin \(SVGNumber.fixed(clv.margin, digits: 2))); future value: predicted CLV over \(clv.horizonMonths) months, "
                + "discounted \(SVGNumber.fixed(clv.monthlyDiscountRate * 100, digits: 2))% a month. High current value: above \(m.currentThreshold.map(SVGNumber.money) ?? "—"); "
                + "high future value: above \(m.futureThreshold.map(SVGNumber.money) ?? "—"). Green: keep; light green: develop; amber: watch; grey: low priority."
        case .holdout:
            guard let clv = report.clv else { return nil }
            return "The purchase model is fitted on orders up to \(clv.calibrationEnd) and predicts the purchases after it: bars close together mean predictions to trust."
        case .concentration:
            return "Net value: each scored customer's net revenue to date (returns subtracted). Customers are ranked from the most valuable; the curve gives the share of all net value that the top share of customers brings."
        case .clvDistribution:
            guard let clv = report.clv else { return nil }
            return "Predicted CLV per customer over \(clv.horizonMonths) months, discounted \(SVGNumber.fixed(clv.monthlyDiscountRate * 100, digits: 2))% a month; bars give each bin's share of customers and of total predicted value."
        case .aliveMatrix:
            return "P(alive): the chosen purchase model's probability that a customer is still buying, averaged by repeat purchases and by weeks from first to last order, as of \(s.asOf)."
        case .tracking:
            guard let clv = report.clv else { return nil }
            return "Weekly repeat purchases of the customers who had bought by \(clv.calibrationEnd): what the model expects against what happened; after the dashed line (the calibration end) the model has not seen the data."
        case .clusters:
            return "k-means on standardised features. Names list the features at least \(SVGNumber.fixed(ClusterReport.namingThreshold, digits: 1)) spreads from the average, strongest first; teal cells are better for the business than average, brown worse."
        case .correlations:
            return "Correlation runs from −1 to 1: positive when customers more satisfied are also more loyal; * marks p < 0.05."
        case .satisfactionLoyalty:
            guard let t = report.satisfaction?.thresholds else { return nil }
            return "Satisfied: mean CSAT ≥ \(SVGNumber.fixed(t.satisfiedAtLeast, digits: 2)); loyal: \(t.loyaltyMeasure) ≥ \(SVGNumber.fixed(t.loyalAtLeast, digits: 2)). Green: loyalists; amber: mercenaries and hostages; red: defectors."
        case .roc, .liftGains, .calibration:
            guard let c = report.churn else { return nil }
            let label = "Churned: bought by \(c.calibrationEnd) and nothing after it, up to \(s.asOf)."
            switch section {
            case .roc: return label + " AUC 0.5 is chance, 1 a perfect ranking."
            case .liftGains: return label + " Lift: the decile's churn rate over the overall rate (1 = no better than random)."
            default: return label + " Points on the diagonal: predicted probabilities match observed rates."
            }
        }
    }
}
