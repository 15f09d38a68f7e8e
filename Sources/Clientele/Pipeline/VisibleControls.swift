import Logging

/// Text for one line of a terminal or a log: every character that could break the line or drive
/// the terminal is replaced by a visible escape, so an input field holding a newline or an ANSI
/// sequence (`ESC [ 31 m`) shows up as `\n` or `\u{1B}[31m` inside the one `error:` line instead
/// of starting a new line or recolouring the screen.
///
/// Escaped: the C0 controls U+0000–U+001F (`\t`, `\n`, `\r` by name, the others as `\u{1B}`),
/// DEL U+007F, the C1 controls U+0080–U+009F (U+009B is a one-byte CSI), the line and paragraph
/// separators U+2028 and U+2029, and the bidirectional embeddings, overrides and isolates
/// U+202A–U+202E and U+2066–U+2069 (they reorder what a terminal shows). Everything else,
/// backslashes included, is kept as it is, so ordinary messages are unchanged.
/// - Complexity: O(n) in the UTF-8 length; a string with nothing to escape is returned as is.
public func escapingControlCharacters(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
        guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
        switch scalar {
        case "\t": out += "\\t"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
    return out
}

/// Whether `escapingControlCharacters` replaces `scalar`.
@inline(__always)
func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
}

extension Logger.MetadataValue {
    /// The value with `escapingControlCharacters` applied to every string in it: log metadata
    /// carries paths and reasons that quote input data.
    public var escapingControlCharacters: Logger.MetadataValue {
        switch self {
        case .string(let s): return .string(Clientele.escapingControlCharacters(s))
        case .stringConvertible(let s): return .string(Clientele.escapingControlCharacters(s.description))
        case .array(let values): return .array(values.map(\.escapingControlCharacters))
        case .dictionary(let values):
            return .dictionary(Dictionary(uniqueKeysWithValues: values.map {
                (Clientele.escapingControlCharacters($0.key), $0.value.escapingControlCharacters)
            }))
        }
    }
}
