import ClienteleStore
import ClienteleIngest
import ClienteleKernels

/// The interactions part of `PartitionStatistics`: input accounting of the interactions file and
/// what the satisfaction–loyalty correlations of group "all" and the Jones & Sasser matrix need,
/// in forms that add up exactly (the segments' come from the later passes, `SatisfactionSums`).
///
/// Pairs (`pairs`, in correlations.csv's order): x ∈ `xNames` (mean_satisfaction, mean_recommend,
/// nps_class, complaints) against frequency, tenure_days, repeat_rate on the scored customers who
/// answered a survey item before as-of, and, with a calibration end E, retained_in_holdout against
/// the same x measured before E on the customers active by E who answered before E, as
/// `SatisfactionLoyaltyAnalysis`. Each pair's rows are those where x is present (`Pair.set`).
/// Held per partition (first pass, `partition summarise --interactions`):
/// - for every pair, the count of each distinct value of x and of y on the pair's rows
///   (`ValueCounts`; merged by adding counts): n, the means, the centred sums of squares and the
///   average rank of each value follow from them exactly as from all customers together;
/// - the Kendall sample: the respondents whose customer id hashes below `sampleThreshold`
///   (FNV-1a 64 of the id's bytes), with their x and y values, kept in customer-id byte order.
/// The cross sums Σ(x − x̄)(y − ȳ) and Σ(rank x − (n+1)/2)(rank y − (n+1)/2) need the merged
/// means and ranks, so they are a second pass (`SatisfactionSums`).
public struct PartitionSatisfaction: Sendable, Equatable {
    public static let xNames = ["mean_satisfaction", "mean_recommend", "nps_class", "complaints"]
    public static let yNames = ["frequency", "tenure_days", "repeat_rate", "retained_in_holdout"]
    /// Rows of each x: 0 satisfaction answered, 1 recommend answered, 2 every respondent (3, 4, 5: the same before E, active by E).
    public static let rowSet = [0, 1, 1, 2]
    /// Per respondent, the measures (`Measures.values`): 0–3 the x as of as-of, 4–6 frequency,
    /// tenure_days, repeat_rate, 7–10 the x before E, 11 retained_in_holdout (NaN without E).
    public static let width = 12

    /// One correlation pair: its names, its x and y columns in `Measures.values`, its row set.
    public struct Pair: Sendable, Equatable {
        public var x: String, y: String
        var xColumn: Int, yColumn: Int, set: Int
        /// Whether it needs a calibration end.
        public var holdout: Bool { yColumn == 11 }
    }

    /// x-major; for each x: frequency, tenure_days, repeat_rate, retained_in_holdout.
    public static let pairs: [Pair] = (0..<4).flatMap { i in
        (0..<3).map { j in Pair(x: xNames[i], y: yNames[j], xColumn: i, yColumn: 4 + j, set: rowSet[i]) }
            + [Pair(x: xNames[i], y: yNames[3], xColumn: 7 + i, yColumn: 11, set: 3 + rowSet[i])]
    }
    /// A respondent is in the Kendall sample when FNV-1a 64 of its customer id is below this (1/16 of the hashes).
    public static let sampleThreshold: UInt64 = 1 << 60
    public static var sampleFraction: Double { Double(sampleThreshold) / 0x1p64 }

    /// Whether the partition read an interactions file (all partitions must agree).
    public var present = false
    /// The Jones & Sasser thresholds (satisfied at least, resolved against the CSAT scale; loyal at
    /// least; promoter at least; detractor at most): all partitions must agree.
    public var satisfiedAtLeast = 4.0
    public var loyalAtLeast = 2.0
    public var promoterAtLeast = 9.0
    public var detractorAtMost = 6.0
    public var rowsRead: Int64 = 0
    public var rowsUsed: Int64 = 0
    public var rowsAfterAsOf: Int64 = 0
    /// Rejected rows per reason, in `RejectReason.allCases` order.
    public var rejected: [Int64] = Array(repeating: 0, count: RejectReason.allCases.count)
    /// Used rows of customers with no transaction, and those customers (counted, not analysed,
    /// as `clientele run`; a customer's rows are all in one partition, so the counts add up).
    public var orphanRows: Int64 = 0
    /// Complaints before as-of of the scored customers, and how many customers they came from
    /// (report.json's `satisfaction.complaints`, `customers_with_complaints`).
    public var complaints: Int64 = 0
    public var complainers: Int64 = 0
    public var orphanCustomers: Int64 = 0
    /// The five smallest orphan ids (UTF-8 byte order), as report.json's unmatched_customer_examples.
    public var orphanExamples: [String] = []
    /// Scored customers with a satisfaction or recommend answer before as-of.
    public var respondents: Int64 = 0
    /// Per pair (`pairs`), the values of x and of y on its rows.
    public var x: [ValueCounts] = Array(repeating: ValueCounts(), count: pairs.count)
    public var y: [ValueCounts] = Array(repeating: ValueCounts(), count: pairs.count)
    /// The Kendall sample: customer ids (ascending bytes) and, per id, its `width` measures (NaN missing).
    public var sampleIDs: [String] = []
    public var sampleValues: [Double] = []
    /// The Jones & Sasser matrix (`SatisfactionLoyaltyMatrix` on mean_satisfaction and frequency):
    /// customers per quadrant (`LoyaltyGroup.allCases` order), their NPS classes (quadrant × 3 +
    /// promoter 0, passive 1, detractor 2), the NPS classes of every scored customer with a
    /// recommend answer, and per quadrant the exact sums of mean_satisfaction and of frequency.
    public var quadrantCustomers = [Int64](repeating: 0, count: 4)
    public var quadrantNPS = [Int64](repeating: 0, count: 12)
    public var nps = [Int64](repeating: 0, count: 3)
    public var quadrantSatisfaction = [ExactSum](repeating: ExactSum(), count: 4)
    public var quadrantLoyalty = [ExactSum](repeating: ExactSum(), count: 4)

