import ClienteleSupport

/// How dates are written in an export, compiled once and applied to raw field bytes.
///
/// `.iso` accepts `YYYY-MM-DD`, optionally followed by an ISO 8601 time (`T` or a space, then
/// `HH:MM[:SS[.fff]]` and an optional `Z` or `±HH[:MM]` offset). A pattern uses strptime's
/// `%Y` (4 digits), `%m`, `%d`, `%H`, `%M`, `%S` (1–2 digits), `%y` (2 digits, 2000–2099) and
/// `%%`; other bytes must match literally. The calendar day is the date as written: time and
/// offset are validated, then ignored (exports are written in the business's own time zone).
public enum DateFormat: Sendable, Equatable, CustomStringConvertible {
    case iso
    case pattern(String)

    public init(_ text: String) throws(DateFormatError) {
        let lowered = text.lowercased()
        if lowered == "iso" || lowered == "iso8601" || text == "%Y-%m-%d" { self = .iso; return }
        var i = text.utf8.startIndex
        let u = text.utf8
        var sawYear = false, sawMonth = false, sawDay = false
        while i < u.endIndex {
            if u[i] == UInt8(ascii: "%") {
                let next = u.index(after: i)
                guard next < u.endIndex else { throw DateFormatError(pattern: text, reason: "ends with a lone %") }
                switch u[next] {
                case UInt8(ascii: "Y"), UInt8(ascii: "y"): sawYear = true
                case UInt8(ascii: "m"): sawMonth = true
                case UInt8(ascii: "d"): sawDay = true
                case UInt8(ascii: "H"), UInt8(ascii: "M"), UInt8(ascii: "S"), UInt8(ascii: "%"): break
                default: throw DateFormatError(pattern: text, reason: "unsupported directive %\(Character(Unicode.Scalar(u[next])))")
                }
                i = u.index(after: next)
            } else {
                i = u.index(after: i)
            }
        }
        guard sawYear, sawMonth, sawDay else { throw DateFormatError(pattern: text, reason: "needs %Y (or %y), %m and %d") }
        self = .pattern(text)
    }

    public var description: String {
        switch self {
        case .iso: return "YYYY-MM-DD (ISO 8601)"
        case .pattern(let p): return p
        }
    }
}

/// A date pattern that cannot be used; a configuration error.
public struct DateFormatError: ClienteleError {
    public var pattern: String
    public var reason: String
    public var exitStatus: ExitStatus { .usage }
    public var description: String { "date format \"\(pattern)\": \(reason); use iso or strptime directives %Y %m %d %H %M %S" }
}
