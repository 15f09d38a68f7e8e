import ClienteleKernels

/// Predicted value: the purchase model(s) (`[clv] model`; `auto` chooses on the holdout) and
/// Gamma-Gamma fitted on the calibration period, bootstrap intervals seeded by the run's seed,
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
        state.logger.info("fitting the purchase models and Gamma-Gamma", metadata: [
            "models": "\(config.clv.model.purchaseModel.kinds.map(\.title).joined(separator: ", "))",
            "calibration_end": "\(state.periods.calibrationEnd?.description ?? "none")"])
        let rfm = state.rfm!, n = state.table.count
        var historical = [Double](repeating: .nan, count: n), revenue = [Double](repeating: .nan, count: n)
        for (row, c) in rfm.customers.enumerated() {
            historical[Int(c)] = rfm.historicalCLVCents[row] / 100
            revenue[Int(c)] = Double(rfm.revenueCents[row]) / 100
        }
        var model = config.clv.model
        model.forecast.margin = config.rfm.margin
        model.intervals.seed = config.seed
        do {
            let fit = try model.fit(table: state.table, historicalValue: historical, revenue: revenue)
            for candidate in fit.candidates where !candidate.fit.converged {
                let reason = (candidate.fit as? any RepeatPurchaseModelDiagnostics)?.stopReason.rawValue ?? "not converged"
                state.logger.warning("\(candidate.fit.kind.title) did not converge", metadata: ["reason": "\(reason)"])
            }
            state.logger.info("purchase model chosen", metadata: ["model": "\(fit.selection.chosen.rawValue)", "reason": "\(fit.selection.reason)"])
            if let why = fit.intervals.unavailableReason, fit.settings.intervals.draws > 0 {
                state.logger.notice("no CLV intervals", metadata: ["reason": "\(why)"])
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
