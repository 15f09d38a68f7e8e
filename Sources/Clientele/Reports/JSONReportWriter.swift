import Foundation

/// `report.json`: the run report with snake_case keys, sorted, pretty-printed, and its warnings
/// (`ReportWarnings`) under the top-level key `warnings`, an array that is empty when none fired.
package struct JSONReportWriter {
    package let report: RunReport

    package init(report: RunReport) {
        self.report = report
    }

    package func bytes() throws(ReportError) -> [UInt8] {
        try Self.bytes(of: WithWarnings(report: report, warnings: ReportWarnings.derive(from: report)), file: "report.json")
    }

    /// The report's own keys, unchanged, with `warnings` beside them: the warnings are derived from
    /// the report, so they are written with it rather than stored in it.
    private struct WithWarnings: Encodable {
        let report: RunReport
        let warnings: [ReportWarning]

        private enum Key: String, CodingKey { case warnings }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(warnings, forKey: .warnings)
        }
    }

    /// Any report value as JSON with snake_case keys, sorted, pretty-printed, arrays of numbers on
    /// one line (a curve of 200 points is 200 numbers on a line, not 200 lines).
    package static func bytes<T: Encodable>(of value: T, file: String) throws(ReportError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return scalarArraysOnOneLine(Array(try encoder.encode(value))) + [10] } catch {
            throw .writeFailed(path: file, reason: "\(error)")
        }
    }

    /// Pretty-printed JSON with every array that holds no string, object or array — numbers,
    /// `true`, `false`, `null` — written as `[a, b, c]` on one line. Only whitespace between
    /// tokens changes, so the value is the same. Strings are skipped whole (escapes included).
    /// - Complexity: O(n): the look-ahead from a `[` stops at the first `"`, `{`, `[` or `]`.
    package static func scalarArraysOnOneLine(_ json: [UInt8]) -> [UInt8] {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), open = UInt8(ascii: "["), close = UInt8(ascii: "]")
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        var i = 0
        while i < json.count {
            let c = json[i]
            if c == quote {  // copy the string through its closing quote
                var j = i + 1
                while json[j] != quote { j += json[j] == backslash ? 2 : 1 }
                out.append(contentsOf: json[i...j])
                i = j + 1
                continue
            }
            if c == open, let end = json[(i + 1)...].firstIndex(where: { [quote, UInt8(ascii: "{"), open, close].contains($0) }), json[end] == close {
                let items = json[(i + 1)..<end].split(separator: UInt8(ascii: ",")).map { $0.filter { ![32, 10, 13, 9].contains($0) } }
                out.append(open)
                for (k, item) in items.enumerated() {
                    if k > 0 { out.append(contentsOf: [UInt8(ascii: ","), 32]) }
                    out.append(contentsOf: item)
                }
                out.append(close)
                i = end + 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
