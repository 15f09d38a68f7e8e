import ClienteleSupport
import ClienteleStore

/// The churn label and features (docs/definitions.md, "Churn"): a configuration that derives them
/// from the order and interaction tables.
///
/// With calibration end E (inclusive) and as-of date A (exclusive):
/// - **label**: a customer with an order dated ≤ E is labelled; `churned` when they have no order
///   dated in (E, A). The holdout window (E, A) must hold at least one day.
/// - **features as of E + 1** (labelled rows), from orders dated ≤ E and interactions dated ≤ E:
///   `recency_days` = E + 1 − last order day; `frequency` = orders; `monetary` = net cents / 100
///   (returns included); `tenure_days` = E + 1 − first order day; `complaints` = interactions of
///   kind complaint; `mean_satisfaction` = mean CSAT of survey interactions with an answer,
///   missing filled with the column mean (mean over the labelled customers who answered; no label
///   enters it).
/// - **scoring features as of A** (current rows: every customer with an order dated < A): the same
///   definitions with E + 1 replaced by A and "≤ E" by "< A", which predicts churn over the next
///   period of the same length (A, A + (A − E − 1)); `mean_satisfaction` is filled with the current
///   rows' own column mean.
/// - extra features: `extraColumns`, each with a value per customer at both dates.
///
/// An order's day is its first line's day (`OrderTable.firstDay`); its net value includes late
/// returns that share its order_id. Default features whose source is absent are left out with a
/// note rather than failing on a constant column: `complaints` and `mean_satisfaction` without an
/// interactions table, `complaints` when no labelled customer complained, `mean_satisfaction` when
/// none answered a survey. Any other constant feature is a data error at fit time.
///
/// The initialiser only stores settings; `run` validates them.
public struct ChurnFeatures: Sendable, Equatable {
    /// The last day of the calibration period (E), inclusive.
    public var calibrationEnd: CalendarDay
    /// The analysis date (A): orders on or after it are ignored.
    public var asOf: CalendarDay
    /// Extra features, appended after the defaults in this order.
    public var extraColumns: [ChurnFeatureColumn]

    public init(calibrationEnd: CalendarDay, asOf: CalendarDay, extraColumns: [ChurnFeatureColumn] = []) {
        self.calibrationEnd = calibrationEnd
        self.asOf = asOf
        self.extraColumns = extraColumns
    }

    /// Default feature names, in column order.
    public static let recencyName = "recency_days"
    public static let frequencyName = "frequency"
    public static let monetaryName = "monetary"
    public static let tenureName = "tenure_days"
    public static let complaintsName = "complaints"
    public static let satisfactionName = "mean_satisfaction"
    public static let defaultNames = [recencyName, frequencyName, monetaryName, tenureName, complaintsName, satisfactionName]

    /// Days in the holdout window (E, A): A − E − 1.
    public var holdoutDays: Int { Int(asOf.daysSinceEpoch) - Int(calibrationEnd.daysSinceEpoch) - 1 }

    /// Checks the dates and the extra columns' names and lengths.
    /// - Throws: `ChurnError.emptyHoldout`, `.duplicateFeature` (exit 64), `.lengthMismatch` (70).
    public func validate(customerCount: Int) throws(ChurnError) {
        guard holdoutDays >= 1 else { throw .emptyHoldout(calibrationEnd: calibrationEnd, asOf: asOf) }
        var seen = Set(Self.defaultNames + [LogisticRegression.interceptName])
        for column in extraColumns {
            guard !column.name.isEmpty, seen.insert(column.name).inserted else { throw .duplicateFeature(name: column.name) }
            guard column.calibration.count == customerCount else {
                throw .lengthMismatch(name: "extra feature \(column.name) (calibration)", count: column.calibration.count, expected: customerCount)
            }
            guard column.current.count == customerCount else {
                throw .lengthMismatch(name: "extra feature \(column.name) (current)", count: column.current.count, expected: customerCount)
            }
        }
    }

