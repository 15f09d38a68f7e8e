import Foundation
import Testing
@testable import Clientele

/// The cohort table on small exports computed by hand (docs/definitions.md, "Cohorts").
@Suite("Cohorts: customers by first-order month, followed month by month")
struct CohortKernelTests {
    /// Four customers, a late return inside an order, a return as its own order, two orders in one
    /// month, a month without first orders (2024-03) and a customer whose only order is in the last
    /// month (D). Default as-of: 2024-05-01, so the table runs to 2024-04.
    static let transactions = """
        customer_id,order_id,order_date,amount
        A,a1,2024-01-05,100.00
        A,a1,2024-03-02,-20.00
        A,a2,2024-03-10,50.00
        B,b1,2024-01-20,30.00
        B,b2,2024-01-25,10.00
        B,b3,2024-02-03,-30.00
        C,c1,2024-02-14,40.00
        C,c2,2024-04-01,25.00
        D,d1,2024-04-30,60.00

        """

    @Test("every day's month since the first order's month is the calendar's, across a leap February and a new year")
    func monthsSinceMatchesTheCalendar() throws {
        let first = try #require(CalendarDay(iso: "2023-12-17")), end = try #require(CalendarDay(iso: "2024-03-02"))
        let origin = CalendarMonth(first)
        let table = CohortRetention.monthsSince(origin, from: first.daysSinceEpoch, to: end.daysSinceEpoch)
        #expect(table.count == Int(end.daysSinceEpoch - first.daysSinceEpoch))
        for (k, month) in table.enumerated() {
            let day = CalendarDay(daysSinceEpoch: first.daysSinceEpoch + Int32(k))
            #expect(Int(month) == CalendarMonth(day).index - origin.index, "\(day)")
        }
        #expect(table.last == 3, "2024-03-01 is three months after 2023-12")
        #expect(CohortRetention.monthsSince(origin, from: first.daysSinceEpoch, to: first.daysSinceEpoch).isEmpty)
    }

