/// Parses decimal money amounts from raw field bytes into exact integer cents, so sums never drift.
///
/// Accepts `[+-]?digits[.digits]` with the configured decimal separator and surrounding spaces.
/// Thousands separators and a currency symbol are accepted only when configured for the file
/// (`thousands`, `currency_symbol`): their meaning differs across locales, so they are never
/// guessed. Digits past the second decimal must be zeros: a sub-cent amount is refused, not rounded.
package struct CentsParser {
    /// `.` by default; `,` for exports such as `12,50`.
    package var decimalSeparator: UInt8 = 46
    /// Digit-group separator of the integer part (`,` in `4,770.00`), or nil: none allowed.
    package var thousandsSeparator: UInt8? = nil
    /// Currency symbols (UTF-8 bytes) allowed before or after the number (`¥4.77`, `4,77 €`).
    package var currencySymbols: [[UInt8]] = []

    package init(decimalSeparator: UInt8 = 46, thousandsSeparator: UInt8? = nil, currencySymbols: [[UInt8]] = []) {
        self.decimalSeparator = decimalSeparator
        self.thousandsSeparator = thousandsSeparator
        self.currencySymbols = currencySymbols.filter { !$0.isEmpty }
    }

    package enum Failure: Error, Equatable { case notANumber, subCent, tooLarge }

    @inline(__always)
    package func parse(_ f: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        if thousandsSeparator == nil && currencySymbols.isEmpty { return parsePlain(f) }
        return parseDecorated(f)
    }

    /// The plain form, on the hot path of every file without decorations.
    @inline(__always)
    private func parsePlain(_ f: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        var i = 0, n = f.count
        while i < n, f[i] == 32 { i += 1 }
        while n > i, f[n - 1] == 32 { n -= 1 }
        guard i < n else { return .failure(.notANumber) }
        var negative = false
        if f[i] == 45 { negative = true; i += 1 } else if f[i] == 43 { i += 1 }
        return number(f, from: i, to: n, negative: negative, groups: false)
    }

    /// `[sign] [symbol] [sign] number [symbol]`, spaces allowed around the symbol; one sign and
    /// one symbol at most.
    private func parseDecorated(_ f: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        var i = 0, n = f.count
        func skipSpaces() { while i < n, f[i] == 32 { i += 1 } }
        while n > i, f[n - 1] == 32 { n -= 1 }
        skipSpaces()
        var negative = false, signed = false, symbol = false
        func sign() {
            guard !signed, i < n else { return }
            if f[i] == 45 { negative = true; signed = true; i += 1 } else if f[i] == 43 { signed = true; i += 1 }
        }
        sign()
        if let s = symbolLength(f, at: i, end: n) { i += s; symbol = true; skipSpaces(); sign() }
        if !symbol {
            // A trailing symbol: `4,77 €`.
            for s in currencySymbols where n - i >= s.count && s.indices.allSatisfy({ f[n - s.count + $0] == s[$0] }) {
                n -= s.count
                while n > i, f[n - 1] == 32 { n -= 1 }
                break
            }
        }
        guard i < n else { return .failure(.notANumber) }
        return number(f, from: i, to: n, negative: negative, groups: thousandsSeparator != nil)
    }

    private func symbolLength(_ f: UnsafeRawBufferPointer, at i: Int, end n: Int) -> Int? {
        for s in currencySymbols where n - i >= s.count && s.indices.allSatisfy({ f[i + $0] == s[$0] }) { return s.count }
        return nil
    }

    /// Digits (in groups of three after the first, when `groups`), then the decimals.
    @inline(__always)
    private func number(_ f: UnsafeRawBufferPointer, from start: Int, to n: Int, negative: Bool, groups: Bool) -> Result<Int64, Failure> {
        var i = start
        var units: Int64 = 0
        var intDigits = 0
        var groupDigits = 0, grouped = false
        while i < n {
            if groups, f[i] == thousandsSeparator! {
                // 1–3 digits before the first separator, exactly 3 between and after them.
                guard groupDigits >= 1, groupDigits <= 3, !grouped || groupDigits == 3 else { return .failure(.notANumber) }
                grouped = true; groupDigits = 0; i += 1
                continue
            }
            let c = Int64(f[i]) &- 48
            guard c >= 0 && c <= 9 else { break }
            guard intDigits < 16 else { return .failure(.tooLarge) }
            units = units * 10 + c; intDigits += 1; groupDigits += 1; i += 1
        }
        if grouped && groupDigits != 3 { return .failure(.notANumber) }
        var cents: Int64 = 0
        var fracDigits = 0
        if i < n && f[i] == decimalSeparator {
            i += 1
            while i < n {
                let c = Int64(f[i]) &- 48
                guard c >= 0 && c <= 9 else { return .failure(.notANumber) }
                if fracDigits < 2 { cents = cents * 10 + c } else if c != 0 { return .failure(.subCent) }
                fracDigits += 1; i += 1
            }
        }
        guard i == n, intDigits + fracDigits > 0 else { return .failure(.notANumber) }
        if fracDigits == 1 { cents *= 10 }
        let value = units * 100 + cents
        return .success(negative ? -value : value)
    }
}
