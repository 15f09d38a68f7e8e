/// `report.md`: the key numbers as tables, readable in a terminal.
struct MarkdownReportWriter {
    let report: RunReport

    func text() -> String {
        var md = "# Clientele report\n\n"
        let s = report.settings
        md += "As of **\(s.asOf)**\(s.asOfDefaulted ? " (the day after the last transaction)" : ""); "
        md += "RFM with \(s.rfmQuantiles) quantiles, ties `\(s.rfmTies)`, monetary `\(s.rfmMonetary)`, margin \(s.margin).\n\n"

        md += "## Inputs\n\n| file | rows read | used | rejected | rejected by reason |\n|---|---:|---:|---:|---|\n"
        for f in report.inputs {
            let reasons = f.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            md += "| \(f.role) `\(f.path)` | \(f.rowsRead) | \(f.rowsUsed) | \(f.rowsRejected) | \(reasons.isEmpty ? "—" : reasons) |\n"
        }
        for f in report.inputs {
            if let after = f.rowsAfterAsOf, after > 0 {
                md += "\n\(after) \(f.role) rows are dated on or after as-of \(s.asOf); they are counted as used and left out of the analysis.\n"
            }
            if let unmatched = f.rowsUnmatchedCustomer, unmatched > 0 {
                let examples = (f.unmatchedCustomerExamples ?? []).joined(separator: ", ")
                md += "\n\(unmatched) \(f.role) rows (\(f.unmatchedCustomers ?? 0) customer ids, e.g. \(examples)) name customers with no transaction; they are counted as used and kept out of the analysis.\n"
            }
        }
        let c = report.customers
        md += "\n## Customers\n\n| | |\n|---|---:|\n"
        md += "| customers with transactions | \(c.inTransactions) |\n| scored as of \(s.asOf) | \(c.scored) |\n"
        md += "| not yet active (first order on or after as-of) | \(c.notYetActive) |\n| orders | \(c.orders) |\n"
        md += "| net revenue | \(money(c.netRevenue)) |\n"

        md += "\n## RFM segments\n\n| segment | customers | share | revenue | revenue share | mean recency (days) | mean frequency | mean monetary |\n"
        md += "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for g in report.rfm.segments {
            md += "| \(g.segment) | \(g.customers) | \(pct(g.share)) | \(money(g.revenue)) | \(g.revenueShare.map(pct) ?? "—") | "
            md += "\(g.meanRecencyDays.map { format($0, digits: 1) } ?? "—") | \(g.meanFrequency.map { format($0, digits: 2) } ?? "—") | "
            md += "\(g.meanMonetary.map(money) ?? "—") |\n"
        }
        if !report.skipped.isEmpty {
            md += "\n## Not run\n\n"
            for k in report.skipped { md += "- **\(k.section)**: \(k.reason)\n" }
        }
        md += "\n## Timings\n\n| stage | seconds |\n|---|---:|\n"
        for (stage, seconds) in report.timings.sorted(by: { $0.key < $1.key }) { md += "| \(stage) | \(format(seconds, digits: 3)) |\n" }
        md += "\n_clientele \(report.tool.version), started \(report.startedAt)_\n"
        return md
    }

    private func pct(_ x: Double) -> String { format(x * 100, digits: 1) + "%" }
    private func money(_ x: Double) -> String { format(x, digits: 2) }

    /// Fixed-point formatting without Foundation's locale-dependent `String(format:)`.
    private func format(_ x: Double, digits: Int = 6) -> String {
        guard x.isFinite else { return "—" }
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
