import Foundation
import ClienteleKernels
import ClienteleReports

/// What report.json's RFM section and segments.csv add up over a partition's scored customers
/// (`partition score --totals`): per segment the customers and the integer sums behind the means
/// (`RFMSegmentSums`), the customers per score value, and per (R, F) cell the customers and net
/// cents of report.html's RFM grid. Integers: any split, merged in any
/// order, gives the whole run's, so the report built from them (`PartitionReport`) holds the
/// single run's figures.
public struct PartitionTotals: Sendable, Equatable, Codable {
    public var segments: RFMSegmentSums
    /// Customers per score value 1…quantiles.
    public var r: [Int]
    public var f: [Int]
    public var m: [Int]
    /// Per (R, F) cell, row-major by R then F (scores 1…quantiles): customers and net cents.
    public var gridCustomers: [Int]
    public var gridCents: [Int64]
    /// The value matrix's cells in `ValueQuadrant.allCases` order, when the partition was scored
    /// with the medians (`score --value-medians`); empty otherwise. Sums of doubles: merged, they
    /// equal the single run's to rounding.
    public var quadrants: [QuadrantSums] = []
    /// Scored customers with an order in the `RunSummary.activeWindowDays` days before as-of.
    public var active = 0
    /// With predicted value: the exact sums of finite predicted CLV and expected purchases over
    /// every current customer, and of predicted CLV per segment (report order).
    public var clv: CLVSums?
    /// With the churn model: the exact sum of churn_risk.csv's value at risk and its first
    /// `[run] top_at_risk` rows (the partition's ranks until merged).
    public var churn: ChurnSums?
    /// With the CLV distribution's plan (`ValueMatrixMedians.distributionPlan`): per bin of
    /// `CLVDistribution.Plan.bin(of:)`, the customers and the exact sum of their predicted CLV.
    public var clvBins: CLVBinSums?

    public struct CLVBinSums: Sendable, Equatable, Codable {
        public var customers: [Int]
        public var values: [ExactSum]

        func merged(with other: CLVBinSums) -> CLVBinSums {
            CLVBinSums(customers: zip(customers, other.customers).map { $0 + $1 },
                       values: zip(values, other.values).map { $0.merged(with: $1) })
        }
    }

    public struct CLVSums: Sendable, Equatable, Codable {
        public var predictedCLV = ExactSum()
        public var expectedPurchases = ExactSum()
        public var segmentPredictedCLV: [ExactSum]
        /// With bootstrap intervals (`[clv] interval_draws` > 0): per draw, the exact sums of the
        /// partition's expected purchases and predicted CLV (every partition draws the same
        /// parameters from the driver's fit), from which the totals' intervals follow; or why there
        /// are none (the same reason in every partition).
        public var drawPurchases: [ExactSum] = []
        public var drawCLV: [ExactSum] = []
        public var intervalsUnavailable: String?
        public var clvIntervalsUnavailable: String?

        func merged(with b: CLVSums) -> CLVSums {
            func add(_ x: [ExactSum], _ y: [ExactSum]) -> [ExactSum] {
                x.isEmpty ? y : y.isEmpty ? x : zip(x, y).map { $0.merged(with: $1) }
            }
            return CLVSums(predictedCLV: predictedCLV.merged(with: b.predictedCLV), expectedPurchases: expectedPurchases.merged(with: b.expectedPurchases),
                           segmentPredictedCLV: zip(segmentPredictedCLV, b.segmentPredictedCLV).map { $0.merged(with: $1) },
                           drawPurchases: add(drawPurchases, b.drawPurchases), drawCLV: add(drawCLV, b.drawCLV),
                           intervalsUnavailable: intervalsUnavailable ?? b.intervalsUnavailable,
                           clvIntervalsUnavailable: clvIntervalsUnavailable ?? b.clvIntervalsUnavailable)
        }
    }

    public struct ChurnSums: Sendable, Equatable, Codable {
        public var valueAtRisk = ExactSum()
        public var top: [RunSummary.AtRiskCustomer] = []
        /// `[run] top_at_risk`.
        public var limit = 0

        /// The first `limit` of both lists in churn_risk.csv's order (value at risk descending,
        /// then customer_id in byte order), numbered from 1.
        func merged(with other: ChurnSums, limit: Int) -> ChurnSums {
            let rows = (top + other.top).sorted {
                $0.valueAtRisk != $1.valueAtRisk ? $0.valueAtRisk > $1.valueAtRisk
                    : Array($0.customerId.utf8).lexicographicallyPrecedes(Array($1.customerId.utf8))
            }.prefix(limit).enumerated().map { k, r in
                RunSummary.AtRiskCustomer(rank: k + 1, customerId: r.customerId, segment: r.segment, churnProbability: r.churnProbability,
                                          value: r.value, valueAtRisk: r.valueAtRisk)
            }
            return ChurnSums(valueAtRisk: valueAtRisk.merged(with: other.valueAtRisk), top: rows, limit: limit)
        }
    }

    /// One value-matrix cell's customers and sums of historical CLV, predicted CLV and net revenue.
    public struct QuadrantSums: Sendable, Equatable, Codable {
        public var customers: Int
        public var currentValue: Double
        public var futureValue: Double
        public var revenue: Double

        init(customers: Int, currentValue: Double, futureValue: Double, revenue: Double) {
            self.customers = customers; self.currentValue = currentValue; self.futureValue = futureValue; self.revenue = revenue
        }

