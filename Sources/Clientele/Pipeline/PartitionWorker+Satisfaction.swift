import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The second pass of the satisfaction–loyalty correlations: per pair (`PartitionSatisfaction.pairs`), the exact sums Σ(x − x̄)(y − ȳ) and
/// Σ(rank x − (n+1)/2)(rank y − (n+1)/2) over one partition's customers, with the means and
/// ranks of all partitions (the merged first-pass statistics). Sums are `ExactSum`s, so the
/// merged file is the same bytes for any split and any merge order.
public struct SatisfactionSums: Sendable, Equatable {
    static let magic: [UInt8] = Array("CLNTSSM1".utf8)
    public static var pairCount: Int { PartitionSatisfaction.pairs.count }
    public var pearson = [ExactSum](repeating: ExactSum(), count: pairCount)
    public var spearman = [ExactSum](repeating: ExactSum(), count: pairCount)

    public init() {}

    public func merged(with o: SatisfactionSums) -> SatisfactionSums {
        var m = SatisfactionSums()
        m.pearson = zip(pearson, o.pearson).map { $0.merged(with: $1) }
        m.spearman = zip(spearman, o.spearman).map { $0.merged(with: $1) }
        return m
    }

    public func encoded() -> [UInt8] {
        var w = BinaryFields()
        w.bytes = Self.magic
        for s in pearson + spearman { w.ints(s.normalized().limbs) }
        return w.bytes
    }

    public init(decoding bytes: [UInt8], path: String) throws(PartitionIOError) {
        guard bytes.starts(with: Self.magic) else { throw .unreadable(path: path, reason: "it does not start with CLNTSSM1") }
        var r = BinaryFields.Reader(bytes: bytes, at: Self.magic.count)
        do {
            var sums: [ExactSum] = []
            for _ in 0..<(2 * Self.pairCount) {
                let limbs = try r.ints()
                guard limbs.count == ExactSum.limbCount else { throw BinaryFields.Short() }
                sums.append(ExactSum(limbs: limbs))
            }
            guard r.at == bytes.count else { throw BinaryFields.Short() }
            pearson = Array(sums[0..<Self.pairCount]); spearman = Array(sums[Self.pairCount...])
        } catch {
            throw .unreadable(path: path, reason: "cut short or damaged")
        }
    }
}

/// What `partition correlations` writes (satisfaction.json): the input accounting of the
/// interactions and the correlations of group "all" from the merged statistics and sums.
/// Pearson and Spearman (r, ρ, p-values, interval) are those of all customers; Kendall's τ-b is
/// estimated on the deterministic sample (`kendall.exact` is false).
public struct PartitionSatisfactionReport: Encodable, Sendable {
    public struct Interactions: Encodable, Sendable {
        public var rowsRead: Int64
        public var rowsUsed: Int64
        public var rowsAfterAsOf: Int64
        public var rejected: [String: Int64]
        /// Used rows of customers with no transaction: counted, not analysed (as `clientele run`).
        public var orphanRows: Int64
        public var orphanCustomers: Int64
        /// The five smallest orphan customer ids (UTF-8 byte order).
        public var orphanExamples: [String]
    }
    /// A row of correlations.csv (`SatisfactionReport.Pair`'s keys); nil where not defined, `notDefined` says why.
    public struct Pair: Encodable, Sendable {
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
    }
    public struct KendallPair: Encodable, Sendable {
        public var x: String
        public var y: String
        /// Sampled customers with both values.
        public var n: Int
        public var tauB: Double?
        public var pValue: Double?
        /// √(2(2n + 5) / (9n(n − 1))): τ's standard error under independence, for the sample's n.
        public var standardError: Double?
        public var notDefined: String?
    }
    public struct Kendall: Encodable, Sendable {
        public var exact = false
        /// Respondents in the sample.
        public var sample: Int
        /// A respondent is sampled when FNV-1a 64 of its customer id's bytes is below this share of 2⁶⁴.
        public var sampleFraction: Double
        public var pairs: [KendallPair]
    }
    /// NPS counts and score (100 × (promoters − detractors) / respondents), as report.json's.
    public struct NPS: Encodable, Sendable {
        public var respondents: Int64
        public var promoters: Int64
        public var passives: Int64
        public var detractors: Int64
        public var score: Double?

