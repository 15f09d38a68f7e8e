extension HistoryDatabase {
    /// The latest recorded run's customers, for comparing a run about to be recorded with it:
    /// customer_id → segment, monetary value and predicted CLV. nil when the history has no run.
    ///
    /// - Complexity: one scan of that run's snapshots, O(n) rows and memory.
    public func latestSnapshot() throws(HistoryError) -> (run: HistoryRunInfo, customers: [String: PreviousCustomer])? {
        try connection.readTransaction { () throws(HistoryError) in
            guard let run = try runsUnlocked().last else { return nil }
            let statement = try connection.prepare("SELECT customer_id, segment, monetary, predicted_clv FROM customer_snapshots WHERE run_id = ?")
            try statement.bind(run.id, at: 1)
            var customers: [String: PreviousCustomer] = [:]
            customers.reserveCapacity(run.customers)
            while try statement.step() {
                customers[statement.string(0)] = PreviousCustomer(segment: statement.string(1), monetary: statement.double(2),
                                                                  predictedCLV: statement.optionalDouble(3))
            }
            return (run, customers)
        }
    }

    /// One customer of the previous run (`latestSnapshot()`).
    public struct PreviousCustomer: Sendable, Equatable {
        public var segment: String
        public var monetary: Double
        public var predictedCLV: Double?
    }
}