        /// A partition's cell (scored with the revenue, so `revenue` is set).
        init(_ cell: ValueMatrixResult.Cell) {
            self.init(customers: cell.customers, currentValue: cell.currentValue, futureValue: cell.futureValue, revenue: cell.revenue ?? 0)
        }
    }

    /// No scored customer.
    public init(segments: Int, quantiles: Int) {
        self.segments = RFMSegmentSums(segments: segments)
        let zero = [Int](repeating: 0, count: quantiles)
        r = zero; f = zero; m = zero
        gridCustomers = [Int](repeating: 0, count: quantiles * quantiles)
        gridCents = [Int64](repeating: 0, count: quantiles * quantiles)
    }

    /// The totals of a partition's scored customers.
    public init(_ rfm: RFMResult) {
        segments = RFMSegmentSums(rfm)
        let n = rfm.scorer.quantiles
        let counts = RunReport.ScoreCounts(r: rfm.r, f: rfm.f, m: rfm.m, quantiles: n)
        r = counts.r; f = counts.f; m = counts.m
        (gridCustomers, gridCents) = HTMLReportInput.RFMGrid.cells(r: rfm.r, f: rfm.f, revenueCents: rfm.revenueCents, quantiles: n)
        active = rfm.recencyDays.reduce(0) { $0 + ($1 <= Int32(RunSummary.activeWindowDays) ? 1 : 0) }
    }

    /// Adds the predicted-value sums of a partition's predictions (`predictedCLV` and
    /// `expectedPurchases` by customer id, NaN where not predicted) and its bootstrap's per-draw totals.
    mutating func addCLV(predictedCLV: [Double], expectedPurchases: [Double], intervals: CLVIntervalResult, rfm: RFMResult) {
        var sums = CLVSums(segmentPredictedCLV: Array(repeating: ExactSum(), count: rfm.scorer.segments.names.count))
        if intervals.settings.draws > 0 {
            sums.intervalsUnavailable = intervals.unavailableReason
            sums.clvIntervalsUnavailable = intervals.clvUnavailableReason
            sums.drawPurchases = intervals.drawTotalsExpectedPurchases.map { var s = ExactSum(); if $0.isFinite { s.add($0) }; return s }
            sums.drawCLV = intervals.drawTotalsPredictedCLV.map { var s = ExactSum(); if $0.isFinite { s.add($0) }; return s }
        }
        for v in predictedCLV where v.isFinite { sums.predictedCLV.add(v) }
        for v in expectedPurchases where v.isFinite { sums.expectedPurchases.add(v) }
        for (row, c) in rfm.customers.enumerated() where predictedCLV[Int(c)].isFinite {
            sums.segmentPredictedCLV[Int(rfm.segment[row])].add(predictedCLV[Int(c)])
        }
        clv = sums
    }

    /// Counts a partition's finite predicted CLV (by customer id) into the distribution's bins.
    mutating func addCLVBins(predictedCLV: [Double], plan: CLVDistribution.Plan) {
        var bins = CLVBinSums(customers: Array(repeating: 0, count: plan.edges.count + 1),
                              values: Array(repeating: ExactSum(), count: plan.edges.count + 1))
        for v in predictedCLV where v.isFinite {
            let b = plan.bin(of: v)
            bins.customers[b] += 1
            bins.values[b].add(v)
        }
        clvBins = bins
    }

    /// report.html's RFM grid of these customers (`HTMLReportInput.RFMGrid`'s figures).
    package var grid: HTMLReportInput.RFMGrid {
        HTMLReportInput.RFMGrid(quantiles: r.count, customerCounts: gridCustomers, cents: gridCents)
    }

    public func merged(with other: PartitionTotals) -> PartitionTotals {
        precondition(r.count == other.r.count, "PartitionTotals: different quantiles")
        var out = self
        out.segments = segments.merged(with: other.segments)
        out.r = zip(r, other.r).map { $0 + $1 }
        out.f = zip(f, other.f).map { $0 + $1 }
        out.m = zip(m, other.m).map { $0 + $1 }
        out.gridCustomers = zip(gridCustomers, other.gridCustomers).map { $0 + $1 }
        out.gridCents = zip(gridCents, other.gridCents).map { $0 + $1 }
        out.active = active + other.active
        switch (clv, other.clv) {
        case let (a?, b?): out.clv = a.merged(with: b)
        case let (a, b): out.clv = a ?? b
        }
        switch (clvBins, other.clvBins) {
        case let (a?, b?): out.clvBins = a.merged(with: b)
        case let (a, b): out.clvBins = a ?? b
        }
        switch (churn, other.churn) {
        case let (a?, b?): out.churn = a.merged(with: b, limit: max(a.limit, b.limit))
        case let (a, b): out.churn = a ?? b
        }
        if quadrants.isEmpty || other.quadrants.isEmpty {
            out.quadrants = quadrants.isEmpty ? other.quadrants : quadrants
        } else {
            out.quadrants = zip(quadrants, other.quadrants).map {
                QuadrantSums(customers: $0.customers + $1.customers, currentValue: $0.currentValue + $1.currentValue,
                             futureValue: $0.futureValue + $1.futureValue, revenue: $0.revenue + $1.revenue)
            }
        }
        return out
    }

    public static func read(_ path: String) throws -> PartitionTotals {
        try PartitionWorker.readJSON(PartitionTotals.self, from: path)
    }

    /// Scored customers.
    public var scored: Int { Int(segments.customers.reduce(0, +)) }
}
