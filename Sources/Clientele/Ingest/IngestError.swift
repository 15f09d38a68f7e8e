import ClienteleSupport
import ClienteleStore

/// Why an input file could not be loaded. Each case carries where, and says what to do.
public enum IngestError: ClienteleError, Equatable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case missingColumn(path: String, column: String, header: [String])
    case duplicateColumn(path: String, column: String, positions: [Int])
    case noDataRows(path: String)
    case nothingBeforeAsOf(path: String, asOf: CalendarDay)
    case noUsableRows(path: String, rejected: Int, rejectsFile: String)
    case badRow(RejectedRow)
    /// Bytes that are not valid in the file's encoding (`cutShort`: the file ends inside a character).
    case badEncoding(path: String, line: Int, byteOffset: Int, bytes: [UInt8], encoding: String, section: String, cutShort: Bool)
    /// A header that is not valid UTF-8 in a file read as UTF-8: it is in another encoding.
    case headerNotUTF8(path: String, column: Int, bytes: [UInt8], section: String)
    case tooManyRejects(path: String, rejected: Int, read: Int, maxShare: Double, rejectsFile: String?)
    /// An order's total does not fit in ±`CentsLimit.maximum` cents. `order` names it as the
    /// message does (`order "O17"`, or `the order of 2025-03-01` when orders are keyed by day);
    /// `line` is where its running total, its lines summed in file order, first passed the limit,
    /// the same on any number of threads and partitions (`TransactionLoader.refuseOverflow`).
    case orderTotalOverflow(path: String, line: Int?, customer: String, order: String)
    /// One customer's purchases (orders with a positive total) or returns (negative) add up to
    /// more than ±`CentsLimit.maximum` cents.
    case customerTotalOverflow(path: String, customer: String, side: AmountSide)
    /// Every customer fits, but all customers' purchases or returns together do not; `customer`
    /// is the one (in customer_id order) at which the sum passes the limit.
    case fileTotalOverflow(path: String, customer: String, side: AmountSide)

    /// Which orders a total adds up: those with a positive total, or those with a negative one.
    /// They are summed apart so that every partial sum is bounded (`TransactionLoader.checkTotals`).
    public enum AmountSide: Sendable, Equatable {
        case purchases, returns
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .missingFile, .unreadable: return .noInput
        default: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): no such file; check the path (or the job file's [transactions] / [interactions] path)"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .emptyFile(let path):
            return "\(path):1: file is empty; expected a header row"
        case .missingColumn(let path, let column, let header):
            let shown = header.map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(path):1: required column \"\(column)\" is missing (header has \(shown)); map it in the job file, e.g. [transactions.columns] \(column) = \"Your Header\""
        case .duplicateColumn(let path, let column, let positions):
            return "\(path):1:\(positions[1]): column \"\(column)\" appears more than once (columns \(positions.map(String.init).joined(separator: " and "))); rename one in the export or map another header"
        case .noDataRows(let path):
            return "\(path): header only, no data rows"
        case .noUsableRows(let path, let rejected, let rejectsFile):
            return "\(path): no usable row (\(rejected) rejected); see \(rejectsFile)"
        case .nothingBeforeAsOf(let path, let asOf):
            return "\(path): every row is dated on or after as-of \(asOf); choose a later --as-of"
        case .badRow(let row):
            return row.location + "; use --on-bad-row skip to set bad rows aside in rejects.csv"
        case .badEncoding(let path, let line, let offset, let bytes, let encoding, let section, let cutShort):
            if cutShort {
                return "\(path):\(line): the file ends inside a \(encoding) character (last bytes \(Self.escaped(bytes))); is it complete, and is encoding = \"\(encoding)\" under [\(section)] right?"
            }
            return "\(path):\(line): byte \(offset) (\(Self.escaped(bytes))) is not valid \(encoding); set encoding under [\(section)] to the file's encoding (e.g. \"gbk\", \"gb18030\", \"latin1\", \"windows-1252\", \"utf-16\")"
        case .headerNotUTF8(let path, let column, let bytes, let section):
            return "\(path):1:\(column): the header is not UTF-8 (bytes \(Self.escaped(bytes))); the file is in another encoding: set encoding = \"gbk\" (or the file's encoding: \"gb18030\", \"latin1\", \"windows-1252\", \"utf-16\") under [\(section)]"
        case .tooManyRejects(let path, let rejected, let read, let maxShare, let rejectsFile):
            let share = read == 0 ? 0 : Double(rejected) / Double(read)
            var text = "\(path): \(rejected) of \(read) rows rejected (\(percent(share))), more than --max-reject-share \(percent(maxShare))"
            if let rejectsFile { text += "; see \(rejectsFile)" }
            return text
        case .orderTotalOverflow(let path, let line, let customer, let order):
            return "\(path)\(line.map { ":\($0)" } ?? ""): customer \(customer.debugDescription), \(order): the order total does not fit in 64-bit cents (±\(CentsLimit.maximumText)); \(Self.amountHint)"
        case .customerTotalOverflow(let path, let customer, let side):
            return "\(path): customer \(customer.debugDescription): \(Self.describe(side, of: "its")); \(Self.amountHint)"
        case .fileTotalOverflow(let path, let customer, let side):
            return "\(path): \(Self.describe(side, of: "all customers'")) (the sum passes it at customer \(customer.debugDescription), in customer_id order); \(Self.amountHint)"
        }
    }

    /// Bytes as `\xC4\xE3`, for messages about bytes that are not text.
    package static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { b in
            let hex = String(b, radix: 16, uppercase: true)
            return "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }

    /// What to check when a total does not fit: amounts that large are almost always misread.
    package static let amountHint = "check the amounts (a wrong decimal setting, amounts in a smaller unit, or another column mapped as the amount)"

    package static func describe(_ side: AmountSide, of whose: String) -> String {
        switch side {
        case .purchases:
            return "\(whose) purchases (orders with a positive total) add up to more than \(CentsLimit.maximumText), the most 64-bit cents hold"
        case .returns:
            return "\(whose) returns (orders with a negative total) add up to less than -\(CentsLimit.maximumText), the least 64-bit cents hold"
        }
    }
}

package func percent(_ x: Double) -> String {
    let scaled = (x * 10_000).rounded() / 100
    return "\(scaled)%"
}
