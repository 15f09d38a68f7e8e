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
    public func run(_ input: Input) throws(CorrelationError) -> SatisfactionLoyaltyAnalysisResult {
        let measures = SatisfactionMeasures(contacts: input.table.currentContacts!)
        let loyalty = LoyaltyMeasures(table: input.table)

        let recommend = input.customers.map { measures.meanRecommend[Int($0)] }
        let loyaltyGroups = try matrix.run(satisfaction: input.customers.map { measures.meanSatisfaction[Int($0)] },
                                    loyalty: input.customers.map { loyalty.frequency[Int($0)] }, recommend: recommend,
                                    groups: CorrelationGroups(labels: input.segment.map(Int32.init), names: input.segmentNames))

        let respondents = input.customers.indices.filter { answered(measures, Int(input.customers[$0])) }
        guard !respondents.isEmpty else { throw .noSurveyAnswers(interactions: input.interactionCount) }
        // Groups: the segments that have respondents, in segment-map order.
        var present = [Bool](repeating: false, count: input.segmentNames.count)
        for row in respondents { present[Int(input.segment[row])] = true }
        let kept = input.segmentNames.indices.filter { present[$0] }
        var groupOf = [Int32](repeating: -1, count: input.segmentNames.count)
        for (g, s) in kept.enumerated() { groupOf[s] = Int32(g) }
        let names = kept.map { input.segmentNames[$0] }
        func groups(_ rows: [Int]) -> CorrelationGroups {
            CorrelationGroups(labels: rows.map { groupOf[Int(input.segment[$0])] }, names: names)
        }

        // As of as-of: every pair but retained_in_holdout.
        let customerOf = { (rows: [Int]) in rows.map { Int(input.customers[$0]) } }
        let current = customerOf(respondents)
        var y = [CorrelationVariable(name: "frequency", values: current.map { loyalty.frequency[$0] }),
                 CorrelationVariable(name: "tenure_days", values: current.map { loyalty.tenureDays[$0] }),
                 CorrelationVariable(name: "repeat_rate", values: current.map { loyalty.repeatRate[$0] })]
        if let p = input.probabilityAlive { y.append(CorrelationVariable(name: "p_alive", values: current.map { p[$0] })) }
        if let v = input.predictedCLV { y.append(CorrelationVariable(name: "predicted_clv", values: current.map { v[$0] })) }
        var result = try correlation.run(x: satisfaction(measures, current), y: y, groups: groups(respondents))

        // Up to the calibration end: retained_in_holdout, inserted after repeat_rate.
        if let retained = loyalty.retainedInHoldout, let contacts = input.table.calibrationContacts {
            let before = SatisfactionMeasures(contacts: contacts)
            let rows = input.customers.indices.filter { !retained[Int(input.customers[$0])].isNaN && answered(before, Int(input.customers[$0])) }
            let labelled = customerOf(rows)
            let holdout = try correlation.run(x: satisfaction(before, labelled),
                                              y: [CorrelationVariable(name: Self.retainedName, values: labelled.map { retained[$0] })],
                                              groups: groups(rows))
            result = result.inserting(holdout, afterColumn: 2)
        }
        return SatisfactionLoyaltyAnalysisResult(settings: self, measures: measures, loyalty: loyalty, groups: loyaltyGroups,
                                                 correlations: result, respondents: respondents.count)
    }

    private func answered(_ m: SatisfactionMeasures, _ c: Int) -> Bool {
        m.satisfactionAnswers[c] > 0 || m.recommendAnswers[c] > 0
    }

    /// The x variables of the customers `ids`.
    private func satisfaction(_ m: SatisfactionMeasures, _ ids: [Int]) -> [CorrelationVariable] {
        let nps = m.npsClassCodes(promoterAtLeast: matrix.promoterAtLeast, detractorAtMost: matrix.detractorAtMost)
        return [CorrelationVariable(name: Self.satisfactionNames[0], values: ids.map { m.meanSatisfaction[$0] }),
                CorrelationVariable(name: Self.satisfactionNames[1], values: ids.map { m.meanRecommend[$0] }),
                CorrelationVariable(name: Self.satisfactionNames[2], values: ids.map { nps[$0] }),
                CorrelationVariable(name: Self.satisfactionNames[3], values: ids.map { Double(m.complaints[$0]) })]
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
