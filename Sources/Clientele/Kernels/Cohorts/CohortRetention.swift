import ClienteleSupport
import ClienteleStore

/// Cohort retention: customers grouped by the calendar month of their first order; per cohort and
/// month since (0, 1, 2, … up to the month before as-of), the customers with an order in that month
/// and the month's net revenue (docs/definitions.md, "Cohorts").
///
/// Reads the same orders as RFM: the `OrderTable` (an order's day is its earliest line's day, its
/// value all its lines, returns included) up to as-of, and each customer's first order day from the
/// customer table's `current` facts. Customers are dense integer rows; memory is O(cohorts ×
/// months) per block of customers, at most 8 blocks, added in block order, so the result does not
/// depend on the thread count.
public struct CohortRetention: Sendable, Equatable {
    /// The most cells (cohorts × months) the table may hold; more is refused (`CohortError`).
    public var maximumCells = 1_000_000

    public init() {}

    /// The table of `activity`'s customers (those with an order before `activity.asOf`).
    /// - Parameters:
    ///   - orders: the run's orders, grouped by customer, sorted by day within one.
    ///   - activity: the facts of orders before as-of (`CustomerTable.current`), rows as in `orders`.
    /// - Complexity: O(customers + orders) time over `Parallelism.threads`; O(cohorts × months) memory.
    public func run(orders: OrderTable, activity: CustomerActivity) throws(CohortError) -> CohortTable {
        precondition(orders.customerCount == activity.count, "CohortRetention: orders and activity must have the same customers")
        let n = activity.count
        let size = max(CustomerTable.customerBlock, (n + 7) / 8)
        let firstDays = parallelBlocks(n, size: size) { block -> Int32 in
            var first = Int32.max
            for c in block where activity.isActive(c) { first = min(first, activity.firstDay[c]) }
            return first
        }
        let firstDay = firstDays.min() ?? .max
        guard firstDay != .max, let lastDay = activity.asOf.checkedAdding(days: -1) else {
            throw .noCustomers(asOf: activity.asOf.description)
        }
        let origin = CalendarMonth(daysSinceEpoch: firstDay), last = CalendarMonth(lastDay)
        let span = last.index - origin.index + 1
        let cutoff = activity.asOf.daysSinceEpoch
        let monthOf = Self.monthsSince(origin, from: firstDay, to: cutoff)

        // Customers per first-order month, then the months that hold any: the cohorts.
        let perBlock = parallelBlocks(n, size: size) { block -> [Int] in
            var counts = [Int](repeating: 0, count: span)
            for c in block where activity.isActive(c) { counts[Int(monthOf[Int(activity.firstDay[c] - firstDay)])] += 1 }
            return counts
        }
        var sizes = [Int](repeating: 0, count: span)
        for counts in perBlock { for m in 0..<span { sizes[m] += counts[m] } }
        var row = [Int32](repeating: -1, count: span)
        var cohortMonths: [Int] = []
        for m in 0..<span where sizes[m] > 0 {
            row[m] = Int32(cohortMonths.count)
            cohortMonths.append(m)
        }
        let cohorts = cohortMonths.count
        // cohorts ≤ span ≤ 120,000 months (years 0…9999): the product cannot overflow.
        guard cohorts * span <= maximumCells else { throw .tooManyCells(cohorts: cohorts, months: span, limit: maximumCells) }

        // Active customers and net cents per (cohort, month since), row-major with `span` columns.
        let cells = cohorts * span
        let partials = parallelBlocks(n, size: size) { block -> (active: [Int], cents: [Int64]) in
            var active = [Int](repeating: 0, count: cells), cents = [Int64](repeating: 0, count: cells)
            for c in block where activity.isActive(c) {
                let cohortMonth = Int(monthOf[Int(activity.firstDay[c] - firstDay)])
                let base = Int(row[cohortMonth]) * span - cohortMonth
                var counted = -1
                for o in orders.orders(of: c) {
                    let day = orders.firstDay[o]
                    guard day < cutoff else { break }  // sorted by day within a customer
                    let month = Int(monthOf[Int(day - firstDay)])
                    let cell = base + month
                    cents[cell] += orders.netCents[o]  // bounded: OrderTable invariant
                    if month != counted { active[cell] += 1; counted = month }
                }
            }
            return (active, cents)
        }
        var active = [Int](repeating: 0, count: cells), cents = [Int64](repeating: 0, count: cells)
        for p in partials {
            for k in 0..<cells { active[k] += p.active[k]; cents[k] += p.cents[k] }
        }
        let table = cohortMonths.enumerated().map { r, m -> CohortTable.Cohort in
            let months = span - m, start = r * span
            return CohortTable.Cohort(month: origin.adding(months: m), customers: sizes[m],
                                      activeCustomers: Array(active[start..<(start + months)]),
                                      revenueCents: Array(cents[start..<(start + months)]))
        }
        return CohortTable(asOf: activity.asOf, lastMonth: last, cohorts: table)
    }

    /// For every day from `first` up to `end` (excluded), its month counted from `origin` (the
    /// month of `first`): one calendar conversion a month, then a table lookup a day, instead of
    /// a conversion for every customer's month. At most 3.7 million entries (years 0…9999).
    package static func monthsSince(_ origin: CalendarMonth, from first: Int32, to end: Int32) -> [Int32] {
        var table = [Int32](repeating: 0, count: max(0, Int(end) - Int(first)))
        var month = origin, start = Int(first)
        while start < Int(end) {
            let next = month.adding(months: 1)
            let stop = min(Int(CalendarDay(year: next.year, month: next.month, day: 1)?.daysSinceEpoch ?? end), Int(end))
            for day in start..<stop { table[day - Int(first)] = Int32(month.index - origin.index) }
            month = next
            start = stop
        }
        return table
    }
}
