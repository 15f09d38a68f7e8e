/// The satisfaction–loyalty part of the report: who answered, NPS overall and per segment, the
/// Jones & Sasser quadrants, and every correlation pair (the rows of `correlations.csv`).
public struct SatisfactionReport: Codable, Sendable {
    /// Net Promoter counts and score (100 × (promoters − detractors) / respondents); score nil without respondents.
    public struct NPS: Codable, Sendable {
        public var respondents: Int
        public var promoters: Int
        public var passives: Int
        public var detractors: Int
        public var score: Double?
        package init(respondents: Int, promoters: Int, passives: Int, detractors: Int, score: Double?) {
            self.respondents = respondents; self.promoters = promoters; self.passives = passives; self.detractors = detractors
            self.score = score
        }
    }

    public struct SegmentNPS: Codable, Sendable {
        public var segment: String
        /// Scored customers in the segment (respondents or not).
        public var customers: Int
        public var nps: NPS
        package init(segment: String, customers: Int, nps: NPS) { self.segment = segment; self.customers = customers; self.nps = nps }
    }

    /// Where a customer falls: satisfied when mean CSAT ≥ `satisfiedAtLeast`, loyal when the
    /// loyalty measure ≥ `loyalAtLeast`; NPS classes from the mean recommend answer.
    public struct Thresholds: Codable, Sendable {
        public var satisfiedAtLeast: Double
        public var loyaltyMeasure: String
        public var loyalAtLeast: Double
        public var promoterAtLeast: Double
        public var detractorAtMost: Double
        package init(satisfiedAtLeast: Double, loyaltyMeasure: String, loyalAtLeast: Double, promoterAtLeast: Double, detractorAtMost: Double) {
            self.satisfiedAtLeast = satisfiedAtLeast; self.loyaltyMeasure = loyaltyMeasure; self.loyalAtLeast = loyalAtLeast
            self.promoterAtLeast = promoterAtLeast; self.detractorAtMost = detractorAtMost
        }
    }

    public struct Quadrant: Codable, Sendable {
        /// The `loyalty_group` value: loyalist, mercenary, hostage, defector.
        public var group: String
        public var title: String
        public var customers: Int
        /// Share of the classified customers.
        public var share: Double?
        public var meanSatisfaction: Double?
        public var meanLoyalty: Double?
        public var nps: NPS
        package init(group: String, title: String, customers: Int, share: Double?, meanSatisfaction: Double?, meanLoyalty: Double?, nps: NPS) {
            self.group = group; self.title = title; self.customers = customers; self.share = share
            self.meanSatisfaction = meanSatisfaction; self.meanLoyalty = meanLoyalty; self.nps = nps
        }
    }

    /// One row of `correlations.csv`; the statistics are nil where not defined, `notDefined` says why.
    public struct Pair: Codable, Sendable {
        public var group: String
        public var x: String
        public var y: String
        public var n: Int
        public var pearsonR: Double?
        public var pearsonP: Double?
        public var pearsonCILow: Double?
        public var pearsonCIHigh: Double?
        public var spearmanRho: Double?
        public var spearmanP: Double?
        public var kendallTauB: Double?
        public var kendallP: Double?
        public var notDefined: String?
        /// The sampled τ-b's standard error, √(2 (2m + 5) / (9 m (m − 1))) for m sampled pairs;
        /// only with `kendallSample` (a run spread over machines), nil when τ-b is exact.
        public var kendallStandardError: Double? = nil
        /// The sampled pairs behind `kendallTauB` (with `kendallSample`), nil when it used all `n`.
        public var kendallN: Int? = nil
    }

    /// How Kendall's τ-b was estimated when it is not computed on every pair: a run spread over
    /// machines (scripts/spark-run) computes it on the respondents whose customer_id's FNV-1a
    /// 64-bit hash falls below `sampleFraction` × 2⁶⁴ (group "all" only). Nil: exact.
    public struct KendallSample: Codable, Sendable {
        public var respondents: Int
        public var sampleFraction: Double
        public var rule: String
        package init(respondents: Int, sampleFraction: Double, rule: String) {
            self.respondents = respondents; self.sampleFraction = sampleFraction; self.rule = rule
        }
    }

