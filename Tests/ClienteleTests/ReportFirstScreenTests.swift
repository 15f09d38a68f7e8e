import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// The report's first screen (issue 13): a manager reads the run's answers and what to do
/// tomorrow before any chart, in the currency of the job file, with the run's accounting last.
@Suite("Report first screen: answers, actions, value at risk, movers and currency", .serialized)
struct ReportFirstScreenTests {
    static let override = "Call every one of them this week"

    /// Generated exports with every kernel on, read through a job file that sets the currency,
    /// the length of the value-at-risk list and one segment's action.
    static func jobRun(_ scratch: ScratchFolder, currency: String = "€", decimals: Int = 2, topAtRisk: Int = 5,
                       extra: String = "", history: String? = nil, asOf: CalendarDay? = nil) throws -> (config: JobConfiguration, folder: String) {
        let population = SyntheticPopulation(customers: 1_500, seed: 8)
        let files = try population.render()
        let t = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
        let i = try scratch.write("i.csv", String(decoding: files.interactions, as: UTF8.self))
        let out = scratch.join("report")
        let job = try scratch.write("job.toml", """
            [transactions]
            path = "\(t)"
            [interactions]
            path = "\(i)"
            [run]
            out = "\(out)"
            as_of = \((asOf ?? population.asOf).description)
            calibration_end = \(population.calibrationEnd.description)
            currency = "\(currency)"
            currency_decimals = \(decimals)
            top_at_risk = \(topAtRisk)
            \(history.map { "history = \"\($0)\"" } ?? "")
            [rfm.actions]
            "At Risk" = "\(override)"
            \(extra)
            """)
        let base = configuration(transactions: t, out: out, interactions: i, clv: true, clusters: true, churn: true, satisfaction: true)
        return (try JobFile(path: job).apply(to: base), out)
    }

    static func summary(_ folder: String) throws -> [String: Any] {
        try #require(try reportJSON(folder)["summary"] as? [String: Any], "report.json has a summary")
    }

    static func page(_ folder: String) throws -> (text: String, node: SVGTestNode) {
        let text = try text(folder + "/report.html")
        return (text, try SVGTestXML.parse(text))
    }

    /// `x` as the report writes money with `currency`.
    static func money(_ x: Double, _ currency: SVGNumber.Currency) -> String {
        SVGNumber.$currency.withValue(currency) { SVGNumber.money(x) }
    }

