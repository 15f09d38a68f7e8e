import ClienteleKernels

/// Churn early warning: fitted on the calibration period, judged on held-out customers, every
/// current customer scored and ranked by value at risk (predicted CLV, or historical CLV when
/// the predictive model did not run). Data or periods that cannot support it skip the section.
struct ChurnStage: RunStage {
    var name: String? { "churn" }

    func run(_ state: inout RunState) throws {
        let config = state.configuration
        guard config.churn.enabled else {
            state.skipped.append(.init(section: "churn", reason: "disabled in the job file ([churn] enabled = false)"))
            return
        }
        guard let end = state.periods.calibrationEnd else {
            state.skipped.append(.init(section: "churn", reason: state.periods.calibrationSkipReason ?? "no calibration period"))
            return
        }
        state.logger.info("fitting the churn model", metadata: ["calibration_end": "\(end)"])
        let table = state.table!, rfm = state.rfm!, clv = state.clv, customers = state.transactions.customers
        let churn = Churn(features: ChurnFeatures(calibrationEnd: end, asOf: state.periods.asOf,
                                                  extraColumns: config.churn.extraFeatures.map { $0.column(table: table) }),
                          split: ChurnSplit(testShare: config.churn.testShare, seed: config.seed))
        let outcome = Result { () throws(ChurnError) -> (ChurnFit, [ChurnRiskRow]) in
            let fit = try churn.fit(table: table, customers: customers)
            var value = [Double](repeating: 0, count: customers.count)
            for (row, c) in rfm.customers.enumerated() {
                let predicted = clv?.predictions.predictedCLV[Int(c)] ?? .nan
                value[Int(c)] = predicted.isFinite ? predicted : rfm.historicalCLVCents[row] / 100
            }
            return (fit, try fit.scores.riskRanking(values: value))
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
    }
}
