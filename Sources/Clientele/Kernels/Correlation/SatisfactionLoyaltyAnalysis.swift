import ClienteleSupport
import ClienteleStore

/// Do satisfied customers stay? Satisfaction measures from the interactions against loyalty
/// measures from the orders, for the scored customers who answered at least one survey item:
/// Pearson, Spearman and Kendall τ-b per pair, overall and per RFM segment (`Correlation`), the
/// Jones & Sasser matrix with the `loyalty_group` of every scored customer and NPS overall and per
/// segment (`SatisfactionLoyaltyMatrix`).
///
/// x (satisfaction): mean_satisfaction, mean_recommend, nps_class (+1 / 0 / −1), complaints.
/// y (loyalty, `LoyaltyMeasures`): frequency, tenure_days, repeat_rate, retained_in_holdout when
/// there is a holdout, and p_alive, predicted_clv when the predictive model ran.
///
/// Time: every measure is taken as of as-of, except that retained_in_holdout is paired with
/// satisfaction measured up to the calibration end, on the customers active by then — so the
/// surveys a returning customer answers during the holdout cannot explain their own return.
public struct SatisfactionLoyaltyAnalysis: Sendable, Equatable {
    public var matrix = SatisfactionLoyaltyMatrix()
    public var correlation = Correlation()

    public static let satisfactionNames = ["mean_satisfaction", "mean_recommend", "nps_class", "complaints"]
    public static let retainedName = "retained_in_holdout"

    public init() {}

    /// What the analysis reads: the customer table (its contacts and order facts), the scored
    /// customers with their segments and, when the predictive model ran, its per-customer
    /// predictions (indexed by customer id).
    public struct Input: Sendable {
        /// A table built with the interactions (`currentContacts`, and `calibrationContacts` when it has a calibration end).
        public var table: CustomerTable
        /// Rows of the interactions table (for the message when nobody answered).
        public var interactionCount: Int
        /// Scored customers (the rows of customers.csv) and each one's segment index into `segmentNames`.
        public var customers: [Int32]
        public var segment: [UInt8]
        public var segmentNames: [String]
        public var probabilityAlive: [Double]?
        public var predictedCLV: [Double]?

        /// - Precondition: `table` was built with an interactions table.
        public init(table: CustomerTable, interactionCount: Int, customers: [Int32], segment: [UInt8], segmentNames: [String],
                    probabilityAlive: [Double]? = nil, predictedCLV: [Double]? = nil) {
            precondition(table.currentContacts != nil, "the satisfaction analysis needs a customer table with contacts")
            self.table = table; self.interactionCount = interactionCount
            self.customers = customers; self.segment = segment; self.segmentNames = segmentNames
            self.probabilityAlive = probabilityAlive; self.predictedCLV = predictedCLV
        }

        /// The input of tables as they come (a `CustomerTable` of its own is built from them).
        public init(interactions: InteractionTable, activity: CustomerActivity, orders: OrderTable, calibrationEnd: CalendarDay?,
                    customers: [Int32], segment: [UInt8], segmentNames: [String],
                    probabilityAlive: [Double]? = nil, predictedCLV: [Double]? = nil) {
            self.init(table: CustomerTable(orders: orders, interactions: interactions, asOf: activity.asOf, calibrationEnd: calibrationEnd),
                      interactionCount: interactions.count, customers: customers, segment: segment, segmentNames: segmentNames,
                      probabilityAlive: probabilityAlive, predictedCLV: predictedCLV)
        }
    }

