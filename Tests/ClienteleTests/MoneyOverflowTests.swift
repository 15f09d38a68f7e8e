import Foundation
import Testing
@testable import Clientele

/// Money that does not fit in 64-bit cents: the run stops with one `error:` line and exit 65
/// (bad input data) naming the file and the customer, and never wraps around or traps.
///
/// The largest amount of one line is 9999999999999999.99 (16 integer digits), about a ninth of
/// the limit ±92,233,720,368,547,758.07 (`CentsLimit.maximum` = 2⁶³ − 1 cents), so ten such
/// lines pass it.
@Suite("Money that does not fit in 64-bit cents", .serialized)
struct MoneyOverflowTests {
    /// 9999999999999999.99 in cents: the largest amount one line can hold.
    static let largest: Int64 = 999_999_999_999_999_999
    static let header = "customer_id,order_id,order_date,amount"

    /// `cents` written as an amount: `-12.05`.
    static func amount(_ cents: Int64) -> String {
        let m = cents.magnitude
        return (cents < 0 ? "-" : "") + "\(m / 100)." + (m % 100 < 10 ? "0" : "") + "\(m % 100)"
    }

    /// Lines of one order of `customer` whose amounts add up to exactly `total` (each at most
    /// `largest` in magnitude), dated on consecutive days from 2025-01-01.
    static func orderLines(_ customer: String, _ order: String, total: Int64) -> [String] {
        var left = total, lines: [String] = []
        repeat {
            let part = left >= 0 ? min(left, largest) : max(left, -largest)
            lines.append("\(customer),\(order),2025-01-0\(1 + lines.count % 9),\(amount(part))")
            left -= part
        } while left != 0
        return lines
    }

    static func file(_ lines: [String]) -> String { ([header] + lines).joined(separator: "\n") + "\n" }

    /// Ten lines of 9999999999999999.99 in one order of customer C17, after a line of C01.
    static let tenLargestLines = file(["C01,A1,2025-01-01,10.00"]
                                      + (1...10).map { "C17,O9,2025-01-0\(1 + $0 % 9),9999999999999999.99" })

    // MARK: - Order totals

