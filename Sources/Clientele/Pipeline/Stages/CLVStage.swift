import ClienteleKernels

/// Predicted value: BG/NBD + Gamma-Gamma fitted on the calibration period, judged on the holdout,
/// and the value matrix against historical CLV. Data that cannot support the models skips the section.
struct CLVStage: RunStage {
    var name: String? { "clv" }

    func run(_ state: inout RunState) throws {
        let config = state.configuration
        guard config.clv.enabled else {
            state.skipped.append(.init(section: "clv", reason: "disabled in the job file ([clv] enabled = false)"))
            return
        }
        guard config.rfm.margin != 0 else {
            state.skipped.append(.init(section: "clv", reason: "margin = 0: every predicted value would be zero"))
            return
        }
        state.logger.info("fitting BG/NBD and Gamma-Gamma", metadata: ["calibration_end": "\(state.periods.calibrationEnd?.description ?? "none")"])
        let rfm = state.rfm!, n = state.table.count
        var historical = [Double](repeating: .nan, count: n), revenue = [Double](repeating: .nan, count: n)
        for (row, c) in rfm.customers.enumerated() {
            historical[Int(c)] = rfm.historicalCLVCents[row] / 100
            revenue[Int(c)] = Double(rfm.revenueCents[row]) / 100
        }
        var model = config.clv.model
        model.forecast.margin = config.rfm.margin
        do {
            let fit = try model.fit(table: state.table, historicalValue: historical, revenue: revenue)
            if !fit.bgnbd.converged {
                state.logger.warning("BG/NBD did not converge", metadata: ["reason": "\(fit.bgnbd.stopReason.rawValue)"])
            }
            state.clv = fit
        } catch let error as CLVError where error.exitStatus == .dataError {
            state.skipped.append(.init(section: "clv", reason: error.description))
            state.logger.notice("predictive CLV skipped", metadata: ["reason": "\(error.description)"])
        }
        if let reason = state.periods.calibrationSkipReason {
            state.skipped.append(.init(section: "holdout validation", reason: reason))
        }
        if let gg = state.clv?.gammaGammaSkipped {
            state.skipped.append(.init(section: "gamma-gamma", reason: gg.description))
        }
    }
}
