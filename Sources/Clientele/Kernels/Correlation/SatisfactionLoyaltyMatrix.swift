/// The satisfaction–loyalty matrix of Jones & Sasser (1995, "Why satisfied customers defect",
/// Harvard Business Review 73(6), 88–99): each customer with a satisfaction and a loyalty
/// measure falls in one of four groups,
///
/// |                | loyal       | not loyal    |
/// |----------------|-------------|--------------|
/// | satisfied      | loyalists   | mercenaries  |
/// | not satisfied  | hostages    | defectors    |
///
/// Defaults (configurable): satisfied when mean CSAT ≥ 4 on the 1–5 scale ("satisfied" or
/// "very satisfied", the top-two box; Jones & Sasser's point is that only the top box is
/// safe, so analysts often raise this to 5); loyal when the loyalty measure ≥ 2 — with the
/// default measure, frequency, a repeat customer (use 1 with "retained in the holdout" coded
/// 0/1). NPS (promoters 9–10, detractors 0–6) is reported overall, per quadrant and per group.
public struct SatisfactionLoyaltyMatrix: Sendable, Equatable {
    public var satisfiedAtLeast: Double = 4
    public var loyalAtLeast: Double = 2
    public var promoterAtLeast: Double = 9
    public var detractorAtMost: Double = 6

    public init() {}

    /// Classifies every customer; `satisfaction`, `loyalty`, `recommend` hold one value per
    /// customer, NaN when missing (a customer missing either measure has no group).
    /// - Throws: `CorrelationError.lengthMismatch` when lengths differ, `.unknownGroup` for a bad group label.
    public func run(satisfaction: [Double], loyalty: [Double], recommend: [Double], groups: CorrelationGroups? = nil)
        throws(CorrelationError) -> SatisfactionLoyaltyResult {
        let n = satisfaction.count
        guard loyalty.count == n else { throw .lengthMismatch(variable: "loyalty", count: loyalty.count, expected: n) }
        guard recommend.count == n else { throw .lengthMismatch(variable: "recommend", count: recommend.count, expected: n) }
        if let groups {
            guard groups.labels.count == n else { throw .lengthMismatch(variable: "group", count: groups.labels.count, expected: n) }
            if let bad = groups.labels.first(where: { $0 < 0 || Int($0) >= groups.names.count }) {
                throw .unknownGroup(label: Int(bad), groups: groups.names.count)
            }
        }
        // One pass over the customers: each quadrant's sums run in row order, as a per-quadrant
        // reduce would add them, so the means are the same to the last bit.
        var group = [LoyaltyGroup?](repeating: nil, count: n)
        var classes = [NPSClass?](repeating: nil, count: n)
        let quadrantCount = LoyaltyGroup.allCases.count
        var members = [Int](repeating: 0, count: quadrantCount)
        var satisfactionSum = [Double](repeating: 0, count: quadrantCount), loyaltySum = satisfactionSum
        var quadrantNPS = [NetPromoterScore](repeating: NetPromoterScore(), count: quadrantCount)
        var overall = NetPromoterScore()
        let groupCount = groups?.names.count ?? 0
        var groupMembers = [Int](repeating: 0, count: groupCount)
        var groupNPS = [NetPromoterScore](repeating: NetPromoterScore(), count: groupCount)
        let quadrantIndex = Dictionary(uniqueKeysWithValues: LoyaltyGroup.allCases.enumerated().map { ($0.element, $0.offset) })
        for i in 0..<n {
            let c = NPSClass(recommend: recommend[i], promoterAtLeast: promoterAtLeast, detractorAtMost: detractorAtMost)
            classes[i] = c
            overall.add(c)
            if let groups {
                let g = Int(groups.labels[i])
                groupMembers[g] += 1
                groupNPS[g].add(c)
            }
            let s = satisfaction[i], l = loyalty[i]
            if s.isNaN || l.isNaN { continue }
            let q = LoyaltyGroup(satisfied: s >= satisfiedAtLeast, loyal: l >= loyalAtLeast)
            group[i] = q
            let k = quadrantIndex[q]!
            members[k] += 1
            satisfactionSum[k] += s
            loyaltySum[k] += l
            quadrantNPS[k].add(c)
        }
        let classified = members.reduce(0, +)
        let quadrants = LoyaltyGroup.allCases.enumerated().map { k, g -> SatisfactionLoyaltyResult.Quadrant in
            let count = members[k]
            return .init(group: g, customers: count, share: classified > 0 ? Double(count) / Double(classified) : nil,
                         meanSatisfaction: count > 0 ? satisfactionSum[k] / Double(count) : nil,
                         meanLoyalty: count > 0 ? loyaltySum[k] / Double(count) : nil, nps: quadrantNPS[k])
        }
        var byGroup: [SatisfactionLoyaltyResult.GroupNPS] = []
        if let groups {
            byGroup = groups.names.indices.map { g in .init(group: groups.names[g], customers: groupMembers[g], nps: groupNPS[g]) }
        }
        return SatisfactionLoyaltyResult(settings: self, groups: group, npsClasses: classes, quadrants: quadrants,
                                         nps: overall, npsByGroup: byGroup)
    }
}

/// The four groups of the satisfaction–loyalty matrix.
public enum LoyaltyGroup: String, Sendable, Equatable, CaseIterable, Codable {
    case loyalist, mercenary, hostage, defector

    public init(satisfied: Bool, loyal: Bool) {
        switch (satisfied, loyal) {
        case (true, true): self = .loyalist
        case (true, false): self = .mercenary
        case (false, true): self = .hostage
        case (false, false): self = .defector
        }
    }

    /// Plural display name for reports ("Loyalists", …).
    public var displayName: String {
        switch self {
        case .loyalist: return "Loyalists"
        case .mercenary: return "Mercenaries"
        case .hostage: return "Hostages"
        case .defector: return "Defectors"
        }
    }
}

/// Each customer's group and NPS class, with counts and NPS per quadrant and per group.
public struct SatisfactionLoyaltyResult: Sendable, Equatable {
    public let settings: SatisfactionLoyaltyMatrix
    /// The `loyalty_group` column: nil when satisfaction or loyalty is missing (empty cell).
    public let groups: [LoyaltyGroup?]
    /// NPS class of each customer; nil without a recommend answer.
    public let npsClasses: [NPSClass?]
    /// Loyalists, mercenaries, hostages, defectors, in that order.
    public let quadrants: [Quadrant]
    /// NPS over all customers with a recommend answer.
    public let nps: NetPromoterScore
    /// NPS per group (segment), in the groups' order; empty without groups.
    public let npsByGroup: [GroupNPS]

    public struct Quadrant: Sendable, Equatable {
        public let group: LoyaltyGroup
        public let customers: Int
        /// Share of the classified customers; nil when none is classified.
        public let share: Double?
        public let meanSatisfaction: Double?
        public let meanLoyalty: Double?
        public let nps: NetPromoterScore
    }

    public struct GroupNPS: Sendable, Equatable {
        public let group: String
        public let customers: Int
        public let nps: NetPromoterScore
    }
}

extension NetPromoterScore {
    /// Counts one respondent's class (nil: no answer, not counted), as `init(classes:)` does.
    package mutating func add(_ c: NPSClass?) {
        switch c {
        case .promoter?: promoters += 1
        case .passive?: passives += 1
        case .detractor?: detractors += 1
        case nil: break
        }
    }
}
