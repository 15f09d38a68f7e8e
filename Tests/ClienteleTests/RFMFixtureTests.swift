import Foundation
import Testing
@testable import Clientele

/// One hand-computed expectation of `Fixtures/rfm` (see its README for the arithmetic).
struct RFMFixtureCase: Sendable, CustomTestStringConvertible {
    var transactions: String
    var ties: RFMScorer.TieRule
    var margin: Double = 1
    var asOf: String?
    var expected: String

    var testDescription: String {
        "\(transactions) ties=\(ties) margin=\(margin)\(asOf.map { " as-of \($0)" } ?? "") → \(expected)"
    }

    static let all: [RFMFixtureCase] = [
        .init(transactions: "transactions.csv", ties: .fill, expected: "expected_fill.csv"),
        .init(transactions: "transactions_no_order_id.csv", ties: .fill, expected: "expected_fill_no_order_id.csv"),
        .init(transactions: "transactions.csv", ties: .fill, asOf: "2024-09-01", expected: "expected_share_asof_2024-09-01.csv"),
        .init(transactions: "transactions.csv", ties: .share, expected: "expected_share.csv"),
        .init(transactions: "transactions.csv", ties: .split, expected: "expected_split.csv"),
        .init(transactions: "transactions.csv", ties: .share, margin: 0.25, expected: "expected_share_margin_0.25.csv"),
        .init(transactions: "transactions_no_order_id.csv", ties: .share, expected: "expected_share_no_order_id.csv"),
        .init(transactions: "transactions.csv", ties: .share, asOf: "2024-09-01", expected: "expected_share_asof_2024-09-01.csv"),
    ]
}

@Suite("RFM on the hand-computed fixture")
struct RFMFixtureTests {
    static let header = "customer_id,first_order_date,last_order_date,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_cell,segment,historical_clv"

