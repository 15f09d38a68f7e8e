import Testing
@testable import ClienteleReports

@Suite("report.md in a 100-column terminal")
struct MarkdownLayoutTests {
    private func words(_ s: String) -> [Substring] { s.split(whereSeparator: { $0 == " " || $0 == "\n" }) }

    @Test("a long paragraph is wrapped at the width, word for word the same")
    func paragraph() {
        let text = (1...60).map { "word\($0)" }.joined(separator: " ")
        let laidOut = MarkdownLayout.fitted(text, width: 40)
        #expect(laidOut.split(separator: "\n").count > 1)
        #expect(laidOut.split(separator: "\n").allSatisfy { $0.count <= 40 })
        #expect(words(laidOut) == words(text))
    }

    @Test("a list item's continuation lines are indented under its text, so it stays one item")
    func listItem() {
        let item = "- **clv**: " + String(repeating: "not enough repeat buyers ", count: 8)
        let lines = MarkdownLayout.fitted(item, width: 50).split(separator: "\n")
        #expect(lines.count > 1 && lines[0].hasPrefix("- "))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && !$0.hasPrefix("  - ") && $0.count <= 50 })
    }

    @Test("a break never starts a line with a list marker, heading, quote or table pipe")
    func noAccidentalBlocks() {
        let text = "The churn rate changed by - 3 points and # 2 cases > 5 | x 12. items 1) y " + String(repeating: "aaaa ", count: 30)
        for width in 10...60 {
            let lines = MarkdownLayout.fitted(text, width: width).split(separator: "\n")
            for line in lines.dropFirst() {
                #expect(!["-", "#", ">", "|", "12.", "1)"].contains { line.hasPrefix($0) }, "width \(width): \(line)")
            }
            #expect(words(lines.joined(separator: "\n")) == words(text))
        }
    }

    @Test("a decimal number may start a line (it is no list marker), so a line ending in numbers still wraps")
    func decimalsWrap() {
        let text = "Over 3000 customers: Pearson r = 0.859; mean churn probability 0.843, mean P(no purchase in 90 days) 0.911."
        let lines = MarkdownLayout.fitted(text, width: 100).split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.count <= 100 } && lines[1] == "0.911.")
        #expect(MarkdownLayout.fitted("aaaa 12. bbbb", width: 6) == "aaaa 12.\nbbbb", "a whole-word 12. still stays on the line before")
    }

    @Test("a code span is never broken, even when it holds spaces")
    func codeSpan() {
        let text = "Set " + "`[rfm] frequency_breaks = [1, 2, 3, 5]`" + String(repeating: " and more words", count: 10)
        let laidOut = MarkdownLayout.fitted(text, width: 30)
        #expect(laidOut.split(separator: "\n").contains { $0.contains("`[rfm] frequency_breaks = [1, 2, 3, 5]`") })
    }

    @Test("headings, short lines and fenced code are left as they are")
    func untouched() {
        let heading = "## " + String(repeating: "long heading ", count: 12)
        let code = "```\n" + String(repeating: "x ", count: 80) + "\n```"
        let text = heading + "\n\nshort line\n\n" + code
        #expect(MarkdownLayout.fitted(text, width: 40) == text)
    }

    @Test("a table that fits is left alone; a wider one is split, repeating its key columns with every row")
    func tables() {
        let narrow = "| a | b |\n|---|---:|\n| x | 1 |"
        #expect(MarkdownLayout.fitted(narrow, width: 40) == narrow)

        let header = "| x | y | " + (1...8).map { "statistic \($0)" }.joined(separator: " | ") + " |"
        let delimiter = "|---|---|" + String(repeating: "---:|", count: 8)
        let rows = ["frequency", "tenure\\_days"].map { y in
            "| mean\\_satisfaction | \(y) | " + (1...8).map { "0.\($0)00 [0.1, 0.2]" }.joined(separator: " | ") + " |"
        }
        let table = ([header, delimiter] + rows).joined(separator: "\n")
        let laidOut = MarkdownLayout.fitted("Intro.\n\n" + table + "\n\nAfter.", width: 100)
        let lines = laidOut.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(laidOut)")
        let parts = laidOut.components(separatedBy: "\n\n").filter { $0.hasPrefix("|") }
        #expect(parts.count >= 2)
        // Every part: the same rows, led by both key columns; together, every statistic once.
        for part in parts {
            let partRows = part.split(separator: "\n")
            #expect(partRows.count == 4)
            #expect(partRows[0].hasPrefix("| x | y | "))
            #expect(partRows[2].hasPrefix("| mean\\_satisfaction | frequency | "))
            #expect(partRows[3].hasPrefix("| mean\\_satisfaction | tenure\\_days | "))
        }
        let statistics = parts.flatMap { $0.split(separator: "\n")[0].split(separator: "|").map { $0.trimmingPrefix(" ") } }
            .filter { $0.hasPrefix("statistic") }
        #expect(statistics.count == 8 && Set(statistics).count == 8)
        #expect(laidOut.hasPrefix("Intro.\n\n") && laidOut.hasSuffix("\n\nAfter."))
    }

    @Test("the demo's report.md fits in 100 columns but for words longer than that")
    func demoReport() throws {
        let report = try HTMLReportSample.demoReport()
        let md = MarkdownReportWriter(report: report).text()
        for line in md.split(separator: "\n") where line.count > MarkdownLayout.terminalWidth {
            #expect(line.hasPrefix("#") || !line.contains(" "), "\(line)")
        }
    }
}