    @Test("ten lines of 9999999999999999.99 in one order are refused at the tenth, naming the customer and the order")
    func tenLinesInOneOrder() throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", Self.tenLargestLines)
            let error = ingestError { try ingestLoad(path) }
            #expect(error == .orderTotalOverflow(path: path, line: 12, customer: "C17", order: "order \"O9\""))
            #expect(error?.exitStatus == .dataError)
            #expect(error?.description == "\(path):12: customer \"C17\", order \"O9\": the order total does not fit in 64-bit cents "
                    + "(±92,233,720,368,547,758.07); check the amounts (a wrong decimal setting, amounts in a smaller unit, "
                    + "or another column mapped as the amount)")
        }
    }

    @Test("without order_id, the order of one customer and day is named by its day")
    func dayKeyedOrder() throws {
        try withIngestFolder { folder in
            let lines = (1...10).map { _ in "C17,2025-03-01,9999999999999999.99" }
            let path = try folder.write("t.csv", (["customer_id,order_date,amount"] + lines).joined(separator: "\n") + "\n")
            #expect(ingestError { try ingestLoad(path) }
                    == .orderTotalOverflow(path: path, line: 11, customer: "C17", order: "the order of 2025-03-01"))
        }
    }

    @Test("ten lines of 9999999999999999.99 stop a run with exit 65, naming the file, the line and the customer")
    func tenLinesThroughRun() throws {
        try withScratch { scratch in
            let path = try scratch.write("transactions.csv", Self.tenLargestLines)
            let error = #expect(throws: IngestError.self) {
                try Run(configuration: configuration(transactions: path, out: scratch.join("report"))).execute()
            }
            #expect(error?.exitStatus == .dataError)
            #expect(error?.description.hasPrefix("\(path):12: customer \"C17\", order \"O9\": the order total does not fit") == true)
            #expect(try entries(scratch.path) == ["transactions.csv"], "no report is left behind")
        }
    }

    @Test("an order whose running total passes the limit and comes back is loaded exactly")
    func outAndBack() throws {
        try withIngestFolder { folder in
            // 10 × largest passes the limit; two returns bring the total back to 8 × largest.
            let lines = (1...10).map { _ in "C1,O1,2025-01-02,\(Self.amount(Self.largest))" }
                + (1...2).map { _ in "C1,O1,2025-01-03,\(Self.amount(-Self.largest))" }
            let path = try folder.write("t.csv", Self.file(lines))
            let loaded = try ingestLoad(path)
            #expect(loaded.orders.netCents == [8 * Self.largest])
            #expect(loaded.orders.lines == [12])
        }
    }

    /// About 3 MiB of small orders of other customers, so that two lanes each get a share.
    static func filler(_ lines: Int) -> [String] {
        (0..<lines).map { "F\($0 % 5000),F\($0),2025-02-0\(1 + $0 % 9),1\($0 % 10).25" }
    }

    @Test("an order split across lanes is refused or loaded whatever the number of lanes", arguments: [1, 2, 4])
    func splitAcrossLanes(lanes: Int) throws {
        try withIngestFolder { folder in
            let filler = Self.filler(100_000)
            // O9's ten largest lines: five at the start of the file and five at its end.
            let big = (1...5).map { _ in "C17,O9,2025-01-05,9999999999999999.99" }
            let path = try folder.write("t.csv", Self.file(big + filler + big))
            let error = ingestError { try ingestLoad(path, options: ingestOptions(lanes: lanes, blockSize: 8 << 20)) }
            guard case .orderTotalOverflow(let p, let line, let customer, let order) = error else {
                Issue.record("expected orderTotalOverflow, got \(String(describing: error))"); return
            }
            #expect(p == path && customer == "C17" && order == "order \"O9\"")
            // The line is where the order's running total, its lines summed in file order, passes
            // the limit (the tenth large line), whatever the number of lanes.
            #expect(line == 100_011)

            // Four of the ten come back as returns: the total, 2 × largest, fits in any lane split.
            let back = (1...2).map { _ in "C17,O9,2025-01-06,-9999999999999999.99" }
            let fits = try folder.write("fits.csv", Self.file(big + back + filler + big + back))
            let loaded = try ingestLoad(fits, options: ingestOptions(lanes: lanes, blockSize: 8 << 20))
            let c17 = try #require(loaded.customers.id(of: "C17"))
            #expect(loaded.orders.orders(of: Int(c17)).map { loaded.orders.netCents[$0] } == [6 * Self.largest])
        }
    }

    // MARK: - Exactly at the limit

    @Test("an order total of exactly Int64.max cents is loaded, scored and summed exactly")
    func atTheLimit() throws {
        try withIngestFolder { folder in
            // Returns are summed apart from purchases, so they do not count against the limit.
            let lines = Self.orderLines("C1", "O1", total: .max) + ["C2,O2,2025-01-04,-10.00", "C3,O3,2025-01-05,-0.01"]
            let path = try folder.write("t.csv", Self.file(lines))
            let loaded = try ingestLoad(path)
            #expect(loaded.orders.netCents == [.max, -1000, -1])
            let activity = CustomerActivity(orders: loaded.orders, asOf: CalendarDay(iso: "2025-02-01")!)
            #expect(activity.netCents == [.max, -1000, -1])
            let rfm = try RFMScorer().run(activity)
            #expect(rfm.monetaryCents == [.max, -1000, -1])
            #expect(rfm.netRevenueCents == .max - 1001)
            #expect(rfm.segmentSummaries.map(\.revenueCents).reduce(0, +) == .max - 1001)
            // As a Double, Int64.max rounds up to 2⁶³, which Int64(_:) cannot take: kept just below.
            #expect(rfm.historicalCLVCents[0] == CentsLimit.largestDouble)
            #expect(Int64(rfm.historicalCLVCents[0]) == 9_223_372_036_854_774_784)
        }
    }

    @Test("returns of exactly −Int64.max cents fit; Int64.min, outside the symmetric range, does not")
    func negativeLimit() throws {
        try withIngestFolder { folder in
            let fits = try folder.write("fits.csv", Self.file(Self.orderLines("C1", "O1", total: -.max)))
            #expect(try ingestLoad(fits).orders.netCents == [-.max])
            // Int64.min is reached without wrapping around: the customer check catches it.
            let path = try folder.write("min.csv", Self.file(Self.orderLines("C1", "O1", total: .min)))
            #expect(ingestError { try ingestLoad(path) } == .customerTotalOverflow(path: path, customer: "C1", side: .returns))
        }
    }

    // MARK: - Customer totals

    @Test("a customer whose orders each fit but together do not is refused, naming the customer", arguments: [
        (Int64(1), IngestError.AmountSide.purchases), (-1, .returns),
    ])
    func customerTotal(sign: Int64, side: IngestError.AmountSide) throws {
        try withIngestFolder { folder in
            let orders = (1...10).map { "C5,O\($0),2025-01-0\(1 + $0 % 9),\(Self.amount(sign * Self.largest))" }
            let path = try folder.write("t.csv", Self.file(["C4,X,2025-01-01,1.00"] + orders + ["C6,Y,2025-01-01,1.00"]))
            let error = ingestError { try ingestLoad(path) }
            #expect(error == .customerTotalOverflow(path: path, customer: "C5", side: side))
            #expect(error?.exitStatus == .dataError)
            let bound = sign > 0 ? "purchases (orders with a positive total) add up to more than 92,233,720,368,547,758.07"
                                 : "returns (orders with a negative total) add up to less than -92,233,720,368,547,758.07"
            #expect(error?.description.hasPrefix("\(path): customer \"C5\": its \(bound)") == true)
        }
    }

    @Test("purchases past the limit are refused even when returns bring the net total back within it")
    func grossNotNet() throws {
        try withIngestFolder { folder in
            // +5L, +5L, −5L nets to 5L, but the first two orders alone (a period, a prefix) do not fit.
            let half = 5 * Self.largest
            let lines = Self.orderLines("C1", "O1", total: half) + Self.orderLines("C1", "O2", total: half)
                + Self.orderLines("C1", "O3", total: -half)
            let path = try folder.write("t.csv", Self.file(lines))
            #expect(ingestError { try ingestLoad(path) } == .customerTotalOverflow(path: path, customer: "C1", side: .purchases))
        }
    }

    // MARK: - The whole file

    @Test("customers that each fit but together pass the limit are refused, naming where the sum passes it", arguments: [
        (Int64(1), IngestError.AmountSide.purchases), (-1, .returns),
    ])
    func fileTotal(sign: Int64, side: IngestError.AmountSide) throws {
        try withIngestFolder { folder in
            // Ten customers of one largest line each; in customer_id order the tenth passes the limit.
            let lines = (1...10).reversed().map { "K\($0 < 10 ? "0" : "")\($0),O,2025-01-02,\(Self.amount(sign * Self.largest))" }
            let path = try folder.write("t.csv", Self.file(lines))
            let error = ingestError { try ingestLoad(path) }
            #expect(error == .fileTotalOverflow(path: path, customer: "K10", side: side))
            #expect(error?.description.contains("all customers' \(side == .purchases ? "purchases" : "returns")") == true)
            #expect(error?.description.contains("the sum passes it at customer \"K10\", in customer_id order") == true)
            // Nine fit: 9 × largest is below the limit.
            let nine = try folder.write("nine.csv", Self.file(Array(lines.dropFirst())))
            #expect(try ingestLoad(nine).orders.netCents == [Int64](repeating: sign * Self.largest, count: 9))
        }
    }

    // MARK: - The command line: one error line, exit 65, no trap

    @Test("the command line exits 65 with one error line, and no trap, for each kind of overflow", arguments: [
        ("order", MoneyOverflowTests.tenLargestLines, "transactions.csv:12: customer \"C17\", order \"O9\": the order total does not fit"),
        ("customer", MoneyOverflowTests.file((1...10).map { "C5,O\($0),2025-01-0\(1 + $0 % 9),-9999999999999999.99" }),
         "transactions.csv: customer \"C5\": its returns"),
        ("file", MoneyOverflowTests.file((1...10).map { "K\($0 < 10 ? "0" : "")\($0),O,2025-01-02,9999999999999999.99" }),
         "transactions.csv: all customers' purchases"),
    ])
    func commandLine(kind: String, csv: String, prefix: String) throws {
        try withScratch { scratch in
            _ = try scratch.write("transactions.csv", csv)
            let r = try CLI.run(["run", "--transactions", "transactions.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 65, "\(kind): \(r.stderr)")
            #expect(r.stderrLines.count == 1, "\(kind): \(r.stderr)")
            #expect(r.stderrLines.first?.hasPrefix("error: " + prefix) == true, "\(kind): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(try entries(scratch.path) == ["transactions.csv"], "no report is left behind")
        }
    }

    @Test("a customer at exactly Int64.max cents runs to the end, and customers.csv shows the total to the cent")
    func commandLineAtTheLimit() throws {
        try withScratch { scratch in
            _ = try scratch.write("transactions.csv", Self.file(Self.orderLines("C1", "O1", total: .max)))
            let r = try CLI.run(["run", "--transactions", "transactions.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            guard r.status == 0 else { return }
            let row = try text(scratch.join("report/customers.csv")).split(separator: "\n")[1].split(separator: ",")
            #expect(row[5] == "92233720368547758.07", "monetary, exact")
            #expect(row[11] == "92233720368547747.84", "historical_clv: the largest Double below 2⁶³ cents")
        }
    }

    // MARK: - Lines and helpers

    @Test("quantity × unit price of exactly Int64.min cents is a bad amount, like a product that overflows")
    func productAtInt64Min() throws {
        try withIngestFolder { folder in
            var columns = TransactionColumns()
            columns.amountFromQuantityTimesUnitPrice = true
            // 2⁴⁴ × −2¹⁹ cents = −2⁶³: no overflow is reported, but the value is outside the range.
            let path = try folder.write("t.csv", "customer_id,order_id,order_date,quantity,unit_price\nc1,o1,2024-01-01,17592186044416,-5242.88\n")
            let row = try #require(ingestError { try ingestLoad(path, columns: columns) }?.rejectedRow)
            #expect(row.reason == .badAmount)
            #expect(row.message == "quantity × unit price overflows")
        }
    }

    @Test("a margin outside 0…1 is refused by the scorer itself", arguments: [-0.1, 1.5, 2.0])
    func marginOutOfRange(margin: Double) throws {
        let orders = OrderTable(customers: 1, customer: [0], firstDay: [0], lastDay: [0], netCents: [.max], lines: [1])
        var scorer = RFMScorer()
        scorer.margin = margin
        let error = #expect(throws: RFMError.self) { try scorer.run(CustomerActivity(orders: orders, asOf: CalendarDay(daysSinceEpoch: 1))) }
        #expect(error == .invalidMargin(margin))
        #expect(error?.description == "margin = \(margin): the profit share of revenue, between 0 and 1")
    }

    @Test("Double amounts become whole cents clamped to the limit, so printing them cannot trap", arguments: [
        (12.5, Int64?(1250)), (-0.005, -1), (Double(Int64.max) / 100, .max), (-Double(Int64.max) / 100, -.max),
        (1e300, .max), (.nan, nil), (.infinity, nil),
    ])
    func centsFromUnits(units: Double, cents: Int64?) {
        #expect(CentsLimit.cents(units: units) == cents)
    }

    @Test("cents held as a Double are kept where Int64(_:) takes them", arguments: [
        Double(Int64.max), -Double(Int64.max), 1e300, -1e300, 12.0, -12.0,
    ])
    func boundedDouble(x: Double) {
        let b = CentsLimit.bounded(x)
        #expect(abs(b) <= CentsLimit.largestDouble)
        #expect(Int64(exactly: b) != nil)
        if abs(x) <= CentsLimit.largestDouble { #expect(b == x) }
    }
}
