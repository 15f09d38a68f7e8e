import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// cohorts.csv, report.json's `cohorts`, report.md's tables and report.html's heat map, and the
/// independent pandas reference (`Benchmarks/reference/cohort_reference.py`) on its test data.
@Suite("Cohort reports: cohorts.csv against the pandas reference, report.json, report.md, report.html")
struct CohortReportTests {
    /// `Benchmarks/reference/testdata/NAME`.
    static func testdata(_ name: String) -> String { Package.root.appendingPathComponent("Benchmarks/reference/testdata/" + name).path }

    static func run(asOf: String? = nil, in scratch: ScratchFolder) throws -> String {
        var config = configuration(transactions: testdata("transactions.csv"), out: scratch.join("report"))
        config.asOf = try asOf.map { try #require(CalendarDay(iso: $0)) }
        _ = try Run(configuration: config).execute()
        return scratch.join("report")
    }

    @Test("a run's cohorts.csv equals the pandas reference's output byte for byte",
          arguments: [(nil, "expected_cohorts.csv"), ("2024-06-15", "expected_cohorts_asof_2024-06-15.csv")])
    func reference(asOf: String?, expected: String) throws {
        try withScratch { scratch in
            let report = try Self.run(asOf: asOf, in: scratch)
            #expect(try text(report + "/cohorts.csv") == text(Self.testdata(expected)))
        }
    }

    @Test("cohorts.csv: the documented header, one row per cohort and month since, revenue to the cent")
    func csv() throws {
        let table = CohortTable(asOf: CalendarDay(iso: "2024-03-01")!, lastMonth: CalendarMonth(index: 12 * 2024 + 1), cohorts: [
            .init(month: CalendarMonth(index: 12 * 2024), customers: 3, activeCustomers: [3, 1], revenueCents: [10_001, -250]),
            .init(month: CalendarMonth(index: 12 * 2024 + 1), customers: 1, activeCustomers: [1], revenueCents: [0]),
        ])
        // Per customer: (cents / customers) / 100 in doubles, Python's 10001 / 3 / 100 and -250 / 3 / 100.
        #expect(String(decoding: CohortsCSVWriter(table: table).bytes(), as: UTF8.self) == """
            cohort_month,months_since_first,customers,active_customers,active_share,revenue,revenue_per_customer
            2024-01,0,3,3,1.0,100.01,33.336666666666666
            2024-01,1,3,1,0.3333333333333333,-2.50,-0.8333333333333333
            2024-02,0,1,1,1.0,0.00,0.0

            """)
    }

    @Test("report.json's cohorts block holds the same table, one array per measure and cohort")
    func json() throws {
        try withScratch { scratch in
            let report = try Self.run(in: scratch)
            let json = try reportJSON(report)
            let block = try #require(json["cohorts"] as? [String: Any])
            #expect(block["as_of"] as? String == "2024-07-01")
            #expect(block["last_day"] as? String == "2024-06-30")
            #expect(block["last_month"] as? String == "2024-06")
            #expect(block["last_month_complete"] as? Bool == true)
            #expect(block["customers"] as? Int == 12)
            let cohorts = try #require(block["cohorts"] as? [[String: Any]])
            let rows = csvRecords(try text(report + "/cohorts.csv")).dropFirst().filter { $0.count == 7 }
            #expect(cohorts.reduce(0) { $0 + (($1["active_customers"] as? [Int])?.count ?? 0) } == rows.count)
            let february = try #require(cohorts.first { $0["cohort_month"] as? String == "2024-02" })
            #expect(february["customers"] as? Int == 1)
            #expect(february["active_customers"] as? [Int] == [1, 1, 0, 1, 0])
            #expect(february["revenue"] as? [Double] == [30, 0, 0, 12.34, 0])
            #expect(february["revenue_per_customer"] as? [Double] == [30, 0, 0, 12.34, 0])
            #expect(february["active_share"] as? [Double] == [1, 1, 0, 1, 0])
            #expect((json["outputs"] as? [String])?.contains("cohorts.csv") == true)
        }
    }

    @Test("the reading names the largest cohort with a fourth month and its share then")
    func reading() {
        let c = HTMLReportSample.cohorts
        // Largest of the 24 newest cohorts with month 3: customers 2,800 + (r · 397) mod 1,700, largest at r = 30 − 24 + …
        let shown = c.shownCohorts
        #expect(shown.count == 24 && shown.first?.cohortMonth == "2024-01" && shown.last?.cohortMonth == "2025-12")
        let best = shown.filter { $0.activeCustomers.count > 3 }.max { $0.customers < $1.customers }!
        let month = CohortReport.monthText(CohortReport.monthIndex(best.cohortMonth)! + 3)
        #expect(c.reading == "Of the \(SVGNumber.grouped(best.customers)) customers who first bought in \(best.cohortMonth), "
                + "\(SVGNumber.percent(best.activeShare[3])) bought again in \(month), 3 months later.")
        let single = CohortReport(asOf: "2024-02-01", lastDay: "2024-01-31", lastMonth: "2024-01", lastMonthComplete: true, customers: 2,
                                  cohorts: [.init(cohortMonth: "2024-01", customers: 2, activeCustomers: [2], activeShare: [1], revenue: [5], revenuePerCustomer: [2.5])])
        #expect(single.reading == "Every cohort first bought in 2024-01, the last month before as-of: no later month to follow yet.")
    }

    @Test("the shown cohorts count back 24 months from the newest cohort, not from as-of, and stop at month 35")
    func shownAfterAcquisitionStopped() {
        let list = (0..<30).map { r in
            CohortReport.Cohort(cohortMonth: CohortReport.monthText(12 * 2019 + r), customers: 5, activeCustomers: Array(repeating: 1, count: 72 - r),
                                activeShare: Array(repeating: 0.2, count: 72 - r), revenue: Array(repeating: 1, count: 72 - r),
                                revenuePerCustomer: Array(repeating: 0.2, count: 72 - r))
        }
        let c = CohortReport(asOf: "2025-01-01", lastDay: "2024-12-31", lastMonth: "2024-12", lastMonthComplete: true, customers: 150, cohorts: list)
        #expect(c.shownCohorts.map(\.cohortMonth).first == "2019-07" && c.shownCohorts.map(\.cohortMonth).last == "2021-06")
        #expect(c.shownCohorts.allSatisfy { $0.activeCustomers.count == 36 && $0.revenuePerCustomer.count == 36 })
        #expect(c.shownIsCut.cohorts && c.shownIsCut.months)
        // Paragraphs are wrapped at 100 columns: read them as one line.
        let md = MarkdownReportWriter(report: { var r = try! HTMLReportSample.report(); r.cohorts = c; return r }()).text()
            .replacingOccurrences(of: "\n", with: " ")
        #expect(md.contains("The newest 24 of 30 cohorts are shown") && md.contains("Months since the first order up to 35 are shown"))
    }

    @Test("report.md shows both triangles of the newest cohorts within 100 columns")
    func markdown() throws {
        var report = try HTMLReportSample.report()
        report.cohorts = HTMLReportSample.cohorts
        let md = MarkdownReportWriter(report: report).text()
        let section = try #require(md.components(separatedBy: "\n## Cohort retention\n").dropFirst().first?.components(separatedBy: "\n## ").first)
        #expect(section.contains("Share of the cohort with an order (%)") && section.contains("Net revenue per cohort customer"))
        #expect(section.replacingOccurrences(of: "\n", with: " ").contains("The newest 24 of 30 cohorts are shown; all are in cohorts.csv."))
        #expect(section.contains("| 2024-01 | ") && !section.contains("| 2023-12 | "))
        for line in section.split(separator: "\n") { #expect(line.count <= MarkdownLayout.terminalWidth, "\(line)") }
    }

    @Test("report.html draws one cell per cohort and month with a tooltip, and says how to read it")
    func html() throws {
        let report = try HTMLReportSample.demoReport()
        let page = try SVGTestXML.parse(HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text())
        let section = try #require(htmlSection(page, "cohorts"))
        let svg = try #require(section.elements("svg").first)
        let cells = svg.elements("rect").filter { ($0.children.first?.text ?? "").hasPrefix("Cohort ") }
        let shown = HTMLReportSample.cohorts.shownCohorts
        #expect(cells.count == shown.reduce(0) { $0 + $1.activeCustomers.count })
        #expect(svg.children.first?.text.contains("%") == true, "the title carries the unit")
        #expect(section.allText.contains(HTMLReportSample.cohorts.reading))
        #expect(svg.elements("text").contains { $0.allText == "months since the first purchase (0 = the month of the first purchase)" })
    }

    @Test("colours run light to dark with the share, month 0 at the darkest")
    func colours() {
        let chart = SVGCohortHeatMap(title: "t", description: "d", rowLabels: ["2024-01"], customers: [10],
                                     shares: [[1, 0.2, 0.1, 0]], revenuePerCustomer: [[1, 1, 1, 1]])
        let scale = chart.scale
        #expect(scale.lower == 0 && scale.upper == 0.2)
        let luminance = [1, 0.2, 0.1, 0].map { scale.color($0).relativeLuminance }
        #expect(luminance == luminance.sorted() && luminance[0] == luminance[1])
    }

    @Test("the revenue map colours by revenue per customer, from a negative month up to the largest later month")
    func revenueColours() {
        let chart = SVGCohortHeatMap(title: "t", description: "d", rowLabels: ["2024-01", "2024-02"], customers: [10, 4],
                                     shares: [[1, 0.2, 0.1], [1, 0.5]], revenuePerCustomer: [[30, -1.5, 4], [25, 2]], measure: .revenuePerCustomer)
        #expect(chart.scale.lower == -1.5 && chart.scale.upper == 4)
        #expect(chart.svg().contains(">net revenue per cohort customer in the month<"))
        #expect(chart.dataSummary.contains("2024-01 (10 customers): 0 30, 1 -1.5, 2 4"))
    }
}
