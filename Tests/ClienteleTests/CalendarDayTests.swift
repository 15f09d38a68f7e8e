import Testing
@testable import Clientele

@Suite("CalendarDay")
struct CalendarDayTests {
    @Test("the epoch is day zero and known dates land on known day numbers")
    func knownDays() {
        #expect(CalendarDay(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CalendarDay(year: 2000, month: 3, day: 1)?.daysSinceEpoch == 11_017)
        #expect(CalendarDay(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
        #expect(CalendarDay(year: 2024, month: 2, day: 29)?.description == "2024-02-29")
    }

    @Test("invalid civil dates are refused")
    func invalid() {
        #expect(CalendarDay(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2023, month: 13, day: 1) == nil)
        #expect(CalendarDay(year: 2023, month: 4, day: 31) == nil)
        #expect(CalendarDay(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2000, month: 2, day: 29) != nil)
    }

    @Test("civil round-trips for every day of four centuries")
    func roundTrip() {
        for n in Int32(-100_000)...Int32(100_000) {
            let day = CalendarDay(daysSinceEpoch: n)
            let (y, m, d) = day.civil
            #expect(CalendarDay(year: y, month: m, day: d) == day)
        }
        #expect(CalendarDay(iso: "2026-11-30")?.description == "2026-11-30")
        #expect(CalendarDay(iso: "2026-11-3") == nil)
    }
}