    @Test("the first screen's numbers are report.json's, and report.json's agree with the rest of the run")
    func numbersMatchJSON() throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch)
            _ = try Run(configuration: config).execute()
            let json = try reportJSON(folder), s = try Self.summary(folder)
            let customers = try #require(json["customers"] as? [String: Any])
            #expect(s["customers"] as? Int == customers["scored"] as? Int)
            #expect(s["net_revenue"] as? Double == customers["net_revenue"] as? Double)
            #expect(s["predicted_value"] as? Double == (json["clv"] as? [String: Any])?["total_predicted_clv"] as? Double)
            let risk = csvRecords(try text(folder + "/churn_risk.csv"))
            let column = try #require(risk.first?.firstIndex(of: "value_at_risk"))
            let total = risk.dropFirst().compactMap { Double($0[column]) }.reduce(0, +)
            let valueAtRisk = try #require(s["value_at_risk"] as? Double)
            #expect(abs(valueAtRisk - total) <= 0.005 * Double(risk.count - 1), "value at risk is churn_risk.csv's total (its cells are in cents)")

            let euro = SVGNumber.Currency(symbol: "€", decimals: 2)
            let (_, page) = try Self.page(folder)
            let glance = try #require(htmlSection(page, "summary")).allText
            let active = try #require(s["active_share"] as? Double)
            for figure in [SVGNumber.grouped(try #require(s["customers"] as? Int)), SVGNumber.percent(active),
                           Self.money(try #require(s["net_revenue"] as? Double), euro), Self.money(try #require(s["predicted_value"] as? Double), euro),
                           Self.money(valueAtRisk, euro)] {
                #expect(glance.contains(figure), "\(figure) on the first screen")
            }
            let md = try text(folder + "/report.md")
            let head = try #require(md.range(of: "## What to do tomorrow")).lowerBound
            let mdGlance = String(md[..<head])
            #expect(mdGlance.contains("**\(try #require(s["customers"] as? Int))** customers"))
            for x in [s["net_revenue"], s["predicted_value"], s["value_at_risk"]] {
                let v = try #require(x as? Double)
                #expect(mdGlance.contains("**€" + SVGNumber.fixed(v, digits: 2) + "**"), "\(v) in report.md's first screen")
            }
        }
    }

    @Test("with bootstrap draws the predicted value carries its interval, clv's interval of the total")
    func predictedValueInterval() throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch, extra: "[clv]\ninterval_draws = 40\ninterval_level = 0.8")
            _ = try Run(configuration: config).execute()
            let json = try reportJSON(folder), s = try Self.summary(folder)
            let intervals = try #require((json["clv"] as? [String: Any])?["intervals"] as? [String: Any])
            let low = try #require(s["predicted_value_low"] as? Double), high = try #require(s["predicted_value_high"] as? Double)
            #expect(low == intervals["total_predicted_clv_low"] as? Double && high == intervals["total_predicted_clv_high"] as? Double)
            #expect(s["predicted_value_level"] as? Double == 0.8)
            let euro = SVGNumber.Currency(symbol: "€", decimals: 2)
            let glance = try #require(htmlSection(try Self.page(folder).node, "summary")).allText
            #expect(glance.contains("80% interval \(Self.money(low, euro)) – \(Self.money(high, euro))"))
            #expect(try text(folder + "/report.md").contains("(80% interval €\(SVGNumber.fixed(low, digits: 2)) – €\(SVGNumber.fixed(high, digits: 2)))"))
        }
    }

    @Test("the page opens with the answers and what to do, and ends with the run and its inputs")
    func order() throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch)
            _ = try Run(configuration: config).execute()
            let (_, page) = try Self.page(folder)
            let ids = page.elements("section").compactMap { $0.attributes["id"] }
            #expect(Array(ids.prefix(2)) == ["summary", "actions"])
            #expect(ids.last == "run")
            let md = try text(folder + "/report.md")
            var positions: [String.Index] = []
            for heading in ["## At a glance", "## What to do tomorrow", "## RFM segments", "## Run and inputs", "### Inputs", "### Timings"] {
                positions.append(try #require(md.range(of: heading), "\(heading)").lowerBound)
            }
            #expect(positions == positions.sorted())
        }
    }

    @Test("an action set in [rfm.actions] replaces the default; the other segments keep theirs")
    func actionOverride() throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch)
            #expect(config.report.actions == ["At Risk": Self.override])
            _ = try Run(configuration: config).execute()
            let s = try Self.summary(folder)
            let actions = try #require(s["actions"] as? [String: String])
            #expect(actions["At Risk"] == Self.override)
            #expect(actions["Champions"] == RunSummary.defaultActions["Champions"])
            let segments = try #require(s["segments"] as? [[String: Any]])
            let atRisk = try #require(segments.first { $0["segment"] as? String == "At Risk" })
            #expect(atRisk["action_source"] as? String == "job file")
            #expect(segments.first { $0["segment"] as? String == "Champions" }?["action_source"] as? String == "default")
            let (_, page) = try Self.page(folder)
            let row = try #require(htmlSection(page, "actions")?.elements("tr").first { $0.allText.hasPrefix("At Risk") })
            #expect(row.allText.contains(Self.override))
            #expect(try text(folder + "/report.md").contains("**At Risk**"))
        }
    }

    @Test("[rfm.actions] must name a segment of the map and give text")
    func actionErrors() throws {
        try withScratch { scratch in
            let unknown = try scratch.write("a.toml", "[rfm.actions]\n\"At Rsik\" = \"x\"\n")
            #expect(throws: ConfigurationError.self) { _ = try JobFile(path: unknown).apply(to: JobConfiguration()) }
            do { _ = try JobFile(path: unknown).apply(to: JobConfiguration()) } catch let error as ConfigurationError {
                #expect(error.description.contains("rfm.actions.\"At Rsik\" is not a segment of the segment map; segments: Champions,"))
            }
            let number = try scratch.write("b.toml", "[rfm.actions]\nChampions = 3\n")
            #expect(throws: ConfigurationError.self) { _ = try JobFile(path: number).apply(to: JobConfiguration()) }
        }
    }

    @Test("the top value-at-risk list has top_at_risk rows, churn_risk.csv's first, most value at risk first", arguments: [3, 7])
    func topAtRisk(n: Int) throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch, topAtRisk: n)
            _ = try Run(configuration: config).execute()
            let s = try Self.summary(folder)
            #expect(s["top_at_risk_limit"] as? Int == n)
            let top = try #require(s["top_at_risk"] as? [[String: Any]])
            #expect(top.count == n)
            let values = top.compactMap { $0["value_at_risk"] as? Double }
            #expect(values.count == n && zip(values, values.dropFirst()).allSatisfy { $0 >= $1 }, "ordered by value at risk")
            #expect(top.compactMap { $0["rank"] as? Int } == Array(1...n))
            let risk = csvRecords(try text(folder + "/churn_risk.csv"))
            let id = try #require(risk.first?.firstIndex(of: "customer_id"))
            #expect(top.compactMap { $0["customer_id"] as? String } == risk.dropFirst().prefix(n).map { $0[id] })
            let (_, page) = try Self.page(folder)
            let table = try #require(htmlSection(page, "actions")?.elements("table").first { $0.attributes["class"] == "top-at-risk" })
            #expect(table.elements("tbody").first?.elements("tr").count == n)
        }
    }

    @Test("movers appear only with a history that holds an earlier run")
    func movers() throws {
        try withScratch { scratch in
            let db = scratch.join("history.sqlite")
            // Without a history: no movers, and the page says how to get them.
            let (plain, folder) = try Self.jobRun(scratch)
            _ = try Run(configuration: plain).execute()
            #expect(try Self.summary(folder)["movers"] == nil)
            #expect(try Self.page(folder).node.elements("p").contains { $0.attributes["class"] == "muted movers" })

            // The first run into the history has nothing to compare with.
            let population = SyntheticPopulation(customers: 1_500, seed: 8)
            let earlier = population.asOf.adding(days: -45)
            let (first, _) = try Self.jobRun(scratch, topAtRisk: 4, history: db, asOf: earlier)
            _ = try Run(configuration: first).execute()
            #expect(try Self.summary(folder)["movers"] == nil)

            // The second compares with the first.
            let (second, _) = try Self.jobRun(scratch, topAtRisk: 4, history: db)
            _ = try Run(configuration: second).execute()
            let s = try Self.summary(folder)
            let m = try #require(s["movers"] as? [String: Any])
            #expect(m["previous_run_id"] as? Int == 1)
            #expect(m["previous_as_of"] as? String == earlier.description)
            let matched = try #require(m["matched"] as? Int), arrived = try #require(m["new_customers"] as? Int)
            #expect(matched + arrived == s["customers"] as? Int)
            #expect(try #require(m["changed"] as? Int) > 0, "45 days later some customers changed segment")
            let flows = try #require(m["flows"] as? [[String: Any]])
            let counts = flows.compactMap { $0["customers"] as? Int }
            #expect(!flows.isEmpty && counts == counts.sorted(by: >))
            #expect(flows.allSatisfy { $0["from"] as? String != $0["to"] as? String })
            let down = try #require(m["moved_down"] as? [[String: Any]])
            let movedDown = try #require(m["moved_down_customers"] as? Int)
            #expect(down.count <= 4 && down.count == min(4, movedDown))
            let values = down.compactMap { $0["value"] as? Double }
            #expect(values == values.sorted(by: >), "most valuable first")
            for d in down {
                #expect(SegmentMigration.valuableSegments.contains(d["from"] as? String ?? ""))
                #expect(SegmentMigration.atRiskSegments.contains(d["to"] as? String ?? ""))
            }
            // The same counts and movers as the history's own migration of the two recorded runs.
            let recorded = try HistoryDatabase(path: db).migration()
            #expect(matched == recorded.matched && m["changed"] as? Int == recorded.changed)
            #expect(arrived == recorded.newCustomers.reduce(0, +) && m["gone_customers"] as? Int == recorded.goneCustomers.reduce(0, +))
            #expect(movedDown == recorded.valuableToAtRisk.count)
            let biggest = recorded.segments.indices.flatMap { i in recorded.segments.indices.filter { $0 != i }.map { recorded.counts[i][$0] } }.max()
            #expect(counts.first == biggest)
            let (_, page) = try Self.page(folder)
            #expect(htmlSection(page, "actions")?.allText.contains("Movers since the previous run (run 1, as of \(earlier.description))") == true)
            #expect(try text(folder + "/report.md").contains("### Movers since the previous run (run 1, as of \(earlier.description))"))
        }
    }

    @Test("the currency symbol is on every money figure of report.html and report.md, and elsewhere only as a unit")
    func currency() throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch, currency: "€")
            _ = try Run(configuration: config).execute()
            let json = try reportJSON(folder)
            #expect((json["settings"] as? [String: Any])?["currency"] as? String == "€")
            let (html, page) = try Self.page(folder)
            let md = try text(folder + "/report.md")
            // Nowhere else: every symbol starts a number, or names a chart's unit "(€)".
            for (name, text) in [("report.html", html), ("report.md", md)] {
                var rest = Substring(text)
                while let r = rest.range(of: "€") {
                    let next = rest[r.upperBound...].first
                    let before = rest[..<r.lowerBound].last
                    let unit = before == "(" && next == ")"
                    #expect(next?.isNumber == true || next == "—" || unit, "\(name): € followed by \(String(describing: next))")
                    #expect(before?.isNumber != true && before != ".", "\(name): a symbol inside a number")
                    rest = rest[r.upperBound...]
                }
            }
            // Every money figure: the totals, each segment's revenue, the value matrix and the run section.
            let euro = SVGNumber.Currency(symbol: "€", decimals: 2)
            let customers = try #require(json["customers"] as? [String: Any])
            let revenue = try #require(customers["net_revenue"] as? Double)
            #expect(htmlSection(page, "run")?.allText.contains(Self.money(revenue, euro)) == true)
            #expect(md.contains("| net revenue | €" + SVGNumber.fixed(revenue, digits: 2) + " |"))
            let segments = try #require((json["rfm"] as? [String: Any])?["segments"] as? [[String: Any]])
            let actions = try #require(htmlSection(page, "actions")).allText
            for g in segments {
                let r = try #require(g["revenue"] as? Double)
                #expect(actions.contains(Self.money(r, euro)), "\(g["segment"] ?? "") revenue")
                #expect(md.contains(" | €" + SVGNumber.fixed(r, digits: 2) + " | "), "\(g["segment"] ?? "") revenue in report.md")
            }
            let clv = try #require(json["clv"] as? [String: Any])
            let matrix = try #require(clv["value_matrix"] as? [String: Any])
            for key in ["current_threshold", "future_threshold"] {
                let v = try #require(matrix[key] as? Double)
                #expect(htmlSection(page, "value-matrix")?.allText.contains(Self.money(v, euro)) == true, "\(key) in report.html")
                #expect(md.contains("€" + SVGNumber.fixed(v, digits: 2)), "\(key) in report.md")
            }
            // Charts: the revenue heat map's cells and the value matrix's details carry the symbol.
            let grid = try #require(htmlSection(page, "rfm-grid")).elements("text").map(\.allText)
            #expect(grid.contains { $0.hasPrefix("€") })
        }
    }

    @Test("currency_decimals sets the decimals of money; without a currency money has no symbol")
    func decimals() throws {
        try withScratch { scratch in
            let (config, folder) = try Self.jobRun(scratch, currency: "", decimals: 0)
            #expect(config.report.currency == "" && config.report.currencyDecimals == 0)
            _ = try Run(configuration: config).execute()
            let json = try reportJSON(folder)
            #expect((json["settings"] as? [String: Any])?["currency"] == nil)
            let revenue = try #require((json["customers"] as? [String: Any])?["net_revenue"] as? Double)
            let (html, page) = try Self.page(folder)
            #expect(htmlSection(page, "summary")?.allText.contains(SVGNumber.fixed(revenue, digits: 0, grouping: true)) == true)
            #expect(try text(folder + "/report.md").contains("**" + SVGNumber.fixed(revenue, digits: 0) + "**"))
            #expect(!html.contains("€"))
        }
    }

    @Test("bad currency settings are usage errors")
    func badCurrency() throws {
        var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: "/tmp/unused")
        config.report.currencyDecimals = 7
        #expect(throws: ConfigurationError.self) { try config.validate() }
        config.report.currencyDecimals = 2
        config.report.currency = "€\n"
        #expect(throws: ConfigurationError.self) { try config.validate() }
        config.report.currency = "€"
        config.report.topAtRisk = -1
        #expect(throws: ConfigurationError.self) { try config.validate() }
    }

    @Test("money: the symbol before the number, after a minus sign, and never on a missing value")
    func moneyFormat() {
        let euro = SVGNumber.Currency(symbol: "€", decimals: 2)
        #expect(Self.money(1234.5, euro) == "€1,234.50")
        #expect(Self.money(-3.2, euro) == "-€3.20")
        #expect(Self.money(.nan, euro) == "—")
        #expect(Self.money(1234.5, .plain) == "1,234.50")
        #expect(Self.money(1234.5, SVGNumber.Currency(symbol: "CHF ", decimals: 0)) == "CHF 1,235")
        #expect(SVGNumber.$currency.withValue(euro) { SVGNumber.compactMoney(12_345) } == "€12.3k")
    }
}

