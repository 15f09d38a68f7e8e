import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The later passes of the satisfaction–loyalty correlations: per pair (`PartitionSatisfaction.pairs`),
/// the exact sums Σ(x − x̄)(y − ȳ) and Σ(rank x − (n+1)/2)(rank y − (n+1)/2) over one partition's
/// customers, with the means and ranks of all partitions (the merged first-pass statistics), and
/// the per-segment counts (second pass) and cross sums (third pass). Sums are `ExactSum`s and
/// counts add, so the merged file is the same bytes for any split and any merge order.
public struct SatisfactionSums: Sendable, Equatable {
    static let magic: [UInt8] = Array("CLNTSSM1".utf8)
    public static var pairCount: Int { PartitionSatisfaction.pairs.count }
    public var pearson = [ExactSum](repeating: ExactSum(), count: pairCount)
    public var spearman = [ExactSum](repeating: ExactSum(), count: pairCount)
    /// Per RFM segment (segment-map order; empty when not computed), from the second pass:
    /// scored customers, their NPS classes (segment × 3 + promoter 0, passive 1, detractor 2),
    /// and every pair's x and y value counts on the segment's rows (segment × pairCount + pair).
    public var segmentCustomers: [Int64] = []
    public var segmentNPS: [Int64] = []
    public var segmentX: [PartitionSatisfaction.ValueCounts] = []
    public var segmentY: [PartitionSatisfaction.ValueCounts] = []
    /// From the third pass (segment × pairCount + pair), with the merged segment value counts.
    public var segmentPearson: [ExactSum] = []
    public var segmentSpearman: [ExactSum] = []

    public init() {}

    /// Element by element; an empty array (not computed in this file) takes the other's.
    static func add<T>(_ a: [T], _ b: [T], _ combine: (T, T) -> T) throws -> [T] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        guard a.count == b.count else { throw PartitionError.settingsDiffer }
        return zip(a, b).map(combine)
    }

    /// - Throws: `PartitionError.settingsDiffer` for files of different segment maps.
    public func merged(with o: SatisfactionSums) throws -> SatisfactionSums {
        var m = SatisfactionSums()
        m.pearson = zip(pearson, o.pearson).map { $0.merged(with: $1) }
        m.spearman = zip(spearman, o.spearman).map { $0.merged(with: $1) }
        m.segmentCustomers = try Self.add(segmentCustomers, o.segmentCustomers, +)
        m.segmentNPS = try Self.add(segmentNPS, o.segmentNPS, +)
        m.segmentX = try Self.add(segmentX, o.segmentX) { $0.merged(with: $1) }
        m.segmentY = try Self.add(segmentY, o.segmentY) { $0.merged(with: $1) }
        m.segmentPearson = try Self.add(segmentPearson, o.segmentPearson) { $0.merged(with: $1) }
        m.segmentSpearman = try Self.add(segmentSpearman, o.segmentSpearman) { $0.merged(with: $1) }
        return m
    }

    public func encoded() -> [UInt8] {
        var w = BinaryFields()
        w.bytes = Self.magic
        for s in pearson + spearman { w.ints(s.normalized().limbs) }
        w.ints(segmentCustomers); w.ints(segmentNPS)
        for counts in [segmentX, segmentY] {
            w.int(Int64(counts.count))
            for c in counts { w.doubles(c.keys); w.ints(c.counts) }
        }
        for sums in [segmentPearson, segmentSpearman] {
            w.int(Int64(sums.count))
            for e in sums { w.ints(e.normalized().limbs) }
        }
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
            pearson = Array(sums[0..<Self.pairCount]); spearman = Array(sums[Self.pairCount...])
            segmentCustomers = try r.ints(); segmentNPS = try r.ints()
            var counts: [[PartitionSatisfaction.ValueCounts]] = []
            for _ in 0..<2 {
                let n = try r.count()
                var list: [PartitionSatisfaction.ValueCounts] = []
                for _ in 0..<n {
                    var c = PartitionSatisfaction.ValueCounts()
                    c.keys = try r.doubles(); c.counts = try r.ints()
                    guard c.keys.count == c.counts.count else { throw BinaryFields.Short() }
                    list.append(c)
                }
                counts.append(list)
            }
            segmentX = counts[0]; segmentY = counts[1]
            var segmentSums: [[ExactSum]] = []
            for _ in 0..<2 {
                let n = try r.count()
                var list: [ExactSum] = []
                for _ in 0..<n {
                    let limbs = try r.ints()
                    guard limbs.count == ExactSum.limbCount else { throw BinaryFields.Short() }
                    list.append(ExactSum(limbs: limbs))
                }
                segmentSums.append(list)
            }
            segmentPearson = segmentSums[0]; segmentSpearman = segmentSums[1]
            guard r.at == bytes.count else { throw BinaryFields.Short() }
        } catch {
            throw .unreadable(path: path, reason: "cut short or damaged")
        }
    }
}