    public init() {}

    /// The thresholds of `matrix` (its satisfied threshold resolved).
    mutating func set(_ matrix: SatisfactionLoyaltyMatrix) {
        satisfiedAtLeast = matrix.satisfiedAtLeast; loyalAtLeast = matrix.loyalAtLeast
        promoterAtLeast = matrix.promoterAtLeast; detractorAtMost = matrix.detractorAtMost
    }

    var thresholds: [Double] { [satisfiedAtLeast, loyalAtLeast, promoterAtLeast, detractorAtMost] }

    /// Value counts of one variable: distinct values ascending (−0 stored as +0) and how many rows have each.
    public struct ValueCounts: Sendable, Equatable {
        public var keys: [Double] = []
        public var counts: [Int64] = []

        public init() {}

        public init(_ values: [Double]) {
            for v in values.map({ $0 + 0.0 }).sorted() {
                if let last = keys.last, last == v { counts[counts.count - 1] += 1 } else { keys.append(v); counts.append(1) }
            }
        }

        public var n: Int64 { counts.reduce(0, +) }

        public func merged(with o: ValueCounts) -> ValueCounts {
            var m = ValueCounts()
            var i = 0, j = 0
            while i < keys.count || j < o.keys.count {
                if j == o.keys.count || (i < keys.count && keys[i] < o.keys[j]) {
                    m.keys.append(keys[i]); m.counts.append(counts[i]); i += 1
                } else if i == keys.count || o.keys[j] < keys[i] {
                    m.keys.append(o.keys[j]); m.counts.append(o.counts[j]); j += 1
                } else {
                    m.keys.append(keys[i]); m.counts.append(counts[i] + o.counts[j]); i += 1; j += 1
                }
            }
            return m
        }

        /// Mean of the values (sum in key order).
        public var mean: Double {
            var s = 0.0
            for (k, c) in zip(keys, counts) { s += k * Double(c) }
            return s / Double(n)
        }

        /// Σ (value − mean)² over the rows, in key order.
        public var centredSquares: Double {
            let m = mean
            var s = 0.0
            for (k, c) in zip(keys, counts) { s += Double(c) * (k - m) * (k - m) }
            return s
        }

        /// The average rank (1-based, ties share the mean of their positions) of each key.
        public var averageRanks: [Double] {
            var below: Int64 = 0
            return counts.map { c in
                defer { below += c }
                return Double(below) + Double(c + 1) / 2
            }
        }

        /// Σ (rank − (n + 1)/2)² over the rows, in key order.
        public var centredRankSquares: Double {
            let centre = Double(n + 1) / 2
            var s = 0.0
            for (r, c) in zip(averageRanks, counts) { s += Double(c) * (r - centre) * (r - centre) }
            return s
        }

        /// Index of `v` among the keys. - Precondition: `v` is one of them.
        public func index(of v: Double) -> Int {
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            precondition(lo < keys.count && keys[lo] == v, "value \(v) not among the merged value counts")
            return lo
        }
    }

    /// One partition's per-customer measures, as `SatisfactionLoyaltyAnalysis` takes them.
    struct Measures {
        /// Row set membership and values of every scored respondent (`customers[k]`).
        var customers: [Int32] = []
        var sets: [[Bool]] = []
        /// Per respondent: `width` measures.
        var values: [[Double]] = []
        /// Complaints of every scored customer, and the customers with one.
        var complaints: Int64 = 0
        var complainers: Int64 = 0
    }

