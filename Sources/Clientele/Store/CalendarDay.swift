/// A calendar day as a count of days since 1970-01-01 (proleptic Gregorian, no time zone).
///
/// Dense `Int32` days keep date columns at 4 bytes a row and make recency a subtraction.
/// Conversions use Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms
/// (http://howardhinnant.github.io/date_algorithms.html), exact for every year an `Int32` of days
/// reaches.
///
/// Dates come in and go out as `YYYY-MM-DD`, so the days a run reads, computes and writes lie in
/// `CalendarDay.representable`, 0000-01-01 ... 9999-12-31: parsing refuses other years, and
/// arithmetic that could leave the range (the day after the last order) uses `checkedAdding(days:)`.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// The day for a valid civil date in years 0...9999; `nil` when year, month or day is out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 0, year <= 9999, month >= 1, month <= 12, day >= 1,
              day <= CalendarDay.daysIn(month: month, year: year) else { return nil }
        self.daysSinceEpoch = Int32(CalendarDay.daysFromCivil(year: year, month: month, day: day))
    }

    /// 0000-01-01, the first day `YYYY-MM-DD` can write.
    public static let earliest = CalendarDay(daysSinceEpoch: Int32(daysFromCivil(year: 0, month: 1, day: 1)))
    /// 9999-12-31, the last day `YYYY-MM-DD` can write.
    public static let latest = CalendarDay(daysSinceEpoch: Int32(daysFromCivil(year: 9999, month: 12, day: 31)))
    /// The days a run reads and writes.
    public static let representable = earliest...latest

    /// This day moved by `days`, or `nil` when the result is outside `representable`.
    public func checkedAdding(days: Int) -> CalendarDay? {
        let moved = Int(daysSinceEpoch) + days
        guard moved >= Int(Self.earliest.daysSinceEpoch), moved <= Int(Self.latest.daysSinceEpoch) else { return nil }
        return CalendarDay(daysSinceEpoch: Int32(moved))
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Hinnant's `days_from_civil`: days since 1970-01-01 for a valid (y, m, d).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Hinnant's `civil_from_days`: the (year, month, day) of this day.
    public var civil: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DD`; outside years 0...9999, ISO 8601's expanded form with a sign and at least
    /// five year digits (`+10000-01-01`, `-00001-12-31`), so no day is ever shown as another.
    public var description: String {
        let (y, m, d) = civil
        guard y < 0 || y > 9999 else {
            var bytes = [UInt8](repeating: 0, count: 10)
            bytes.withUnsafeMutableBufferPointer { _ = writeISO(into: $0.baseAddress!) }
            return String(decoding: bytes, as: UTF8.self)
        }
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        let digits = String(abs(y))
        return (y < 0 ? "-" : "+") + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + "-\(two(m))-\(two(d))"
    }

    /// Writes `YYYY-MM-DD` (10 bytes) at `out` and returns 10, for a day in `representable`. Any
    /// other day has no 10-byte form: nothing is written and 0 returned (an empty cell, never a
    /// wrong date); runs validate their days first, so that is a bug, and debug builds stop on it.
    @discardableResult
    public func writeISO(into out: UnsafeMutablePointer<UInt8>) -> Int {
        let (year, m, d) = civil
        guard year >= 0, year <= 9999 else {
            assertionFailure("CalendarDay.writeISO: \(self) is outside 0000-01-01...9999-12-31")
            return 0
        }
        out[0] = UInt8(48 + year / 1000); out[1] = UInt8(48 + year / 100 % 10)
        out[2] = UInt8(48 + year / 10 % 10); out[3] = UInt8(48 + year % 10)
        out[4] = 45
        out[5] = UInt8(48 + m / 10); out[6] = UInt8(48 + m % 10)
        out[7] = 45
        out[8] = UInt8(48 + d / 10); out[9] = UInt8(48 + d % 10)
        return 10
    }

    /// Parses exactly `YYYY-MM-DD`; `nil` otherwise.
    public init?(iso text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let c = Int(u[i]) - 48; guard c >= 0, c <= 9 else { return nil }; v = v * 10 + c }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// This day moved by `days`, unchecked: the caller knows the result stays in `representable`
    /// (use `checkedAdding(days:)` otherwise).
    public func adding(days: Int) -> CalendarDay {
        CalendarDay(daysSinceEpoch: daysSinceEpoch + Int32(days))
    }
}
