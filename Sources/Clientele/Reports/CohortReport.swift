/// The cohort retention part of the report (`report.json`'s `cohorts`): per first-order month, its
/// customers and, for each month since (element k of every array = k months after the first
/// order), the customers with an order, their share, the net revenue and revenue per customer.
public struct CohortReport: Codable, Sendable, Equatable {
    public struct Cohort: Codable, Sendable, Equatable {
        /// `YYYY-MM` of the first orders.
        public var cohortMonth: String
        public var customers: Int
        public var activeCustomers: [Int]
        /// activeCustomers / customers.
        public var activeShare: [Double]
        /// Net revenue of the month's orders, in currency units (summed in cents, exact).
        public var revenue: [Double]
        /// (revenue cents / customers) / 100.
        public var revenuePerCustomer: [Double]

        package init(cohortMonth: String, customers: Int, activeCustomers: [Int], activeShare: [Double], revenue: [Double], revenuePerCustomer: [Double]) {
            self.cohortMonth = cohortMonth
            self.customers = customers
            self.activeCustomers = activeCustomers
            self.activeShare = activeShare
            self.revenue = revenue
            self.revenuePerCustomer = revenuePerCustomer
        }
    }

    /// Orders dated before as-of count.
    public var asOf: String
    /// The last day counted (as-of − 1) and its month, the table's last column for every cohort.
    public var lastDay: String
    public var lastMonth: String
    /// False when `lastDay` is not the last day of its month: the last month is partial.
    public var lastMonthComplete: Bool
    /// Customers over all cohorts (the customers scored).
    public var customers: Int
    /// Oldest first; only months that hold a first order.
    public var cohorts: [Cohort]

    package init(asOf: String, lastDay: String, lastMonth: String, lastMonthComplete: Bool, customers: Int, cohorts: [Cohort]) {
        self.asOf = asOf
        self.lastDay = lastDay
        self.lastMonth = lastMonth
        self.lastMonthComplete = lastMonthComplete
        self.customers = customers
        self.cohorts = cohorts
    }
}

extension CohortReport.Cohort {
    /// The cohort's first `months` months since the first order.
    package func prefix(_ months: Int) -> CohortReport.Cohort {
        guard activeCustomers.count > months else { return self }
        return .init(cohortMonth: cohortMonth, customers: customers, activeCustomers: Array(activeCustomers.prefix(months)),
                     activeShare: Array(activeShare.prefix(months)), revenue: Array(revenue.prefix(months)),
                     revenuePerCustomer: Array(revenuePerCustomer.prefix(months)))
    }
}

extension CohortReport {
    /// How many months of cohorts report.md and report.html show, counted back from the newest
    /// cohort (all are in cohorts.csv and report.json): 24, so the heat map stays readable.
    package static let shownMonths = 24
    /// The most months since the first order they show (0 … 35): more only when the newest cohort
    /// is over a year older than as-of.
    package static let shownMonthsSince = 36

    /// The cohorts of the `shownMonths` months up to the newest cohort (by month, not by count: a
    /// month without first orders leaves a gap, never an older cohort), each cut to
    /// `shownMonthsSince` months.
    package var shownCohorts: [Cohort] {
        guard let newest = cohorts.last.flatMap({ Self.monthIndex($0.cohortMonth) }) else { return [] }
        return cohorts.filter { (Self.monthIndex($0.cohortMonth) ?? .min) > newest - Self.shownMonths }.map { $0.prefix(Self.shownMonthsSince) }
    }

    /// Whether `shownCohorts` leaves out a cohort or a month.
    package var shownIsCut: (cohorts: Bool, months: Bool) {
        (shownCohorts.count < cohorts.count, cohorts.contains { $0.activeCustomers.count > Self.shownMonthsSince })
    }

    /// One sentence that reads the table: of the largest shown cohort that has it, the share active
    /// 3 months after the first order (fewer when the table is shorter).
    package var reading: String {
        let shown = shownCohorts
        let longest = shown.map(\.activeCustomers.count).max() ?? 0
        guard longest > 0 else { return "No customer has an order before as-of \(asOf)." }
        let k = min(3, longest - 1)
        guard k > 0 else {
            return "Every cohort first bought in \(lastMonth), the last month before as-of: no later month to follow yet."
        }
        // Largest cohort with month k; the earliest among equals.
        var best: Cohort? = nil
        for c in shown where c.activeCustomers.count > k && c.customers > (best?.customers ?? 0) { best = c }
        let c = best!
        let month = Self.monthIndex(c.cohortMonth).map { Self.monthText($0 + k) } ?? "month \(k)"
        return "Of the \(SVGNumber.grouped(c.customers)) customers who first bought in \(c.cohortMonth), "
            + "\(SVGNumber.percent(c.activeShare[k])) bought again in \(month), \(k) month\(k == 1 ? "" : "s") later."
    }

    /// Customers with an order in the month after their first, over all cohorts that have that
    /// month (customer-weighted); `nil` when no cohort has one.
    package var secondMonthShare: Double? {
        var active = 0, customers = 0
        for c in cohorts where c.activeCustomers.count > 1 { active += c.activeCustomers[1]; customers += c.customers }
        return customers > 0 ? Double(active) / Double(customers) : nil
    }

    /// 12 × year + month − 1 of `YYYY-MM`.
    package static func monthIndex(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        return 12 * y + m - 1
    }

    /// `YYYY-MM` of a month index.
    package static func monthText(_ index: Int) -> String {
        let y = String(index / 12), m = index % 12 + 1
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m < 10 ? "0\(m)" : "\(m)")
    }
}
