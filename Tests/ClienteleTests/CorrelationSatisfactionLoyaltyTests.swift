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

    @Test("over several blocks of customers, on 1 and 2 threads: each customer's group and class, the counts and, to the last bit, the quadrant means equal a plain row-order pass",
          arguments: [1, 2])
    func blocksMatchOneRowOrderPass(threads: Int) throws {
        let n = 3 * SatisfactionLoyaltyMatrix.block + 1_234
        var random = RandomSource(seed: 31)
        let satisfaction = (0..<n).map { _ in random.index(below: 5) == 0 ? Double.nan : Double(1 + random.index(below: 13)) / 3 }
        let loyalty = (0..<n).map { _ in random.index(below: 7) == 0 ? Double.nan : Double(1 + random.index(below: 6)) }
        let recommend = (0..<n).map { _ in random.index(below: 3) == 0 ? Double.nan : Double(random.index(below: 21)) / 2 }
        let labels = (0..<n).map { _ in Int32(random.index(below: 3)) }
        let matrix = SatisfactionLoyaltyMatrix()
        let result = try Parallelism.withThreads(threads) {
            try matrix.run(satisfaction: satisfaction, loyalty: loyalty, recommend: recommend,
                           groups: CorrelationGroups(labels: labels, names: ["a", "b", "c", "empty"]))
        }
        let groups = (0..<n).map { i -> LoyaltyGroup? in
            satisfaction[i].isNaN || loyalty[i].isNaN ? nil : LoyaltyGroup(satisfied: satisfaction[i] >= 4, loyal: loyalty[i] >= 2)
        }
        let classes = recommend.map { NPSClass(recommend: $0) }
        #expect(result.groups == groups)
        #expect(result.npsClasses == classes)
        #expect(result.nps == NetPromoterScore(classes: classes))
        for (k, quadrant) in result.quadrants.enumerated() {
            let rows = (0..<n).filter { groups[$0] == LoyaltyGroup.allCases[k] }
            #expect(quadrant.customers == rows.count)
            #expect(quadrant.meanSatisfaction == rows.map { satisfaction[$0] }.reduce(0, +) / Double(rows.count))
            #expect(quadrant.meanLoyalty == rows.map { loyalty[$0] }.reduce(0, +) / Double(rows.count))
            #expect(quadrant.nps == NetPromoterScore(classes: rows.map { classes[$0] }))
        }
        for g in 0..<4 {
            let rows = (0..<n).filter { labels[$0] == g }
            #expect(result.npsByGroup[g].customers == rows.count)
            #expect(result.npsByGroup[g].nps == NetPromoterScore(classes: rows.map { classes[$0] }))
        }
    }

    @Test("a group label out of range is refused, the first one in row order, even in a later block")
    func badLabelInALaterBlock() {
        let n = 2 * SatisfactionLoyaltyMatrix.block + 10
        var labels = [Int32](repeating: 0, count: n)
        labels[SatisfactionLoyaltyMatrix.block + 3] = 7
        labels[n - 1] = -1
        let v = [Double](repeating: 4, count: n)
        #expect(throws: CorrelationError.unknownGroup(label: 7, groups: 1)) {
            try Parallelism.withThreads(2) {
                try SatisfactionLoyaltyMatrix().run(satisfaction: v, loyalty: v, recommend: v,
                                                    groups: CorrelationGroups(labels: labels, names: ["a"]))
            }
        }
    }
}
