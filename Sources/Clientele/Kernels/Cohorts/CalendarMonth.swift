import ClienteleStore

/// A calendar month as a count of months since 0000-01 (month index = 12 × year + month − 1), so
/// that "months since the first order" is a subtraction and a cohort is one `Int`.
public struct CalendarMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Months since 0000-01.
    public var index: Int

    public init(index: Int) { self.index = index }

    /// The month of `day`.
    public init(_ day: CalendarDay) {
        let (year, month, _) = day.civil
        index = 12 * year + month - 1
    }

    /// The month of the day `daysSinceEpoch` (a `CalendarDay`'s raw value).
    @inlinable @inline(__always) public init(daysSinceEpoch: Int32) { self.init(CalendarDay(daysSinceEpoch: daysSinceEpoch)) }

    public var year: Int { index >= 0 ? index / 12 : (index - 11) / 12 }
    /// 1…12.
    public var month: Int { index - 12 * year + 1 }

    /// The month `months` later (earlier when negative).
    public func adding(months: Int) -> CalendarMonth { CalendarMonth(index: index + months) }

    public static func < (lhs: CalendarMonth, rhs: CalendarMonth) -> Bool { lhs.index < rhs.index }

    /// `YYYY-MM` (the months a run reads lie in years 0…9999).
    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : "\(month)"
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + m
    }
}
