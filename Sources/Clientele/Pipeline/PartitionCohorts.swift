import ClienteleSupport
import ClienteleStore
import ClienteleKernels

/// One partition's share of the cohort retention table (`CohortRetention`): per first-order month,
/// its customers and, per month since, those with an order and their net cents. Every figure is
/// an integer count or sum over customers, and a customer's rows all lie in one partition, so the
/// partitions' tables added month by month are the single run's table exactly.
///
/// A partition keeps its cohort sizes even when its table would pass the cell limit (then it
/// holds no cells: a partition's cohorts and months are a subset of the whole run's, so the whole
/// table is refused too), so that the driver can refuse with the single run's figures.
public struct PartitionCohorts: Sendable, Equatable {
    /// The month of as-of − 1, the table's last month (`CalendarMonth.index`).
    public var lastMonth: Int
    /// Cohort months, ascending (`CalendarMonth.index`).
    public var months: [Int64] = []
    /// Customers whose first order is in each month.
    public var customers: [Int64] = []
    /// Whether `active` and `cents` hold the cells.
    public var tabulated = true
    /// Each cohort's months since, lastMonth − month + 1 of them, cohort after cohort.
    public var active: [Int64] = []
    public var cents: [Int64] = []

    public init(lastMonth: Int) { self.lastMonth = lastMonth }

    /// The cohorts of `activity`'s customers, their orders in `orders` (as `CohortStage`).
    public init(orders: OrderTable, activity: CustomerActivity) {
        let last = CalendarMonth(activity.asOf.adding(days: -1))
        self.init(lastMonth: last.index)
        do throws(CohortError) {
            let table = try CohortRetention().run(orders: orders, activity: activity)
            for c in table.cohorts {
                months.append(Int64(c.month.index))
                customers.append(Int64(c.customers))
                active += c.activeCustomers.map(Int64.init)
                cents += c.revenueCents
            }
        } catch .noCustomers {
            // No customer before as-of: no cohorts.
        } catch {
            // More cells than the limit (`CohortError.tooManyCells`): the sizes only.
            tabulated = false
            var sizes: [Int: Int64] = [:]
            for c in 0..<activity.count where activity.isActive(c) {
                sizes[CalendarMonth(daysSinceEpoch: activity.firstDay[c]).index, default: 0] += 1
            }
            for month in sizes.keys.sorted() {
                months.append(Int64(month))
                customers.append(sizes[month]!)
            }
        }
    }

    /// Both partitions' cohorts together: sizes and cells of the same month added.
    public func merged(with other: PartitionCohorts) throws(PartitionError) -> PartitionCohorts {
        guard lastMonth == other.lastMonth else { throw .settingsDiffer }
        var m = PartitionCohorts(lastMonth: lastMonth)
        m.tabulated = tabulated && other.tabulated
        var i = 0, j = 0
        var a = 0, b = 0  // where cohort i's and j's cells start
        while i < months.count || j < other.months.count {
            let takeSelf = j == other.months.count || (i < months.count && months[i] <= other.months[j])
            let takeOther = i == months.count || (j < other.months.count && other.months[j] <= months[i])
            let month = takeSelf ? months[i] : other.months[j]
            let width = lastMonth - Int(month) + 1
            var size: Int64 = 0
            var activeCells = [Int64](repeating: 0, count: m.tabulated ? width : 0)
            var centCells = activeCells
            if takeSelf {
                size += customers[i]
                if m.tabulated { for k in 0..<width { activeCells[k] += active[a + k]; centCells[k] += cents[a + k] } }
                i += 1; a += tabulated ? width : 0
            }
            if takeOther {
                size += other.customers[j]
                if m.tabulated { for k in 0..<width { activeCells[k] += other.active[b + k]; centCells[k] += other.cents[b + k] } }
                j += 1; b += other.tabulated ? width : 0
            }
            m.months.append(month)
            m.customers.append(size)
            m.active += activeCells
            m.cents += centCells
        }
        return m
    }

    /// The run's cohort table, or the single run's reason for having none.
    public func table(asOf: CalendarDay, limit: Int = CohortRetention().maximumCells) throws(CohortError) -> CohortTable {
        guard let first = months.first else { throw .noCustomers(asOf: asOf.description) }
        let span = lastMonth - Int(first) + 1
        guard months.count * span <= limit, tabulated else { throw .tooManyCells(cohorts: months.count, months: span, limit: limit) }
        var at = 0
        let cohorts = months.indices.map { c -> CohortTable.Cohort in
            let width = lastMonth - Int(months[c]) + 1
            defer { at += width }
            return CohortTable.Cohort(month: CalendarMonth(index: Int(months[c])), customers: Int(customers[c]),
                                      activeCustomers: active[at..<(at + width)].map { Int($0) },
                                      revenueCents: Array(cents[at..<(at + width)]))
        }
        return CohortTable(asOf: asOf, lastMonth: CalendarMonth(index: lastMonth), cohorts: cohorts)
    }

    /// The file form (inside `PartitionStatistics`'s).
    func encode(into w: inout BinaryFields) {
        w.int(Int64(lastMonth))
        w.int(tabulated ? 1 : 0)
        w.ints(months); w.ints(customers); w.ints(active); w.ints(cents)
    }

    init(reading r: inout BinaryFields.Reader) throws(BinaryFields.Short) {
        self.init(lastMonth: Int(try r.int()))
        tabulated = try r.int() == 1
        months = try r.ints(); customers = try r.ints(); active = try r.ints(); cents = try r.ints()
        guard customers.count == months.count, months.allSatisfy({ Int($0) <= lastMonth }),
              zip(months, months.dropFirst()).allSatisfy({ $0 < $1 }) else { throw BinaryFields.Short() }
        let cells = tabulated ? months.reduce(0) { $0 + lastMonth - Int($1) + 1 } : 0
        guard active.count == cells, cents.count == cells else { throw BinaryFields.Short() }
    }
}