    /// The table of `transactions` with an as-of (default: the day after the last line).
    static func table(_ csv: String = transactions, asOf: String? = nil, threads: Int = 1) throws -> CohortTable {
        try withScratch("cohorts") { scratch in
            let source = CSVSource(path: try scratch.write("t.csv", csv))
            var options = IngestOptions()
            let day = try asOf.map { try #require(CalendarDay(iso: $0)) }
            options.excludeFrom = day
            let loaded = try TransactionLoader(source: source, options: options).load()
            let activity = CustomerActivity(orders: loaded.orders, asOf: day ?? loaded.lastDay.adding(days: 1))
            return try Parallelism.$threads.withValue(threads) { try CohortRetention().run(orders: loaded.orders, activity: activity) }
        }
    }

    /// (month, customers, active per month, revenue cents per month) of each cohort.
    static func rows(_ t: CohortTable) -> [String] {
        t.cohorts.map { "\($0.month) n=\($0.customers) active=\($0.activeCustomers) cents=\($0.revenueCents)" }
    }

    @Test("each cohort runs from its first month to the last month before as-of, empty months included")
    func handComputed() throws {
        let t = try Self.table()
        #expect(t.asOf.description == "2024-05-01")
        #expect(t.lastMonth.description == "2024-04")
        #expect(Self.rows(t) == [
            // January: A (order a1, 100.00 with its March return of 20.00: 80.00) and B (b1 + b2, one active customer).
            // February: B's return b3 is an order of −30.00. March: A's a2. April: nobody.
            "2024-01 n=2 active=[2, 1, 1, 0] cents=[12000, -3000, 5000, 0]",
            // C: February, nothing in March, c2 in April.
            "2024-02 n=1 active=[1, 0, 1] cents=[4000, 0, 2500]",
            // No first order in March: no cohort. D's only order is in the last month: one column.
            "2024-04 n=1 active=[1] cents=[6000]",
        ])
        #expect(t.customers == 4)
    }

    @Test("shares and revenue per customer divide by the cohort size: (cents / customers) / 100")
    func ratios() throws {
        let january = try #require(try Self.table().cohorts.first)
        #expect((0..<4).map(january.activeShare) == [1, 0.5, 0.5, 0])
        #expect((0..<4).map(january.revenuePerCustomer) == [60, -15, 25, 0])
    }

    @Test("an explicit as-of drops the lines on or after it; a partial last month stays in the table")
    func asOf() throws {
        // 2024-04-15: D (2024-04-30) is not a customer yet; C's 2024-04-01 order still counts.
        let mid = try Self.table(asOf: "2024-04-15")
        #expect(mid.lastMonth.description == "2024-04")
        #expect(Self.rows(mid) == ["2024-01 n=2 active=[2, 1, 1, 0] cents=[12000, -3000, 5000, 0]",
                                   "2024-02 n=1 active=[1, 0, 1] cents=[4000, 0, 2500]"])
        #expect(CohortReport(mid).lastMonthComplete == false)
        // 2024-04-01: as-of is a 1st, so the table ends with March, complete; A's late return of
        // 2024-03-02 is still before it and stays in January.
        let first = try Self.table(asOf: "2024-04-01")
        #expect(first.lastMonth.description == "2024-03")
        #expect(Self.rows(first) == ["2024-01 n=2 active=[2, 1, 1] cents=[12000, -3000, 5000]",
                                     "2024-02 n=1 active=[1, 0] cents=[4000, 0]"])
        #expect(CohortReport(first).lastMonthComplete)
    }

    @Test("a late return dated after as-of is left out with its line, as everywhere else in the run")
    func lateReturnAfterAsOf() throws {
        let t = try Self.table(asOf: "2024-03-01")
        // 2024-03-01: A's return of 2024-03-02 is dropped, so January keeps the whole 100.00 of a1.
        #expect(Self.rows(t) == ["2024-01 n=2 active=[2, 1] cents=[14000, -3000]",
                                 "2024-02 n=1 active=[1] cents=[4000]"])
    }

    @Test("without order_id each customer-day is one order")
    func noOrderID() throws {
        let t = try Self.table("""
            customer_id,order_date,amount
            A,2024-01-05,10.00
            A,2024-01-05,5.00
            A,2024-01-31,-15.00
            A,2024-02-01,7.50

            """)
        #expect(Self.rows(t) == ["2024-01 n=1 active=[1, 1] cents=[0, 750]"])
    }

    @Test("months cross year ends, and a cohort can reach back years")
    func yearEnds() throws {
        let t = try Self.table("""
            customer_id,order_id,order_date,amount
            A,1,2022-11-30,1.00
            A,2,2024-01-01,2.00
            B,3,2023-12-31,3.00

            """)
        #expect(t.cohorts.map(\.month.description) == ["2022-11", "2023-12"])
        #expect(t.cohorts[0].months == 15 && t.cohorts[0].activeCustomers[14] == 1 && t.cohorts[0].revenueCents[14] == 200)
        #expect(t.cohorts[1].activeCustomers == [1, 0])
    }

    @Test("a table past the cell limit is refused with the sizes in the message")
    func cellLimit() throws {
        let csv = "customer_id,order_id,order_date,amount\nA,1,1990-01-01,1.00\nB,2,2024-01-01,1.00\n"
        let loaded = try withScratch("cohort-limit") { scratch in try TransactionLoader(source: CSVSource(path: try scratch.write("t.csv", csv))).load() }
        let activity = CustomerActivity(orders: loaded.orders, asOf: loaded.lastDay.adding(days: 1))
        var kernel = CohortRetention()
        kernel.maximumCells = 100
        #expect(throws: CohortError.tooManyCells(cohorts: 2, months: 409, limit: 100)) { try kernel.run(orders: loaded.orders, activity: activity) }
        kernel.maximumCells = 818
        #expect(try kernel.run(orders: loaded.orders, activity: activity).cohorts.count == 2)
    }

    @Test("one to four threads give the same table on 70,000 generated customers (three blocks)", .timeLimit(.minutes(5)))
    func threads() throws {
        let files = try SyntheticPopulation(customers: 70_000, seed: 5, threads: 2).render()
        let csv = String(decoding: files.transactions, as: UTF8.self)
        let one = try Self.table(csv, threads: 1)
        #expect(one.customers == 70_000)
        #expect(one.cohorts.count > 12)
        for threads in [2, 3, 4] { #expect(try Self.table(csv, threads: threads) == one, "\(threads) threads") }
    }
}
