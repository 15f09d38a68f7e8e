/// Parses decimal money amounts from raw field bytes into exact integer cents, so sums never drift.
///
/// Accepts `[+-]?digits[.digits]` with the configured decimal separator and surrounding spaces;
/// thousands separators are refused (their meaning differs across locales).
/// Digits past the second decimal must be zeros: a sub-cent amount is refused, not rounded.
package struct CentsParser {
    /// `.` by default; `,` for exports such as `12,50`.
    package var decimalSeparator: UInt8 = 46

    package enum Failure: Error, Equatable { case notANumber, subCent, tooLarge }

    @inline(__always)
    package func parse(_ f: UnsafeRawBufferPointer) -> Result<Int64, Failure> {
        var i = 0, n = f.count
        while i < n, f[i] == 32 { i += 1 }
        while n > i, f[n - 1] == 32 { n -= 1 }
        guard i < n else { return .failure(.notANumber) }
        var negative = false
        if f[i] == 45 { negative = true; i += 1 } else if f[i] == 43 { i += 1 }
        var units: Int64 = 0
        var intDigits = 0
        while i < n {
            let c = Int64(f[i]) &- 48
            guard c >= 0 && c <= 9 else { break }
            guard intDigits < 16 else { return .failure(.tooLarge) }
            units = units * 10 + c; intDigits += 1; i += 1
        }
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
