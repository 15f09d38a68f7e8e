/// Escaping for text from data (segment names, customer ids, paths, error text) in `report.md`, so
/// that a name is shown as written and never becomes markup, a link, or a broken table row.
///
/// - `<` `>` `&` `"` become entities, which Markdown renders back as the characters: `<script>` is
///   shown, never run. The apostrophe stays ("Can't Lose Them" reads well in a terminal): with `<`
///   and `[` escaped, no tag, attribute or link title can hold it.
/// - A backslash goes before `\` `` ` `` `*` `_` `[` `]` `|` (GFM splits table cells on `|`, even in
///   code spans), and, at the start of the text, before `#`, `-`, `+` and the `.` or `)` after
///   leading digits, which would start a heading or a list (CommonMark: any ASCII punctuation).
/// - LF, CR and CR LF become one space: a line break would end a table row or a list item.
/// - Complexity: O(n) in the length; text with nothing to escape comes back as it is.
package enum MarkdownEscaping {
    package static func text(_ s: String) -> String {
        if !s.unicodeScalars.contains(where: isSpecial) && !startsBlock(s) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        let scalars = Array(s.unicodeScalars)
        // Digits leading the text: a `.` or `)` right after them would start an ordered list.
        let leadingDigits = scalars.prefix { ("0"..."9").contains($0) }.count
        var i = 0
        while i < scalars.count {
            let u = scalars[i]
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\\", "`", "*", "_", "[", "]", "|": out += "\\"; out.unicodeScalars.append(u)
            case "#" where i == 0, "-" where i == 0, "+" where i == 0:
                out += "\\"; out.unicodeScalars.append(u)
            case "." where i == leadingDigits && i > 0, ")" where i == leadingDigits && i > 0:
                out += "\\"; out.unicodeScalars.append(u)
            case "\r":
                out += " "
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
            case "\n": out += " "
            default: out.unicodeScalars.append(u)
            }
            i += 1
        }
        return out
    }

    @inline(__always) private static func isSpecial(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "&", "<", ">", "\"", "\\", "`", "*", "_", "[", "]", "|", "\r", "\n": true
        default: false
        }
    }

    /// Whether the text starts like a heading or a list item: `#`, `-`, `+`, or digits then `.` or `)`.
    private static func startsBlock(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        if first == "#" || first == "-" || first == "+" { return true }
        let afterDigits = s.unicodeScalars.drop { ("0"..."9").contains($0) }.first
        return ("0"..."9").contains(first) && (afterDigits == "." || afterDigits == ")")
    }
}