@Suite("Report colours by meaning and cluster names")
struct ReportMeaningTests {
    @Test("cluster names come from the profile, strongest feature first, in the business's direction")
    func clusterNames() {
        let features = ["recency_days", "frequency", "monetary"]
        // Recent (few days), frequent and big spenders: frequency and spend merge into "high value".
        #expect(ClusterReport.name(standardizedMeans: [-1.2, 0.9, 1.1], features: features) == "Recent, high value")
        #expect(ClusterReport.name(standardizedMeans: [1.5, -0.2, -0.8], features: features) == "Lapsed, low spend")
        #expect(ClusterReport.name(standardizedMeans: [0.1, -0.2, 0.3], features: features) == "Average")
        #expect(ClusterReport.name(standardizedMeans: [0.6, 0.7, -0.9], features: features) == "Low spend, frequent, lapsed")
        #expect(ClusterReport.name(standardizedMeans: [0, 2, 0], features: ["a", "b", "c"]) == "High b")
        #expect(ClusterReport.name(standardizedMeans: [.nan, 0.8, 0], features: features) == "Frequent")
    }

    @Test("cluster names are deterministic and unique within a report, and shown in report.md and report.html")
    func clusterNamesInReports() throws {
        func report() -> ClusterReport {
            ClusterReport(k: 3, features: ["recency_days", "frequency", "monetary"], profileNames: ["recency_days", "frequency", "monetary"],
                          inertia: 10, iterations: 3, converged: true, restarts: 1, silhouette: nil, profiles: [
                            .init(cluster: 1, customers: 50, share: 0.5, means: [200, 1, 40]),
                            .init(cluster: 2, customers: 30, share: 0.3, means: [20, 6, 400]),
                            .init(cluster: 3, customers: 20, share: 0.2, means: [210, 1.1, 42]),
                          ])
        }
        var a = report(), b = report()
        a.assignNames(); b.assignNames()
        let names = a.profiles.map(\.name)
        #expect(names == b.profiles.map(\.name))
        #expect(Set(names).count == 3, "\(names)")
        let fast = try #require(names[1])
        #expect(fast.contains("ecent") && fast.contains("igh value"), "\(fast)")
        let input = HTMLReportInput.ClusterProfiles(report: a)
        #expect(input.clusters.map(\.name) == names)
        #expect(input.directions == [-1, 1, 1])
    }

