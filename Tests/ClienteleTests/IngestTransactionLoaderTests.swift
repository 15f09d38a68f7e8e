import Foundation
import Testing
@testable import Clientele

/// One bad row after a good one, and the exact message it must produce.
struct BadRowCase: Sendable, CustomTestStringConvertible {
    var name: String
    var row: String
    var column: Int
    var reason: RejectReason
    /// What follows `FILE:2:COLUMN: ` in the error.
    var message: String
    var testDescription: String { name }

    static let date = "order_date: cannot parse "
    static let iso = "as a date; expected YYYY-MM-DD (ISO 8601) (set date_format in the job file for other layouts)"

    static let all: [BadRowCase] = [
        .init(name: "a month 13", row: "c1,o1,2024-13-01,1", column: 3, reason: .badDate, message: "\(date)\"2024-13-01\" \(iso)"),
        .init(name: "the 30th of February", row: "c1,o1,2024-02-30,1", column: 3, reason: .badDate, message: "\(date)\"2024-02-30\" \(iso)"),
        .init(name: "a 29th of February outside a leap year", row: "c1,o1,2023-02-29,1", column: 3, reason: .badDate, message: "\(date)\"2023-02-29\" \(iso)"),
        .init(name: "a word for a date", row: "c1,o1,yesterday,1", column: 3, reason: .badDate, message: "\(date)\"yesterday\" \(iso)"),
        .init(name: "an empty date", row: "c1,o1,,1", column: 3, reason: .badDate, message: "\(date)\"\" \(iso)"),
        .init(name: "an hour 25", row: "c1,o1,2024-01-01T25:00,1", column: 3, reason: .badDate, message: "\(date)\"2024-01-01T25:00\" \(iso)"),
        .init(name: "a date without dashes", row: "c1,o1,20240101,1", column: 3, reason: .badDate, message: "\(date)\"20240101\" \(iso)"),
        .init(name: "a decimal comma without decimal = \",\"", row: "c1,o1,2024-01-01,\"12,50\"", column: 4, reason: .badAmount,
              message: "amount: cannot parse \"12,50\" as an amount; set decimal = \",\" under [transactions] for amounts like 12,50"),
        .init(name: "a sub-cent amount", row: "c1,o1,2024-01-01,1.234", column: 4, reason: .badAmount,
              message: "amount: \"1.234\" has non-zero digits past the cent; amounts are exact to 2 decimals"),
        .init(name: "letters for an amount", row: "c1,o1,2024-01-01,abc", column: 4, reason: .badAmount, message: "amount: cannot parse \"abc\" as an amount"),
        .init(name: "an empty amount", row: "c1,o1,2024-01-01,", column: 4, reason: .badAmount, message: "amount: cannot parse \"\" as an amount"),
        .init(name: "an exponent", row: "c1,o1,2024-01-01,1e3", column: 4, reason: .badAmount, message: "amount: cannot parse \"1e3\" as an amount"),
        .init(name: "a lone minus sign", row: "c1,o1,2024-01-01,-", column: 4, reason: .badAmount, message: "amount: cannot parse \"-\" as an amount"),
        .init(name: "seventeen integer digits", row: "c1,o1,2024-01-01,12345678901234567", column: 4, reason: .badAmount,
              message: "amount: \"12345678901234567\" is too large for an amount"),
        .init(name: "an empty customer_id", row: ",o1,2024-01-01,1", column: 1, reason: .emptyKey, message: "customer_id: customer_id is empty"),
        .init(name: "a quoted empty customer_id", row: "\"\",o1,2024-01-01,1", column: 1, reason: .emptyKey, message: "customer_id: customer_id is empty"),
        .init(name: "an empty order_id", row: "c1,,2024-01-01,1", column: 2, reason: .emptyOrder, message: "order_id: order_id is empty"),
        .init(name: "too few fields", row: "c1,o1,2024-01-01", column: 4, reason: .fieldCount, message: "amount: expected 4 fields as in the header, found 3"),
        .init(name: "one field", row: "c1", column: 2, reason: .fieldCount, message: "order_id: expected 4 fields as in the header, found 1"),
        .init(name: "a line of spaces", row: "   ", column: 2, reason: .fieldCount, message: "order_id: expected 4 fields as in the header, found 1"),
        .init(name: "too many fields", row: "c1,o1,2024-01-01,1,extra", column: 5, reason: .fieldCount, message: "expected 4 fields as in the header, found 5"),
    ]
}

