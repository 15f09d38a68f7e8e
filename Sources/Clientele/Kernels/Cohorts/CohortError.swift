import ClienteleSupport

/// Why the cohort table was not built; the run reports it as a skipped section.
public enum CohortError: ClienteleError, Equatable {
    /// No customer has an order before as-of.
    case noCustomers(asOf: String)
    /// Cohorts × months would exceed the table's cell limit (a stray date decades before the
    /// others, say); memory is O(cohorts × months), so the table is refused rather than built.
    case tooManyCells(cohorts: Int, months: Int, limit: Int)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .noCustomers(let asOf):
            return "cohorts: no customer has an order before as-of \(asOf)"
        case .tooManyCells(let cohorts, let months, let limit):
            return "cohorts: \(cohorts) cohorts × \(months) months is more than \(limit) cells; "
                + "the first orders span too many months (check the earliest order dates, or set a later as-of)"
        }
    }
}
