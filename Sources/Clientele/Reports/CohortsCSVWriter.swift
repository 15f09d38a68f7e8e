import ClienteleKernels

/// `cohorts.csv`: one row per cohort × month since its first order, oldest cohort first:
/// `cohort_month, months_since_first, customers, active_customers, active_share, revenue,
/// revenue_per_customer` (revenue exact to the cent; shares and per-customer revenue as the
/// shortest decimal that reads back as the same double).
package struct CohortsCSVWriter {
    package static let header = "cohort_month,months_since_first,customers,active_customers,active_share,revenue,revenue_per_customer"
    package let table: CohortTable

    package init(table: CohortTable) {
        self.table = table
    }

    package func bytes() -> [UInt8] {
        var b = ByteBuffer()
        b.text(Self.header)
        b.newline()
        for c in table.cohorts {
            let month = c.month.description
            for k in 0..<c.months {
                b.text(month); b.comma()
                b.int(k); b.comma()
                b.int(c.customers); b.comma()
                b.int(c.activeCustomers[k]); b.comma()
                b.double(c.activeShare(k)); b.comma()
                b.cents(c.revenueCents[k]); b.comma()
                b.double(c.revenuePerCustomer(k))
                b.newline()
            }
        }
        return b.bytes
    }
}
