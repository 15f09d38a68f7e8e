/// Number formatting for charts and the HTML report, digit by digit.
///
/// Foundation's `String(format:)` and `NumberFormatter` follow the process locale (a `de_DE` cron
/// job would write `0,5` into an SVG coordinate and break the picture); these functions always write
/// `.` as the decimal point, `,` between thousands and ASCII `-`, and `—` for NaN and infinities.
/// Rounding is half away from zero on the decimal scaled value.
package enum SVGNumber {
    /// Shown for values that are not finite.
    package static let missing = "—"

    /// `x` with exactly `digits` decimals (0...9): `fixed(2.345, digits: 2) == "2.35"`.
    /// Magnitudes too large for 64-bit fixed point fall back to `compact`.
    package static func fixed(_ x: Double, digits: Int, grouping: Bool = false) -> String {
        guard x.isFinite else { return missing }
        let digits = min(max(digits, 0), 9)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9.0e18 else { return compact(x) }
        let units = UInt64(scaled)
        let power = UInt64(scale)
        let whole = units / power
        let sign = x < 0 && units != 0 ? "-" : ""
        let wholeText = grouping ? grouped(whole) : String(whole)
        if digits == 0 { return sign + wholeText }
        var frac = String(units % power)
        while frac.count < digits { frac = "0" + frac }
        return sign + wholeText + "." + frac
    }

    /// An SVG coordinate or length: at most 2 decimals, trailing zeros dropped (`12.5`, `3`, `-0.25`):
    /// `fixed(x, digits: 2)` without its trailing zeros, written straight into the bytes, as a
    /// large chart (the cohort heat map) writes thousands of them.
    package static func coordinate(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let scaled = (abs(x) * 100).rounded()
        guard scaled < 9.0e18 else { return trimmed(fixed(x, digits: 2)) }
        let units = UInt64(scaled), whole = units / 100, cents = Int(units % 100)
        var digits = [UInt8](repeating: 0, count: 20), count = 0
        var rest = whole
        repeat { digits[count] = UInt8(48 + rest % 10); rest /= 10; count += 1 } while rest > 0
        return String(unsafeUninitializedCapacity: count + 4) { out in
            var at = 0
            if x < 0 && units != 0 { out[at] = 45; at += 1 }
            for k in stride(from: count - 1, through: 0, by: -1) { out[at] = digits[k]; at += 1 }
            if cents != 0 {
                out[at] = 46; out[at + 1] = UInt8(48 + cents / 10); at += 2
                if cents % 10 != 0 { out[at] = UInt8(48 + cents % 10); at += 1 }
            }
            return at
        }
    }

    /// `text` (fixed-point) without trailing zeros after its point, nor the point itself; never "-0".
    package static func trimmed(_ text: String) -> String {
        var s = text
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// An integer with `,` between thousands: `1,234,567`.
    package static func grouped<T: BinaryInteger>(_ n: T) -> String {
        let digits = Array(String(n.magnitude).utf8)
        var out: [UInt8] = n < 0 ? [45] : []
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(44) }
            out.append(d)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A share in [0, 1] as a percentage: `percent(0.1234) == "12.3%"`.
    package static func percent(_ share: Double, digits: Int = 1) -> String {
        share.isFinite ? fixed(share * 100, digits: digits) + "%" : missing
    }

    /// How money is written: a symbol before the number (`€`, `CHF `; empty: none) and its decimals.
    package struct Currency: Sendable, Equatable {
        package var symbol: String
        package var decimals: Int
        package init(symbol: String = "", decimals: Int = 2) { self.symbol = symbol; self.decimals = min(max(decimals, 0), 9) }
        /// No symbol, 2 decimals.
        package static let plain = Currency()

        /// `number` (already formatted) with the symbol: `€1,234.50`, `-€3.20`; `—` stays `—`.
        package func prefixed(_ number: String) -> String {
            guard !symbol.isEmpty, number != SVGNumber.missing else { return number }
            return number.hasPrefix("-") ? "-" + symbol + number.dropFirst() : symbol + number
        }
    }

    /// The currency of every money figure written in this task: report.html and report.md set it
    /// from the run's settings (`[run] currency`, `currency_decimals`) while they are written.
    @TaskLocal package static var currency: Currency = .plain

    /// Money with the currency's decimals (2 by default), thousands grouped and its symbol: `€1,234.50`.
    package static func money(_ x: Double) -> String { currency.prefixed(fixed(x, digits: currency.decimals, grouping: true)) }

    /// A short money label with the currency's symbol: `€12.3k`.
    package static func compactMoney(_ x: Double) -> String { currency.prefixed(compact(x)) }

    /// A short label: `950`, `12.3k`, `4.56M`, `7.8B`, keeping 3 significant digits.
    package static func compact(_ x: Double) -> String {
        guard x.isFinite else { return missing }
        let a = abs(x)
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        for (size, suffix) in units where a >= size * 0.9995 {
            let v = x / size
            if abs(v) >= 1000 && suffix == "T" { return fixed(v, digits: 0, grouping: true) + suffix }
            return significant(v) + suffix
        }
        return significant(x)
    }

    /// Three significant digits, trailing zeros dropped: `0.123`, `12.3`, `123`.
    private static func significant(_ x: Double) -> String {
        let a = abs(x)
        let digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
        var s = fixed(x, digits: digits)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// The value in the given format.
    package static func format(_ x: Double, _ format: SVGValueFormat) -> String {
        switch format {
        case .integer: return x.isFinite ? fixed(x, digits: 0, grouping: true) : missing
        case .fixed(let digits): return fixed(x, digits: digits, grouping: true)
        case .percent(let digits): return percent(x, digits: digits)
        case .money: return money(x)
        case .compact: return compact(x)
        }
    }
}
