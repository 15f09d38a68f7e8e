/// Where the churn fit of a run spread over machines stands (`clientele partition churn-fit`'s
/// JSON): the next pass every partition should compute, the fitted model that scores them, or
/// why the run has no churn section (as `clientele run` skips it).
public struct PartitionChurnState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Every partition should run `partition churn-pass` at `beta`.
        case pass
        /// `beta` holds the fitted coefficients; `partition score` scores with them.
        case fitted
        /// No churn section; `reason` says why.
        case skipped
    }

    public var status: Status
    public var design: PartitionChurnDesign?
    /// Standardised coefficients, intercept first.
    public var beta: [Double]?
    public var reason: String?
    /// Once fitted: the recency-only baseline's standardised coefficients (`PartitionChurnBaseline`),
    /// or why it was left out (the single run's note); every partition scores its test rows with both.
    public var baseline: [Double]?
    public var baselineNote: String?

    public init(status: Status, design: PartitionChurnDesign? = nil, beta: [Double]? = nil, reason: String? = nil,
                baseline: [Double]? = nil, baselineNote: String? = nil) {
        self.status = status
        self.design = design
        self.beta = beta
        self.reason = reason
        self.baseline = baseline
        self.baselineNote = baselineNote
    }
}
