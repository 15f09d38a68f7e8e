import ClienteleStore

/// Builds the customer table: every per-customer fact the kernels and writers read, once.
struct CustomerTableStage: RunStage {
    var name: String? { "customer_table" }

    func run(_ state: inout RunState) throws {
        state.table = CustomerTable(orders: state.transactions.orders, interactions: state.interactions?.table,
                                    asOf: state.periods.asOf, calibrationEnd: state.periods.calibrationEnd)
    }
}

/// Scores recency, frequency and monetary value and assigns the segments.
struct RFMStage: RunStage {
    var name: String? { "rfm" }

    func run(_ state: inout RunState) throws {
        state.logger.info("scoring RFM", metadata: ["customers": "\(state.table.count)", "orders": "\(state.transactions.orders.count)"])
        state.rfm = try state.configuration.rfm.run(state.table.current)
    }
}
