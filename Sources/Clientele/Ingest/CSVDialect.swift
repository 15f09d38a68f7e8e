/// How a CSV export is written: its delimiter and quote byte (RFC 4180 by default).
public struct CSVDialect: Sendable, Equatable {
    /// Field separator: `,` by default; `;` and tab are common in European exports.
    public var delimiter: UInt8
    /// Quote byte; a quote inside a quoted field is doubled (RFC 4180 §2.7).
    public var quote: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
    }

    /// Parses a configuration value: `,`, `;`, `|`, `tab` or `\t`.
    public init?(delimiterName: String) {
        switch delimiterName {
        case "tab", "\\t", "\t": self.init(delimiter: 9)
        default:
            let bytes = Array(delimiterName.utf8)
            guard bytes.count == 1, bytes[0] != 10, bytes[0] != 13, bytes[0] != 34 else { return nil }
            self.init(delimiter: bytes[0])
        }
    }
}
