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
        let group: [LoyaltyGroup?] = (0..<n).map { i in
            let s = satisfaction[i], l = loyalty[i]
            if s.isNaN || l.isNaN { return nil }
            return LoyaltyGroup(satisfied: s >= satisfiedAtLeast, loyal: l >= loyalAtLeast)
        }
        let classes = recommend.map { NPSClass(recommend: $0, promoterAtLeast: promoterAtLeast, detractorAtMost: detractorAtMost) }
        let classified = group.compactMap { $0 }.count
        let quadrants = LoyaltyGroup.allCases.map { g -> SatisfactionLoyaltyResult.Quadrant in
            let rows = (0..<n).filter { group[$0] == g }
            let mean = { (v: [Double]) in rows.isEmpty ? nil : rows.reduce(0.0) { $0 + v[$1] } / Double(rows.count) }
            return .init(group: g, customers: rows.count, share: classified > 0 ? Double(rows.count) / Double(classified) : nil,
                         meanSatisfaction: mean(satisfaction), meanLoyalty: mean(loyalty),
                         nps: NetPromoterScore(classes: rows.map { classes[$0] }))
        }
        var byGroup: [SatisfactionLoyaltyResult.GroupNPS] = []
        if let groups {
            var members = [[Int]](repeating: [], count: groups.names.count)
            for (i, g) in groups.labels.enumerated() { members[Int(g)].append(i) }
            byGroup = groups.names.indices.map { g in
                .init(group: groups.names[g], customers: members[g].count, nps: NetPromoterScore(classes: members[g].map { classes[$0] }))
            }
        }
        return SatisfactionLoyaltyResult(settings: self, groups: group, npsClasses: classes, quadrants: quadrants,
                                         nps: NetPromoterScore(classes: classes), npsByGroup: byGroup)
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
