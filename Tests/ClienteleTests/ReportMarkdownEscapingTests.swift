import Foundation
import Testing
@testable import Clientele

@Suite("report.md: text from data is escaped, never markup")
struct ReportMarkdownEscapingTests {
    @Test("text is escaped exactly so", arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("R&D \"gold\"", "R&amp;D &quot;gold&quot;"),
        ("Can't Lose Them", "Can't Lose Them"),
        ("a|b", "a\\|b"),
        ("back\\slash", "back\\\\slash"),
        ("`tick`", "\\`tick\\`"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("# heading", "\\# heading"),
        ("a # b", "a # b"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("-1", "\\-1"),
        ("a-b+c", "a-b+c"),
        ("1. first", "1\\. first"),
        ("12) twelfth", "12\\) twelfth"),
        ("2024-01-01", "2024-01-01"),
        ("line\nbreak", "line break"),
        ("crlf\r\nline", "crlf line"),
        ("cr\rline", "cr line"),
        ("plain", "plain"),
        ("", ""),
    ])
    func table(input: String, escaped: String) {
        #expect(MarkdownEscaping.text(input) == escaped)
    }

    @Test("text without special characters comes back unchanged, and escaping never leaves a raw < > | or line break")
    func invariants() {
        var random = SeededGenerator(seed: 11)
        let alphabet = Array("ab <>&\"'|\\`*_[]#-+1.)\n\r\t")
        for _ in 0..<2_000 {
            let s = String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let e = MarkdownEscaping.text(s)
            #expect(!e.contains("<") && !e.contains(">") && !e.contains("\n") && !e.contains("\r"), "\(s.debugDescription) → \(e.debugDescription)")
            #expect(ReportMarkdownEscapingTests.unescapedPipes(Substring(e)) == 0, "\(s.debugDescription) → \(e.debugDescription)")
        }
        #expect(MarkdownEscaping.text("Loyal Customers, 2024-01-01 (a=b; c/d)") == "Loyal Customers, 2024-01-01 (a=b; c/d)")
    }

    /// `|` not escaped by a backslash: the cell separators GFM sees.
    static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0, backslashes = 0
        for c in line {
            if c == "|" && backslashes % 2 == 0 { count += 1 }
            backslashes = c == "\\" ? backslashes + 1 : 0
        }
        return count
    }

    static let hostileMap: [[String]] = [
        ["<script>alert(1)</script>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", "a|b"],
        ["<script>alert(1)</script>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", "a|b"],
        ["# heading", "# heading", "*bold*", "[x](javascript:alert(1))", "[x](javascript:alert(1))"],
        ["`tick`", "- item", "- item", "[x](javascript:alert(1))", "[x](javascript:alert(1))"],
        ["line\nbreak", "- item", "- item", "Champions", "Champions"],
    ]

    @Test("a run whose segment names, orphan interaction ids and input path hold HTML and pipes writes them escaped in report.md and report.html")
    func endToEnd() throws {
        try withScratch { scratch in
            let transactions = try scratch.write("t|<b>.csv", try text(Package.fixture("rfm/transactions.csv")))
            let orphans = ["\"<script>alert(2)</script>\"", "\"<img src=x onerror=alert(3)>\"", "x|y"]
            let interactions = try scratch.write("i.csv", try text(Package.fixture("e2e/interactions.csv"))
                                                 + orphans.map { "\($0),2025-02-01,email,survey,4,8\n" }.joined())
            var config = configuration(transactions: transactions, out: scratch.join("report"), interactions: interactions, satisfaction: true)
            config.rfm.segments = try SegmentMap(rows: Self.hostileMap)
            let outcome = try Run(configuration: config).execute()
            #expect(outcome.report.inputs[1].unmatchedCustomers == 1 + orphans.count, "the fixture's x99 and the three above")
            let md = try text(scratch.join("report/report.md"))
            for needle in ["<script", "<img", "<b>", "[x](javascript"] {
                #expect(!md.lowercased().contains(needle), "report.md holds \(needle)")
            }
            #expect(md.contains("| &lt;script&gt;alert(1)&lt;/script&gt; |") && md.contains("| a\\|b |") && md.contains("| line break |"))
            #expect(md.contains("e.g. ") && md.contains("x\\|y") && md.contains("&lt;img src=x onerror=alert(3)&gt;"))
            #expect(md.contains("t\\|&lt;b&gt;.csv"))
            // Every row of a table has as many cell separators as its header: no row is split or widened.
            var table: [Substring] = []
            let lines: [Substring] = md.split(separator: "\n", omittingEmptySubsequences: false) + [Substring("")]
            for line in lines {
                if line.hasPrefix("|") { table.append(line); continue }
                if let header = table.first {
                    let width = Self.unescapedPipes(header)
                    for row in table { #expect(Self.unescapedPipes(row) == width && row.hasSuffix("|"), "row \(row.debugDescription)") }
                }
                table = []
            }
            let html = try text(scratch.join("report/report.html")).lowercased()
            for needle in ["<script", "<img", "<b>", "onerror=alert(1)>"] {
                #expect(!html.contains(needle), "report.html holds \(needle)")
            }
        }
    }
}