    /// - Throws: `CorrelationError.noSurveyAnswers` (a data problem: exit 65, or a skipped section
    ///   in a run) when no scored customer answered a survey item before as-of.
    ///
    /// Every pass over the customers (measures, selections, gathered columns) runs in blocks of
    /// rows over the threads, each value computed on its own; only the matrix's sums run in row order.
    public func run(_ input: Input) throws(CorrelationError) -> SatisfactionLoyaltyAnalysisResult {
        let measures = SatisfactionMeasures(contacts: input.table.currentContacts!)
        let loyalty = LoyaltyMeasures(table: input.table)
        let customers = input.customers, segment = input.segment

        let segmentLabels = Self.parallelMap(segment.count) { Int32(segment[$0]) }
        let loyaltyGroups = try loyaltyGroups(measures, loyalty, customers: customers,
                                              groups: CorrelationGroups(labels: segmentLabels, names: input.segmentNames))

        let respondents = Self.select(customers.count) { answered(measures, Int(customers[$0])) }
        guard !respondents.isEmpty else { throw .noSurveyAnswers(interactions: input.interactionCount) }
        // Groups: the segments that have respondents, in segment-map order.
        var present = [Bool](repeating: false, count: input.segmentNames.count)
        for row in respondents { present[Int(segment[Int(row)])] = true }
        let kept = input.segmentNames.indices.filter { present[$0] }
        var groupOf = [Int32](repeating: -1, count: input.segmentNames.count)
        for (g, s) in kept.enumerated() { groupOf[s] = Int32(g) }
        let names = kept.map { input.segmentNames[$0] }
        func groups(_ rows: [Int32]) -> CorrelationGroups {
            CorrelationGroups(labels: Self.parallelMap(rows.count) { groupOf[Int(segment[Int(rows[$0])])] }, names: names)
        }

        // As of as-of: every pair but retained_in_holdout.
        let yNames = ["frequency", "tenure_days", "repeat_rate"] + (input.probabilityAlive == nil ? [] : ["p_alive"])
            + (input.predictedCLV == nil ? [] : ["predicted_clv"])
        let yColumns = Self.gather(customers, rows: respondents, [loyalty.frequency, loyalty.tenureDays, loyalty.repeatRate]
                                    + [input.probabilityAlive, input.predictedCLV].compactMap { $0 })
        let y = zip(yNames, yColumns).map { CorrelationVariable(name: $0, values: $1) }
        var result = try correlation.run(x: satisfaction(measures, customers, rows: respondents), y: y, groups: groups(respondents))

        // Up to the calibration end: retained_in_holdout, inserted after repeat_rate.
        if let retained = loyalty.retainedInHoldout, let contacts = input.table.calibrationContacts {
            let before = SatisfactionMeasures(contacts: contacts)
            let rows = Self.select(customers.count) { !retained[Int(customers[$0])].isNaN && answered(before, Int(customers[$0])) }
            let holdout = try correlation.run(x: satisfaction(before, customers, rows: rows),
                                              y: [CorrelationVariable(name: Self.retainedName,
                                                                      values: Self.gather(customers, rows: rows, [retained])[0])],
                                              groups: groups(rows))
            result = result.inserting(holdout, afterColumn: 2)
        }
        return SatisfactionLoyaltyAnalysisResult(settings: self, measures: measures, loyalty: loyalty, groups: loyaltyGroups,
                                                 correlations: result, respondents: respondents.count)
    }

    /// The Jones & Sasser matrix of `customers` (rows in that order; the loyalty_group column) on
    /// mean satisfaction and frequency; `groups` (one label a row) for NPS per group.
    package func loyaltyGroups(_ measures: SatisfactionMeasures, _ loyalty: LoyaltyMeasures, customers: [Int32],
                               groups: CorrelationGroups? = nil) throws(CorrelationError) -> SatisfactionLoyaltyResult {
        let all = Self.gather(customers, rows: nil, [measures.meanSatisfaction, loyalty.frequency, measures.meanRecommend])
        return try matrix.run(satisfaction: all[0], loyalty: all[1], recommend: all[2], groups: groups)
    }

    private func answered(_ m: SatisfactionMeasures, _ c: Int) -> Bool {
        m.satisfactionAnswers[c] > 0 || m.recommendAnswers[c] > 0
    }

    /// The x variables of the customers `customers[rows]`, in one pass (the NPS class code of
    /// each from its mean recommend, as `npsClassCodes`).
    private func satisfaction(_ m: SatisfactionMeasures, _ customers: [Int32], rows: [Int32]) -> [CorrelationVariable] {
        let promoter = matrix.promoterAtLeast, detractor = matrix.detractorAtMost
        let columns = Self.columns(rows.count, 4) { block, out in
            let (meanSatisfaction, meanRecommend, npsClass, complaintCount) = (out[0], out[1], out[2], out[3])
            m.meanSatisfaction.withUnsafeBufferPointer { satisfaction in
                m.meanRecommend.withUnsafeBufferPointer { recommend in
                    m.complaints.withUnsafeBufferPointer { complaints in
                        customers.withUnsafeBufferPointer { customers in
                            rows.withUnsafeBufferPointer { rows in
                                for i in block {
                                    let c = Int(customers[Int(rows[i])])
                                    meanSatisfaction[i] = satisfaction[c]
                                    meanRecommend[i] = recommend[c]
                                    npsClass[i] = NPSClass(recommend: recommend[c], promoterAtLeast: promoter,
                                                           detractorAtMost: detractor)?.code ?? .nan
                                    complaintCount[i] = Double(complaints[c])
                                }
                            }
                        }
                    }
                }
            }
        }
        return zip(Self.satisfactionNames, columns).map { CorrelationVariable(name: $0, values: $1) }
    }

