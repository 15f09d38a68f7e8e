import ClienteleStore

extension Churn {
    /// `fit(_:)` on a run's customer table, whose calibration end and as-of date are the
    /// features' own: labels and features are read from it, not recomputed.
    /// - Throws: as `fit(_:)`.
    public func fit(table: CustomerTable, customers: CustomerIndex) throws(ChurnError) -> ChurnFit {
        try split.validate()
        try regression.validate()
        guard rocPointLimit >= 2 else { throw .invalidSetting(name: "rocPointLimit", value: "\(rocPointLimit)", requirement: "should be >= 2") }
        guard customers.count == table.count else {
            throw .lengthMismatch(name: "customer index", count: customers.count, expected: table.count)
        }
        let dataset = try features.run(table: table)
        return try fit(dataset, isTest: split.testFlags(for: dataset.labelledCustomers, in: customers))
    }
}