    static func measures(table: CustomerTable, promoterAtLeast: Double, detractorAtMost: Double) -> Measures {
        let measures = SatisfactionMeasures(contacts: table.currentContacts!)
        let loyalty = LoyaltyMeasures(table: table)
        let before = table.calibrationContacts.map { SatisfactionMeasures(contacts: $0) }
        var out = Measures()
        func nps(_ m: SatisfactionMeasures, _ c: Int) -> Double {
            NPSClass(recommend: m.meanRecommend[c], promoterAtLeast: promoterAtLeast, detractorAtMost: detractorAtMost)?.code ?? .nan
        }
        for c32 in RFMScorer.activeCustomers(table.current) {
            let c = Int(c32)
            if measures.complaints[c] > 0 { out.complaints += Int64(measures.complaints[c]); out.complainers += 1 }
            let s = measures.satisfactionAnswers[c] > 0, r = measures.recommendAnswers[c] > 0
            guard s || r else { continue }
            var row = [measures.meanSatisfaction[c], measures.meanRecommend[c], nps(measures, c), Double(measures.complaints[c]),
                       loyalty.frequency[c], loyalty.tenureDays[c], loyalty.repeatRate[c]]
            var sets = [s, r, true, false, false, false]
            if let before, let retained = loyalty.retainedInHoldout, !retained[c].isNaN {
                let sb = before.satisfactionAnswers[c] > 0, rb = before.recommendAnswers[c] > 0
                if sb || rb {
                    sets[3] = sb; sets[4] = rb; sets[5] = true
                    row += [before.meanSatisfaction[c], before.meanRecommend[c], nps(before, c), Double(before.complaints[c]), retained[c]]
                }
            }
            if row.count < Self.width { row += Array(repeating: .nan, count: Self.width - row.count) }
            out.customers.append(c32)
            out.sets.append(sets)
            out.values.append(row)
        }
        return out
    }

    /// FNV-1a 64 of the customer id's bytes.
    public static func idHash(_ id: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The first-pass statistics of one partition's loaded transactions and interactions.
    init(transactions: TransactionLoader.Loaded, interactions: InteractionLoader.Loaded, settings: PartitionStatistics.Settings,
         matrix: SatisfactionLoyaltyMatrix) {
        self.init()
        present = true
        set(matrix)
        account(interactions)
        let table = CustomerTable(orders: transactions.orders, interactions: interactions.table, asOf: settings.asOf,
                                  calibrationEnd: settings.calibrationEnd)
        let m = Self.measures(table: table, promoterAtLeast: promoterAtLeast, detractorAtMost: detractorAtMost)
        respondents = Int64(m.customers.count)
        complaints = m.complaints
        complainers = m.complainers
        for (p, pair) in Self.pairs.enumerated() {
            let rows = m.values.indices.filter { m.sets[$0][pair.set] }
            x[p] = ValueCounts(rows.map { m.values[$0][pair.xColumn] })
            y[p] = ValueCounts(rows.map { m.values[$0][pair.yColumn] })
        }
        for v in m.values {
            let code = v[2]
            let cls = code.isNaN ? nil : code > 0 ? 0 : code == 0 ? 1 : 2
            if let cls { nps[cls] += 1 }
            guard !v[0].isNaN else { continue }
            let q = LoyaltyGroup.allCases.firstIndex(of: LoyaltyGroup(satisfied: v[0] >= satisfiedAtLeast, loyal: v[4] >= loyalAtLeast))!
            quadrantCustomers[q] += 1
            if let cls { quadrantNPS[q * 3 + cls] += 1 }
            quadrantSatisfaction[q].add(v[0])
            quadrantLoyalty[q].add(v[4])
        }
        var sample: [(String, [Double])] = []
        for (k, c) in m.customers.enumerated() {
            let id = transactions.customers.customerID(c)
            if Self.idHash(id) < Self.sampleThreshold { sample.append((id, m.values[k])) }
        }
        sample.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        sampleIDs = sample.map(\.0)
        sampleValues = sample.flatMap(\.1)
    }

    mutating func account(_ interactions: InteractionLoader.Loaded) {
        let a = interactions.accounting
        rowsRead = Int64(a.rowsRead); rowsUsed = Int64(a.rowsUsed); rowsAfterAsOf = Int64(a.rowsAfterAsOf)
        rejected = RejectReason.allCases.map { Int64(a.rejectedByReason[$0] ?? 0) }
        orphanRows = Int64(interactions.orphanRows); orphanCustomers = Int64(interactions.orphanCustomers)
        orphanExamples = interactions.orphanExamples
    }

    /// Both partitions' statistics together.
    /// - Throws: `PartitionError.settingsDiffer` when one read interactions and the other did not, or the NPS thresholds differ.
    public func merged(with o: PartitionSatisfaction) throws -> PartitionSatisfaction {
        guard present == o.present, thresholds == o.thresholds else {
            throw PartitionError.settingsDiffer
        }
        var m = self
        m.rowsRead += o.rowsRead; m.rowsUsed += o.rowsUsed; m.rowsAfterAsOf += o.rowsAfterAsOf
        m.rejected = zip(rejected, o.rejected).map { $0 + $1 }
        m.orphanRows += o.orphanRows; m.orphanCustomers += o.orphanCustomers
        m.complaints += o.complaints; m.complainers += o.complainers
        m.orphanExamples = Array((orphanExamples + o.orphanExamples).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.prefix(5))
        m.respondents += o.respondents
        m.quadrantCustomers = zip(quadrantCustomers, o.quadrantCustomers).map { $0 + $1 }
        m.quadrantNPS = zip(quadrantNPS, o.quadrantNPS).map { $0 + $1 }
        m.nps = zip(nps, o.nps).map { $0 + $1 }
        m.quadrantSatisfaction = zip(quadrantSatisfaction, o.quadrantSatisfaction).map { $0.merged(with: $1) }
        m.quadrantLoyalty = zip(quadrantLoyalty, o.quadrantLoyalty).map { $0.merged(with: $1) }
        m.x = zip(x, o.x).map { $0.merged(with: $1) }
        m.y = zip(y, o.y).map { $0.merged(with: $1) }
        let w = Self.width
        var rows = sampleIDs.indices.map { (sampleIDs[$0], Array(sampleValues[($0 * w)..<($0 * w + w)])) }
        rows += o.sampleIDs.indices.map { (o.sampleIDs[$0], Array(o.sampleValues[($0 * w)..<($0 * w + w)])) }
        rows.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        m.sampleIDs = rows.map(\.0)
        m.sampleValues = rows.flatMap(\.1)
        return m
    }
}

// MARK: - File form (appended at the end of PartitionStatistics's)

extension PartitionSatisfaction {
    func encode(into w: inout BinaryFields) {
        w.int(present ? 1 : 0)
        w.doubles(thresholds)
        for v in [rowsRead, rowsUsed, rowsAfterAsOf] { w.int(v) }
        w.ints(rejected)
        for v in [orphanRows, orphanCustomers, respondents, complaints, complainers] { w.int(v) }
        for c in x + y { w.doubles(c.keys); w.ints(c.counts) }
        w.int(Int64(sampleIDs.count))
        for id in sampleIDs { w.ints(id.utf8.map { Int64($0) }) }
        w.doubles(sampleValues)
        w.ints(quadrantCustomers); w.ints(quadrantNPS); w.ints(nps)
        for e in quadrantSatisfaction + quadrantLoyalty { w.ints(e.normalized().limbs) }
        w.int(Int64(orphanExamples.count))
        for id in orphanExamples { w.ints(id.utf8.map { Int64($0) }) }
    }

