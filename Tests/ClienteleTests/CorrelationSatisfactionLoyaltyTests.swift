import Testing
@testable import Clientele

@Suite("Satisfaction-loyalty matrix and NPS")
struct CorrelationSatisfactionLoyaltyTests {
    @Test("the four groups of Jones & Sasser from the default thresholds (CSAT ≥ 4, frequency ≥ 2)")
    func quadrants() throws {
        let nan = Double.nan
        let result = try SatisfactionLoyaltyMatrix().run(satisfaction: [5, 4, 3.9, 2, nan, 4.5],
                                                         loyalty: [3, 1, 2, 1, 5, nan],
                                                         recommend: [10, 8, 6, 0, 9, nan])
        #expect(result.groups == [.loyalist, .mercenary, .hostage, .defector, nil, nil])
        #expect(result.quadrants.map(\.customers) == [1, 1, 1, 1])
        #expect(result.quadrants.map(\.share) == [0.25, 0.25, 0.25, 0.25])
        #expect(result.npsClasses == [.promoter, .passive, .detractor, .detractor, .promoter, nil])
        // 2 promoters, 1 passive, 2 detractors of 5 respondents: NPS 0.
        #expect(result.nps.score == 0 && result.nps.respondents == 5)
        #expect(LoyaltyGroup.allCases.map(\.displayName) == ["Loyalists", "Mercenaries", "Hostages", "Defectors"])
    }

    @Test("thresholds are configurable and NPS is reported per group")
    func configurable() throws {
        var matrix = SatisfactionLoyaltyMatrix()
        matrix.satisfiedAtLeast = 5
        matrix.loyalAtLeast = 1
        let result = try matrix.run(satisfaction: [5, 4, 5, 4], loyalty: [1, 1, 0, 0], recommend: [9, 9, 3, 7],
                                    groups: CorrelationGroups(labels: [0, 0, 1, 1], names: ["Champions", "Lost"]))
        #expect(result.groups == [.loyalist, .hostage, .mercenary, .defector])
        #expect(result.npsByGroup.map(\.group) == ["Champions", "Lost"])
        #expect(result.npsByGroup.map(\.nps.score) == [100, -50])
        #expect(NetPromoterScore().score == nil)  // no respondents: not defined, not NaN
    }

    @Test("per-customer measures from interactions: means of answers, complaints counted, later interactions left out")
    func measures() {
        var t = InteractionTable()
        t.customer = [0, 0, 1, 1, 0, 2]
        t.day = [10, 11, 12, 13, 50, 14]
        t.kind = [.survey, .complaint, .survey, .survey, .survey, .complaint]
        t.channel = [0, 0, 0, 0, 0, 0]
        t.satisfaction = [4, .nan, 2, 3, 1, .nan]
        t.recommend = [9, .nan, 5, .nan, 0, .nan]
        let m = SatisfactionMeasures(interactions: t, customerCount: 4, beforeDay: 40)
        #expect(m.meanSatisfaction[0] == 4 && m.meanSatisfaction[1] == 2.5)
        #expect(m.meanSatisfaction[2].isNaN && m.meanSatisfaction[3].isNaN)
        #expect(m.meanRecommend[0] == 9 && m.meanRecommend[1] == 5)
        #expect(m.complaints == [1, 0, 1, 0])
        #expect(m.satisfactionAnswers == [1, 2, 0, 0])
        let codes = m.npsClassCodes()
        #expect(codes[0] == 1 && codes[1] == -1 && codes[2].isNaN)
        let all = SatisfactionMeasures(interactions: t, customerCount: 4)
        #expect(all.meanSatisfaction[0] == 2.5 && all.meanRecommend[0] == 4.5)
    }

    @Test("mismatched lengths are refused with the numbers")
    func lengths() {
        #expect(throws: CorrelationError.lengthMismatch(variable: "loyalty", count: 1, expected: 2)) {
            try SatisfactionLoyaltyMatrix().run(satisfaction: [1, 2], loyalty: [1], recommend: [1, 2])
        }
    }
}
