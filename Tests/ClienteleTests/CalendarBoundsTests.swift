import Foundation
import Testing
@testable import Clientele

@Suite("Calendar bounds: every day read or written is a real YYYY-MM-DD, 0000-01-01 to 9999-12-31")
struct CalendarBoundsTests {
    static let last = CalendarDay(iso: "9999-12-31")!
    static let first = CalendarDay(iso: "0000-01-01")!

    @Test("the representable days are 0000-01-01 ... 9999-12-31, and no other year parses")
    func representable() {
        #expect(CalendarDay.earliest == Self.first && CalendarDay.latest == Self.last)
        #expect(CalendarDay(year: -1, month: 12, day: 31) == nil)
        #expect(CalendarDay(year: 10_000, month: 1, day: 1) == nil)
        #expect(CalendarDay(year: 0, month: 2, day: 29) != nil, "year 0 is a leap year (proleptic Gregorian)")
        #expect(Self.first.description == "0000-01-01" && Self.last.description == "9999-12-31")
        #expect(Self.last.checkedAdding(days: 1) == nil && Self.first.checkedAdding(days: -1) == nil)
        #expect(Self.last.checkedAdding(days: -1)?.description == "9999-12-30")
        #expect(Self.first.checkedAdding(days: 59)?.description == "0000-02-29")
    }

    @Test("a day outside the range is described as itself in ISO 8601's expanded form, never as another day")
    func expandedDescription() {
        #expect(Self.last.adding(days: 1).description == "+10000-01-01")
        #expect(Self.first.adding(days: -1).description == "-00001-12-31")
        #expect(CalendarDay(daysSinceEpoch: Int32.max).description == "+5881580-07-11")
    }

    @Test("the default as-of after a last order on 9999-12-31 is refused as bad data (exit 65), naming --as-of")
    func defaultAsOfPastYear9999() throws {
        let error = #expect(throws: RunPeriodsError.self) {
            try RunPeriods(asOf: nil, calibrationEnd: nil, firstDay: CalendarDay(iso: "9990-01-01")!, lastDay: Self.last)
        }
        #expect(error == .defaultAsOfPastLatest(lastDay: Self.last))
        #expect(error?.exitStatus == .dataError)
        #expect(error?.description == "the last order is on 9999-12-31, so the default as-of (the next day) is past year 9999; pass --as-of")
        let explicit = try RunPeriods(asOf: Self.last, calibrationEnd: nil, firstDay: CalendarDay(iso: "9990-01-01")!, lastDay: Self.last)
        #expect(explicit.asOf.description == "9999-12-31")
        #expect(explicit.calibrationEnd?.description == "9999-07-01", "26 weeks and a day before as-of")
        let day = try RunPeriods(asOf: nil, calibrationEnd: nil, firstDay: Self.first, lastDay: CalendarDay(iso: "9999-12-30")!)
        #expect(day.asOf == Self.last)
    }

    @Test("an as-of or calibration end outside the range is a configuration error (exit 64)")
    func validateRange() {
        var config = JobConfiguration()
        config.transactions = CSVSource(path: "t.csv")
        config.asOf = Self.last.adding(days: 1)
        #expect(throws: ConfigurationError.invalid("as-of +10000-01-01 is outside 0000-01-01 ... 9999-12-31")) { try config.validate() }
        config.asOf = nil
        config.calibrationEnd = Self.first.adding(days: -1)
        #expect(throws: ConfigurationError.invalid("calibration-end -00001-12-31 is outside 0000-01-01 ... 9999-12-31")) { try config.validate() }
    }

    @Test("the day table writes what the calendar writes across any span, the years 0 and 9999 included")
    func dayTableSpans() {
        for (a, b) in [(Self.first, Self.first.adding(days: 400)), (Self.last.adding(days: -400), Self.last), (Self.first, Self.last)] {
            let table = ISODayTable(first: a.daysSinceEpoch, last: b.daysSinceEpoch)
            for day in [a, a.adding(days: 1), a.adding(days: 59), b.adding(days: -1), b] {
                var fromTable = ByteBuffer(), direct = ByteBuffer()
                table.write(day.daysSinceEpoch, to: &fromTable)
                direct.day(day.daysSinceEpoch)
                #expect(fromTable.bytes == direct.bytes && String(decoding: direct.bytes, as: UTF8.self) == day.description)
            }
        }
    }

    @Test("clientele run with a last order on 9999-12-31 exits 65 and asks for --as-of; with --as-of 9999-12-31 it reports that day")
    func cliLastDay() throws {
        try withScratch { scratch in
            try scratch.write("t.csv", "customer_id,order_id,order_date,amount\nA,1,9999-12-30,10\nB,2,9999-12-31,12\n")
            let r = try CLI.run(["run", "--transactions", "t.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr == "error: the last order is on 9999-12-31, so the default as-of (the next day) is past year 9999; pass --as-of\n")
            #expect(try entries(scratch.path) == ["t.csv"])

            let ok = try CLI.run(["run", "--transactions", "t.csv", "--out", "report", "--as-of", "9999-12-31", "--format", "json"], in: scratch.path)
            #expect(ok.status == 0, "\(ok.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
            #expect(summary["as_of"] as? String == "9999-12-31")
            #expect(try csvRecords(text(scratch.join("report/customers.csv")))[1].prefix(4) == ["A", "9999-12-30", "9999-12-30", "1"])
        }
    }

    @Test("orders in year 0000 are read and written as year 0000")
    func cliYearZero() throws {
        try withScratch { scratch in
            try scratch.write("t.csv", "customer_id,order_id,order_date,amount\nA,1,0000-01-01,10\nB,2,0000-02-29,12\n")
            let r = try CLI.run(["run", "--transactions", "t.csv", "--out", "report", "--format", "json"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(summary["as_of"] as? String == "0000-03-01")
            let rows = csvRecords(try text(scratch.join("report/customers.csv")))
            #expect(rows[1].prefix(4) == ["A", "0000-01-01", "0000-01-01", "60"])
            #expect(rows[2].prefix(4) == ["B", "0000-02-29", "0000-02-29", "1"])
        }
    }
}
