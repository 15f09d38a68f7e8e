/// Escaping for text that goes into SVG and HTML (both read as XML by the tests).
///
/// Every string a chart or the report prints — segment names, file paths, axis titles — passes
/// through here, so a name like `<script>` or `R&D "gold"` is shown, never interpreted. Characters
/// that XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) become U+FFFD, so the
/// page stays well-formed whatever the input files held.
package enum SVGText {
    /// Text content of an element: `&`, `<` and `>` escaped.
    package static func escape(_ s: String) -> String { escape(s, quotes: false) }

    /// An attribute value in double or single quotes: also `"` and `'` escaped.
    package static func escapeAttribute(_ s: String) -> String { escape(s, quotes: true) }

    private static func escape(_ s: String, quotes: Bool) -> String {
        var needs = false
        for u in s.unicodeScalars where isSpecial(u, quotes: quotes) { needs = true; break }
        if !needs { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            default:
                if isForbidden(u) { out.unicodeScalars.append("\u{FFFD}") } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    @inline(__always) private static func isSpecial(_ u: Unicode.Scalar, quotes: Bool) -> Bool {
        u == "&" || u == "<" || u == ">" || (quotes && (u == "\"" || u == "'")) || isForbidden(u)
    }

    /// Not allowed anywhere in an XML 1.0 document, not even as a character reference.
    @inline(__always) private static func isForbidden(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\t" && u != "\n" && u != "\r") || u.value == 0xFFFE || u.value == 0xFFFF
    }
}
