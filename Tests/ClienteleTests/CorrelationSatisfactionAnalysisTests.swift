import Foundation
import Testing
@testable import Clientele

/// Interactions from (customer, day, kind, satisfaction, recommend) rows; NaN = blank.
private func interactions(_ rows: [(Int, Int32, InteractionKind, Float, Float)]) -> InteractionTable {
    var table = InteractionTable()
    table.customer = rows.map { Int32($0.0) }
    table.day = rows.map(\.1)
    table.kind = rows.map(\.2)
    table.channel = rows.map { _ in 0 }
    table.satisfaction = rows.map(\.3)
    table.recommend = rows.map(\.4)
    table.channelNames = ["web"]
    return table
}

@Suite("Satisfaction against loyalty: measures, row sets and periods")
struct CorrelationSatisfactionAnalysisTests {
    /// E = day 100, as-of = day 131. c0 orders 10, 50, 120; c1 90; c2 110; c3 131 (= as-of: not yet
    /// a customer); c4 100 (= E) and 101.
    static let orders = churnOrders(customers: 5, [(0, 10, 100), (0, 50, 100), (0, 120, 100), (1, 90, 100), (2, 110, 100),
                                                   (3, 131, 100), (4, 100, 100), (4, 101, 100)])
    static let asOf = CalendarDay(daysSinceEpoch: 131), end = CalendarDay(daysSinceEpoch: 100)

