import ClienteleSupport
import ClienteleStore

/// Per-customer satisfaction measures from the interactions: the `mean_satisfaction`,
/// `mean_recommend` and `complaints` columns of customers.csv, and the customer's NPS class.
///
/// - mean satisfaction: mean of the non-blank `satisfaction` answers (any kind of interaction);
/// - mean recommend: mean of the non-blank `recommend` answers (0–10, the NPS item);
/// - complaints: interactions of kind `complaint`;
/// - NPS class: from the mean recommend, promoter ≥ 9, detractor ≤ 6, passive between
///   (Reichheld 2003, "The one number you need to grow", HBR; for a customer with one answer
///   this is the usual 9–10 / 7–8 / 0–6 split). Coded +1 / 0 / −1 for correlation, so that
///   100 × the mean code is the NPS.
/// Customers without an answer get NaN (missing), which the correlation kernel drops pairwise.
public struct SatisfactionMeasures: Sendable, Equatable {
    public let meanSatisfaction: [Double]
    public let meanRecommend: [Double]
    public let complaints: [Int32]
    /// Answers behind each mean.
    public let satisfactionAnswers: [Int32]
    public let recommendAnswers: [Int32]

    /// Measures of customers `0..<customerCount` from interactions dated before `beforeDay`
    /// (days since 1970-01-01, exclusive; nil = all), through `CustomerContacts` of their own.
    /// - Complexity: O(interactions + customers).
    public init(interactions t: InteractionTable, customerCount: Int, beforeDay: Int32? = nil) {
        self.init(contacts: CustomerContacts(interactions: t, customerCount: customerCount,
                                             before: CalendarDay(daysSinceEpoch: beforeDay ?? .max)))
    }

    /// Measures from a customer table's contacts of one period.
    /// - Complexity: O(customers).
    public init(contacts: CustomerContacts) {
        let n = contacts.count
        // Blocks of customers over the threads, each mean written once.
        let means = writeOnceColumns(2, length: n) { out in
            let satisfaction = out[0], recommend = out[1]
            contacts.satisfactionSum.withUnsafeBufferPointer { sSum in
                contacts.satisfactionAnswers.withUnsafeBufferPointer { sCount in
                    contacts.recommendSum.withUnsafeBufferPointer { rSum in
                        contacts.recommendAnswers.withUnsafeBufferPointer { rCount in
                            parallelRanges(n, size: Correlation.rowBlock) { block in
                                for c in block {
                                    satisfaction[c] = sCount[c] > 0 ? sSum[c] / Double(sCount[c]) : .nan
                                    recommend[c] = rCount[c] > 0 ? rSum[c] / Double(rCount[c]) : .nan
                                }
                            }
                        }
                    }
                }
            }
        }
        meanSatisfaction = means[0]
        meanRecommend = means[1]
        complaints = contacts.complaints
        satisfactionAnswers = contacts.satisfactionAnswers
        recommendAnswers = contacts.recommendAnswers
    }

    /// NPS class code of each customer: +1 promoter, 0 passive, −1 detractor, NaN without an answer.
    public func npsClassCodes(promoterAtLeast: Double = 9, detractorAtMost: Double = 6) -> [Double] {
        meanRecommend.map { NPSClass(recommend: $0, promoterAtLeast: promoterAtLeast, detractorAtMost: detractorAtMost)?.code ?? .nan }
    }
}

/// Net Promoter class of a likelihood-to-recommend answer (0–10).
public enum NPSClass: String, Sendable, Equatable, CaseIterable, Codable {
    case promoter, passive, detractor

    /// The class of `recommend`; nil when it is NaN (no answer).
    public init?(recommend: Double, promoterAtLeast: Double = 9, detractorAtMost: Double = 6) {
        if recommend.isNaN { return nil }
        self = recommend >= promoterAtLeast ? .promoter : recommend <= detractorAtMost ? .detractor : .passive
    }

    /// +1, 0, −1.
    public var code: Double {
        switch self {
        case .promoter: return 1
        case .passive: return 0
        case .detractor: return -1
        }
    }
}

/// Net Promoter Score of a set of respondents: 100 × (promoters − detractors) / respondents.
public struct NetPromoterScore: Sendable, Equatable {
    public var promoters = 0
    public var passives = 0
    public var detractors = 0

    public init() {}

    /// Counts of the classes, skipping nils (customers without an answer).
    public init<S: Sequence>(classes: S) where S.Element == NPSClass? {
        for c in classes {
            switch c {
            case .promoter?: promoters += 1
            case .passive?: passives += 1
            case .detractor?: detractors += 1
            case nil: break
            }
        }
    }

    public var respondents: Int { promoters + passives + detractors }

    /// The score in −100…100; nil without respondents ("not defined", never NaN in a report).
    public var score: Double? {
        respondents > 0 ? 100 * Double(promoters - detractors) / Double(respondents) : nil
    }
}