    /// Derives labels and features; `interactions` is `nil` when there is no interactions file.
    ///
    /// - Complexity: O(orders + interactions + customers × features), one pass over each table.
    /// - Throws: `ChurnError` — `emptyHoldout`, `duplicateFeature` (64); `noLabelledCustomers`,
    ///   `nonFiniteFeature` (65); `lengthMismatch` (70).
    public func run(orders: OrderTable, interactions: InteractionTable?) throws(ChurnError) -> ChurnDataset {
        try validate(customerCount: orders.customerCount)
        return try run(table: CustomerTable(orders: orders, interactions: interactions, asOf: asOf, calibrationEnd: calibrationEnd))
    }

    /// Derives labels and features from a customer table with this calibration end and as-of date.
    /// - Precondition: `table.calibrationEnd == calibrationEnd` and `table.asOf == asOf`.
    public func run(table: CustomerTable) throws(ChurnError) -> ChurnDataset {
        let customerCount = table.count
        try validate(customerCount: customerCount)
        guard let labelledFacts = table.calibration, let holdoutOrders = table.holdoutOrders,
              table.calibrationEnd == calibrationEnd, table.asOf == asOf else {
            preconditionFailure("churn features for E = \(calibrationEnd), A = \(asOf) need a customer table of the same periods")
        }
        let currentFacts = table.current
        let end = calibrationEnd.daysSinceEpoch, asOf = asOf.daysSinceEpoch
        let contacts = table.currentContacts.flatMap { current in table.calibrationContacts.map { (calibration: $0, current: current) } }

        let labelledIDs = Self.customers(withOrders: labelledFacts.frequency)
        let currentIDs = Self.customers(withOrders: currentFacts.frequency)
        guard !labelledIDs.isEmpty else { throw .noLabelledCustomers(calibrationEnd: calibrationEnd) }

        var notes: [String] = []
        var useComplaints = true, useSatisfaction = true
        if let contacts {
            if !labelledIDs.contains(where: { contacts.calibration.complaints[Int($0)] > 0 }) {
                useComplaints = false
                notes.append("complaints left out: no labelled customer has a complaint on or before \(calibrationEnd)")
            }
            if !labelledIDs.contains(where: { contacts.calibration.surveyAnswers[Int($0)] > 0 }) {
                useSatisfaction = false
                notes.append("mean_satisfaction left out: no labelled customer answered a survey on or before \(calibrationEnd)")
            }
        } else {
            useComplaints = false
            useSatisfaction = false
            notes.append("complaints and mean_satisfaction left out: no interactions table")
        }

        let labelledRecency = Self.column(labelledIDs, labelledFacts.lastDay) { Double(end + 1 - $0) }
        let labelledTenure = Self.column(labelledIDs, labelledFacts.firstDay) { Double(end + 1 - $0) }
        var labelledColumns: [(name: String, values: [Double])] = [
            (Self.recencyName, labelledRecency),
            (Self.frequencyName, Self.column(labelledIDs, labelledFacts.frequency) { Double($0) }),
            (Self.monetaryName, Self.column(labelledIDs, labelledFacts.netCents) { Double($0) / 100 }),
            (Self.tenureName, labelledTenure),
        ]
        var currentColumns: [(name: String, values: [Double])] = [
            (Self.recencyName, Self.column(currentIDs, currentFacts.lastDay) { Double(asOf - $0) }),
            (Self.frequencyName, Self.column(currentIDs, currentFacts.frequency) { Double($0) }),
            (Self.monetaryName, Self.column(currentIDs, currentFacts.netCents) { Double($0) / 100 }),
            (Self.tenureName, Self.column(currentIDs, currentFacts.firstDay) { Double(asOf - $0) }),
        ]
        var fill: (labelled: Double, current: Double)? = nil
        if let contacts {
            if useComplaints {
                labelledColumns.append((Self.complaintsName, Self.column(labelledIDs, contacts.calibration.complaints) { Double($0) }))
                currentColumns.append((Self.complaintsName, Self.column(currentIDs, contacts.current.complaints) { Double($0) }))
            }
            if useSatisfaction {
                let labelled = Self.meanFilled(labelledIDs, sums: contacts.calibration.surveySatisfactionSum, counts: contacts.calibration.surveyAnswers)
                let current = Self.meanFilled(currentIDs, sums: contacts.current.surveySatisfactionSum, counts: contacts.current.surveyAnswers)
                labelledColumns.append((Self.satisfactionName, labelled.values))
                currentColumns.append((Self.satisfactionName, current.values))
                fill = (labelled.fill, current.fill)
            }
        }
        for column in extraColumns {
            labelledColumns.append((column.name, try Self.gather(column.calibration, labelledIDs, name: column.name)))
            currentColumns.append((column.name, try Self.gather(column.current, currentIDs, name: column.name)))
        }

        let labelled = try ChurnFeatureMatrix(columns: labelledColumns)
        let current = try ChurnFeatureMatrix(columns: currentColumns)
        let churned = labelledIDs.map { holdoutOrders[Int($0)] == 0 }
        return ChurnDataset(featureNames: labelled.names, labelled: labelled, labelledCustomers: labelledIDs,
                            churned: churned, current: current, currentCustomers: currentIDs,
                            satisfactionFill: fill, notes: notes, customerCount: customerCount, settings: self)
    }