    init(reading r: inout BinaryFields.Reader) throws(BinaryFields.Short) {
        self.init()
        present = try r.int() == 1
        let thresholds = try r.doubles()
        guard thresholds.count == 4 else { throw BinaryFields.Short() }
        satisfiedAtLeast = thresholds[0]; loyalAtLeast = thresholds[1]; promoterAtLeast = thresholds[2]; detractorAtMost = thresholds[3]
        rowsRead = try r.int(); rowsUsed = try r.int(); rowsAfterAsOf = try r.int()
        rejected = try r.ints()
        guard rejected.count == RejectReason.allCases.count else { throw BinaryFields.Short() }
        orphanRows = try r.int(); orphanCustomers = try r.int(); respondents = try r.int()
        complaints = try r.int(); complainers = try r.int()
        var counts: [ValueCounts] = []
        for _ in 0..<(2 * Self.pairs.count) {
            var c = ValueCounts()
            c.keys = try r.doubles(); c.counts = try r.ints()
            guard c.keys.count == c.counts.count else { throw BinaryFields.Short() }
            counts.append(c)
        }
        x = Array(counts[0..<Self.pairs.count])
        y = Array(counts[Self.pairs.count...])
        let n = try r.count()
        for _ in 0..<n { sampleIDs.append(String(decoding: try r.ints().map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)) }
        sampleValues = try r.doubles()
        guard sampleValues.count == Self.width * n else { throw BinaryFields.Short() }
        quadrantCustomers = try r.ints(); quadrantNPS = try r.ints(); nps = try r.ints()
        guard quadrantCustomers.count == 4, quadrantNPS.count == 12, nps.count == 3 else { throw BinaryFields.Short() }
        var sums: [ExactSum] = []
        for _ in 0..<8 {
            let limbs = try r.ints()
            guard limbs.count == ExactSum.limbCount else { throw BinaryFields.Short() }
            sums.append(ExactSum(limbs: limbs))
        }
        quadrantSatisfaction = Array(sums[0..<4]); quadrantLoyalty = Array(sums[4...])
        let examples = try r.count()
        for _ in 0..<examples { orphanExamples.append(String(decoding: try r.ints().map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)) }
    }
}
