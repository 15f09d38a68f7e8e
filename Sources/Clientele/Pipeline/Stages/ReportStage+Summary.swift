import ClienteleStore
import ClienteleKernels
import ClienteleReports

extension ReportStage {
    /// The report's first screen: key numbers, each segment's action, the top of churn_risk.csv.
    /// Movers need the history and are added by `movers(_:previous:)`.
    static func summary(_ state: RunState, report: RunReport) -> RunSummary {
        let config = state.configuration, rfm = state.rfm!, customers = state.transactions.customers
        let active = rfm.recencyDays.reduce(0) { $0 + ($1 <= Int32(RunSummary.activeWindowDays) ? 1 : 0) }
        // Predicted CLV per segment (report order = segment index order of the map).
        var predicted: [Double]? = nil
        if let clv = state.clv {
            var sums = [Double](repeating: 0, count: rfm.scorer.segments.names.count)
            for (row, c) in rfm.customers.enumerated() {
                let v = clv.predictions.predictedCLV[Int(c)]
                if v.isFinite { sums[Int(rfm.segment[row])] += v }
            }
            predicted = sums
        }
        var top: [RunSummary.AtRiskCustomer] = []
        var valueAtRisk: Double? = nil
        if state.churn != nil {
            valueAtRisk = state.churnRisk.reduce(0) { $0 + ($1.valueAtRisk.isFinite ? $1.valueAtRisk : 0) }
            top = topAtRisk(state.churnRisk.prefix(config.report.topAtRisk), customers: customers, rfm: rfm)
        }
        return summary(report: report, config: config, scored: rfm.count, active: active, segmentNames: rfm.scorer.segments.names,
                       predictedBySegment: predicted, valueAtRisk: valueAtRisk, topAtRisk: top, clvRan: state.clv != nil)
    }

    /// The first rows of a value-at-risk ranking, named: customer_id and segment (a partition's
    /// rows of a run spread over machines too, renumbered when merged).
    static func topAtRisk(_ rows: ArraySlice<ChurnRiskRow>, customers: CustomerIndex, rfm: RFMResult) -> [RunSummary.AtRiskCustomer] {
        guard !rows.isEmpty else { return [] }
        var segmentOf = [Int16](repeating: -1, count: customers.count)
        for (row, c) in rfm.customers.enumerated() { segmentOf[Int(c)] = Int16(rfm.segment[row]) }
        let names = rfm.scorer.segments.names
        return rows.map { r in
            let k = Int(segmentOf[Int(r.customer)])
            return .init(rank: r.rank, customerId: customers.customerID(r.customer), segment: k >= 0 ? names[k] : nil,
                         churnProbability: r.churnProbability, value: r.value, valueAtRisk: r.valueAtRisk)
        }
    }

    /// The first screen from the run's figures (a run spread over machines adds them up from its
    /// partitions): `predictedBySegment` in the map's segment order; `valueAtRisk` nil when the
    /// churn model did not run.
    static func summary(report: RunReport, config: JobConfiguration, scored: Int, active: Int, segmentNames names: [String],
                        predictedBySegment predicted: [Double]?, valueAtRisk: Double?, topAtRisk top: [RunSummary.AtRiskCustomer],
                        clvRan: Bool) -> RunSummary {
        let segments = report.rfm.segments.map { s -> RunSummary.SegmentAction in
            let (action, source) = RunSummary.action(for: s.segment, overrides: config.report.actions)
            let value = names.firstIndex(of: s.segment).flatMap { k in predicted?[k] }
            return .init(segment: s.segment, customers: s.customers, share: s.share, revenue: s.revenue, predictedValue: value,
                         action: action, actionSource: source)
        }
        let intervals = report.clv?.intervals
        let hasInterval = intervals?.unavailable == nil && intervals?.predictedCLVUnavailable == nil
            && intervals?.totalPredictedCLVLow != nil && intervals?.totalPredictedCLVHigh != nil
        return RunSummary(
            customers: scored, activeCustomers: active, activeWindowDays: RunSummary.activeWindowDays, netRevenue: report.customers.netRevenue,
            predictedValue: report.clv?.totalPredictedCLV,
            predictedValueLow: hasInterval ? intervals?.totalPredictedCLVLow : nil, predictedValueHigh: hasInterval ? intervals?.totalPredictedCLVHigh : nil,
            predictedValueLevel: hasInterval ? intervals?.level : nil, horizonMonths: report.clv?.horizonMonths,
            valueAtRisk: valueAtRisk, valueAtRiskBasis: valueAtRisk == nil ? nil : (clvRan ? "predicted CLV" : "historical CLV"),
            segments: segments, topAtRiskLimit: config.report.topAtRisk, topAtRisk: top)
    }

    /// Segment changes from the history's latest run to this one (`migration`, matched by
    /// customer_id in one merge join, `HistoryDatabase.migration(fromLatestTo:)`): the largest
    /// flows and the valuable customers who moved into an at-risk segment, most value (predicted
    /// CLV, else monetary) first.
    static func movers(_ migration: SegmentMigration, topAtRisk: Int) -> RunSummary.Movers {
        let names = migration.segments
        var flows: [RunSummary.Movers.Flow] = []
        for i in names.indices {
            for j in names.indices where i != j && migration.counts[i][j] > 0 {
                flows.append(.init(from: names[i], to: names[j], customers: migration.counts[i][j]))
            }
        }
        flows.sort { ($0.customers, $1.from, $1.to) > ($1.customers, $0.from, $0.to) }
        var down = migration.valuableToAtRisk.map { m in
            RunSummary.Movers.MovedDown(customerId: m.customerID, from: m.previousSegment, to: m.currentSegment,
                                        value: m.predictedCLV.flatMap { $0.isFinite ? $0 : nil } ?? m.monetary)
        }
        down.sort { $0.value > $1.value || ($0.value == $1.value && $0.customerId < $1.customerId) }
        return RunSummary.Movers(previousRunId: migration.previous.id, previousAsOf: migration.previous.asOf, matched: migration.matched,
                                 changed: migration.changed, newCustomers: migration.newCustomers.reduce(0, +),
                                 goneCustomers: migration.goneCustomers.reduce(0, +),
                                 flows: Array(flows.prefix(RunSummary.Movers.shownFlows)), movedDownCustomers: down.count,
                                 movedDown: Array(down.prefix(topAtRisk)))
    }
}
