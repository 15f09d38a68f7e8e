import Foundation
import Testing
@testable import Clientele

@Suite("Churn: extra features from the job file, measured at both dates")
struct ChurnExtraFeatureTests {
    /// E = day 100, as-of = day 131. c0 orders 10 (+10.00), 50 (−2.00), 120 (+5.00); c1 90 (+25.00); c2 110 (+7.00).
    static let orders = churnOrders(customers: 3, [(0, 10, 1000), (0, 50, -200), (0, 120, 500), (1, 90, 2500), (2, 110, 700)])
    static let end = CalendarDay(daysSinceEpoch: 100), asOf = CalendarDay(daysSinceEpoch: 131)

    /// c0: support 20, survey 30 (recommend 8), support 105, survey 110 (recommend 2); c1: marketing 99; c2: survey 115 (recommend 10).
    static var interactions: InteractionTable {
        var t = churnInteractions([(0, 20, .support, .nan), (0, 30, .survey, .nan), (0, 105, .support, .nan), (0, 110, .survey, .nan),
                                   (1, 99, .marketing, .nan), (2, 115, .survey, .nan)])
        t.recommend = [.nan, 8, .nan, 2, .nan, 10]
        return t
    }

    func column(_ f: ChurnExtraFeature) -> ChurnFeatureColumn {
        f.column(orders: Self.orders, interactions: Self.interactions, calibrationEnd: Self.end, asOf: Self.asOf)
    }

    @Test("order features by hand: mean order value and repeat orders per 30 days, as of E + 1 and as of as-of")
    func orderFeatures() {
        let value = column(.meanOrderValue)
        #expect(value.calibration == [4, 25, 0])  // c0 (10 − 2) / 2; c2 has no order by E
        #expect(value.current == [13.0 / 3, 25, 7])
        let rate = column(.repeatRate)
        #expect(rate.calibration == [30.0 / 91, 0, 0])  // one repeat order over 101 − 10 days
        #expect(rate.current == [60.0 / 121, 0, 0])
    }

    @Test("interaction features by hand; a missing recommend answer takes the mean of the active customers who answered")
    func interactionFeatures() {
        #expect(column(.supportContacts).calibration == [1, 0, 0])
        #expect(column(.supportContacts).current == [2, 0, 0])
        #expect(column(.interactions).calibration == [2, 1, 0])
        #expect(column(.interactions).current == [4, 1, 1])
        let recommend = column(.meanRecommend)
        #expect(recommend.calibration == [8, 8, 8])  // only c0 answered by E; c1 gets the fill
        #expect(recommend.current == [5, 7.5, 10])  // c0 (8 + 2) / 2, c2 10; c1 gets (5 + 10) / 2
    }

    @Test("a run with [churn] features fits them: churn_model.csv has their terms")
    func endToEnd() throws {
        try withScratch { scratch in
            let population = SyntheticPopulation(customers: 3_000, seed: 4)
            let files = try population.render()
            let transactions = try scratch.write("t.csv", String(decoding: files.transactions, as: UTF8.self))
            let interactions = try scratch.write("i.csv", String(decoding: files.interactions, as: UTF8.self))
            var config = configuration(transactions: transactions, out: scratch.join("report"), interactions: interactions, churn: true)
            config.asOf = population.asOf
            config.calibrationEnd = population.calibrationEnd
            config.churn.extraFeatures = [.meanOrderValue, .supportContacts]
            let outcome = try Run(configuration: config).execute()
            let terms = try #require(outcome.report.churn).terms.map(\.term)
            #expect(terms.suffix(2) == ["mean_order_value", "support_contacts"])
            let csv = try text(scratch.join("report/churn_model.csv"))
            #expect(csv.contains("\nmean_order_value,") && csv.contains("\nsupport_contacts,"))
        }
    }

    @Test("a feature from the interactions without an interactions file is a configuration error (exit 64)")
    func needsInteractions() {
        var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: "unused", churn: true)
        config.churn.extraFeatures = [.supportContacts]
        #expect(throws: ConfigurationError.invalid("churn.features: support_contacts comes from the interactions; pass --interactions or drop it")) {
            try config.validate()
        }
    }
}
