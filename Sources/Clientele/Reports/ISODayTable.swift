import ClienteleStore

/// `YYYY-MM-DD` of every day in a range, formatted once: a per-customer file writes two dates a
/// row out of a few thousand distinct days, so a copy of 10 bytes replaces a calendar conversion.
package struct ISODayTable {
    private let first: Int32
    private let text: [UInt8]

    /// The most days a table holds (2.6 MB of text, about 700 years): a file whose dates span
    /// more formats each date on the spot rather than build a table of days nobody ordered on.
    package static let maximumDays = 1 << 18

    /// Days `first...last` (days since 1970-01-01); an empty range (first > last), or one longer
    /// than `maximumDays`, holds none.
    package init(first: Int32, last: Int32) {
        self.first = first
        let span = Int(last) - Int(first) + 1
        let count = span > 0 && span <= Self.maximumDays ? span : 0
        var text = [UInt8](repeating: 0, count: 10 * count)
        text.withUnsafeMutableBufferPointer { out in
            for i in 0..<count { _ = CalendarDay(daysSinceEpoch: first + Int32(i)).writeISO(into: out.baseAddress! + 10 * i) }
        }
        self.text = text
    }

    /// Writes `day`; a day outside the table is formatted on the spot.
    @inline(__always)
    package func write<S: ByteSink>(_ day: Int32, to sink: inout S) {
        let i = Int(day) - Int(first)
        guard i >= 0, 10 * i < text.count else { sink.day(day); return }
        text.withUnsafeBytes { sink.append(UnsafeRawBufferPointer(rebasing: $0[(10 * i)..<(10 * i + 10)])) }
    }
}