    @Test("loyalty measures worked by hand: frequency, tenure, repeat orders per 30 days, retained after E")
    func loyaltyMeasures() throws {
        let m = LoyaltyMeasures(activity: CustomerActivity(orders: Self.orders, asOf: Self.asOf), orders: Self.orders, calibrationEnd: Self.end)
        #expect(m.frequency[0] == 3 && m.frequency[1] == 1 && m.frequency[2] == 1 && m.frequency[3].isNaN && m.frequency[4] == 2)
        #expect(m.tenureDays[0] == 121 && m.tenureDays[1] == 41 && m.tenureDays[2] == 21 && m.tenureDays[4] == 31)
        #expect(m.repeatRate[0] == 2 * 30 / 121.0 && m.repeatRate[1] == 0 && m.repeatRate[4] == 30 / 31.0)
        let retained = try #require(m.retainedInHoldout)
        // c0 bought again at 120, c1 did not, c2 and c3 had no order by E, c4 came back the day after E.
        #expect(retained[0] == 1 && retained[1] == 0 && retained[2].isNaN && retained[3].isNaN && retained[4] == 1)
        #expect(LoyaltyMeasures(activity: CustomerActivity(orders: Self.orders, asOf: Self.asOf), orders: Self.orders,
                                calibrationEnd: nil).retainedInHoldout == nil)
    }

    /// Seven scored customers in two segments; `answers` are (customer, day, CSAT, recommend).
    static func input(_ answers: [(Int, Int32, Float, Float)], complaints: [(Int, Int32)] = [],
                      segment: [UInt8] = [0, 0, 1, 1, 0, 1, 1]) -> SatisfactionLoyaltyAnalysis.Input {
        let orders = churnOrders(customers: 7, [(0, 10, 1), (0, 20, 1), (0, 110, 1), (1, 30, 1), (2, 40, 1), (2, 120, 1),
                                                (3, 50, 1), (3, 60, 1), (3, 70, 1), (4, 80, 1), (5, 5, 1), (5, 125, 1), (6, 105, 1)])
        let rows = answers.map { ($0.0, $0.1, InteractionKind.survey, $0.2, $0.3) } + complaints.map { ($0.0, $0.1, InteractionKind.complaint, Float.nan, Float.nan) }
        return .init(interactions: interactions(rows), activity: CustomerActivity(orders: orders, asOf: asOf), orders: orders,
                     calibrationEnd: end, customers: Array(0..<7), segment: segment, segmentNames: ["Champions", "Lost", "Unused"])
    }

    @Test("pairs use the respondents; retained_in_holdout pairs with satisfaction up to E; only segments with respondents get tables")
    func rowSetsAndPeriods() throws {
        // c6 answers only after E (and first bought after E): in the as-of pairs, not in the holdout pair.
        // c2 answers once before E (2) and once after (4): mean 3 as of as-of, 2 up to E. c4 never answers.
        let answers: [(Int, Int32, Float, Float)] = [(0, 15, 5, 10), (1, 35, 2, 3), (2, 45, 2, 6), (2, 121, 4, .nan),
                                                     (3, 55, 4, 8), (5, 60, 3, 9), (6, 110, 1, 0)]
        let result = try SatisfactionLoyaltyAnalysis().run(Self.input(answers, complaints: [(1, 36), (1, 37), (3, 128)]))
        #expect(result.respondents == 6)
        #expect(result.measures.meanSatisfaction[2] == 3 && result.measures.complaints[1] == 2)
        #expect(result.correlations.yNames == ["frequency", "tenure_days", "repeat_rate", "retained_in_holdout"])
        #expect(result.correlations.tables.map(\.group) == ["all", "Champions", "Lost"])

        // Independent vectors, by hand: respondents c0, c1, c2, c3, c5, c6.
        let csat = [5.0, 2, 3, 4, 3, 1], frequency = [3.0, 1, 2, 3, 2, 1]
        let expected = try Correlation().run(x: [CorrelationVariable(name: "mean_satisfaction", values: csat)],
                                             y: [CorrelationVariable(name: "frequency", values: frequency)])
        #expect(result.correlations.pair(x: "mean_satisfaction", y: "frequency") == expected.tables[0].pairs[0])

        // Up to E: c0 5, c1 2, c2 2, c3 4, c5 3 (c6 is not labelled); retained: c0 1, c1 0, c2 1, c3 0, c5 1.
        let holdout = try Correlation().run(x: [CorrelationVariable(name: "mean_satisfaction", values: [5, 2, 2, 4, 3])],
                                            y: [CorrelationVariable(name: "retained_in_holdout", values: [1, 0, 1, 0, 1])])
        #expect(result.correlations.pair(x: "mean_satisfaction", y: "retained_in_holdout") == holdout.tables[0].pairs[0])
        // complaints are counted for every respondent (0 when none): c1 2, c3 1.
        let complaints = try #require(result.correlations.pair(x: "complaints", y: "frequency"))
        #expect(complaints.n == 6)
        // Champions (c0, c1) has two respondents: defined nowhere, with the reason.
        let small = try #require(result.correlations.pair(x: "mean_satisfaction", y: "frequency", group: "Champions"))
        #expect(small.n == 2 && small.pearson.reason == .tooFewPairs(n: 2, minimum: 3))

        // The matrix: CSAT ≥ 4 and frequency ≥ 2 → c0 loyalist, c1 defector, c2 hostage (3, f 2), c3 loyalist,
        // c4 none (no answer), c5 hostage, c6 defector. NPS: promoters c0 (10), c5 (9); detractors c1, c2, c6.
        #expect(result.groups.groups == [.loyalist, .defector, .hostage, .loyalist, nil, .hostage, .defector])
        #expect(result.groups.nps.promoters == 2 && result.groups.nps.passives == 1 && result.groups.nps.detractors == 3)
        #expect(result.groups.npsByGroup.map(\.group) == ["Champions", "Lost", "Unused"])
        #expect(result.groups.npsByGroup.map(\.customers) == [3, 4, 0])
    }

    @Test("a constant measure is reported as not defined, never NaN")
    func constant() throws {
        let answers: [(Int, Int32, Float, Float)] = [(0, 15, 4, 9), (1, 35, 4, 9), (2, 45, 4, 9), (3, 55, 4, 9)]
        let result = try SatisfactionLoyaltyAnalysis().run(Self.input(answers))
        let pair = try #require(result.correlations.pair(x: "mean_satisfaction", y: "tenure_days"))
        #expect(pair.n == 4 && pair.pearson.reason == .constant(variable: "mean_satisfaction", value: 4))
        let report = SatisfactionReport(result, customers: Array(0..<7))
        let row = try #require(report.pair(x: "mean_satisfaction", y: "tenure_days"))
        #expect(row.pearsonR == nil && row.kendallP == nil && row.notDefined?.contains("constant") == true)
        let csv = String(decoding: CorrelationsCSVWriter(report: report).bytes(), as: UTF8.self)
        #expect(csv.contains("\nall,mean_satisfaction,tenure_days,4,,,,,,,,\n"))
        #expect(!csv.lowercased().contains("nan"))
    }

    @Test("no survey answer at all is a data error that names the interactions")
    func noAnswers() {
        #expect(throws: CorrelationError.noSurveyAnswers(interactions: 1)) {
            try SatisfactionLoyaltyAnalysis().run(Self.input([], complaints: [(1, 36)]))
        }
        #expect(CorrelationError.noSurveyAnswers(interactions: 1).exitStatus == .dataError)
    }
}