/// A header problem and the error it must raise.
struct HeaderCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var expected: @Sendable (String) -> IngestError
    /// The whole message, given the path.
    var message: @Sendable (String) -> String
    var testDescription: String { name }

    static let emptyMessage: @Sendable (String) -> String = { "\($0):1: file is empty; expected a header row" }
    static let headerOnlyMessage: @Sendable (String) -> String = { "\($0): header only, no data rows" }

    static let all: [HeaderCase] = [
        .init(name: "an empty file", text: "", expected: { .emptyFile(path: $0) }, message: emptyMessage),
        .init(name: "a byte order mark alone", text: "\u{FEFF}", expected: { .emptyFile(path: $0) }, message: emptyMessage),
        .init(name: "blank lines only", text: "\n\r\n\n", expected: { .emptyFile(path: $0) }, message: emptyMessage),
        .init(name: "a header only", text: "\(ingestTransactionsHeader)\n", expected: { .noDataRows(path: $0) }, message: headerOnlyMessage),
        .init(name: "a header without a line end", text: ingestTransactionsHeader, expected: { .noDataRows(path: $0) }, message: headerOnlyMessage),
        .init(name: "a header and blank lines", text: "\(ingestTransactionsHeader)\r\n\r\n\n", expected: { .noDataRows(path: $0) }, message: headerOnlyMessage),
        .init(name: "a missing required column", text: "customer_id,order_id,amount\nc1,o1,1\n",
              expected: { .missingColumn(path: $0, column: "order_date", header: ["customer_id", "order_id", "amount"]) },
              message: { "\($0):1: required column \"order_date\" is missing (header has \"customer_id\", \"order_id\", \"amount\"); map it in the job file, e.g. [transactions.columns] order_date = \"Your Header\"" }),
        .init(name: "a missing amount", text: "customer_id,order_date,quantity,unit_price\nc1,2024-01-01,1,2\n",
              expected: { .missingColumn(path: $0, column: "amount", header: ["customer_id", "order_date", "quantity", "unit_price"]) },
              message: { "\($0):1: required column \"amount\" is missing (header has \"customer_id\", \"order_date\", \"quantity\", \"unit_price\"); map it in the job file, e.g. [transactions.columns] amount = \"Your Header\"" }),
        .init(name: "a duplicated required column, in another case", text: "customer_id,order_id,order_date,Customer_ID,amount\nc1,o1,2024-01-01,c1,1\n",
              expected: { .duplicateColumn(path: $0, column: "customer_id", positions: [1, 4]) },
              message: { "\($0):1:4: column \"customer_id\" appears more than once (columns 1 and 4); rename one in the export or map another header" }),
        .init(name: "a duplicated optional column", text: "customer_id,order_id,order_date,amount,order_id\nc1,o1,2024-01-01,1,o1\n",
              expected: { .duplicateColumn(path: $0, column: "order_id", positions: [2, 5]) },
              message: { "\($0):1:5: column \"order_id\" appears more than once (columns 2 and 5); rename one in the export or map another header" }),
    ]
}

/// A date as exported, with the format it is read with, and the calendar day it names.
struct DateCase: Sendable, CustomTestStringConvertible {
    var format: String
    var text: String
    var day: String?
    var testDescription: String { "\(format): \(text) → \(day ?? "rejected")" }

    static let valid: [DateCase] = [
        .init(format: "iso", text: "2024-03-05", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05T14:22:00Z", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05 14:22", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05T14:22:07.123456Z", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05T14:22:00+01:00", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05T23:59:59-05:00", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05T00:30+0530", day: "2024-03-05"),
        .init(format: "iso", text: "2024-03-05T00:30-08", day: "2024-03-05"),
        .init(format: "iso", text: "2024-02-29", day: "2024-02-29"),
        .init(format: "iso", text: "2000-02-29", day: "2000-02-29"),
        .init(format: "%Y-%m-%d", text: "1999-12-31", day: "1999-12-31"),
        .init(format: "%d/%m/%Y", text: "05/03/2024", day: "2024-03-05"),
        .init(format: "%d/%m/%Y", text: "5/3/2024", day: "2024-03-05"),
        .init(format: "%Y%m%d", text: "20240305", day: "2024-03-05"),
        .init(format: "%d.%m.%Y %H:%M", text: "05.03.2024 14:22", day: "2024-03-05"),
        .init(format: "%d.%m.%Y %H:%M", text: "31.12.2023 23:59", day: "2023-12-31"),
        .init(format: "%m/%d/%y", text: "03/05/24", day: "2024-03-05"),
        .init(format: "%Y-%m-%d %H:%M:%S", text: "2024-03-05 14:22:07", day: "2024-03-05"),
        .init(format: "%d%%%m%%%Y", text: "05%03%2024", day: "2024-03-05"),
    ]

