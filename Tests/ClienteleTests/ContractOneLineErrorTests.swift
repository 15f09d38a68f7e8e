import Foundation
import Logging
import Testing
@testable import Clientele

@Suite("Error and log lines: one line, control characters shown as escapes")
struct ContractOneLineErrorTests {
    @Test("control characters become visible escapes and everything else is kept", arguments: [
        ("plain text, \"quotes\", a\\b and é ü 中", "plain text, \"quotes\", a\\b and é ü 中"),
        ("12\n\u{1B}[31mX", "12\\n\\u{1B}[31mX"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("nul\u{0} bell\u{7} del\u{7F}", "nul\\u{0} bell\\u{7} del\\u{7F}"),
        ("csi\u{9B}31m nel\u{85}", "csi\\u{9B}31m nel\\u{85}"),
        ("line\u{2028}para\u{2029}", "line\\u{2028}para\\u{2029}"),
        ("rlo\u{202E}txt.exe isolate\u{2066}", "rlo\\u{202E}txt.exe isolate\\u{2066}"),
        ("", ""),
    ])
    func escapes(input: String, expected: String) {
        #expect(escapingControlCharacters(input) == expected)
    }

    @Test("no escaped text holds a character below U+0020, DEL, a C1 control or a line separator")
    func property() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let scalars = (0..<24).map { _ in Unicode.Scalar(UInt32.random(in: 0...0x2100, using: &generator)) ?? "x" }
            var s = ""
            s.unicodeScalars.append(contentsOf: scalars)
            let escaped = escapingControlCharacters(s)
            #expect(!escaped.unicodeScalars.contains { needsEscape($0) }, "\(escaped.debugDescription)")
            #expect(escaped.split(separator: "\n", omittingEmptySubsequences: false).count == 1)
        }
    }

    @Test("log metadata is escaped in strings, nested arrays and dictionaries")
    func metadata() {
        let value: Logger.MetadataValue = .dictionary(["pa\nth": .array([.string("a\u{1B}[2J"), .stringConvertible("b\rc")])])
        guard case .dictionary(let d) = value.escapingControlCharacters, case .array(let a)? = d["pa\\nth"] else {
            Issue.record("shape changed: \(value.escapingControlCharacters)"); return
        }
        #expect(a.map(\.description) == ["a\\u{1B}[2J", "b\\rc"])
    }

    @Test("a bad amount holding a newline and an ANSI escape yields exactly one stderr line, escaped")
    func badFieldOneLine() throws {
        try withScratch { scratch in
            try scratch.write("t.csv", "customer_id,order_id,order_date,amount\nA,1,2025-01-01,10\nB,2,2025-01-02,\"12\n\u{1B}[31mX\"\n")
            let r = try CLI.run(["run", "--transactions", "t.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr.debugDescription)")
            #expect(r.stderr.hasPrefix("error: t.csv:3:4: amount: "))
            #expect(r.stderr.contains("\"12\\n\\u{1B}[31mX\""), "stderr: \(r.stderr.debugDescription)")
            #expect(!r.stderr.utf8.contains(0x1B), "no raw escape byte reaches the terminal")
        }
    }

    @Test("a skipped bad row with control characters still leaves a one-line error when the reject share is passed")
    func rejectShareOneLine() throws {
        try withScratch { scratch in
            try scratch.write("t\u{1B}[1m.csv", "customer_id,order_id,order_date,amount\nA,1,2025-01-01,\"x\ny\"\n")
            let r = try CLI.run(["run", "--transactions", "t\u{1B}[1m.csv", "--out", "report", "--on-bad-row", "skip"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr.debugDescription)")
            #expect(r.stderr.hasPrefix("error: t\\u{1B}[1m.csv"), "stderr: \(r.stderr.debugDescription)")
        }
    }
}
