import Foundation
import ClienteleSupport

/// The hidden file that makes a folder a Clientele report: `.clientele-report`, holding the
/// run's token.
///
/// A run replaces an existing folder only when it carries this marker (or is a report written
/// before markers existed, holding nothing but report files), so `--out` can never empty a folder
/// that is not Clientele's. The token also ties a report to its history row: a history run whose
/// token is the marker's of the folder in place is the run that wrote that folder.
public enum ReportMarker {
    public static let fileName = ".clientele-report"

    /// Every file name a report folder may hold: a folder holding only these (and report.json
    /// among them) is a report from before markers existed.
    public static let reportFileNames: Set<String> = [
        "customers.csv", "segments.csv", "cohorts.csv", "clusters.csv", "clv_model.json", "correlations.csv", "churn_model.csv",
        "churn_risk.csv", "report.json", "report.md", "report.html", "rejects.csv", fileName,
    ]

    /// A new random token: 128 bits as 32 lowercase hex digits.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The marker's text for `token`.
    package static func contents(token: String) -> [UInt8] {
        Array("clientele report folder: written, and replaced whole, only by clientele\nrun_token=\(token)\n".utf8)
    }

    /// The token of the report in `folder`, or nil when the folder has no readable marker.
    public static func token(inFolder folder: String) -> String? {
        guard let data = FileManager.default.contents(atPath: folder + "/" + fileName),
              let text = String(data: data, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("run_token=") {
            let token = line.dropFirst("run_token=".count)
            return token.isEmpty ? nil : String(token)
        }
        return nil
    }

    /// What an existing folder is, as far as replacing it goes.
    package enum Ownership: Equatable {
        /// Carries the marker, or holds only report files with report.json: Clientele's to replace.
        case report
        /// Holds nothing: nothing can be lost.
        case empty
        /// Anything else; `examples` are a few of the entries that are not report files.
        case foreign(entries: Int, examples: [String])
    }

    /// Classifies the folder at `path` (which must exist and be a folder).
    package static func ownership(of path: String) throws -> Ownership {
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        if names.isEmpty { return .empty }
        if names.contains(fileName) { return .report }
        let strangers = names.filter { !reportFileNames.contains($0) }.sorted()
        if strangers.isEmpty && names.contains("report.json") { return .report }
        let examples = strangers.isEmpty ? Array(names.sorted().prefix(3)) : Array(strangers.prefix(3))
        return .foreign(entries: names.count, examples: examples)
    }
}