    /// Loader → activity → scorer, the way `Run` composes them.
    static func score(_ c: RFMFixtureCase) throws -> (TransactionLoader.Loaded, CustomerActivity, RFMResult) {
        let loaded = try TransactionLoader(source: CSVSource(path: Package.fixture("rfm/" + c.transactions))).load()
        let asOf = try c.asOf.map { try #require(CalendarDay(iso: $0)) } ?? loaded.lastDay.adding(days: 1)
        let activity = CustomerActivity(orders: loaded.orders, asOf: asOf)
        var scorer = RFMScorer()
        scorer.ties = c.ties
        scorer.margin = c.margin
        return (loaded, activity, try scorer.run(activity))
    }

    @Test("the library's scores equal the hand-computed rows, field by field", arguments: RFMFixtureCase.all)
    func libraryFields(c: RFMFixtureCase) throws {
        let (loaded, activity, result) = try Self.score(c)
        let expected = csvRecords(try text(Package.fixture("rfm/" + c.expected)))
        #expect(expected.first?.joined(separator: ",") == Self.header)
        let rows = Array(expected.dropFirst())
        try #require(result.count == rows.count, "scored \(result.count) customers, expected \(rows.count)")
        let names = result.scorer.segments.names
        for (k, row) in rows.enumerated() {
            let c = result.customers[k]
            let cents = { (x: Int64) in String(format: "%.2f", Double(x) / 100) }
            let actual = [
                loaded.customers.customerID(c),
                CalendarDay(daysSinceEpoch: activity.firstDay[Int(c)]).description,
                CalendarDay(daysSinceEpoch: activity.lastDay[Int(c)]).description,
                String(result.recencyDays[k]), String(result.frequency[k]), cents(result.monetaryCents[k]),
                String(result.r[k]), String(result.f[k]), String(result.m[k]),
                "\(result.r[k])\(result.f[k])\(result.m[k])", names[Int(result.segment[k])],
                cents(Int64(result.historicalCLVCents[k])),
            ]
            #expect(actual == row, "customer \(row[0])")
        }
    }

    @Test("the library's customers.csv equals the expected file byte for byte", arguments: RFMFixtureCase.all)
    func libraryBytes(c: RFMFixtureCase) throws {
        let (loaded, activity, result) = try Self.score(c)
        try withScratch { scratch in
            let path = scratch.join("customers.csv")
            try CustomersCSVWriter(customers: loaded.customers, activity: activity, rfm: result).write(to: path)
            #expect(try bytes(path) == bytes(Package.fixture("rfm/" + c.expected)))
        }
    }

    @Test("a run's customers.csv equals the expected file byte for byte", arguments: RFMFixtureCase.all)
    func runBytes(c: RFMFixtureCase) throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/" + c.transactions), out: scratch.join("report"))
            config.rfm.ties = c.ties
            config.rfm.margin = c.margin
            config.asOf = c.asOf.flatMap(CalendarDay.init(iso:))
            let outcome = try Run(configuration: config).execute()
            #expect(outcome.folder == scratch.join("report"))
            #expect(try bytes(scratch.join("report/customers.csv")) == bytes(Package.fixture("rfm/" + c.expected)))
        }
    }

    @Test("a margin outside 0…1 is a configuration error (exit 64)", arguments: [-0.1, 1.5, 2.0, Double.nan])
    func marginOutOfRange(margin: Double) throws {
        var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: "/nonexistent/report")
        config.rfm.margin = margin
        let error = #expect(throws: ConfigurationError.self) { try config.validate() }
        #expect(error?.exitStatus == .usage)
        #expect(error?.description.contains("between 0 and 1") == true)
    }

    @Test("historical_clv is monetary × margin rounded half away from zero", arguments: [
        (0.0, ["u3": "0.00", "u8": "0.00", "u9": "0.00", "u11": "0.00"]),
        (0.3, ["u3": "-9.00", "u8": "15.00", "u9": "144.30", "u11": "93.08"]),
        (0.5, ["u3": "-15.00", "u8": "25.00", "u9": "240.50", "u11": "155.13"]),
        (0.75, ["u3": "-22.50", "u8": "37.50", "u9": "360.74", "u11": "232.69"]),
        (1.0, ["u3": "-30.00", "u8": "50.00", "u9": "480.99", "u11": "310.25"]),
    ])
    func margin(margin: Double, expected: [String: String]) throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))
            config.rfm.margin = margin
            _ = try Run(configuration: config).execute()
            let rows = csvRecords(try text(scratch.join("report/customers.csv"))).dropFirst()
            let clv = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[11]) })
            let monetary = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[5]) })
            for (id, value) in expected { #expect(clv[id] == value, "customer \(id)") }
            // The monetary column does not depend on the margin.
            #expect(monetary["u9"] == "480.99")
            #expect(rows.count == 13)
        }
    }

    @Test("segments.csv counts the hand-computed segments and their revenue, under the default fill and under share",
          arguments: [RFMScorer.TieRule.fill, .share])
    func segments(ties: RFMScorer.TieRule) throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))
            if ties != .fill { config.rfm.ties = ties }  // fill: the default
            _ = try Run(configuration: config).execute()
            let rows = csvRecords(try text(scratch.join("report/segments.csv")))
            let bySegment = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], ($0[1], $0[3])) })
            let expected: [String: (String, String)] = ties == .fill ? [
                "Champions": ("0", "0.00"), "Loyal Customers": ("2", "680.99"), "Potential Loyalists": ("2", "125.00"),
                "New Customers": ("1", "80.00"), "Promising": ("0", "0.00"), "Need Attention": ("1", "120.50"),
                "About to Sleep": ("1", "50.00"), "At Risk": ("1", "310.25"), "Can't Lose Them": ("0", "0.00"),
                "Hibernating": ("5", "155.50"),
            ] : [
                "Champions": ("0", "0.00"), "Loyal Customers": ("4", "851.49"), "Potential Loyalists": ("1", "75.00"),
                "New Customers": ("1", "80.00"), "Promising": ("0", "0.00"), "Need Attention": ("0", "0.00"),
                "About to Sleep": ("1", "50.00"), "At Risk": ("1", "310.25"), "Can't Lose Them": ("0", "0.00"),
                "Hibernating": ("5", "155.50"),
            ]
            #expect(rows.dropFirst().map { $0[0] } == SegmentMap.standard.names)
            for (name, value) in expected {
                #expect(bySegment[name]?.0 == value.0, "\(name) customers")
                #expect(bySegment[name]?.1 == value.1, "\(name) revenue")
            }
            let shares = rows.dropFirst().compactMap { Double($0[2]) }
            #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test("report.json counts customers, orders and net revenue as computed by hand")
    func reportCounts() throws {
        try withScratch { scratch in
            _ = try Run(configuration: configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))).execute()
            let customers = try #require(try reportJSON(scratch.join("report"))["customers"] as? [String: Any])
            #expect(customers["in_transactions"] as? Int == 13)
            #expect(customers["scored"] as? Int == 13)
            #expect(customers["not_yet_active"] as? Int == 0)
            #expect(customers["orders"] as? Int == 31)
            #expect(customers["net_revenue"] as? Double == 1522.24)
        }
    }
}
