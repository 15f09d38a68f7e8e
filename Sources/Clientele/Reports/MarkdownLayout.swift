/// Lays `report.md` out for a terminal: paragraphs and list items wrapped, and tables wider than
/// the terminal split into narrower ones, so that `less` or `cat` in 100 columns shows every number
/// without side-scrolling. Rendered Markdown is unchanged in meaning: a wrapped paragraph renders
/// as before, and a split table repeats its key columns in every part.
///
/// Hand-written: it works on the report's own Markdown, whose shapes are few (headings, paragraphs,
/// `- ` items, GFM tables), and no Swift library lays Markdown out to a width.
package enum MarkdownLayout {
    /// The terminal width `report.md` is laid out for.
    package static let terminalWidth = 100

    /// `markdown` with every paragraph and list item wrapped at `width` columns (a word longer than
    /// that keeps its own line; code spans are never broken), and every table whose rows exceed
    /// `width` split into tables that fit, each repeating the leading left-aligned (key) columns.
    /// Headings and fenced code blocks are left as they are. Width counts Characters.
    package static func fitted(_ markdown: String, width: Int = terminalWidth) -> String {
        var out: [Substring] = []
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)[...]
        var inFence = false
        while let line = lines.first {
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence && line.hasPrefix("|") {
                // A table is laid out whole, from its first row.
                let table = Array(lines.prefix { $0.hasPrefix("|") })
                lines = lines.dropFirst(table.count)
                out.append(contentsOf: table.contains { $0.count > width } ? split(table, width: width) : table)
                continue
            }
            lines = lines.dropFirst()
            out.append(contentsOf: inFence || line.hasPrefix("#") || line.count <= width ? [line] : wrapped(line, width: width))
        }
        return out.joined(separator: "\n")
    }

    // MARK: Paragraphs

    /// `line` wrapped at `width`; a list item's continuation lines are indented under its text and a
    /// quote's repeat `> `. A break never lands where the next line would start a list, heading,
    /// quote or table (the word stays on the line before).
    static func wrapped(_ line: Substring, width: Int) -> [Substring] {
        let (prefix, continuation) = leader(of: line)
        let words = tokens(line.dropFirst(prefix.count))
        guard !words.isEmpty else { return [line] }
        var result: [Substring] = []
        var current = String(prefix) + words[0]
        for word in words.dropFirst() {
            if current.count + 1 + word.count <= width || startsBlock(word) {
                current += " " + word
            } else {
                result.append(Substring(current))
                current = continuation + word
            }
        }
        result.append(Substring(current))
        return result
    }

    /// The line's list marker or quote prefix, and what its continuation lines start with.
    private static func leader(of line: Substring) -> (Substring, String) {
        if line.hasPrefix("> ") { return (line.prefix(2), "> ") }
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (line.prefix(2), "  ") }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") {
            return (line.prefix(digits.count + 2), String(repeating: " ", count: digits.count + 2))
        }
        return ("", "")
    }

    /// Words separated by spaces, a code span (`` `…` ``) kept whole even when it holds spaces.
    private static func tokens(_ text: Substring) -> [String] {
        var words: [String] = [], word = "", inCode = false
        for ch in text {
            if ch == "`" { inCode.toggle() }
            if ch == " " && !inCode {
                if !word.isEmpty { words.append(word); word = "" }
            } else {
                word.append(ch)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// Whether a line starting with `word` would start a block (CommonMark): a list, heading,
    /// quote, table row or setext underline.
    private static func startsBlock(_ word: String) -> Bool {
        if ["-", "*", "+", ">", "|", "=", "#"].contains(where: { word.hasPrefix($0) }) { return true }
        // An ordered-list marker is digits and "." or ")" followed by a space: the whole word.
        // A decimal such as 0.911 or 26.29. starts no list and may begin a line.
        let digits = word.prefix { $0.isASCII && $0.isNumber }
        let rest = word.dropFirst(digits.count)
        return !digits.isEmpty && (rest == "." || rest == ")")
    }

    // MARK: Tables

    /// A GFM table (header, delimiter row, body) split column-wise into tables no wider than
    /// `width`, each repeating the leading left-aligned columns (the row's key: segment, measure
    /// pair, …). A table that cannot be split (one value column) is returned as it is.
    static func split(_ table: [Substring], width: Int) -> [Substring] {
        let rows = table.map(cells)
        guard rows.count >= 2, let columns = rows.first?.count, columns > 1,
              rows.allSatisfy({ $0.count == columns }) else { return table }
        let alignment = rows[1]
        let keyCount = max(1, min(columns - 1, alignment.prefix { !$0.hasSuffix(":") }.count))
        // Rendered width of a column: its widest cell, plus "| " and " ".
        let columnWidth = (0..<columns).map { c in rows.map { $0[c].count }.max()! + 3 }
        let keyWidth = columnWidth.prefix(keyCount).reduce(1, +)
        var groups: [[Int]] = [], group: [Int] = [], used = keyWidth
        for c in keyCount..<columns {
            if !group.isEmpty && used + columnWidth[c] > width {
                groups.append(group)
                group = []
                used = keyWidth
            }
            group.append(c)
            used += columnWidth[c]
        }
        groups.append(group)
        guard groups.count > 1 else { return table }
        var out: [Substring] = []
        for (g, group) in groups.enumerated() {
            if g > 0 { out.append("") }
            let picked = Array(0..<keyCount) + group
            for row in rows { out.append(Substring("| " + picked.map { row[$0] }.joined(separator: " | ") + " |")) }
        }
        return out
    }

    /// A table row's cells, trimmed; `\|` (an escaped pipe inside a cell) does not split.
    private static func cells(_ row: Substring) -> [String] {
        var cells: [String] = [], cell = "", escaped = false
        for ch in row.dropFirst() {
            if ch == "|" && !escaped {
                cells.append(cell.trimmedSpaces)
                cell = ""
            } else {
                cell.append(ch)
            }
            escaped = ch == "\\" && !escaped
        }
        if !cell.trimmedSpaces.isEmpty { cells.append(cell.trimmedSpaces) }
        return cells
    }
}

private extension String {
    var trimmedSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
