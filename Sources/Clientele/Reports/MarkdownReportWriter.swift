import ClienteleKernels

/// `report.md`: the key numbers as tables, readable in a terminal. Every string from data or the job
/// file goes through `escaped(_:)` (`MarkdownEscaping`); numbers and dates are formatted here.
package struct MarkdownReportWriter {
    package let report: RunReport

    package init(report: RunReport) {
        self.report = report
    }

    package func text() -> String {
        var md = "# Clientele report\n\n"
        let s = report.settings
        md += "As of **\(s.asOf)**\(s.asOfDefaulted ? " (the day after the last transaction)" : ""); "
        md += "RFM with \(s.rfmQuantiles) quantiles, ties `\(s.rfmTies)`, monetary `\(s.rfmMonetary)`, margin \(s.margin)"
        md += (s.rfmFrequencyBreaks.map { "; F from frequency breaks [" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "") + ".\n\n"
        if let summary = report.summary { md += firstScreen(summary) }
        md += warningsSection(ReportWarnings.derive(from: report))

        md += "## RFM segments\n\nSegments are named cells of the R × F grid (R and F scores 1 to \(s.rfmQuantiles), \(s.rfmQuantiles) = most recent, most frequent).\n\n"
        md += "| segment | customers | share | revenue | revenue share | mean recency (days) | mean frequency | mean monetary |\n"
        md += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for g in report.rfm.segments {
            md += "| \(escaped(g.segment)) | \(g.customers) | \(pct(g.share)) | \(money(g.revenue)) | \(g.revenueShare.map(pct) ?? "—") | "
            md += "\(g.meanRecencyDays.map { format($0, digits: 1) } ?? "—") | \(g.meanFrequency.map { format($0, digits: 2) } ?? "—") | "
            md += "\(g.meanMonetary.map(money) ?? "—") |\n"
        }
        if let concentration = report.concentration { md += concentrationSection(concentration) }
        if let cohorts = report.cohorts, !cohorts.cohorts.isEmpty { md += cohortSection(cohorts) }
        if let clusters = report.clusters { md += clusterSection(clusters) }
        if let clv = report.clv { md += clvSection(clv) }
        if let charts = report.clvCharts { md += clvChartsSection(charts) }
        if let satisfaction = report.satisfaction { md += satisfactionSection(satisfaction) }
        if let churn = report.churn { md += churnSection(churn) }
        if !report.skipped.isEmpty {
            md += "\n## Not run\n\n"
            for k in report.skipped { md += "- **\(escaped(k.section))**: \(escaped(k.reason))\n" }
        }

        // Settings, accounting and timings last: the run and its inputs.
        md += "\n## Run and inputs\n\n"
        md += "Transactions \(escaped(s.transactions))\(s.interactions.map { ", interactions " + escaped($0) } ?? ""); calibration end \(s.calibrationEnd ?? "not set"); "
        md += "bad rows \(s.onBadRow) (at most \(pct(s.maxRejectShare)) rejected); seed \(s.seed); "
        md += "money written like \(money(1234.5))\(s.currency == nil ? " (no currency symbol: set [run] currency)" : "").\n\n"
        md += "### Inputs\n\n| file | rows read | used | rejected | rejected by reason |\n|---|---:|---:|---:|---|\n"
        for f in report.inputs {
            let reasons = f.rejectedByReason.sorted { $0.key < $1.key }.map { "\(escaped($0.key)): \($0.value)" }.joined(separator: ", ")
            md += "| \(escaped(f.role)) \(escaped(f.path)) | \(f.rowsRead) | \(f.rowsUsed) | \(f.rowsRejected) | \(reasons.isEmpty ? "—" : reasons) |\n"
        }
        for f in report.inputs {
            if let after = f.rowsAfterAsOf, after > 0 {
                md += "\n\(after) \(escaped(f.role)) rows are dated on or after as-of \(s.asOf); they are counted as used and left out of the analysis.\n"
            }
            if let unmatched = f.rowsUnmatchedCustomer, unmatched > 0 {
                let examples = (f.unmatchedCustomerExamples ?? []).map(escaped).joined(separator: ", ")
                md += "\n\(unmatched) \(escaped(f.role)) rows (\(f.unmatchedCustomers ?? 0) customer ids, e.g. \(examples)) name customers with no transaction; they are counted as used and kept out of the analysis.\n"
            }
            if let unknown = f.rowsUnknownKind, unknown > 0 {
                let kinds = (f.unknownKinds ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { "\($0.key.isEmpty ? "(blank)" : escaped($0.key)): \($0.value)" } + (f.unknownKindsUnlistedRows.map { ["other kinds: \($0)"] } ?? [])
                md += "\n\(unknown) \(escaped(f.role)) rows have a kind Clientele does not know (\(kinds.joined(separator: ", "))); they are counted as `other`.\n"
            }
        }
        if let r = report.results {
            let tables = [r.customersTable, r.segmentsTable, r.runsTable].map { escaped((r.schema.map { $0 + "." } ?? "") + $0) }.joined(separator: ", ")
            md += "\nThe results are also in PostgreSQL \(escaped(r.sink)), tables \(tables), run_id `\(r.runId)`.\n"
        }
        let c = report.customers
        md += "\n### Customers\n\n| | |\n|---|---:|\n"
        md += "| customers with transactions | \(c.inTransactions) |\n| scored as of \(s.asOf) | \(c.scored) |\n"
        md += "| not yet active (first order on or after as-of) | \(c.notYetActive) |\n| orders | \(c.orders) |\n"
        md += "| net revenue | \(money(c.netRevenue)) |\n"
        md += "\n### Timings\n\n| stage | seconds |\n|---|---:|\n"
        for (stage, seconds) in report.timings.sorted(by: { $0.key < $1.key }) { md += "| \(escaped(stage)) | \(format(seconds, digits: 3)) |\n" }
        md += "\n_clientele \(report.tool.version), started \(report.startedAt)_\n"
        return MarkdownLayout.fitted(md)
    }

    /// What to doubt, before any table: one line per warning with its section and code; nothing
    /// when no warning fired.
    private func warningsSection(_ warnings: [ReportWarning]) -> String {
        guard !warnings.isEmpty else { return "" }
        var md = "## Warnings\n\n"
        for w in warnings { md += "- **\(w.section.rawValue)** (`\(w.code.rawValue)`): \(escaped(w.message))\n" }
        return md + "\n"
    }

    /// Share of each cohort ordering, and revenue per customer, by month since the first order: two
    /// triangles of the newest cohorts (split into parts of 100 columns by `MarkdownLayout`).
    private func cohortSection(_ c: CohortReport) -> String {
        let shown = c.shownCohorts
        let columns = shown.map(\.activeCustomers.count).max() ?? 0
        var md = "\n## Cohort retention\n\n"
        md += "Customers grouped by the month of their first order (cohort), followed month by month up to \(c.lastDay)"
        md += c.lastMonthComplete ? ". " : " (\(c.lastMonth) is partial). "
        md += "\(c.reading)"
        let cut = c.shownIsCut
        if cut.cohorts { md += " The newest \(shown.count) of \(c.cohorts.count) cohorts are shown; all are in cohorts.csv." }
        if cut.months { md += " Months since the first order up to \(CohortReport.shownMonthsSince - 1) are shown; all are in cohorts.csv." }
        md += "\n"
        func table(_ heading: String, _ cell: (CohortReport.Cohort, Int) -> String) -> String {
            var t = "\n### \(heading)\n\n| cohort | customers | " + (0..<columns).map(String.init).joined(separator: " | ") + " |\n"
            t += "|---|---|" + String(repeating: "---:|", count: columns) + "\n"
            for g in shown {
                t += "| \(g.cohortMonth) | \(g.customers) | "
                t += (0..<columns).map { k in k < g.activeCustomers.count ? cell(g, k) : "" }.joined(separator: " | ") + " |\n"
            }
            return t
        }
        md += table("Share of the cohort with an order (%), by months since the first order") { g, k in format(g.activeShare[k] * 100, digits: 1) }
        md += table("Net revenue per cohort customer, by months since the first order") { g, k in money(g.revenuePerCustomer[k]) }
        return md
    }

    private func clusterSection(_ c: ClusterReport) -> String {
        var md = "\n## Clusters (k-means, k = \(c.k))\n\n"
        md += "Features: \(c.features.map(escaped).joined(separator: ", ")), standardised; \(c.restarts) restarts, "
        md += "inertia \(c.inertia.map { format($0, digits: 1) } ?? "—"), \(c.iterations) iterations\(c.converged ? "" : " (**not converged**)").\n\n"
        md += "Names list the features at least \(format(ClusterReport.namingThreshold, digits: 1)) spreads of the cluster means from the average, strongest first, "
        md += "in the business's direction (fewer days since the last order is \"recent\").\n\n"
        md += "| cluster | name | customers | share | " + c.profileNames.map { "mean \(escaped($0))" }.joined(separator: " | ") + " |\n"
        md += "|---:|---|---:|---:|" + String(repeating: "---:|", count: c.profileNames.count) + "\n"
        for p in c.profiles {
            md += "| \(p.cluster) | \(p.name.map(escaped) ?? "—") | \(p.customers) | \(pct(p.share)) | " + p.means.map { $0.map { format($0, digits: 2) } ?? "—" }.joined(separator: " | ") + " |\n"
        }
        return md
    }

    private func satisfactionSection(_ s: SatisfactionReport) -> String {
        func n(_ x: Double?, _ digits: Int = 3) -> String { x.map { format($0, digits: digits) } ?? "—" }
        func p(_ x: Double?) -> String { x.map { $0 < 1e-4 ? "< 0.0001" : format($0, digits: 4) } ?? "—" }
        func nps(_ v: SatisfactionReport.NPS) -> String { v.score.map { format($0, digits: 1) } ?? "—" }
        let t = s.thresholds
        var md = "\n## Satisfaction and loyalty\n\n"
        md += "\(s.respondents) scored customers answered a survey item (\(s.satisfactionRespondents) CSAT, \(s.recommendRespondents) recommend); "
        md += "mean CSAT \(n(s.meanSatisfaction, 2)); \(s.complaints) complaints from \(s.customersWithComplaints) customers. "
        md += "**NPS \(nps(s.nps))** (\(s.nps.promoters) promoters ≥ \(format(t.promoterAtLeast, digits: 0)), \(s.nps.passives) passives, "
        md += "\(s.nps.detractors) detractors ≤ \(format(t.detractorAtMost, digits: 0))).\n\n"
        md += "### Satisfaction–loyalty matrix (Jones & Sasser 1995)\n\n"
        md += "Satisfied: mean CSAT ≥ \(format(t.satisfiedAtLeast, digits: 2)); loyal: \(escaped(t.loyaltyMeasure)) ≥ \(format(t.loyalAtLeast, digits: 2)); "
        md += "\(s.classified) customers classified.\n\n"
        md += "| group | customers | share | mean CSAT | mean \(escaped(t.loyaltyMeasure)) | NPS |\n|---|---:|---:|---:|---:|---:|\n"
        for q in s.quadrants {
            md += "| \(escaped(q.title)) | \(q.customers) | \(q.share.map(pct) ?? "—") | \(n(q.meanSatisfaction, 2)) | \(n(q.meanLoyalty, 2)) | \(nps(q.nps)) |\n"
        }
        md += "\n### Correlations (all respondents; pairwise-complete n)\n\n"
        if s.loyaltyMeasures.contains(SatisfactionLoyaltyAnalysis.retainedName) {
            md += "\(escaped(SatisfactionLoyaltyAnalysis.retainedName)) is paired with satisfaction measured up to the calibration end. "
        }
        md += "Pearson's interval: Fisher z, \(format(s.confidenceLevel * 100, digits: 0))%. Per segment: correlations.csv.\n\n"
        md += "| satisfaction | loyalty | n | Pearson r [interval] | p | Spearman ρ | p | Kendall τ-b | p |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for c in s.correlations where c.group == "all" {
            let interval = c.pearsonCILow.map { "[\(n($0)), \(n(c.pearsonCIHigh))]" } ?? ""
            md += "| \(escaped(c.x)) | \(escaped(c.y)) | \(c.n) | \(c.pearsonR.map { n($0) + " " + interval } ?? "—") | \(p(c.pearsonP)) | "
            md += "\(n(c.spearmanRho)) | \(p(c.spearmanP)) | \(n(c.kendallTauB)) | \(p(c.kendallP)) |\n"
        }
        md += "\n### NPS by segment\n\n| segment | customers | respondents | promoters | passives | detractors | NPS |\n|---|---:|---:|---:|---:|---:|---:|\n"
        for g in s.npsBySegment where g.customers > 0 {
            md += "| \(escaped(g.segment)) | \(g.customers) | \(g.nps.respondents) | \(g.nps.promoters) | \(g.nps.passives) | \(g.nps.detractors) | \(nps(g.nps)) |\n"
        }
        return md
    }

    private func churnSection(_ c: ChurnReport) -> String {
        func n(_ x: Double?, _ digits: Int = 3) -> String { x.map { format($0, digits: digits) } ?? "—" }
        var md = "\n## Churn early warning (logistic regression)\n\n"
        md += "Label: bought by \(escaped(c.calibrationEnd)), nothing after; \(c.labelledCustomers) customers (churn rate \(c.churnRate.map(pct) ?? "—")), "
        md += "\(c.trainingRows) for training, \(c.testRows) held out. \(c.iterations) Newton iterations\(c.converged ? "" : " (**not converged**)"); "
        md += "McFadden pseudo-R² \(n(c.pseudoRSquared)), AIC \(n(c.aic, 1)).\n\n"
        md += "| term | coefficient (per SD) | std. error | p-value | odds ratio per SD | per unit |\n|---|---:|---:|---:|---:|---:|\n"
        for t in c.terms {
            md += "| \(escaped(t.term)) | \(n(t.coefficient, 4)) | \(n(t.standardError, 4)) | \(t.pValue.map { $0 < 1e-4 ? "< 0.0001" : format($0, digits: 4) } ?? "—") | \(n(t.oddsRatio)) | \(n(t.oddsRatioPerUnit, 4)) |\n"
        }
        md += "\n| on the held-out customers | ROC AUC | log loss | Brier | precision / recall at 0.5 |\n|---|---:|---:|---:|---|\n"
        for (name, e) in [("model", c.model)] + (c.recencyBaseline.map { [("recency only", $0)] } ?? []) {
            md += "| \(escaped(name)) | \(n(e.auc)) | \(n(e.logLoss)) | \(n(e.brierScore)) | \(n(e.atHalf.precision)) / \(n(e.atHalf.recall)) |\n"
        }
        md += "\n| decile (highest risk first) | customers | churners | mean predicted | observed | lift | cumulative gain |\n|---:|---:|---:|---:|---:|---:|---:|\n"
        for d in c.model.deciles {
            md += "| \(d.decile) | \(d.customers) | \(d.churners) | \(n(d.meanPredicted)) | \(n(d.observedRate)) | \(n(d.lift, 2)) | \(d.cumulativeGain.map(pct) ?? "—") |\n"
        }
        for w in c.warnings { md += "\n> warning: \(escaped(w))\n" }
        if let x = c.noPurchaseComparison { md += noPurchaseComparison(x) }
        return md
    }

    /// The classifier's P(churn) beside the purchase model's P(no purchase within h days).
    private func noPurchaseComparison(_ x: ChurnReport.NoPurchaseComparison) -> String {
        func n(_ v: Double?, _ digits: Int = 3) -> String { v.map { format($0, digits: digits) } ?? "—" }
        var md = "\n### Churn probability and P(no purchase in \(x.horizonDays) days)\n\n"
        md += "\(escaped(x.note))\n\n"
        md += "Over \(x.customers) customers: Pearson r = \(n(x.pearsonR)); mean churn probability \(n(x.meanChurnProbability)), "
        md += "mean P(no purchase in \(x.horizonDays) days) \(n(x.meanNoPurchaseProbability)).\n\n"
        if !x.disagreements.isEmpty {
            md += "Where they disagree most:\n\n| customer | churn probability | P(no purchase in \(x.horizonDays) days) | difference |\n|---|---:|---:|---:|\n"
            for r in x.disagreements {
                md += "| \(escaped(r.customerId)) | \(n(r.churnProbability)) | \(n(r.noPurchaseProbability)) | \(n(r.difference)) |\n"
            }
        }
        return md
    }

    private func clvSection(_ clv: CLVReport) -> String {
        let purchaseModels = clv.models.isEmpty ? (clv.bgnbd.map { [$0] } ?? []) : clv.models
        var md = "\n## Predicted value (\(escaped(clv.selection?.chosenModel ?? "BG/NBD")) + Gamma-Gamma)\n\n"
        md += "Fitted on orders up to \(escaped(clv.calibrationEnd)) (\(clv.calibrationCustomers) customers); predictions for "
        md += "\(clv.predictedCustomers) customers as of \(escaped(clv.asOf)): \(clv.horizonMonths) months, "
        md += "\(format(clv.monthlyDiscountRate * 100, digits: 2))% monthly discount, margin \(clv.margin).\n\n"
        md += "| model | parameter | estimate | standard error |\n|---|---|---:|---:|\n"
        for model in purchaseModels + (clv.gammaGamma.map { [$0] } ?? []) {
            for e in model.estimates {
                md += "| \(escaped(model.model)) | \(escaped(e.name)) | \(e.value.map { format($0, digits: 4) } ?? "—") | \(e.standardError.map { format($0, digits: 4) } ?? "—") |\n"
            }
        }
        for model in purchaseModels + (clv.gammaGamma.map { [$0] } ?? []) {
            md += "\n\(escaped(model.model)): log-likelihood \(model.logLikelihood.map { format($0, digits: 2) } ?? "—"), \(model.iterations) iterations, "
            md += model.converged ? "converged.\n" : "**did not converge** (\(escaped(model.stopReason))).\n"
        }
        if let s = clv.selection { md += modelChoice(s) }
        if let r = clv.frequencySpendCorrelation {
            md += "\nCorrelation of repeat frequency and mean spend: \(format(r, digits: 3)) (Gamma-Gamma assumes none).\n"
        }
        if let h = clv.holdout {
            md += "\n### Holdout: predicted vs actual purchases (\(h.holdoutWeeks.map { format($0, digits: 1) } ?? "—") weeks)\n\n"
            md += "Total: predicted \(h.predictedPurchases.map { format($0, digits: 0) } ?? "—"), actual \(h.actualPurchases.map { format($0, digits: 0) } ?? "—"); "
            md += "mean absolute error per customer \(h.meanAbsoluteError.map { format($0, digits: 3) } ?? "—").\n\n"
            md += "| calibration repeat purchases | customers | actual mean | predicted mean |\n|---|---:|---:|---:|\n"
            for b in h.buckets {
                md += "| \(b.calibrationFrequency) | \(b.customers) | \(b.actualMean.map { format($0, digits: 3) } ?? "—") | "
                md += "\(b.predictedMean.map { format($0, digits: 3) } ?? "—") |\n"
            }
        }
        let m = clv.valueMatrix
        md += "\n### Value matrix (current × future value, split at \(m.currentThreshold.map(money) ?? "—") and \(m.futureThreshold.map(money) ?? "—"))\n\n"
        md += "| quadrant | customers | historical CLV | predicted CLV | revenue |\n|---|---:|---:|---:|---:|\n"
        for q in m.quadrants {
            md += "| \(escaped(q.title)) | \(q.customers) | \(q.currentValue.map(money) ?? "—") | \(q.futureValue.map(money) ?? "—") | \(q.revenue.map(money) ?? "—") |\n"
        }
        md += "\nTotal predicted CLV: \(clv.totalPredictedCLV.map(money) ?? "—").\n"
        if let i = clv.intervals { md += intervals(i, clv) }
        if let days = clv.noPurchaseDays {
            md += "\n`p_no_purchase_\(days)d` in customers.csv: the \(escaped(clv.selection?.chosenModel ?? "BG/NBD")) probability of no purchase in the next \(days) days.\n"
        }
        return md
    }

    /// Which purchase model predicts and why, with every candidate's criteria side by side.
    private func modelChoice(_ s: CLVReport.Selection) -> String {
        func n(_ x: Double?, _ digits: Int) -> String { x.map { format($0, digits: digits) } ?? "—" }
        var md = "\n### Model choice (`[clv] model = \"\(escaped(s.requested))\"`)\n\n"
        md += "**\(escaped(s.chosenModel))** predicts (criterion: \(escaped(s.criterion.split(separator: "_").joined(separator: " ")))): \(escaped(s.reason)).\n\n"
        md += "| model | holdout error | log-likelihood | AIC | BIC | converged |\n|---|---:|---:|---:|---:|---|\n"
        for c in s.candidates {
            md += "| \(escaped(c.model))\(c.kind == s.chosen ? " (chosen)" : "") | \(n(c.holdoutError, 6)) | \(n(c.logLikelihood, 2)) | \(n(c.aic, 2)) | \(n(c.bic, 2)) | \(c.converged ? "yes" : "no") |\n"
        }
        for f in s.failures { md += "\n\(escaped(f.model)) could not be fitted: \(escaped(f.reason))\n" }
        md += "\nHoldout error: mean over calibration customers of (actual − predicted)² holdout purchases, smallest for the model whose predictions are closest customer by customer (the frequency table below shows the same check by calibration frequency).\n"
        return md
    }

    /// The bootstrap intervals of the totals, or why there are none.
    private func intervals(_ i: CLVReport.Intervals, _ clv: CLVReport) -> String {
        let level = format(i.level * 100, digits: i.level * 100 == (i.level * 100).rounded() ? 0 : 1) + "%"
        if let why = i.unavailable { return "\nNo \(level) intervals: \(escaped(why)).\n" }
        var md = "\n\(level) intervals (parametric bootstrap, \(i.draws) parameter draws, seed \(i.seed); parameter uncertainty only):\n\n"
        md += "| total | estimate | low | high |\n|---|---:|---:|---:|\n"
        md += "| expected purchases over the horizon | \(i.totalExpectedPurchases.map { format($0, digits: 1) } ?? "—") | "
        md += "\(i.totalExpectedPurchasesLow.map { format($0, digits: 1) } ?? "—") | \(i.totalExpectedPurchasesHigh.map { format($0, digits: 1) } ?? "—") |\n"
        if let why = i.predictedCLVUnavailable {
            md += "\nPredicted CLV has no interval: \(escaped(why)).\n"
        } else {
            md += "| predicted CLV | \(clv.totalPredictedCLV.map(money) ?? "—") | \(i.totalPredictedCLVLow.map(money) ?? "—") | \(i.totalPredictedCLVHigh.map(money) ?? "—") |\n"
        }
        md += "\nPer customer: `expected_purchases_low`, `expected_purchases_high`, `predicted_clv_low`, `predicted_clv_high` in customers.csv.\n"
        return md
    }

    /// Text from data or the job file, escaped for Markdown.
    private func escaped(_ s: String) -> String { MarkdownEscaping.text(s) }

    private func pct(_ x: Double) -> String { format(x * 100, digits: 1) + "%" }
    /// Money with the run's currency symbol and decimals (`[run] currency`, `currency_decimals`).
    private func money(_ x: Double) -> String { report.settings.moneyFormat.prefixed(format(x, digits: report.settings.moneyFormat.decimals)) }

    /// The first screen: the run's answers, then what to do tomorrow (`RunSummary`).
    private func firstScreen(_ s: RunSummary) -> String {
        var md = "## At a glance\n\n"
        md += "- **\(s.customers)** customers; **\(s.activeShare.map(pct) ?? "—")** active (\(s.activeCustomers) ordered in the last \(s.activeWindowDays) days)\n"
        md += "- **\(money(s.netRevenue))** net revenue to date\n"
        if let v = s.predictedValue {
            var line = "- **\(money(v))** predicted value\(s.horizonMonths.map { " over the next \($0) months" } ?? "")"
            if let lo = s.predictedValueLow, let hi = s.predictedValueHigh, let level = s.predictedValueLevel {
                line += " (\(format(level * 100, digits: 0))% interval \(money(lo)) – \(money(hi)))"
            }
            md += line + "\n"
        }
        if let r = s.valueAtRisk {
            md += "- **\(money(r))** value at risk (Σ churn probability × \(escaped(s.valueAtRiskBasis ?? "value")), churn_risk.csv)\n"
        }
        md += "\n## What to do tomorrow\n\n"
        for g in s.segments where g.customers > 0 {
            var line = "- **\(escaped(g.segment))**: \(g.customers) customers (\(pct(g.share))), revenue \(money(g.revenue))"
            if let p = g.predictedValue { line += ", predicted \(money(p))" }
            md += line + " — \(g.action.map(escaped) ?? "no action set ([rfm.actions])")\n"
        }
        if !s.topAtRisk.isEmpty {
            md += "\n### Most value at risk (top \(s.topAtRisk.count) of churn_risk.csv)\n\n"
            md += "| rank | customer | segment | churn probability | \(escaped(s.valueAtRiskBasis ?? "value")) | value at risk |\n|---:|---|---|---:|---:|---:|\n"
            for c in s.topAtRisk {
                md += "| \(c.rank) | \(escaped(c.customerId)) | \(c.segment.map(escaped) ?? "—") | \(format(c.churnProbability, digits: 3)) | \(money(c.value)) | \(money(c.valueAtRisk)) |\n"
            }
        }
        if let m = s.movers {
            md += "\n### Movers since the previous run (run \(m.previousRunId), as of \(escaped(m.previousAsOf)))\n\n"
            md += "\(m.matched) customers in both runs, \(m.changed) changed segment; \(m.newCustomers) new, \(m.goneCustomers) gone; "
            md += "\(m.movedDownCustomers) moved from a valuable segment into an at-risk one.\n"
            if !m.flows.isEmpty {
                md += "\n| from | to | customers |\n|---|---|---:|\n"
                for f in m.flows { md += "| \(escaped(f.from)) | \(escaped(f.to)) | \(f.customers) |\n" }
            }
            if !m.movedDown.isEmpty {
                md += "\nMost valuable customers who moved down:\n\n| customer | from | to | value |\n|---|---|---|---:|\n"
                for c in m.movedDown { md += "| \(escaped(c.customerId)) | \(escaped(c.from)) | \(escaped(c.to)) | \(money(c.value)) |\n" }
            }
        }
        return md + "\n"
    }

    /// Fixed-point formatting without Foundation's locale-dependent `String(format:)`.
    private func format(_ x: Double, digits: Int = 6) -> String {
        guard x.isFinite else { return "—" }
        guard abs(x) < 1e12 else { return x.description }  // fixed point would overflow; keep it exact
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let whole = Int64(scaled / scale)
        var frac = String(Int64(scaled) - whole * Int64(scale))
        while frac.count < digits { frac = "0" + frac }
        let sign = x < 0 && scaled != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac)"
    }
}
