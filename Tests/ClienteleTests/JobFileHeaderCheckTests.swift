import Foundation
import Testing
@testable import Clientele

@Suite("Job file: malformed table headers are errors, never a crash")
struct JobFileHeaderCheckTests {
    @Test("a header without a name is found at its line and column", arguments: [
        ("[\n", 1, 2), ("[[\n", 1, 3), ("[ \n", 1, 3), ("[#x\n", 1, 2), ("a = 1\n  [  ]\n", 2, 6), ("[", 1, 2),
    ])
    func malformed(text: String, line: Int, column: Int) {
        let problem = TOMLHeaderCheck.firstMalformedHeader(in: text)
        #expect(problem?.line == line && problem?.column == column, "\(String(describing: problem))")
    }

    @Test("headers with names, arrays of arrays, strings and comments holding brackets pass", arguments: [
        "[run]\nout = \"r\"\n", "[[runs]]\n", "[ \"quoted key\" ]\n", "[transactions.columns]\n",
        "x = [\n  [\n    1\n  ],\n]\n", "x = \"\"\"\n[\n\"\"\"\n", "x = '''\n[\n'''\n", "# [\n", "x = \"[\" # [\n",
        "x = { a = [\n[1]] }\n", "x = \"a\\\"[\"\n[run]\n",
    ])
    func wellFormed(text: String) {
        #expect(TOMLHeaderCheck.firstMalformedHeader(in: text) == nil)
    }

    @Test("clientele run on a job file holding \"[\" alone exits 64 with one error line naming the line")
    func commandLine() throws {
        try withScratch { scratch in
            for text in ["[\n", "[[\n", "[ \n", "[#x\n"] {
                try scratch.write("j.toml", text)
                let r = try CLI.run(["run", "j.toml"], in: scratch.path)
                #expect(r.status == 64, "\(text.debugDescription): \(r.stderr)")
                #expect(r.stderr.hasPrefix("error: ") && r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("j.toml:1:"),
                        "\(r.stderr)")
            }
        }
    }
}