        init(_ c: ArraySlice<Int64>) {
            promoters = c[c.startIndex]; passives = c[c.startIndex + 1]; detractors = c[c.startIndex + 2]
            respondents = promoters + passives + detractors
            score = respondents > 0 ? 100 * Double(promoters - detractors) / Double(respondents) : nil
        }
    }
    /// A Jones & Sasser quadrant, as report.json's `satisfaction.quadrants` (means from exact sums).
    public struct Quadrant: Encodable, Sendable {
        public var group: String
        public var title: String
        public var customers: Int64
        public var share: Double?
        public var meanSatisfaction: Double?
        public var meanLoyalty: Double?
        public var nps: NPS
    }
    public var interactions: Interactions
    /// Scored customers with a satisfaction answer (and so a quadrant).
    public var classified: Int64
    public var quadrants: [Quadrant]
    public var nps: NPS
    public var respondents: Int64
    public var satisfactionRespondents: Int64
    public var recommendRespondents: Int64
    public var confidenceLevel: Double
    /// Group "all" only; Pearson and Spearman exact (those of all customers), Kendall left empty here.
    public var correlations: [Pair]
    public var kendall: Kendall
}

extension PartitionWorker {
    /// The first-pass satisfaction statistics of one partition: its interactions read against its
    /// customers (`loaded`; nil for a partition without transactions, whose interactions are all
    /// orphans). Empty (`present` false) without `--interactions`.
    static func satisfaction(_ config: JobConfiguration, settings: PartitionStatistics.Settings,
                             loaded: TransactionLoader.Loaded?) throws -> PartitionSatisfaction {
        guard let source = config.interactions else { return PartitionSatisfaction() }
        let matrix = config.satisfaction.resolved(scale: config.interactionColumns.satisfactionScale).matrix
        let customers = loaded?.customers ?? CustomerIndex(partitions: [KeyInterner(capacity: 16)], partitioning: IngestPartitioning(bits: 0))
        let interactions = try InteractionLoader(source: source, columns: config.interactionColumns, options: config.ingestOptions)
            .load(customers: customers)
        guard let loaded else {
            var s = PartitionSatisfaction()
            s.present = true
            s.set(matrix)
            s.account(interactions)
            return s
        }
        return PartitionSatisfaction(transactions: loaded, interactions: interactions, settings: settings,
                                     matrix: matrix)
    }

