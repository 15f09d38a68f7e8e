/// Finds a malformed table header (`[` or `[[` not followed by a key) before TOMLKit parses.
///
/// The TOML library behind TOMLKit asserts, and so aborts the process, on a header such as `[`
/// or `[#x` at the end of a line instead of reporting a parse error; a job file must never crash
/// the run, so such lines are reported here, with their line and column, as a job-file error.
/// Hand-written because it must run before the library sees the text: a small scanner that
/// skips strings (all four kinds), comments and the brackets of array and inline-table values.
enum TOMLHeaderCheck {
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var reason: String
    }

    /// The first header line whose `[` or `[[` is not followed by a bare or quoted key.
    static func firstMalformedHeader(in text: String) -> Problem? {
        let bytes = Array(text.utf8)
        var i = 0, line = 1, lineStart = 0, depth = 0
        func isKeyStart(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D || c == 0x22 || c == 0x27
        }
        func at(_ k: Int) -> UInt8 { k < bytes.count ? bytes[k] : 0 }
        var atLineStart = true
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x0A { line += 1; lineStart = i + 1; atLineStart = true; i += 1; continue }
            if atLineStart && (c == 0x20 || c == 0x09 || c == 0x0D) { i += 1; continue }
            if atLineStart && depth == 0 && c == 0x5B {  // a table header
                var k = i + 1
                if at(k) == 0x5B { k += 1 }
                while at(k) == 0x20 || at(k) == 0x09 { k += 1 }
                if !isKeyStart(at(k)) {
                    return Problem(line: line, column: k - lineStart + 1, reason: "a table header needs a name after [, such as [transactions]")
                }
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }  // the rest of the header line
                continue
            }
            atLineStart = false
            switch c {
            case 0x23:  // a comment, to the end of the line
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                continue
            case 0x22, 0x27:  // strings: "…", '…', """…""", '''…'''
                let multi = at(i + 1) == c && at(i + 2) == c
                i += multi ? 3 : 1
                while i < bytes.count {
                    if c == 0x22 && bytes[i] == 0x5C { i += 2; continue }  // an escape in a basic string
                    if bytes[i] == 0x0A {
                        if !multi { break }  // an unterminated string: the library reports it
                        line += 1; lineStart = i + 1
                    }
                    if bytes[i] == c && (!multi || (at(i + 1) == c && at(i + 2) == c)) {
                        i += multi ? 3 : 1
                        break
                    }
                    i += 1
                }
                continue
            case 0x5B, 0x7B: depth += 1
            case 0x5D, 0x7D: depth = max(0, depth - 1)
            default: break
            }
            i += 1
        }
        return nil
    }
}
