/// Small helpers for the few places where field bytes become text (headers, messages, rejects).

/// The bytes of a quoted field's content with each doubled quote collapsed to one.
package func collapseDoubledQuotes(_ raw: UnsafeRawBufferPointer, quote: UInt8) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 0
    while i < raw.count {
        out.append(raw[i])
        i += (raw[i] == quote && i + 1 < raw.count && raw[i + 1] == quote) ? 2 : 1
    }
    return out
}

extension String {
    /// The string without leading and trailing ASCII spaces and tabs.
    package func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Field bytes as text for a message, shortened to a readable length.
package func displayText(_ raw: UnsafeRawBufferPointer, limit: Int = 60) -> String {
    let text = String(decoding: raw.prefix(limit), as: UTF8.self)
    return raw.count > limit ? text + "…" : text
}