    /// `count` columns of `length` values, each written once by `fill(block, columns)` for every
    /// block of rows, the blocks over the threads.
    private static func columns(_ length: Int, _ count: Int,
                                _ fill: (Range<Int>, [UnsafeMutableBufferPointer<Double>]) -> Void) -> [[Double]] {
        writeOnceColumns(count, length: length) { out in
            parallelRanges(length, size: Correlation.rowBlock) { fill($0, out) }
        }
    }

    /// Each source (indexed by customer id) at the customers `customers[rows[i]]` (at every
    /// `customers[i]` when `rows` is nil).
    private static func gather(_ customers: [Int32], rows: [Int32]?, _ sources: [[Double]]) -> [[Double]] {
        columns(rows?.count ?? customers.count, sources.count) { block, out in
            for (k, source) in sources.enumerated() {
                let target = out[k]
                source.withUnsafeBufferPointer { source in
                    customers.withUnsafeBufferPointer { customers in
                        if let rows {
                            for i in block { target[i] = source[Int(customers[Int(rows[i])])] }
                        } else {
                            for i in block { target[i] = source[Int(customers[i])] }
                        }
                    }
                }
            }
        }
    }

    /// `value(i)` for every i in 0..<count, blocks over the threads.
    private static func parallelMap<T: BitwiseCopyable>(_ count: Int, _ value: (Int) -> T) -> [T] {
        writeOnceColumns(of: T.self, 1, length: count) { out in
            let column = out[0]
            parallelRanges(count, size: Correlation.rowBlock) { block in
                for i in block { column[i] = value(i) }
            }
        }[0]
    }

    /// The i in 0..<count (ascending) where `keep(i)`: blocks over the threads count, then write
    /// from the prefix sums of the counts.
    private static func select(_ count: Int, _ keep: (Int) -> Bool) -> [Int32] {
        let size = Correlation.rowBlock
        let counts = parallelBlocks(count, size: size) { block in block.reduce(0) { $0 + (keep($1) ? 1 : 0) } }
        var starts = [Int](repeating: 0, count: counts.count)
        var total = 0
        for (b, c) in counts.enumerated() { starts[b] = total; total += c }
        return [Int32](unsafeUninitializedCapacity: total) { out, initialized in
            parallelRanges(count, size: size) { block in
                var at = starts[block.lowerBound / size]
                for i in block where keep(i) { out[at] = Int32(i); at += 1 }
            }
            initialized = total
        }
    }
}

/// The satisfaction–loyalty picture of one run.
public struct SatisfactionLoyaltyAnalysisResult: Sendable, Equatable {
    public let settings: SatisfactionLoyaltyAnalysis
    /// Per customer id, from the interactions before as-of: the mean_satisfaction, mean_recommend
    /// and complaints columns.
    public let measures: SatisfactionMeasures
    public let loyalty: LoyaltyMeasures
    /// Per scored customer (rows in the order of `Input.customers`): the loyalty_group column,
    /// the quadrants, NPS overall and per segment.
    public let groups: SatisfactionLoyaltyResult
    /// `correlations.csv`: group "all", then each segment with respondents.
    public let correlations: CorrelationResult
    /// Scored customers with at least one satisfaction or recommend answer.
    public let respondents: Int
}

extension CorrelationResult {
    /// This result with `other`'s y columns inserted after y column `afterColumn` in every table
    /// (same x variables and groups, in the same order).
    package func inserting(_ other: CorrelationResult, afterColumn: Int) -> CorrelationResult {
        precondition(other.xNames == xNames && other.tables.map(\.group) == tables.map(\.group), "inserting: x variables and groups must match")
        let ny = yNames.count, nOther = other.yNames.count
        let tables = zip(tables, other.tables).map { mine, theirs -> CorrelationTable in
            var pairs: [CorrelationPair] = []
            for i in xNames.indices {
                let row = mine.pairs[(i * ny)..<((i + 1) * ny)]
                pairs += row.prefix(afterColumn + 1)
                pairs += theirs.pairs[(i * nOther)..<((i + 1) * nOther)]
                pairs += row.dropFirst(afterColumn + 1)
            }
            return CorrelationTable(group: mine.group, rows: mine.rows, pairs: pairs)
        }
        var names = yNames
        names.insert(contentsOf: other.yNames, at: afterColumn + 1)
        return CorrelationResult(settings: settings, xNames: xNames, yNames: names, tables: tables)
    }
}
