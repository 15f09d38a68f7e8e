/// Why a row was not used. The raw value is the stable name used in reports and `rejects.csv`.
public enum RejectReason: String, Sendable, CaseIterable, Codable {
    case malformedCSV = "malformed_csv"
    case fieldCount = "field_count"
    case emptyKey = "empty_customer_id"
    case emptyOrder = "empty_order_id"
    case badDate = "bad_date"
    case badAmount = "bad_amount"
    case badNumber = "bad_number"
    case outOfRange = "out_of_range"
}

/// One bad input row: where it is, why it is bad, and its original text.
public struct RejectedRow: Sendable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// 1-based physical line where the problem is.
    public var line: Int
    /// 1-based field number, when one field is to blame.
    public var column: Int?
    /// The header name of that field, when known.
    public var columnName: String?
    public var reason: RejectReason
    /// What is wrong and, where possible, what to change.
    public var message: String
    /// The record as it was in the file, without its line terminator.
    public var rawLine: String

    package init(file: String, line: Int, column: Int? = nil, columnName: String? = nil, reason: RejectReason, message: String, rawLine: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.reason = reason
        self.message = message
        self.rawLine = rawLine
    }

    /// `FILE:LINE:COLUMN: name: message`, the form compilers use, so editors can jump to it.
    public var location: String {
        var text = "\(file):\(line)"
        if let column { text += ":\(column)" }
        text += ": "
        if let columnName { text += "\(columnName): " }
        return text + message
    }
}
