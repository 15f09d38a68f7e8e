import ClienteleKernels

/// Satisfaction against loyalty: correlations overall and per segment, the Jones & Sasser matrix,
/// NPS. Runs when there is an interactions file; no survey answer skips the section.
struct SatisfactionStage: RunStage {
    var name: String? { "satisfaction" }

    func run(_ state: inout RunState) throws {
        let config = state.configuration
        guard let loaded = state.interactions else { return }  // InteractionsStage said why
        guard config.satisfaction.enabled else {
            state.skipped.append(.init(section: "satisfaction", reason: "disabled in the job file ([satisfaction] enabled = false)"))
            return
        }
        state.logger.info("relating satisfaction to loyalty", metadata: ["interactions": "\(loaded.table.count)"])
        let input = SatisfactionLoyaltyAnalysis.Input(
            table: state.table, interactionCount: loaded.table.count, customers: state.rfm.customers,
            segment: state.rfm.segment, segmentNames: config.rfm.segments.names,
            probabilityAlive: state.clv?.predictions.probabilityAlive, predictedCLV: state.clv?.predictions.predictedCLV)
        switch Result(catching: { () throws(CorrelationError) in try config.satisfaction.resolved(scale: config.interactionColumns.satisfactionScale).run(input) }) {
        case .success(let result): state.satisfaction = result
        case .failure(let error) where error.exitStatus == .dataError:
            state.skipped.append(.init(section: "satisfaction", reason: error.description))
        case .failure(let error): throw error
        }
    }
}