    /// Per-row mean `sums[c] / counts[c]`, missing (count 0) filled with the mean of the present ones.
    /// When no row has a value the fill is 0 (the caller leaves the feature out before that matters).
    package static func meanFilled(_ ids: [Int32], sums: [Double], counts: [Int32]) -> (values: [Double], fill: Double) {
        var total = 0.0, present = 0
        for id in ids where counts[Int(id)] > 0 {
            total += sums[Int(id)] / Double(counts[Int(id)])
            present += 1
        }
        let fill = present > 0 ? total / Double(present) : 0
        let values = [Double](unsafeUninitializedCapacity: ids.count) { out, count in
            sums.withUnsafeBufferPointer { sums in
                counts.withUnsafeBufferPointer { counts in
                    parallelRanges(ids.count, size: rowBlock) { range in
                        for r in range {
                            let c = Int(ids[r])
                            out[r] = counts[c] > 0 ? sums[c] / Double(counts[c]) : fill
                        }
                    }
                }
            }
            count = ids.count
        }
        return (values, fill)
    }

    /// The customers with at least one order in a period (`frequency[c] > 0`), ascending, found
    /// in fixed blocks on every thread.
    package static func customers(withOrders frequency: [Int32]) -> [Int32] {
        let blocks = parallelBlocks(frequency.count, size: rowBlock) { range -> [Int32] in
            var ids: [Int32] = []
            for c in range where frequency[c] > 0 { ids.append(Int32(c)) }
            return ids
        }
        return Array(blocks.joined())
    }

    /// A feature column: `transform(values[id])` for every id, in fixed blocks on every thread
    /// (read through buffer pointers, so the threads share no reference count).
    package static func column<T>(_ ids: [Int32], _ values: [T], _ transform: (T) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: ids.count) { out, count in
            ids.withUnsafeBufferPointer { ids in
                values.withUnsafeBufferPointer { values in
                    parallelRanges(ids.count, size: rowBlock) { range in
                        for r in range { out[r] = transform(values[Int(ids[r])]) }
                    }
                }
            }
            count = ids.count
        }
    }

    /// Rows per block of the per-customer passes (fixed, so blocks do not depend on the thread count).
    package static let rowBlock = 32_768

    /// `values` at `ids`, each checked finite.
    package static func gather(_ values: [Double], _ ids: [Int32], name: String) throws(ChurnError) -> [Double] {
        var out = [Double](repeating: 0, count: ids.count)
        for (row, id) in ids.enumerated() {
            let v = values[Int(id)]
            guard v.isFinite else { throw .nonFiniteFeature(name: name, row: row, value: v) }
            out[row] = v
        }
        return out
    }
}
