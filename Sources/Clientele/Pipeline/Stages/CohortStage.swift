import ClienteleKernels

/// The cohort retention table: customers by the month of their first order, and per month since,
/// the share that ordered and the revenue per customer. Data it cannot tabulate skips the section.
struct CohortStage: SideStage {
    var name: String? { "cohorts" }

    func run(_ state: inout RunState) throws {
        state.logger.info("tabulating cohorts", metadata: ["customers": "\(state.table.count)"])
        do {
            state.cohorts = try CohortRetention().run(orders: state.transactions.orders, activity: state.table.current)
        } catch {
            state.skipped.append(.init(section: "cohorts", reason: error.description))
        }
    }

    func adopt(_ branch: RunState, into state: inout RunState) { state.cohorts = branch.cohorts }
}
