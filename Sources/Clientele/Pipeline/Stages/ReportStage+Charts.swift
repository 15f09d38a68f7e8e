import ClienteleReports

/// The figures of the value-concentration section and the CLV charts, computed from the run's
/// state when the report is assembled (each is a pass over customers or orders).
extension ReportStage {
    /// Value concentration over the scored customers' net value (`CustomerTable.current.netCents`).
    static func concentration(_ state: RunState) -> ConcentrationReport {
        ConcentrationReport(ValueConcentration(activity: state.table.current))
    }

    /// The CLV distribution, P(alive) matrix and tracking plot of the chosen model; nil without CLV.
    static func clvCharts(_ state: RunState) -> CLVChartsReport? {
        guard let clv = state.clv else { return nil }
        let model = clv.purchaseModel
        let predictions = clv.predictions
        let distribution = clv.gammaGamma == nil ? nil
            : CLVChartsReport.Distribution(CLVDistribution(predictedCLV: predictions.predictedCLV), forecast: predictions.settings)
        let matrix = CLVChartsReport.AliveMatrix(ProbabilityAliveMatrix(activity: state.table.current, probabilityAlive: predictions.probabilityAlive),
                                                 model: model.kind)
        let tracking = RepeatPurchaseTracking(orders: state.transactions.orders, calibrationEnd: clv.calibrationEnd, asOf: clv.asOf, model: model)
            .map(CLVChartsReport.Tracking.init)
        return CLVChartsReport(distribution: distribution, aliveMatrix: matrix, tracking: tracking)
    }
}