/// What `partition correlations` writes (satisfaction.json): the input accounting of the
/// interactions, the Jones & Sasser quadrants, NPS overall and per segment, and the correlations
/// of group "all" and of each segment with respondents, from the merged statistics and sums.
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
    /// A row of correlations.csv; nil where not defined, `notDefined` says why.
    public typealias Pair = SatisfactionReport.Pair
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
    public struct SegmentNPS: Encodable, Sendable {
        public var segment: String
        public var customers: Int64
        public var nps: NPS
    }
    public var interactions: Interactions
    /// Scored customers with a satisfaction answer (and so a quadrant).
    public var classified: Int64
    public var quadrants: [Quadrant]
    public var nps: NPS
    /// Every segment of the map (scored customers, respondents or not), with the third pass's sums; nil without them.
    public var npsBySegment: [SegmentNPS]?
    public var respondents: Int64
    public var satisfactionRespondents: Int64
    public var recommendRespondents: Int64
    public var confidenceLevel: Double
    /// Group "all", then each segment with respondents (when the third pass ran); Pearson and
    /// Spearman exact (those of all customers), Kendall left empty here.
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

    /// Σ(x − x̄)(y − ȳ) and Σ(rank x − c)(rank y − c) of `pair` over the respondents `rows` of `m`,
    /// with the means and ranks of the merged value counts `xc`, `yc`.
    static func crossSums(_ m: PartitionSatisfaction.Measures, rows: [Int], pair: PartitionSatisfaction.Pair,
                          x xc: PartitionSatisfaction.ValueCounts, y yc: PartitionSatisfaction.ValueCounts) -> (ExactSum, ExactSum) {
        var pearson = ExactSum(), spearman = ExactSum()
        guard xc.n > 0 else { return (pearson, spearman) }
        let mx = xc.mean, xRanks = xc.averageRanks, my = yc.mean, yRanks = yc.averageRanks
        let centre = Double(xc.n + 1) / 2
        for k in rows where m.sets[k][pair.set] {
            let xv = m.values[k][pair.xColumn], yv = m.values[k][pair.yColumn]
            pearson.add((xv - mx) * (yv - my))
            spearman.add((xRanks[xc.index(of: xv + 0.0)] - centre) * (yRanks[yc.index(of: yv + 0.0)] - centre))
        }
        return (pearson.normalized(), spearman.normalized())
    }

    /// The second pass: one partition's cross sums, with the merged first-pass `statistics`, and
    /// per RFM segment (scored with the merged RFM value counts) its customers, NPS classes and
    /// value counts. With `segmentCounts` (the merged second-pass sums of every partition), the
    /// third pass instead: the per-segment cross sums only.
    public static func correlate(_ config: JobConfiguration, statistics: PartitionStatistics,
                                 segmentCounts: SatisfactionSums? = nil) throws -> SatisfactionSums {
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
            // Each respondent's segment, scored as `partition score` scores it.
            let tables = try statistics.rfm.columns.map { try RFMScoreTable($0, quantiles: config.rfm.quantiles, ties: config.rfm.ties) }
            let rfm = try config.rfm.run(table.current, tables: tables)
            let segments = config.rfm.segments.names.count, pairs = PartitionSatisfaction.pairs
            var segmentOf = [Int](repeating: -1, count: table.current.count)
            for (k, c) in rfm.customers.enumerated() { segmentOf[Int(c)] = Int(rfm.segment[k]) }
            var bySegment = [[Int]](repeating: [], count: segments)
            for (k, c) in m.customers.enumerated() { bySegment[segmentOf[Int(c)]].append(k) }
            var sums = SatisfactionSums()
            if let counts = segmentCounts {
                guard counts.segmentX.count == segments * pairs.count else { throw PartitionError.settingsDiffer }
                sums.segmentPearson = Array(repeating: ExactSum(), count: segments * pairs.count)
                sums.segmentSpearman = sums.segmentPearson
                for g in 0..<segments {
                    for (p, pair) in pairs.enumerated() {
                        let at = g * pairs.count + p
                        (sums.segmentPearson[at], sums.segmentSpearman[at]) = crossSums(m, rows: bySegment[g], pair: pair,
                                                                                         x: counts.segmentX[at], y: counts.segmentY[at])
                    }
                }
                return sums
            }
            for (p, pair) in pairs.enumerated() {
                (sums.pearson[p], sums.spearman[p]) = crossSums(m, rows: Array(m.values.indices), pair: pair, x: merged.x[p], y: merged.y[p])
            }
            sums.segmentCustomers = Array(repeating: 0, count: segments)
            for g in rfm.segment { sums.segmentCustomers[Int(g)] += 1 }
            sums.segmentNPS = Array(repeating: 0, count: 3 * segments)
            for (k, c) in m.customers.enumerated() {
                let code = m.values[k][2]
                guard !code.isNaN else { continue }
                sums.segmentNPS[3 * segmentOf[Int(c)] + (code > 0 ? 0 : code == 0 ? 1 : 2)] += 1
            }
            for g in 0..<segments {
                for pair in pairs {
                    let rows = bySegment[g].filter { m.sets[$0][pair.set] }
                    sums.segmentX.append(PartitionSatisfaction.ValueCounts(rows.map { m.values[$0][pair.xColumn] }))
                    sums.segmentY.append(PartitionSatisfaction.ValueCounts(rows.map { m.values[$0][pair.yColumn] }))
                }
            }
            return sums
        }
    }

    /// One row of correlations.csv from a pair's merged value counts and cross sums.
    static func pairRow(group: String, _ spec: PartitionSatisfaction.Pair, x xc: PartitionSatisfaction.ValueCounts,
                        y yc: PartitionSatisfaction.ValueCounts, pearson: ExactSum, spearman: ExactSum, level: Double) -> PartitionSatisfactionReport.Pair {
        let n = Int(xc.n)
        var pair = PartitionSatisfactionReport.Pair(group: group, x: spec.x, y: spec.y, n: n)
        var why: NotDefined?
        if n < PearsonTest.minimumPairs { why = .tooFewPairs(n: n, minimum: PearsonTest.minimumPairs) }
        else if xc.keys.count == 1 { why = .constant(variable: spec.x, value: xc.keys[0]) }
        else if yc.keys.count == 1 { why = .constant(variable: spec.y, value: yc.keys[0]) }
        if let why {
            pair.notDefined = why.description
        } else {
            let r = pearson.value / (xc.centredSquares.squareRoot() * yc.centredSquares.squareRoot())
            let e = PearsonTest.summary(r: r, n: n, confidenceLevel: level)
            pair.pearsonR = e.r; pair.pearsonP = e.pValue; pair.pearsonCILow = e.confidenceLow; pair.pearsonCIHigh = e.confidenceHigh
            let rho = min(1, max(-1, spearman.value / (xc.centredRankSquares.squareRoot() * yc.centredRankSquares.squareRoot())))
            pair.spearmanRho = rho; pair.spearmanP = SpearmanTest.pValue(rho: rho, n: n)
        }
        return pair
    }

    /// The correlations of group "all", and of each segment with respondents when `sums` holds
    /// the segments' value counts and cross sums, from the merged statistics and the merged sums of every partition.
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
                pairs.append(pairRow(group: CorrelationResult.allGroup, spec, x: st.x[p], y: st.y[p], pearson: sums.pearson[p],
                                     spearman: sums.spearman[p], level: level))
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
        // Segments with respondents, in segment-map order (needs the third pass's sums).
        let names = config.rfm.segments.names, specs = PartitionSatisfaction.pairs
        var npsBySegment: [PartitionSatisfactionReport.SegmentNPS]?
        if sums.segmentCustomers.count == names.count {
            npsBySegment = names.indices.map { g in
                .init(segment: names[g], customers: sums.segmentCustomers[g], nps: .init(sums.segmentNPS[(3 * g)..<(3 * g + 3)]))
            }
        }
        if sums.segmentPearson.count == names.count * specs.count, sums.segmentX.count == sums.segmentPearson.count {
            let complaints = specs.firstIndex { $0.x == "complaints" && !$0.holdout }!
            for g in names.indices where sums.segmentX[g * specs.count + complaints].n > 0 {
                for (p, spec) in specs.enumerated() where !spec.holdout || statistics.settings.calibrationEnd != nil {
                    let at = g * specs.count + p
                    pairs.append(pairRow(group: names[g], spec, x: sums.segmentX[at], y: sums.segmentY[at],
                                         pearson: sums.segmentPearson[at], spearman: sums.segmentSpearman[at], level: level))
                }
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
            classified: classified, quadrants: quadrants, nps: .init(st.nps[...]), npsBySegment: npsBySegment,
            respondents: st.respondents, satisfactionRespondents: st.x[0].n, recommendRespondents: st.x[4].n,
            confidenceLevel: level, correlations: pairs,
            kendall: .init(sample: sampleRows, sampleFraction: PartitionSatisfaction.sampleFraction, pairs: kendall))
    }

    public static func readSums(_ path: String) throws -> SatisfactionSums {
        try SatisfactionSums(decoding: contents(path), path: path)
    }

    /// The sums files at `paths` (at least one), added.
    public static func mergedSums(_ paths: [String]) throws -> SatisfactionSums {
        guard let first = paths.first else { throw PartitionIOError.unreadable(path: "", reason: "no satisfaction sums given") }
        var merged = try readSums(first)
        for path in paths.dropFirst() { merged = try merged.merged(with: try readSums(path)) }
        return merged
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
