import Foundation

/// `report.json`: the run report with snake_case keys, sorted, pretty-printed.
struct JSONReportWriter {
    let report: RunReport

    func bytes() throws(ReportError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(report)) + [10] } catch {
            throw .writeFailed(path: "report.json", reason: "\(error)")
        }
    }
}