    /// Scored customers with at least one satisfaction or recommend answer before as-of.
    public var respondents: Int
    public var satisfactionRespondents: Int
    public var recommendRespondents: Int
    /// Complaints before as-of from scored customers, and how many customers they came from.
    public var complaints: Int
    public var customersWithComplaints: Int
    /// Mean of the respondents' mean CSAT.
    public var meanSatisfaction: Double?
    public var thresholds: Thresholds
    /// Customers with both a satisfaction answer and the loyalty measure.
    public var classified: Int
    public var quadrants: [Quadrant]
    public var nps: NPS
    public var npsBySegment: [SegmentNPS]
    public var confidenceLevel: Double
    public var satisfactionMeasures: [String]
    public var loyaltyMeasures: [String]
    /// Group "all" first, then each segment with respondents; x-major within a group.
    public var correlations: [Pair]
    /// Set when τ-b comes from a sample (a run spread over machines); nil when it is exact.
    public var kendallSample: KendallSample? = nil
    /// Pairs a run spread over machines does not compute, and why; nil when every pair is there.
    public var notDistributed: String? = nil

    /// A report from its figures (a run spread over machines adds them up from its partitions).
    package init(respondents: Int, satisfactionRespondents: Int, recommendRespondents: Int, complaints: Int, customersWithComplaints: Int,
                 meanSatisfaction: Double?, thresholds: Thresholds, classified: Int, quadrants: [Quadrant], nps: NPS,
                 npsBySegment: [SegmentNPS], confidenceLevel: Double, satisfactionMeasures: [String], loyaltyMeasures: [String],
                 correlations: [Pair]) {
        self.respondents = respondents; self.satisfactionRespondents = satisfactionRespondents
        self.recommendRespondents = recommendRespondents; self.complaints = complaints
        self.customersWithComplaints = customersWithComplaints; self.meanSatisfaction = meanSatisfaction
        self.thresholds = thresholds; self.classified = classified; self.quadrants = quadrants; self.nps = nps
        self.npsBySegment = npsBySegment; self.confidenceLevel = confidenceLevel
        self.satisfactionMeasures = satisfactionMeasures; self.loyaltyMeasures = loyaltyMeasures; self.correlations = correlations
    }

    /// The pair (x, y) of `group`.
    public func pair(x: String, y: String, group: String = "all") -> Pair? {
        correlations.first { $0.group == group && $0.x == x && $0.y == y }
    }
}

/// `correlations.csv` (README, Outputs): `group, x, y, n, pearson_r, pearson_p, pearson_ci_low,
/// pearson_ci_high, spearman_rho, spearman_p, kendall_tau_b, kendall_p`; empty cells where a
/// statistic is not defined (fewer than 3 pairs, a constant column).
package struct CorrelationsCSVWriter {
    package static let header = ["group", "x", "y", "n", "pearson_r", "pearson_p", "pearson_ci_low", "pearson_ci_high",
                         "spearman_rho", "spearman_p", "kendall_tau_b", "kendall_p"]
    package let report: SatisfactionReport
    /// How group (segment) and measure names are written (`CSVCellPolicy`).
    package var cellPolicy: CSVCellPolicy = .neutralizeFormulas

    package init(report: SatisfactionReport, cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.report = report
        self.cellPolicy = cellPolicy
    }

    package func bytes() -> [UInt8] {
        var b = ByteBuffer()
        b.text(Self.header.joined(separator: ","))
        b.newline()
        for p in report.correlations {
            b.field(p.group, policy: cellPolicy); b.comma(); b.field(p.x, policy: cellPolicy); b.comma()
            b.field(p.y, policy: cellPolicy); b.comma(); b.int(p.n)
            for v in [p.pearsonR, p.pearsonP, p.pearsonCILow, p.pearsonCIHigh, p.spearmanRho, p.spearmanP, p.kendallTauB, p.kendallP] {
                b.comma()
                if let v { b.double(v) }
            }
            b.newline()
        }
        return b.bytes
    }
}

extension SatisfactionReport.Pair {
    /// A pair with its statistics still to be filled in (a run over partitions adds them up).
    public init(group: String, x: String, y: String, n: Int) {
        self.group = group; self.x = x; self.y = y; self.n = n
    }
}
