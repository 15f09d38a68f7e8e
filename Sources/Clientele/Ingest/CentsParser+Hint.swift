extension CentsParser {
    /// What to set when `text` is not an amount under this parser's settings, as `; …` to append
    /// to the message, or "": a currency symbol (`¥4.77`), a thousands separator (`4,770.00`), or
    /// a decimal comma (`12,50`), each named with the job-file section it belongs in.
    package static func hint(for text: String, parser: CentsParser, section: String) -> String {
        let core = Array(text.trimmingSpaces().unicodeScalars)
        let ends = [core.first { $0 != "-" && $0 != "+" }, core.last].compactMap { $0 }
        if parser.currencySymbols.isEmpty, let symbol = ends.first(where: { $0.properties.generalCategory == .currencySymbol }) {
            return "; set currency_symbol = \"\(symbol)\" under [\(section)] for amounts written with a currency symbol"
        }
        let body = String(String.UnicodeScalarView(core.filter { $0 != "-" && $0 != "+" }))
        let decimal = parser.decimalSeparator == UInt8(ascii: ".") ? Character(".") : Character(",")
        let group: Character = decimal == "." ? "," : "."
        if parser.thousandsSeparator == nil, isGrouped(body, group: group, decimal: decimal) {
            return "; set thousands = \"\(group)\" under [\(section)] for amounts like " + (decimal == "." ? "4,770.00" : "4.770,00")
        }
        if decimal == ".", body.contains(",") {
            return "; set decimal = \",\" under [\(section)] for amounts like 12,50"
        }
        return ""
    }

    /// `1–3 digits (group 3 digits)+ [decimal digits]`, e.g. `4,770.00` with group `,`.
    private static func isGrouped(_ text: String, group: Character, decimal: Character) -> Bool {
        let parts = text.split(separator: decimal, maxSplits: 1, omittingEmptySubsequences: false)
        let groups = parts[0].split(separator: group, omittingEmptySubsequences: false)
        guard groups.count >= 2, (1...3).contains(groups[0].count) else { return false }
        let digits = { (s: Substring) in !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
        guard groups.allSatisfy(digits), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return false }
        return parts.count == 1 || digits(parts[1])
    }
}
