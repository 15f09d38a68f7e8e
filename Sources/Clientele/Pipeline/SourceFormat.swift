import ClienteleIngest

/// The format settings a file section of the job file (`[transactions]`, `[interactions]`) and
/// the flags of `clientele run` share, each parsed in one place so both accept the same values
/// and give the same advice; the caller names the setting in its own words (`transactions.decimal
/// = ","` or `--decimal ,`).
public enum SourceFormat {
    /// Why a value was refused, and what to write instead.
    public struct Invalid: Error, Sendable {
        public let advice: String
    }

    /// A one-character field delimiter by name: `,` `;` `|` or `tab`.
    public static func delimiter(_ name: String) throws(Invalid) -> UInt8 {
        guard let dialect = CSVDialect(delimiterName: name) else { throw Invalid(advice: "use one character such as \",\" \";\" \"|\" or \"tab\"") }
        return dialect.delimiter
    }

    /// The decimal separator of amounts: `.` or `,`.
    public static func decimal(_ text: String) throws(Invalid) -> UInt8 {
        guard text == "." || text == "," else { throw Invalid(advice: "use \".\" or \",\"") }
        return Array(text.utf8)[0]
    }

    /// The digit-group separator allowed in amounts, or nil for none (`""`).
    public static func thousands(_ text: String) throws(Invalid) -> UInt8? {
        switch text {
        case "": return nil
        case ",", ".", " ", "'", "_": return Array(text.utf8)[0]
        default: throw Invalid(advice: "use \",\", \".\", \" \", \"'\" or \"_\" (or \"\" for none)")
        }
    }

    /// Currency symbols allowed before or after an amount: non-empty, without digits, signs or separators.
    public static func currencySymbols(_ symbols: [String]) throws(Invalid) -> [String] {
        guard !symbols.isEmpty,
              symbols.allSatisfy({ !$0.isEmpty && !$0.contains(where: { $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." || $0 == "," }) })
        else { throw Invalid(advice: "give a symbol such as \"¥\" or a list such as [\"¥\", \"￥\"], without digits, signs or separators") }
        return symbols
    }

    /// A text encoding iconv knows.
    public static func encoding(_ name: String) throws(Invalid) -> TextEncoding {
        guard let encoding = TextEncoding(name) else {
            throw Invalid(advice: "not an encoding iconv knows; use e.g. \"utf-8\", \"gbk\", \"gb18030\", \"latin1\", \"windows-1252\" or \"utf-16\"")
        }
        return encoding
    }

    /// The digit-group separator must differ from the decimal separator.
    public static func checkSeparators(_ source: CSVSource) throws(Invalid) {
        if let g = source.thousandsSeparator, g == source.decimalSeparator {
            throw Invalid(advice: "the thousands and decimal separators are both \"\(Character(Unicode.Scalar(g)))\": they must differ")
        }
    }
}