    /// The second pass: one partition's cross sums, with the merged first-pass `statistics`.
    public static func correlate(_ config: JobConfiguration, statistics: PartitionStatistics) throws -> SatisfactionSums {
        try config.validate()
        guard let asOf = config.asOf else { throw PartitionError.missingAsOf }
        let settings = PartitionStatistics.Settings(asOf: asOf, calibrationEnd: config.calibrationEnd,
                                                    quantiles: config.rfm.quantiles, monetary: config.rfm.monetary)
        guard settings == statistics.settings, let source = config.interactions, statistics.satisfaction.present else {
            throw PartitionError.settingsDiffer
        }
        let merged = statistics.satisfaction
        return try Parallelism.withThreads(config.threads) {
            let loaded: TransactionLoader.Loaded
            do {
                loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns,
                                               options: config.ingestOptions).load()
            } catch IngestError.noDataRows {
                return SatisfactionSums()
            }
            let interactions = try InteractionLoader(source: source, columns: config.interactionColumns, options: config.ingestOptions)
                .load(customers: loaded.customers)
            let table = CustomerTable(orders: loaded.orders, interactions: interactions.table, asOf: asOf, calibrationEnd: config.calibrationEnd)
            let m = PartitionSatisfaction.measures(table: table, promoterAtLeast: merged.promoterAtLeast, detractorAtMost: merged.detractorAtMost)
            var sums = SatisfactionSums()
            for (p, pair) in PartitionSatisfaction.pairs.enumerated() where merged.x[p].n > 0 {
                let xc = merged.x[p], mx = xc.mean, xRanks = xc.averageRanks
                let yc = merged.y[p], my = yc.mean, yRanks = yc.averageRanks
                let centre = Double(xc.n + 1) / 2
                var pearson = ExactSum(), spearman = ExactSum()
                for k in m.values.indices where m.sets[k][pair.set] {
                    let xv = m.values[k][pair.xColumn], yv = m.values[k][pair.yColumn]
                    pearson.add((xv - mx) * (yv - my))
                    spearman.add((xRanks[xc.index(of: xv + 0.0)] - centre) * (yRanks[yc.index(of: yv + 0.0)] - centre))
                }
                sums.pearson[p] = pearson.normalized()
                sums.spearman[p] = spearman.normalized()
            }
            return sums
        }
    }

    /// The correlations of group "all" from the merged statistics and the merged sums of every partition.
    public static func satisfactionReport(_ config: JobConfiguration, statistics: PartitionStatistics,
                                          sums: SatisfactionSums) throws -> PartitionSatisfactionReport {
        let st = statistics.satisfaction
        guard st.present else { throw PartitionError.settingsDiffer }
        let level = config.satisfaction.analysis.correlation.confidenceLevel
        let method = config.satisfaction.analysis.correlation.kendallMethod
        var pairs: [PartitionSatisfactionReport.Pair] = []
        var kendall: [PartitionSatisfactionReport.KendallPair] = []
        let sampleRows = st.sampleIDs.count
        let w = PartitionSatisfaction.width
        for (p, spec) in PartitionSatisfaction.pairs.enumerated() where !spec.holdout || statistics.settings.calibrationEnd != nil {
            do {
                let xName = spec.x, yName = spec.y
                let xc = st.x[p], yc = st.y[p], n = Int(xc.n)
                var pair = PartitionSatisfactionReport.Pair(group: CorrelationResult.allGroup, x: xName, y: yName, n: n)
                var why: NotDefined?
                if n < PearsonTest.minimumPairs { why = .tooFewPairs(n: n, minimum: PearsonTest.minimumPairs) }
                else if xc.keys.count == 1 { why = .constant(variable: xName, value: xc.keys[0]) }
                else if yc.keys.count == 1 { why = .constant(variable: yName, value: yc.keys[0]) }
                if let why {
                    pair.notDefined = why.description
                } else {
                    let r = sums.pearson[p].value / (xc.centredSquares.squareRoot() * yc.centredSquares.squareRoot())
                    let e = PearsonTest.summary(r: r, n: n, confidenceLevel: level)
                    pair.pearsonR = e.r; pair.pearsonP = e.pValue; pair.pearsonCILow = e.confidenceLow; pair.pearsonCIHigh = e.confidenceHigh
                    let rho = min(1, max(-1, sums.spearman[p].value
                                            / (xc.centredRankSquares.squareRoot() * yc.centredRankSquares.squareRoot())))
                    pair.spearmanRho = rho; pair.spearmanP = SpearmanTest.pValue(rho: rho, n: n)
                }
                pairs.append(pair)
                // Kendall on the sampled respondents with x present.
                var xs: [Double] = [], ys: [Double] = []
                for k in 0..<sampleRows {
                    let xv = st.sampleValues[k * w + spec.xColumn], yv = st.sampleValues[k * w + spec.yColumn]
                    guard !xv.isNaN, !yv.isNaN else { continue }
                    xs.append(xv); ys.append(yv)
                }
                var kp = PartitionSatisfactionReport.KendallPair(x: xName, y: yName, n: xs.count)
                switch KendallTauB.estimate(x: xs, y: ys, xName: xName, yName: yName, method: method) {
                case .defined(let e):
                    kp.tauB = e.tauB; kp.pValue = e.pValue
                    let m = Double(xs.count)
                    kp.standardError = (2 * (2 * m + 5) / (9 * m * (m - 1))).squareRoot()
                case .notDefined(let why): kp.notDefined = why.description
                }
                kendall.append(kp)
            }
        }
        var rejected: [String: Int64] = [:]
        for (reason, count) in zip(RejectReason.allCases, st.rejected) where count > 0 { rejected[reason.rawValue] = count }
        let classified = st.quadrantCustomers.reduce(0, +)
        let quadrants = LoyaltyGroup.allCases.enumerated().map { q, group in
            let n = st.quadrantCustomers[q]
            return PartitionSatisfactionReport.Quadrant(
                group: group.rawValue, title: group.displayName, customers: n,
                share: classified > 0 ? Double(n) / Double(classified) : nil,
                meanSatisfaction: n > 0 ? st.quadrantSatisfaction[q].value / Double(n) : nil,
                meanLoyalty: n > 0 ? st.quadrantLoyalty[q].value / Double(n) : nil,
                nps: .init(st.quadrantNPS[(q * 3)..<(q * 3 + 3)]))
        }
        return PartitionSatisfactionReport(
            interactions: .init(rowsRead: st.rowsRead, rowsUsed: st.rowsUsed, rowsAfterAsOf: st.rowsAfterAsOf, rejected: rejected,
                                orphanRows: st.orphanRows, orphanCustomers: st.orphanCustomers, orphanExamples: st.orphanExamples),
            classified: classified, quadrants: quadrants, nps: .init(st.nps[...]),
            respondents: st.respondents, satisfactionRespondents: st.x[0].n, recommendRespondents: st.x[4].n,
            confidenceLevel: level, correlations: pairs,
            kendall: .init(sample: sampleRows, sampleFraction: PartitionSatisfaction.sampleFraction, pairs: kendall))
    }

    public static func readSums(_ path: String) throws -> SatisfactionSums {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PartitionIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try SatisfactionSums(decoding: Array(data), path: path)
    }

    /// Writes a sums file (must not exist), whole or not at all.
    public static func writeSums(_ sums: SatisfactionSums, to path: String) throws {
        try land(path) { try FileSink.write(sums.encoded(), to: $0) }
    }

    /// Writes satisfaction.json (must not exist), whole or not at all.
    public static func writeSatisfactionReport(_ report: PartitionSatisfactionReport, to path: String) throws {
        try land(path) { try FileSink.write(try JSONReportWriter.bytes(of: report, file: path), to: $0) }
    }
}
