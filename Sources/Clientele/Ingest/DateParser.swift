import ClienteleStore

/// Parses calendar days from raw field bytes for one `DateFormat`.
///
/// Hand-written for the hot path: no `String`, no locale, no `DateFormatter`. A one-entry cache
/// makes the common case (consecutive lines of one order) a 10-byte comparison.
package struct DateParser {
    private enum Token { case year4, year2, month, day, hour, minute, second, literal(UInt8) }
    private let tokens: [Token]?  // nil = ISO
    private var cacheKey: (UInt64, UInt16, Int) = (0, 0, -1)
    private var cacheDay: Int32 = 0

    package init(_ format: DateFormat) {
        switch format {
        case .iso: tokens = nil
        case .pattern(let text):
            var out: [Token] = []
            let u = Array(text.utf8)
            var i = 0
            while i < u.count {
                if u[i] == UInt8(ascii: "%"), i + 1 < u.count {
                    switch u[i + 1] {
                    case UInt8(ascii: "Y"): out.append(.year4)
                    case UInt8(ascii: "y"): out.append(.year2)
                    case UInt8(ascii: "m"): out.append(.month)
                    case UInt8(ascii: "d"): out.append(.day)
                    case UInt8(ascii: "H"): out.append(.hour)
                    case UInt8(ascii: "M"): out.append(.minute)
                    case UInt8(ascii: "S"): out.append(.second)
                    default: out.append(.literal(u[i + 1]))
                    }
                    i += 2
                } else {
                    out.append(.literal(u[i])); i += 1
                }
            }
            tokens = out
        }
    }

    /// The day written in `field`, or `nil` when it does not match the format or is not a real date.
    @inline(__always)
    package mutating func parse(_ field: UnsafeRawBufferPointer) -> Int32? {
        let n = field.count
        if n >= 10, let base = field.baseAddress {
            let head = base.loadUnaligned(as: UInt64.self)
            let tail = base.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
            if n == cacheKey.2 && head == cacheKey.0 && tail == cacheKey.1 && n == 10 { return cacheDay }
            guard let day = parseUncached(field) else { return nil }
            if n == 10 { cacheKey = (head, tail, n); cacheDay = day }
            return day
        }
        return parseUncached(field)
    }

    private func parseUncached(_ field: UnsafeRawBufferPointer) -> Int32? {
        guard let tokens else { return DateParser.parseISO(field) }
        var year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0
        var i = 0
        let n = field.count
        func digits(_ maxCount: Int, exact: Bool) -> Int? {
            var value = 0, count = 0
            while count < maxCount, i < n {
                let c = Int(field[i]) &- 48
                guard c >= 0 && c <= 9 else { break }
                value = value * 10 + c; count += 1; i += 1
            }
            if count == 0 || (exact && count != maxCount) { return nil }
            return value
        }
        for token in tokens {
            switch token {
            case .year4: guard let v = digits(4, exact: true) else { return nil }; year = v
            case .year2: guard let v = digits(2, exact: true) else { return nil }; year = 2000 + v
            case .month: guard let v = digits(2, exact: false) else { return nil }; month = v
            case .day: guard let v = digits(2, exact: false) else { return nil }; day = v
            case .hour: guard let v = digits(2, exact: false) else { return nil }; hour = v
            case .minute: guard let v = digits(2, exact: false) else { return nil }; minute = v
            case .second: guard let v = digits(2, exact: false) else { return nil }; second = v
            case .literal(let b): guard i < n, field[i] == b else { return nil }; i += 1
            }
        }
        guard i == n, hour <= 23, minute <= 59, second <= 60,
              let d = CalendarDay(year: year, month: month, day: day) else { return nil }
        return d.daysSinceEpoch
    }

    /// `YYYY-MM-DD` with an optional ISO 8601 time part.
    package static func parseISO(_ f: UnsafeRawBufferPointer) -> Int32? {
        let n = f.count
        guard n >= 10, f[4] == 45, f[7] == 45 else { return nil }
        @inline(__always) func d(_ i: Int) -> Int { Int(f[i]) &- 48 }
        var year = 0
        for k in 0..<4 { let c = d(k); guard c >= 0 && c <= 9 else { return nil }; year = year * 10 + c }
        let m1 = d(5), m2 = d(6), d1 = d(8), d2 = d(9)
        guard m1 >= 0, m1 <= 9, m2 >= 0, m2 <= 9, d1 >= 0, d1 <= 9, d2 >= 0, d2 <= 9 else { return nil }
        if n > 10 { guard validTime(f, from: 10) else { return nil } }
        return CalendarDay(year: year, month: m1 * 10 + m2, day: d1 * 10 + d2)?.daysSinceEpoch
    }

    /// `[T ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]` from offset `start`.
    private static func validTime(_ f: UnsafeRawBufferPointer, from start: Int) -> Bool {
        let n = f.count
        var i = start
        guard f[i] == UInt8(ascii: "T") || f[i] == UInt8(ascii: " ") else { return false }
        i += 1
        func two(_ limit: Int) -> Bool {
            guard i + 2 <= n else { return false }
            let a = Int(f[i]) &- 48, b = Int(f[i + 1]) &- 48
            guard a >= 0, a <= 9, b >= 0, b <= 9, a * 10 + b <= limit else { return false }
            i += 2; return true
        }
        guard two(23), i < n, f[i] == 58, { i += 1; return true }(), two(59) else { return false }
        if i < n, f[i] == 58 {
            i += 1
            guard two(60) else { return false }
            if i < n, f[i] == 46 || f[i] == 44 {
                i += 1
                let s = i
                while i < n, f[i] >= 48, f[i] <= 57 { i += 1 }
                guard i > s else { return false }
            }
        }
        if i == n { return true }
        if f[i] == UInt8(ascii: "Z") { return i + 1 == n }
        guard f[i] == UInt8(ascii: "+") || f[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard two(23) else { return false }
        if i == n { return true }
        if f[i] == 58 { i += 1 }
        return two(59) && i == n
    }
}
