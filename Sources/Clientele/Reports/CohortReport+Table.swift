import ClienteleStore
import ClienteleKernels

extension CohortReport {
    /// The report of a cohort table (a mapping of its values; nothing is recomputed).
    package init(_ table: CohortTable) {
        let lastDay = table.asOf.adding(days: -1)
        let next = lastDay.adding(days: 1)
        self.init(asOf: table.asOf.description, lastDay: lastDay.description, lastMonth: table.lastMonth.description,
                  lastMonthComplete: CalendarMonth(next) != table.lastMonth, customers: table.customers,
                  cohorts: table.cohorts.map { c in
                      let months = 0..<c.months
                      return Cohort(cohortMonth: c.month.description, customers: c.customers, activeCustomers: c.activeCustomers,
                                    activeShare: months.map(c.activeShare), revenue: c.revenueCents.map { Double($0) / 100 },
                                    revenuePerCustomer: months.map(c.revenuePerCustomer))
                  })
    }
}
