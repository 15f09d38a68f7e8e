import ClienteleStore
import ClienteleKernels

extension PartitionStatistics {
    /// What the predicted-value step needs beyond the purchase patterns (`PooledCLV.swift`):
    /// the calibration customers by pattern and holdout purchases (the holdout check, so `auto`
    /// chooses the single run's model), and the repeat customers by x and repeat cents (the
    /// Gamma-Gamma sample). Tables of distinct rows with customer counts: they merge exactly.
    public struct CLVStatistics: Sendable, Equatable {
        /// Empty without a holdout window (no calibration end before as-of − 1).
        public var holdout = HoldoutPatterns()
        /// Of the period the models are fitted on: the calibration period, else the current one.
        public var repeatSpend = RepeatSpendCounts()
        /// The pooled rows were left out (`PartitionStatistics.withoutCLVRows`): statistics for
        /// scoring tasks, which predict with the driver's fit (`CLVScoringFit`) and cannot refit.
        public var omitted = false
        /// The Gamma-Gamma rows were written apart, in buckets of x (`PartitionGammaGamma`), and
        /// `repeatSpend` is empty: the driver fits Gamma-Gamma by passes over the buckets.
        public var repeatSpendApart = false
        /// The tracking plot's counts by day (calibration customers acquired, their repeat
        /// orders) up to the fitted period's end; nil when no customer ordered by then.
        public var tracking: RepeatPurchaseTracking.Counts?

        public init() {}

        /// As `CLVModel.fit(table:…)` chooses the fitted period: the calibration period when it
        /// ends before as-of − 1 (a holdout window), else the current one.
        public init(table: CustomerTable) {
            let lastDay = table.asOf.adding(days: -1)
            if let facts = table.calibration, facts.asOf <= lastDay {
                holdout = HoldoutPatterns(CalibrationSummary(calibration: facts, holdoutOrders: table.holdoutOrders, asOf: table.asOf))
                repeatSpend = RepeatSpendCounts(facts)
            } else {
                repeatSpend = RepeatSpendCounts(table.current)
            }
        }

        public func merged(with other: CLVStatistics) -> CLVStatistics {
            var m = CLVStatistics()
            m.holdout = holdout.merged(with: other.holdout)
            m.repeatSpend = repeatSpend.merged(with: other.repeatSpend)
            m.omitted = omitted || other.omitted
            m.repeatSpendApart = repeatSpendApart || other.repeatSpendApart
            switch (tracking, other.tracking) {
            case (let a?, let b?): m.tracking = a.merged(with: b)
            case (let a, let b): m.tracking = a ?? b
            }
            return m
        }

        func encode(into w: inout BinaryFields) {
            w.int(omitted ? 1 : 0); w.int(repeatSpendApart ? 1 : 0)
            w.ints(holdout.frequency.map(Int64.init)); w.doubles(holdout.recency); w.doubles(holdout.age)
            w.ints(holdout.holdoutPurchases); w.ints(holdout.customers)
            w.ints(repeatSpend.frequency.map(Int64.init)); w.ints(repeatSpend.repeatCents); w.ints(repeatSpend.customers)
            w.int(tracking.map { Int64($0.firstDay) } ?? Int64.min)
            w.ints((tracking?.acquired ?? []).map(Int64.init)); w.ints((tracking?.repeats ?? []).map(Int64.init))
        }

        init(decoding r: inout BinaryFields.Reader) throws(BinaryFields.Short) {
            omitted = try r.int() != 0; repeatSpendApart = try r.int() != 0
            holdout.frequency = try r.ints().map { Int32(truncatingIfNeeded: $0) }
            holdout.recency = try r.doubles(); holdout.age = try r.doubles()
            holdout.holdoutPurchases = try r.ints(); holdout.customers = try r.ints()
            let h = holdout
            guard Set([h.frequency.count, h.recency.count, h.age.count, h.holdoutPurchases.count, h.customers.count]).count == 1 else {
                throw BinaryFields.Short()
            }
            repeatSpend.frequency = try r.ints().map { Int32(truncatingIfNeeded: $0) }
            repeatSpend.repeatCents = try r.ints(); repeatSpend.customers = try r.ints()
            let s = repeatSpend
            guard Set([s.frequency.count, s.repeatCents.count, s.customers.count]).count == 1 else { throw BinaryFields.Short() }
            let first = try r.int()
            let acquired = try r.ints().map(Int.init), repeats = try r.ints().map(Int.init)
            guard acquired.count == repeats.count, (first == Int64.min) == acquired.isEmpty else { throw BinaryFields.Short() }
            tracking = first == Int64.min ? nil : .init(firstDay: Int32(truncatingIfNeeded: first), acquired: acquired, repeats: repeats)
        }
    }
}

extension PartitionStatistics {
    /// These statistics without the CLV step's pooled rows (the holdout patterns and the
    /// Gamma-Gamma sample, which grow with the customers): what scoring tasks need once the
    /// driver has fitted (`partition merge --omit-clv-rows`).
    public var withoutCLVRows: PartitionStatistics {
        var s = self
        s.clv = CLVStatistics()
        s.clv.omitted = true
        return s
    }
}