    static let invalid: [DateCase] = [
        .init(format: "iso", text: "2024-03-05T14:60"),
        .init(format: "iso", text: "2024-03-05T"),
        .init(format: "iso", text: "2024-03-05Z"),
        .init(format: "iso", text: "2024-03-05T14:22:00+24:00"),
        .init(format: "iso", text: "2024-3-5"),
        .init(format: "iso", text: "05/03/2024"),
        .init(format: "%d/%m/%Y", text: "2024-03-05"),
        .init(format: "%d/%m/%Y", text: "31/02/2024"),
        .init(format: "%d/%m/%Y", text: "05/03/24"),
        .init(format: "%d/%m/%Y", text: "05/03/2024 "),
        .init(format: "%d.%m.%Y %H:%M", text: "05.03.2024"),
        .init(format: "%d.%m.%Y %H:%M", text: "05.03.2024 24:00"),
        .init(format: "%Y%m%d", text: "2024-03-05"),
    ]
}

@Suite("TransactionLoader: transactions.csv into customers and orders")
struct IngestTransactionLoaderTests {
    static let h = ingestTransactionsHeader

    // MARK: The file and its header

    @Test("a file without data rows fails with exit 65 and says what is missing", arguments: HeaderCase.all)
    func headerProblems(c: HeaderCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", c.text)
            for lanes in [1, 2] {
                let error = try #require(ingestError { try ingestLoad(path, options: ingestOptions(.skip, lanes: lanes)) })
                #expect(error == c.expected(path))
                #expect(error.description == c.message(path))
                #expect(error.exitStatus == .dataError)
            }
        }
    }

    @Test("a missing file fails with exit 66 and names the path")
    func missingFile() throws {
        try withIngestFolder { folder in
            let path = folder.join("nowhere.csv")
            let error = try #require(ingestError { try ingestLoad(path) })
            #expect(error == .missingFile(path: path))
            #expect(error.description.hasPrefix("\(path): no such file; check the path"))
            #expect(error.exitStatus == .noInput)
            #expect(error.exitStatus.rawValue == 66)
        }
    }

    @Test("a folder given as the file is unreadable, exit 66")
    func folderIsUnreadable() throws {
        try withIngestFolder { folder in
            let error = try #require(ingestError { try ingestLoad(folder.path) })
            guard case .unreadable(let path, _) = error else { Issue.record("expected .unreadable, got \(error)"); return }
            #expect(path == folder.path)
            #expect(error.description.hasPrefix("\(folder.path): cannot read: "))
            #expect(error.exitStatus == .noInput)
        }
    }

    @Test("configured column names replace the default headers, matched without case")
    func columnMapping() throws {
        var columns = TransactionColumns()
        columns.customerID = "Kundennummer"
        columns.orderID = "Beleg"
        columns.orderDate = "Datum"
        columns.amount = "Betrag"
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "Datum,KUNDENNUMMER,Betrag,Beleg,Filiale\n2024-01-02,k1,3.5,b1,Nord\n")
            let loaded = try ingestLoad(path, columns: columns)
            #expect(loaded.customers.customerID(0) == "k1")
            #expect(loaded.orders.netCents == [350])
            let unmapped = try #require(ingestError { try ingestLoad(path) })
            #expect(unmapped == .missingColumn(path: path, column: "customer_id", header: ["Datum", "KUNDENNUMMER", "Betrag", "Beleg", "Filiale"]))
        }
    }

    // MARK: Fixtures

    @Test("every file in Fixtures/bad fails with its documented location and message (exit 65)", arguments: [
        ("empty.csv", ":1: file is empty; expected a header row"),
        ("header_only.csv", ": header only, no data rows"),
        ("missing_column.csv", ":1: required column \"order_date\" is missing (header has \"customer_id\", \"order_id\", \"amount\")"),
        ("duplicate_column.csv", ":1:4: column \"customer_id\" appears more than once (columns 1 and 4)"),
        ("bad_date.csv", ":3:3: order_date: cannot parse \"2024-02-30\" as a date"),
        ("decimal_comma.csv", ":2:4: amount: cannot parse \"12,50\" as an amount; set decimal = \",\" under [transactions]"),
        ("sub_cent.csv", ":2:4: amount: \"1.234\" has non-zero digits past the cent"),
        ("ragged_short.csv", ":3:4: amount: expected 4 fields as in the header, found 3"),
        ("ragged_long.csv", ":2:5: expected 4 fields as in the header, found 5"),
        ("unterminated_quote.csv", ":3:1: customer_id: unterminated quoted field"),
        ("text_after_quote.csv", ":2:2: order_id: unexpected character after a closing quote"),
        ("embedded_newline_bad_date.csv", ":4:3: order_date: cannot parse \"2024-13-01\" as a date"),
        ("empty_customer.csv", ":2:1: customer_id: customer_id is empty"),
    ])
    func badFixture(name: String, message: String) throws {
        let path = ingestFixture("bad/" + name)
        let error = try #require(ingestError { try ingestLoad(path) })
        #expect(error.description.hasPrefix(path + message), "\(error.description)")
        #expect(error.exitStatus == .dataError)
    }

    @Test("Fixtures/csv/quoting.csv: quoted commas, doubled quotes, a line break in an id, CRLF, a blank line, no final newline")
    func quotingFixture() throws {
        for plan in ReadingPlan.all {
            let loaded = try ingestLoad(ingestFixture("csv/quoting.csv"), options: ingestOptions(lanes: plan.lanes, blockSize: plan.blockSize))
            var cents: [String: Int64] = [:]
            for (key, summary) in ingestSummaries(loaded) { cents[String(decoding: key, as: UTF8.self)] = summary.netCents }
            #expect(cents == ["Smith, J.": 1_250, "O\"Brien": 700, "two\nline id": -125, "plain": 99], "\(plan.testDescription)")
            #expect(loaded.orders.count == 4)
            #expect(loaded.accounting.rowsRead == 5 && loaded.accounting.rowsUsed == 5)
            #expect(loaded.lastDay == CalendarDay(iso: "2024-01-05"))
        }
    }

    // MARK: Bad rows

    @Test("a bad row fails with FILE:LINE:COLUMN: name: reason and exit 65; under skip it is set aside", arguments: BadRowCase.all)
    func badRow(c: BadRowCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\(Self.h)\nc0,o0,2024-01-01,1\n\(c.row)\nc2,o2,2024-01-03,2\n")
            let error = try #require(ingestError { try ingestLoad(path) })
            #expect(error.description == "\(path):3:\(c.column): \(c.message); use --on-bad-row skip to set bad rows aside in rejects.csv")
            #expect(error.exitStatus == .dataError)
            let row = try #require(error.rejectedRow)
            #expect(row.reason == c.reason)
            #expect(row.rawLine == c.row)

            let skipped = try ingestLoad(path, options: ingestOptions(.skip))
            #expect(skipped.accounting.rowsRead == 3)
            #expect(skipped.accounting.rowsUsed == 2)
            #expect(skipped.accounting.rejectedByReason == [c.reason: 1])
            #expect(skipped.rejects == [row])
            #expect(skipped.orders.count == 2)
        }
    }

    @Test("a row rejected for its order_id leaves no customer behind")
    func rejectedRowAddsNoCustomer() throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\(Self.h)\nc1,o1,2024-01-01,1\nghost,,2024-01-02,5\n")
            let loaded = try ingestLoad(path, options: ingestOptions(.skip))
            #expect(loaded.accounting.rejectedByReason == [.emptyOrder: 1])
            #expect(loaded.orders.count == 1)
            #expect(loaded.customers.count == 1)
            #expect(loaded.customers.id(of: "ghost") == nil)
        }
    }

    // MARK: Orders

    @Test("lines sharing an order_id are one order; the same order_id of two customers is two orders")
    func ordersByOrderID() throws {
        let text = """
            \(Self.h)
            c1,A,2024-03-01,10
            c1,A,2024-03-01,5
            c2,A,2024-03-02,7
            c1,A,2024-03-10,-3
            c1,B,2024-03-05,1

            """
        try withIngestFolder { folder in
            let loaded = try ingestLoad(try folder.write("t.csv", text))
            #expect(loaded.hasOrderID)
            #expect((0..<2).map { loaded.customers.customerID(Int32($0)) } == ["c1", "c2"])
            #expect(loaded.orders.customerStart == [0, 2, 3])
            // c1: A (a late return on 03-10 keeps the order on its first day), B; then c2: A.
            #expect(loaded.orders.firstDay == [ingestDay("2024-03-01"), ingestDay("2024-03-05"), ingestDay("2024-03-02")])
            #expect(loaded.orders.lastDay == [ingestDay("2024-03-10"), ingestDay("2024-03-05"), ingestDay("2024-03-02")])
            #expect(loaded.orders.netCents == [1200, 100, 700])
            #expect(loaded.orders.lines == [3, 1, 1])
            #expect(loaded.lastDay == CalendarDay(iso: "2024-03-10"))
        }
    }

    @Test("without an order_id column each customer-day is one order, whatever the time of day")
    func ordersByDay() throws {
        let text = """
            customer_id,order_date,amount
            c1,2024-03-01,10
            c2,2024-03-01T09:00:00Z,3
            c1,2024-03-01T18:00:00Z,5
            c1,2024-03-02 08:15,1
            c1,2024-03-01,-2

            """
        try withIngestFolder { folder in
            let loaded = try ingestLoad(try folder.write("t.csv", text))
            #expect(!loaded.hasOrderID)
            let summaries = ingestSummaries(loaded)
            #expect(summaries[Array("c1".utf8)] == IngestCustomerSummary(orders: 2, netCents: 1400, firstDay: ingestDay("2024-03-01"), lastDay: ingestDay("2024-03-02"), lines: 4))
            #expect(summaries[Array("c2".utf8)] == IngestCustomerSummary(orders: 1, netCents: 300, firstDay: ingestDay("2024-03-01"), lastDay: ingestDay("2024-03-01"), lines: 1))
            #expect(loaded.orders.netCents == [1300, 100, 300])
        }
    }

    @Test("customers are indexed in byte order of their ids, whatever the file order")
    func customersSorted() throws {
        let text = "\(Self.h)\nb,1,2024-01-01,1\nB,1,2024-01-01,1\na,1,2024-01-01,1\nab,1,2024-01-01,1\né,1,2024-01-01,1\n10,1,2024-01-01,1\n9,1,2024-01-01,1\n"
        try withIngestFolder { folder in
            let loaded = try ingestLoad(try folder.write("t.csv", text))
            let ids = (0..<Int32(loaded.customers.count)).map { loaded.customers.customerID($0) }
            #expect(ids == ["10", "9", "B", "a", "ab", "b", "é"])
            #expect(loaded.customers.id(of: "ab") == 4)
            #expect(loaded.customers.id(of: "zz") == nil)
        }
    }

    // MARK: Dates

    @Test("dates are read as the calendar day written, in ISO 8601 or a strptime pattern", arguments: DateCase.valid)
    func validDate(c: DateCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\(Self.h)\nc1,o1,\"\(c.text)\",1\n")
            let format = try DateFormat(c.format)
            let loaded = try ingestLoad(path, source: { $0.dateFormat = format })
            #expect(loaded.orders.firstDay == [ingestDay(c.day!)])
        }
    }

    @Test("a date that does not match the format is rejected, and the message names the format", arguments: DateCase.invalid)
    func invalidDate(c: DateCase) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\(Self.h)\nc1,o1,\"\(c.text)\",1\n")
            let format = try DateFormat(c.format)
            let row = try #require(ingestError { try ingestLoad(path, source: { $0.dateFormat = format }) }?.rejectedRow)
            #expect(row.reason == .badDate)
            #expect(row.line == 2 && row.column == 3)
            #expect(row.message == "cannot parse \"\(c.text)\" as a date; expected \(format) (set date_format in the job file for other layouts)")
        }
    }

    @Test("date formats: iso spellings are ISO; a pattern needs a year, a month and a day (exit 64)")
    func dateFormats() throws {
        #expect(try DateFormat("iso") == .iso)
        #expect(try DateFormat("ISO8601") == .iso)
        #expect(try DateFormat("%Y-%m-%d") == .iso)
        #expect(try DateFormat("%d/%m/%Y") == .pattern("%d/%m/%Y"))
        #expect(DateFormat.iso.description == "YYYY-MM-DD (ISO 8601)")
        let cases: [(String, String)] = [
            ("%d/%m", "date format \"%d/%m\": needs %Y (or %y), %m and %d; use iso or strptime directives %Y %m %d %H %M %S"),
            ("%Y-%m-%d %Q", "date format \"%Y-%m-%d %Q\": unsupported directive %Q; use iso or strptime directives %Y %m %d %H %M %S"),
            ("%Y%m%d%", "date format \"%Y%m%d%\": ends with a lone %; use iso or strptime directives %Y %m %d %H %M %S"),
        ]
        for (pattern, message) in cases {
            let error = #expect(throws: DateFormatError.self) { try DateFormat(pattern) }
            #expect(error?.description == message)
            #expect(error?.exitStatus == .usage)
        }
    }

    // MARK: Amounts

    @Test("amounts are exact cents", arguments: [
        ("10", 1000), ("10.5", 1050), ("10.50", 1050), ("-3.25", -325), ("+4", 400), (" 7.00 ", 700),
        ("1.230", 123), (".5", 50), ("-0.01", -1), ("0", 0), ("007", 700), ("9999999999999999", 999_999_999_999_999_900),
    ] as [(String, Int64)])
    func amounts(text: String, cents: Int64) throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "\(Self.h)\nc1,o1,2024-01-01,\"\(text)\"\n")
            #expect(try ingestLoad(path).orders.netCents == [cents])
        }
    }

    @Test("with decimal = \",\" amounts are read with a comma, and a point is an error without the hint")
    func decimalComma() throws {
        try withIngestFolder { folder in
            let path = try folder.write("t.csv", "customer_id;order_id;order_date;amount\nc1;o1;2024-01-01;12,50\nc1;o1;2024-01-01;-0,25\n")
            let loaded = try ingestLoad(path, source: { $0.dialect = CSVDialect(delimiter: UInt8(ascii: ";")); $0.decimalSeparator = UInt8(ascii: ",") })
            #expect(loaded.orders.netCents == [1225])
            let bad = try folder.write("bad.csv", "customer_id;order_id;order_date;amount\nc1;o1;2024-01-01;12.50\n")
            let row = try #require(ingestError {
                try ingestLoad(bad, source: { $0.dialect = CSVDialect(delimiter: UInt8(ascii: ";")); $0.decimalSeparator = UInt8(ascii: ",") })
            }?.rejectedRow)
            #expect(row.message == "cannot parse \"12.50\" as an amount")
        }
    }

    @Test("with amount_from = quantity*unit_price the line amount is quantity × unit price")
    func quantityTimesUnitPrice() throws {
        var columns = TransactionColumns()
        columns.amountFromQuantityTimesUnitPrice = true
        let text = """
            customer_id,order_id,order_date,quantity,unit_price,amount
            c1,o1,2024-01-01,3,2.50,ignored
            c1,o1,2024-01-01,-1,2.50,
            c2,o2,2024-01-02,2,0.10,x

            """
        try withIngestFolder { folder in
            let loaded = try ingestLoad(try folder.write("t.csv", text), columns: columns)
            #expect(loaded.orders.netCents == [500, 20])
            #expect(loaded.orders.lines == [2, 1])

            let cases: [(row: String, column: Int, reason: RejectReason, message: String)] = [
                ("c1,o1,2024-01-01,1.5,2,", 4, .badNumber, "cannot parse \"1.5\" as a whole quantity"),
                ("c1,o1,2024-01-01,many,2,", 4, .badNumber, "cannot parse \"many\" as a whole quantity"),
                ("c1,o1,2024-01-01,2,0.333,", 5, .badAmount, "\"0.333\" has non-zero digits past the cent; amounts are exact to 2 decimals"),
                ("c1,o1,2024-01-01,2,\"2,5\",", 5, .badAmount, "cannot parse \"2,5\" as an amount; set decimal = \",\" under [transactions] for amounts like 12,50"),
                ("c1,o1,2024-01-01,9999999999,99999999999.00,", 5, .badAmount, "quantity × unit price overflows"),
            ]
            for c in cases {
                let path = try folder.write("bad.csv", "customer_id,order_id,order_date,quantity,unit_price,amount\n\(c.row)\n")
                let row = try #require(ingestError { try ingestLoad(path, columns: columns) }?.rejectedRow)
                #expect(row.column == c.column, "\(c.row)")
                #expect(row.reason == c.reason, "\(c.row)")
                #expect(row.message == c.message)
            }
            let noPrice = try folder.write("noprice.csv", "customer_id,order_id,order_date,quantity,amount\nc1,o1,2024-01-01,1,1\n")
            #expect(ingestError { try ingestLoad(noPrice, columns: columns) }
                    == .missingColumn(path: noPrice, column: "unit_price", header: ["customer_id", "order_id", "order_date", "quantity", "amount"]))
        }
    }
}
