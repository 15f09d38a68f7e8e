import ClienteleStore
import ClienteleIngest
import ClienteleKernels

/// What one partition of customers contributes to a run spread over several machines (Spark):
/// statistics that add up exactly, so the statistics of any split of the customers, merged,
/// equal those of all customers read together (`merged(with:)`; the tests split a file many ways).
///
/// Held so far: input accounting, customer and order totals, the RFM value counts (`fill` and
/// `share` scores) and the BG/NBD-family purchase patterns of the current and calibration periods
/// (`CalibrationPatterns`, the models' whole likelihood), the cohort table's counts. A partition must hold every row of each
/// of its customers, and the run's periods must be fixed for all partitions (`--as-of`), since the
/// default as-of is the day after the last transaction of all of them.
public struct PartitionStatistics: Sendable, Equatable {
    /// The settings every partition must share to be merged.
    public struct Settings: Sendable, Equatable {
        public var asOf: CalendarDay
        public var calibrationEnd: CalendarDay?
        public var quantiles: Int
        public var monetary: RFMScorer.Monetary
    }

    /// One period's purchase patterns (x, t_x, T in weeks) with the customers that share each.
    public struct Patterns: Sendable, Equatable {
        public var frequency: [Int32] = []
        public var recency: [Double] = []
        public var age: [Double] = []
        public var weight: [Double] = []

        public init() {}

        public init(_ p: CalibrationPatterns) {
            frequency = p.frequency; recency = p.recency; age = p.age; weight = p.weight
        }

        /// Both sets of rows pooled: equal patterns merged, in `CalibrationPatterns`'s order.
        public func merged(with other: Patterns) throws -> Patterns {
            let x = (frequency + other.frequency).map(Int.init)
            guard !x.isEmpty else { return Patterns() }
            return Patterns(try CalibrationPatterns(frequency: x, recency: recency + other.recency, age: age + other.age,
                                                    weight: weight + other.weight))
        }
    }

    public var settings: Settings
    public var rowsRead: Int64 = 0
    public var rowsUsed: Int64 = 0
    public var rowsAfterAsOf: Int64 = 0
    /// Rejected rows per reason, in `RejectReason.allCases` order.
    public var rejected: [Int64] = Array(repeating: 0, count: RejectReason.allCases.count)
    /// Customers with a transaction, and orders, before or after as-of.
    public var customers: Int64 = 0
    public var orders: Int64 = 0
    public var rfm: RFMValueCounts
    public var currentPatterns = Patterns()
    /// Empty without a calibration period.
    public var calibrationPatterns = Patterns()
    /// The holdout check's and Gamma-Gamma's pooled customers (PartitionStatistics+CLV.swift).
    public var clv = CLVStatistics()
    /// The interactions file's accounting and the satisfaction–loyalty statistics (PartitionStatistics+Satisfaction.swift).
    public var satisfaction = PartitionSatisfaction()
    /// The cohort retention table's counts (PartitionCohorts.swift).
    public var cohorts: PartitionCohorts

    public init(settings: Settings, rfm: RFMValueCounts) {
        self.settings = settings
        self.rfm = rfm
        cohorts = PartitionCohorts(lastMonth: CalendarMonth(settings.asOf.adding(days: -1)).index)
    }

    /// The statistics of one partition's loaded transactions.
    public init(settings: Settings, scorer: RFMScorer, loaded: TransactionLoader.Loaded) {
        let table = CustomerTable(orders: loaded.orders, interactions: nil, asOf: settings.asOf, calibrationEnd: settings.calibrationEnd)
        self.init(settings: settings, rfm: RFMValueCounts(table.current, scorer: scorer))
        let a = loaded.accounting
        rowsRead = Int64(a.rowsRead); rowsUsed = Int64(a.rowsUsed); rowsAfterAsOf = Int64(a.rowsAfterAsOf)
        rejected = RejectReason.allCases.map { Int64(a.rejectedByReason[$0] ?? 0) }
        customers = Int64(loaded.customers.count)
        orders = Int64(loaded.orders.count)
        // As CLVModel.fit summarises each period.
        currentPatterns = Patterns(CalibrationPatterns(CalibrationSummary(calibration: table.current, holdoutOrders: nil, asOf: nil)))
        if let facts = table.calibration {
            let summary = CalibrationSummary(calibration: facts, holdoutOrders: table.holdoutOrders, asOf: settings.asOf)
            calibrationPatterns = Patterns(CalibrationPatterns(summary))
        }
        clv = CLVStatistics(table: table)
        // As CLVModel.fit: the fitted period ends at the calibration end with a holdout, else at as-of − 1.
        let lastDay = settings.asOf.adding(days: -1)
        let end = settings.calibrationEnd.flatMap { $0 < lastDay ? $0 : nil } ?? lastDay
        clv.tracking = RepeatPurchaseTracking.Counts(orders: loaded.orders, calibrationEnd: end, asOf: settings.asOf)
        cohorts = PartitionCohorts(orders: loaded.orders, activity: table.current)
    }

    /// The statistics of both partitions' customers together.
    /// - Throws: `PartitionError.settingsDiffer` when they were summarised with different settings.
    public func merged(with other: PartitionStatistics) throws -> PartitionStatistics {
        guard settings == other.settings else { throw PartitionError.settingsDiffer }
        var m = PartitionStatistics(settings: settings, rfm: rfm.merged(with: other.rfm))
        m.rowsRead = rowsRead + other.rowsRead
        m.rowsUsed = rowsUsed + other.rowsUsed
        m.rowsAfterAsOf = rowsAfterAsOf + other.rowsAfterAsOf
        m.rejected = zip(rejected, other.rejected).map { $0 + $1 }
        m.customers = customers + other.customers
        m.orders = orders + other.orders
        m.currentPatterns = try currentPatterns.merged(with: other.currentPatterns)
        m.calibrationPatterns = try calibrationPatterns.merged(with: other.calibrationPatterns)
        m.clv = clv.merged(with: other.clv)
        m.satisfaction = try satisfaction.merged(with: other.satisfaction)
        m.cohorts = try cohorts.merged(with: other.cohorts)
        return m
    }
}
