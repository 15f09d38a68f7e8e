import ClienteleSupport

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

    /// Customers a block of the classifying pass takes.
    package static let block = 1 << 15

    /// One block's counts: customers and NPS classes per quadrant, overall and per group, and
    /// the first group label out of range.
    private struct Tally {
        var members: [Int]
        var quadrantNPS: [NetPromoterScore]
        var overall = NetPromoterScore()
        var groupMembers: [Int]
        var groupNPS: [NetPromoterScore]
        var firstBadLabel: Int32?

        init(quadrants: Int, groups: Int) {
            members = [Int](repeating: 0, count: quadrants)
            quadrantNPS = [NetPromoterScore](repeating: NetPromoterScore(), count: quadrants)
            groupMembers = [Int](repeating: 0, count: groups)
            groupNPS = [NetPromoterScore](repeating: NetPromoterScore(), count: groups)
        }
    }

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
        }
        let quadrantCount = LoyaltyGroup.allCases.count
        let groupCount = groups?.names.count ?? 0
        // Blocks of customers over the threads: each customer's class and quadrant, written once,
        // and the block's counts (added in block order below; counts do not depend on it).
        var tallies: [Tally] = []
        var group: [LoyaltyGroup?] = []
        let classes = [NPSClass?](unsafeUninitializedCapacity: n) { classes, classesWritten in
            group = [LoyaltyGroup?](unsafeUninitializedCapacity: n) { group, groupWritten in
                tallies = parallelBlocks(n, size: Self.block) { block in
                    var tally = Tally(quadrants: quadrantCount, groups: groupCount)
                    for i in block {
                        let c = NPSClass(recommend: recommend[i], promoterAtLeast: promoterAtLeast, detractorAtMost: detractorAtMost)
                        (classes.baseAddress! + i).initialize(to: c)
                        tally.overall.add(c)
                        if let groups {
                            let g = Int(groups.labels[i])
                            if g < 0 || g >= groupCount {
                                if tally.firstBadLabel == nil { tally.firstBadLabel = Int32(g) }
                            } else {
                                tally.groupMembers[g] += 1
                                tally.groupNPS[g].add(c)
                            }
                        }
                        let s = satisfaction[i], l = loyalty[i]
                        if s.isNaN || l.isNaN { (group.baseAddress! + i).initialize(to: nil); continue }
                        let q = LoyaltyGroup(satisfied: s >= satisfiedAtLeast, loyal: l >= loyalAtLeast)
                        (group.baseAddress! + i).initialize(to: q)
                        tally.members[q.index] += 1
                        tally.quadrantNPS[q.index].add(c)
                    }
                    return tally
                }
                groupWritten = n
            }
            classesWritten = n
        }
        if let bad = tallies.lazy.compactMap(\.firstBadLabel).first, let groups {
            throw .unknownGroup(label: Int(bad), groups: groups.names.count)
        }
        var members = [Int](repeating: 0, count: quadrantCount)
        var quadrantNPS = [NetPromoterScore](repeating: NetPromoterScore(), count: quadrantCount)
        var overall = NetPromoterScore()
        var groupMembers = [Int](repeating: 0, count: groupCount)
        var groupNPS = [NetPromoterScore](repeating: NetPromoterScore(), count: groupCount)
        for t in tallies {
            overall.add(t.overall)
            for k in 0..<quadrantCount { members[k] += t.members[k]; quadrantNPS[k].add(t.quadrantNPS[k]) }
            for g in 0..<groupCount { groupMembers[g] += t.groupMembers[g]; groupNPS[g].add(t.groupNPS[g]) }
        }
        // Each quadrant's sums run in row order, as a per-quadrant reduce would add them, so the
        // means are the same to the last bit.
        var satisfactionSum = [Double](repeating: 0, count: quadrantCount), loyaltySum = satisfactionSum
        group.withUnsafeBufferPointer { group in
            for i in 0..<n {
                guard let q = group[i] else { continue }
                satisfactionSum[q.index] += satisfaction[i]
                loyaltySum[q.index] += loyalty[i]
            }
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

    /// Position in `allCases` (loyalists, mercenaries, hostages, defectors): the quadrant's slot.
    var index: Int {
        switch self {
        case .loyalist: return 0
        case .mercenary: return 1
        case .hostage: return 2
        case .defector: return 3
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
    /// Adds another set's counts.
    package mutating func add(_ other: NetPromoterScore) {
        promoters += other.promoters
        passives += other.passives
        detractors += other.detractors
    }

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
