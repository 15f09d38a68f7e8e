import Foundation

/// `report.json`: the run report with snake_case keys, sorted, pretty-printed.
struct JSONReportWriter {
    let report: RunReport

    func bytes() throws(ReportError) -> [UInt8] { try Self.bytes(of: report, file: "report.json") }

    /// Any report value as JSON with snake_case keys, sorted, pretty-printed.
    static func bytes<T: Encodable>(of value: T, file: String) throws(ReportError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) + [10] } catch {
            throw .writeFailed(path: file, reason: "\(error)")
        }
    }
}
