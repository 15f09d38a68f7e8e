import Foundation
import Testing
@testable import Clientele

/// The README's job-file example, run as written on generated exports laid out the way it says
/// (`;`, day/month/year dates, `4.770,50 €` amounts, German headers): it must equal the same job
/// on the plain twin of those exports.
@Suite("README: the job-file example runs as written", .serialized)
struct ReadmeJobExampleTests {
    /// The first ```toml block under "### Job file".
    static func example() throws -> String {
        let readme = try text(Package.root.appendingPathComponent("README.md").path)
        let section = try #require(readme.range(of: "### Job file"))
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```toml\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }

    /// `1234.5` as the example's `1.234,50 €` (every other amount without the symbol).
    static func european(_ amount: Substring, row: Int) -> String {
        let negative = amount.hasPrefix("-")
        let parts = amount.drop { $0 == "-" }.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]), grouped = ""
        while digits.count > 3 { grouped = "." + digits.suffix(3) + grouped; digits.removeLast(3) }
        let cents = parts.count > 1 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        return (negative ? "-" : "") + digits + grouped + "," + cents + (row % 2 == 0 ? " €" : "")
    }

    @Test("the example's exports (; dd/mm/yyyy, 1.234,50 €, Kundennummer/Beleg) give the customers.csv of their plain twin")
    func runsAsWritten() throws {
        try withScratch { scratch in
            let g = try CLI.run(["generate", "--customers", "2000", "--seed", "9", "--start", "2024-01-01", "--weeks", "143",
                                 "--out", "plain"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            let lines = try text(scratch.join("plain/transactions.csv")).split(separator: "\n")
            let header = lines[0].split(separator: ",").map(String.init)
            let (day, amount) = (try #require(header.firstIndex(of: "order_date")), try #require(header.firstIndex(of: "amount")))
            var out = header.map { ["customer_id": "Kundennummer", "order_id": "Beleg"][$0] ?? $0 }.joined(separator: ";") + "\n"
            for (row, line) in lines.dropFirst().enumerated() {
                var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let ymd = fields[day].split(separator: "-")
                fields[day] = "\(ymd[2])/\(ymd[1])/\(ymd[0])"
                fields[amount] = Self.european(Substring(fields[amount]), row: row)
                out += fields.joined(separator: ";") + "\n"
            }
            try FileManager.default.createDirectory(atPath: scratch.join("exports"), withIntermediateDirectories: true)
            try scratch.write("exports/transactions.csv", out)
            try FileManager.default.copyItem(atPath: scratch.join("plain/interactions.csv"), toPath: scratch.join("exports/interactions.csv"))

            let example = try Self.example()
            try scratch.write("job.toml", example)
            let r = try CLI.run(["run", "job.toml"], in: scratch.path)
            #expect(r.status == 0, "the README's job example fails as written: \(r.stderr)")

            // The twin: the same job without the layout keys, on the generated files.
            let layout = ["delimiter", "date_format", "decimal", "thousands", "currency_symbol", "customer_id", "order_id", "[transactions.columns]"]
            var twin = example.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                !layout.contains { line.hasPrefix($0 + " ") || line.hasPrefix($0 + "=") || line == $0 }
            }.joined(separator: "\n")
            twin = twin.replacingOccurrences(of: "exports/", with: "plain/").replacingOccurrences(of: "reports/nightly", with: "reports/twin")
                .replacingOccurrences(of: "history.db", with: "twin-history.db")
            try scratch.write("twin.toml", twin)
            let t = try CLI.run(["run", "twin.toml"], in: scratch.path)
            #expect(t.status == 0, "\(t.stderr)")
            let written = try text(scratch.join("reports/nightly/customers.csv"))
            #expect(written.split(separator: "\n").count > 1000, "one row per customer")
            #expect(written == (try text(scratch.join("reports/twin/customers.csv"))))
            #expect(FileManager.default.fileExists(atPath: scratch.join("history.db")))
        }
    }

    @Test("the example's [rfm.segments] rows name every cell as the default segment map does, as it says")
    func segmentRowsAreTheDefault() throws {
        try withScratch { scratch in
            try scratch.write("job.toml", try Self.example())
            let config = try JobFile(path: scratch.join("job.toml")).apply(to: JobConfiguration())
            // Cell by cell (segment numbering follows the order names first appear in the file).
            let names = { (map: SegmentMap) in map.cells.map { row in row.map { map.names[Int($0)] } } }
            #expect(names(config.rfm.segments) == names(RFMScorer().segments))
        }
    }
}
