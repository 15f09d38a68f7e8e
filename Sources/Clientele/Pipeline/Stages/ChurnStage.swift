import ClienteleKernels

/// Churn early warning, first half: the model fitted on the calibration period and judged on
/// held-out customers. It reads only the customer table, so it runs beside the purchase models
/// and the satisfaction analysis; `ChurnRiskStage` ranks the scored customers by value at risk
/// once the predicted CLV is known.
struct ChurnStage: SideStage {
    var name: String? { "churn" }

    func run(_ state: inout RunState) throws {
        let config = state.configuration
        // The reasons for not fitting are recorded by `ChurnRiskStage`, in the sections' order.
        guard config.churn.enabled, let end = state.periods.calibrationEnd else { return }
        state.logger.info("fitting the churn model", metadata: ["calibration_end": "\(end)"])
        let table = state.table!
        let churn = Churn(features: ChurnFeatures(calibrationEnd: end, asOf: state.periods.asOf,
                                                  extraColumns: config.churn.extraFeatures.map { $0.column(table: table) }),
                          split: ChurnSplit(testShare: config.churn.testShare, seed: config.seed))
        state.churnFit = Result { () throws(ChurnError) in try churn.fit(table: table, customers: state.transactions.customers) }
    }

    func adopt(_ branch: RunState, into state: inout RunState) { state.churnFit = branch.churnFit }
}

/// Churn early warning, second half: every current customer scored by the fitted model, ranked
/// by value at risk (predicted CLV, or historical CLV when the predictive model did not run).
/// Data or periods that cannot support the model skip the section; its time is added to the
/// fit's under "churn".
struct ChurnRiskStage: RunStage {
    var name: String? { nil }

    func run(_ state: inout RunState) throws {
        let config = state.configuration
        guard config.churn.enabled else {
            state.skipped.append(.init(section: "churn", reason: "disabled in the job file ([churn] enabled = false)"))
            return
        }
        guard state.periods.calibrationEnd != nil, let fitted = state.churnFit else {
            state.skipped.append(.init(section: "churn", reason: state.periods.calibrationSkipReason ?? "no calibration period"))
            return
        }
        let start = ContinuousClock.now
        let rfm = state.rfm!, clv = state.clv, customers = state.transactions.customers
        let outcome = fitted.flatMap { fit -> Result<(ChurnFit, [ChurnRiskRow]), ChurnError> in
            Result { () throws(ChurnError) in
                var value = [Double](repeating: 0, count: customers.count)
                for (row, c) in rfm.customers.enumerated() {
                    let predicted = clv?.predictions.predictedCLV[Int(c)] ?? .nan
                    value[Int(c)] = predicted.isFinite ? predicted : rfm.historicalCLVCents[row] / 100
                }
                return (fit, try fit.scores.riskRanking(values: value))
            }
        }
        switch outcome {
        case .success(let (fit, risk)):
            state.churn = fit
            state.churnRisk = risk
        case .failure(let error) where error.exitStatus != .software:
            // The data or the periods cannot support the model: the rest of the report still stands.
            state.skipped.append(.init(section: "churn", reason: error.description))
        case .failure(let error):
            throw error
        }
        state.lap("churn", since: start, adding: true)
    }
}
