import ClienteleStore

/// The cohort retention table: customers grouped by the calendar month of their first order, and
/// for each month since then, how many of them ordered and what they spent (docs/definitions.md,
/// "Cohorts"). Only months that hold a first order are cohorts; each runs to the last month before
/// as-of, so the table is a triangle, newest cohort shortest.
public struct CohortTable: Sendable, Equatable {
    /// One first-order month and its customers' months since.
    public struct Cohort: Sendable, Equatable {
        /// The month of the cohort's first orders.
        public let month: CalendarMonth
        /// Customers whose first order is in `month`.
        public let customers: Int
        /// Element k: cohort customers with at least one order dated in `month + k`
        /// (k = 0 … last month − `month`; element 0 is `customers`).
        public let activeCustomers: [Int]
        /// Element k: net revenue of the cohort's orders dated in `month + k`, in cents (an
        /// order counts in the month of its date, with all its lines, returns included).
        public let revenueCents: [Int64]

        public init(month: CalendarMonth, customers: Int, activeCustomers: [Int], revenueCents: [Int64]) {
            precondition(activeCustomers.count == revenueCents.count, "Cohort: one revenue per month")
            self.month = month
            self.customers = customers
            self.activeCustomers = activeCustomers
            self.revenueCents = revenueCents
        }

        /// Months since the first order that the table holds: 0 ..< `months`.
        public var months: Int { activeCustomers.count }
        /// Share of the cohort with an order in month `k`: active customers / customers.
        public func activeShare(_ k: Int) -> Double { Double(activeCustomers[k]) / Double(customers) }
        /// Net revenue in month `k` per cohort customer, in currency units: (cents / customers) / 100.
        public func revenuePerCustomer(_ k: Int) -> Double { Double(revenueCents[k]) / Double(customers) / 100 }
    }

    /// The analysis date: orders dated before it count.
    public let asOf: CalendarDay
    /// The last month of the table, the month of as-of − 1 (partial when as-of is not a 1st).
    public let lastMonth: CalendarMonth
    /// Cohorts by month, oldest first.
    public let cohorts: [Cohort]

    public init(asOf: CalendarDay, lastMonth: CalendarMonth, cohorts: [Cohort]) {
        self.asOf = asOf
        self.lastMonth = lastMonth
        self.cohorts = cohorts
    }

    /// Customers over all cohorts.
    public var customers: Int { cohorts.reduce(0) { $0 + $1.customers } }
}
