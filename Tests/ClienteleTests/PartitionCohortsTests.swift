// The cohort table over partitions (issue "Beyond one machine"): integer counts added month by
// month, so any split of the customers gives the single run's table.
import Foundation
import Testing
@testable import Clientele

@Suite("partition cohorts: the partitions' counts, merged, are the single run's cohort table")
struct PartitionCohortsTests {
    static let asOf = CalendarDay(year: 2024, month: 3, day: 15)!

    /// Orders of `customers` (each: the days of its orders, one line each) through the loader.
    static func loaded(_ customers: [(id: String, days: [String])]) throws -> TransactionLoader.Loaded {
        var csv = "customer_id,order_id,order_date,amount\n"
        for (c, customer) in customers.enumerated() {
            for (o, day) in customer.days.enumerated() { csv += "\(customer.id),\(c)-\(o),\(day),\(10 + o).25\n" }
        }
        let path = NSTemporaryDirectory() + "/clientele-cohorts-\(UUID().uuidString).csv"
        try csv.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try TransactionLoader(source: CSVSource(path: path)).load()
    }

    static let customers: [(id: String, days: [String])] = [
        ("a", ["2023-01-05", "2023-01-20", "2023-03-02"]), ("b", ["2023-01-31", "2024-03-14"]), ("c", ["2023-02-01"]),
        ("d", ["2023-02-10", "2023-04-01", "2024-03-15"]), ("e", ["2024-03-01"]), ("f", ["2023-01-01", "2023-12-31"]),
        ("g", ["2024-04-01"]),
    ]

    static func partition(_ customers: [(id: String, days: [String])]) throws -> PartitionCohorts {
        let loaded = try loaded(customers)
        let table = CustomerTable(orders: loaded.orders, interactions: nil, asOf: asOf, calibrationEnd: nil)
        return PartitionCohorts(orders: loaded.orders, activity: table.current)
    }

    @Test("every split into 1, 2, 3 or 7 partitions, merged in either order, gives CohortRetention's table of all customers", arguments: [1, 2, 3, 7])
    func anySplit(parts: Int) throws {
        let all = try Self.loaded(Self.customers)
        let want = try CohortRetention().run(orders: all.orders,
                                             activity: CustomerTable(orders: all.orders, interactions: nil, asOf: Self.asOf, calibrationEnd: nil).current)
        #expect(want.cohorts.map(\.month.description) == ["2023-01", "2023-02", "2024-03"])
        let pieces = try (0..<parts).map { p in try Self.partition(Self.customers.enumerated().filter { $0.offset % parts == p }.map(\.element)) }
        let forwards = try pieces.dropFirst().reduce(pieces[0]) { try $0.merged(with: $1) }
        let backwards = try pieces.reversed().dropFirst().reduce(pieces.last!) { try $0.merged(with: $1) }
        #expect(forwards == backwards)
        #expect(try forwards.table(asOf: Self.asOf) == want)
    }

    @Test("a partition with no customer before as-of adds nothing; none at all is the single run's reason")
    func empty() throws {
        let late = try Self.partition([("g", ["2024-04-01"])])
        #expect(late.months.isEmpty)
        let some = try Self.partition(Array(Self.customers.prefix(3)))
        #expect(try late.merged(with: some) == some)
        #expect(throws: CohortError.noCustomers(asOf: "2024-03-15")) { try late.table(asOf: Self.asOf) }
    }

    @Test("too many cells: the single run's figures; a partition that kept its sizes only refuses the merged table with them")
    func tooManyCells() throws {
        let all = try Self.loaded(Self.customers)
        var retention = CohortRetention()
        retention.maximumCells = 20
        let activity = CustomerTable(orders: all.orders, interactions: nil, asOf: Self.asOf, calibrationEnd: nil).current
        #expect(throws: CohortError.tooManyCells(cohorts: 3, months: 15, limit: 20)) { try retention.run(orders: all.orders, activity: activity) }
        let merged = try Self.partition(Self.customers)
        #expect(throws: CohortError.tooManyCells(cohorts: 3, months: 15, limit: 20)) { try merged.table(asOf: Self.asOf, limit: 20) }

        var sizesOnly = PartitionCohorts(lastMonth: merged.lastMonth)
        sizesOnly.tabulated = false
        sizesOnly.months = [Int64(CalendarMonth(index: 12 * 1990).index)]
        sizesOnly.customers = [1]
        let refused = try sizesOnly.merged(with: merged)
        #expect(!refused.tabulated && refused.customers == [1, 3, 2, 1] && refused.active.isEmpty)
        #expect(throws: CohortError.tooManyCells(cohorts: 4, months: merged.lastMonth - 12 * 1990 + 1, limit: 1_000_000)) {
            try refused.table(asOf: Self.asOf)
        }
    }
}