    @Test("value-matrix and satisfaction–loyalty cells are filled by meaning, not by size")
    func quadrantTones() throws {
        let m = CLVReport.ValueMatrix(currentThreshold: 10, futureThreshold: 20, quadrants: [
            .init(quadrant: "most_valuable", title: "Most valuable (high current, high future)", customers: 5, currentValue: 1, futureValue: 2, revenue: 3),
            .init(quadrant: "low_value", title: "Low value", customers: 500, currentValue: 1, futureValue: 2, revenue: 3),
            .init(quadrant: "declining", title: "Declining", customers: 50, currentValue: 1, futureValue: 2, revenue: 3),
            .init(quadrant: "growth_potential", title: "Growth potential", customers: 50, currentValue: 1, futureValue: 2, revenue: 3),
        ])
        let q = HTMLReportInput.QuadrantMatrix(valueMatrix: m)
        #expect([q.highXHighY.tone, q.lowXHighY.tone, q.highXLowY.tone, q.lowXLowY.tone] == [.good, .promising, .watch, .low])
        let s = HTMLReportInput.QuadrantMatrix.satisfactionLoyalty(loyalists: 1, mercenaries: 2, hostages: 3, defectors: 400)
        #expect([s.highXHighY.tone, s.highXLowY.tone, s.lowXHighY.tone, s.lowXLowY.tone] == [.good, .watch, .watch, .bad])
        let chart = SVGQuadrantChart(title: "t", description: "d", xTitle: "x", yTitle: "y",
                                     topLeft: .init(name: "Growth potential", customers: 50, tone: .promising),
                                     topRight: .init(name: "Most valuable", customers: 5, tone: .good),
                                     bottomLeft: .init(name: "Low value", customers: 500, tone: .low),
                                     bottomRight: .init(name: "Declining", customers: 50, tone: .watch))
        let fills = try SVGTestXML.parse(chart.svg()).elements("rect").compactMap { $0.attributes["fill"] }
        for tone in [SVGPalette.Tone.good, .promising, .watch, .low] { #expect(fills.contains(tone.fill.hex), "\(tone)") }
        #expect(SVGPalette.Tone.good.fill != SVGPalette.Tone.low.fill)
    }
}
