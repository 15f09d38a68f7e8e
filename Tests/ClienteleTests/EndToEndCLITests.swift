import Foundation
import Testing
@testable import Clientele

/// The `clientele` executable, run as a subprocess.
enum CLI {
    /// `swift test` builds every product, so the executable sits beside the test runner in
    /// `<scratch>/debug`; failing that, the usual scratch folders of this package.
    static func executable() throws -> URL {
        var candidates: [URL] = []
        if let runner = Bundle.main.executableURL { candidates.append(runner.deletingLastPathComponent().appendingPathComponent("clientele")) }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("clientele"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("clientele"))
        for scratch in [".build-e2e", ".build"] {
            candidates.append(Package.root.appendingPathComponent(scratch + "/debug/clientele"))
        }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "no clientele executable in \(candidates.map(\.path)); build it with `swift build` (or `swift build --scratch-path .build-e2e`) first")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    /// What a run reads on standard input.
    enum Input {
        case none
        /// A file redirected to it (`< path`).
        case file(String)
        /// These bytes through a pipe (`cat path |`).
        case pipe([UInt8])
    }

    /// Runs `clientele ARGS` in `directory`, stdout and stderr captured through files (no pipe can fill up).
    static func run(_ arguments: [String], in directory: String, input: Input = .none) throws -> Result {
        let capture = try ScratchFolder("capture")
        defer { capture.remove() }
        let out = capture.join("stdout"), err = capture.join("stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardOutput = outHandle
        process.standardError = errHandle
        var feed: Pipe?
        switch input {
        case .none: process.standardInput = FileHandle.nullDevice
        case .file(let path): process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        case .pipe: feed = Pipe(); process.standardInput = feed
        }
        try process.run()
        if case .pipe(let bytes) = input, let feed {
            // A writer thread, so that a pipe buffer smaller than the input cannot stall both sides.
            let writer = Thread { feed.fileHandleForWriting.write(Data(bytes)); try? feed.fileHandleForWriting.close() }
            writer.start()
        }
        process.waitUntilExit()
        try outHandle.close(); try errHandle.close()
        return Result(status: process.terminationStatus, stdout: try text(out), stderr: try text(err))
    }
}

@Suite("clientele, the command-line tool", .serialized)
struct EndToEndCLITests {
    static let transactions = Package.fixture("rfm/transactions.csv")

    @Test("the executable is found beside the tests or in a scratch folder")
    func executable() throws {
        let url = try CLI.executable()
        #expect(url.lastPathComponent == "clientele")
    }

    @Test("a successful run exits 0 and prints a one-line summary")
    func success() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", Self.transactions, "--out", "report"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("report: ") == true)
            #expect(r.stdout.contains("13 customers as of 2025-07-01"))
            #expect(r.stderr.isEmpty, "no progress lines when stderr is not a terminal")
            // The RFM columns equal the hand-computed fixture; the predicted-value columns follow them.
            let written = try text(scratch.join("report/customers.csv")).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(12).joined(separator: ",") }
            let expected = try text(Package.fixture("rfm/expected_fill.csv")).split(separator: "\n").map(String.init)
            #expect(written == expected)
        }
    }

    @Test("--transactions - reads standard input, redirected from a file or through a pipe, and writes what the file gives")
    func standardInput() throws {
        try withScratch { scratch in
            let fromFile = try CLI.run(["run", "--transactions", Self.transactions, "--out", "file"], in: scratch.path)
            #expect(fromFile.status == 0, "\(fromFile.stderr)")
            let expected = try text(scratch.join("file/customers.csv"))
            let redirected = try CLI.run(["run", "--transactions", "-", "--out", "redirected"], in: scratch.path, input: .file(Self.transactions))
            #expect(redirected.status == 0, "\(redirected.stderr)")
            #expect(try text(scratch.join("redirected/customers.csv")) == expected)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.transactions)))
            let piped = try CLI.run(["run", "--transactions", "-", "--out", "piped"], in: scratch.path, input: .pipe(bytes))
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(try text(scratch.join("piped/customers.csv")) == expected)
        }
    }

    @Test("only one input can be standard input")
    func oneStandardInput() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", "-", "--interactions", "-", "--out", "report"], in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderrLines == ["error: --transactions - and --interactions -: only one input can be standard input"])
        }
    }

    @Test("--quiet prints nothing on success")
    func quiet() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", Self.transactions, "--out", "report", "--quiet"], in: scratch.path)
            #expect(r.status == 0)
            #expect(r.stdout.isEmpty && r.stderr.isEmpty)
        }
    }

    @Test("usage and configuration errors exit 64 with one line on stderr that starts with error:", arguments: [
        (["--rfm-ties", "bogus"], "error: --rfm-ties bogus: use fill, share or split"),
        (["--on-bad-row", "sometimes"], "error: --on-bad-row sometimes: use fail or skip"),
        (["--format", "xml"], "error: --format xml: use text or json"),
        (["--as-of", "2025-13-01"], "error: --as-of 2025-13-01 is not a date"),
        (["--max-reject-share", "2"], "error: max-reject-share = 2.0: must be between 0 and 1"),
        (["--as-of", "2025-01-01", "--calibration-end", "2025-03-01"], "error: calibration-end 2025-03-01 must be before as-of 2025-01-01"),
        (["--delimiter", "::"], "error: --delimiter ::"),
        (["--no-such-option"], "error:"),
        (["--threads", "many"], "error:"),
    ])
    func usage(flags: [String], message: String) throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", Self.transactions, "--out", "report"] + flags, in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
            #expect(r.stderr.hasPrefix(message), "stderr: \(r.stderr)")
            #expect(try entries(scratch.path).isEmpty, "no report on a usage error")
        }
    }

    @Test("no transactions file at all is a usage error that says how to name one")
    func noTransactions() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--out", "report"], in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderr.hasPrefix("error: no transactions file"))
            #expect(r.stderr.contains("--transactions"))
        }
    }

    @Test("a missing input file exits 66 with error: and the path")
    func missingFile() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", "missing.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 66)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: missing.csv: "))
            #expect(try entries(scratch.path).isEmpty)
        }
    }

    @Test("a bad row exits 65 with error: FILE:LINE:COLUMN: and the column's name")
    func badRow() throws {
        try withScratch { scratch in
            try scratch.write("bad.csv", try text(Package.fixture("e2e/transactions_bad_rows.csv")))
            let r = try CLI.run(["run", "--transactions", "bad.csv", "--out", "report"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: bad.csv:5:3: order_date: "), "stderr: \(r.stderr)")
            #expect(r.stderr.contains("--on-bad-row skip"))
        }
    }

    @Test("too many rejected rows exit 65 and name the rejects file")
    func tooManyRejects() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", Package.fixture("e2e/transactions_bad_rows.csv"), "--out", "report",
                                 "--on-bad-row", "skip"], in: scratch.path)
            #expect(r.status == 65)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: "))
            #expect(r.stderr.contains("2 of 40 rows rejected"))
            #expect(r.stderr.contains("report.rejects.csv"))
        }
    }

    @Test("an output path under a regular file exits 73")
    func cannotCreate() throws {
        try withScratch { scratch in
            try scratch.write("file.txt", "x")
            let r = try CLI.run(["run", "--transactions", Self.transactions, "--out", "file.txt/report"], in: scratch.path)
            #expect(r.status == 73)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: file.txt/report: "))
        }
    }

    @Test("--format json prints one valid JSON object on stdout")
    func json() throws {
        try withScratch { scratch in
            let r = try CLI.run(["run", "--transactions", Self.transactions, "--out", "report", "--format", "json"], in: scratch.path)
            #expect(r.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
            let summary = try #require(object as? [String: Any])
            #expect(summary["customers"] as? Int == 13)
            #expect(summary["as_of"] as? String == "2025-07-01")
            #expect(summary["report"] as? String == "report")
            let segments = try #require(summary["segments"] as? [String: Int])
            #expect(segments["Hibernating"] == 5)
            #expect(segments.values.reduce(0, +) == 13)
            #expect((summary["inputs"] as? [[String: Any]])?.first?["rows_read"] as? Int == 38)
        }
    }

    @Test("flags override the job file, and the job file overrides the defaults")
    func jobFile() throws {
        try withScratch { scratch in
            try scratch.write("job.toml", """
                [transactions]
                path = "\(Self.transactions)"
                [run]
                out = "from-job"
                [rfm]
                ties = "split"
                margin = 0.25
                [clv]
                enabled = false
                [clusters]
                enabled = false
                [churn]
                enabled = false
                """)
            // Flags: ties and out; the job keeps margin 0.25 (and the RFM columns alone, as in the fixture).
            let a = try CLI.run(["run", "job.toml", "--rfm-ties", "share", "--out", "from-flag", "--quiet"], in: scratch.path)
            #expect(a.status == 0, "\(a.stderr)")
            #expect(try entries(scratch.path) == ["from-flag", "job.toml"])
            #expect(try bytes(scratch.join("from-flag/customers.csv")) == bytes(Package.fixture("rfm/expected_share_margin_0.25.csv")))

            // No flags: the job's out, ties = split, margin 0.25.
            let b = try CLI.run(["run", "job.toml", "--quiet"], in: scratch.path)
            #expect(b.status == 0, "\(b.stderr)")
            let rows = csvRecords(try text(scratch.join("from-job/customers.csv")))
            let split = csvRecords(try text(Package.fixture("rfm/expected_split.csv")))
            let margin = csvRecords(try text(Package.fixture("rfm/expected_share_margin_0.25.csv")))
            #expect(rows.map { Array($0[0..<11]) } == split.map { Array($0[0..<11]) }, "scores as under split")
            #expect(rows.map { $0[11] } == margin.map { $0[11] }, "historical_clv with margin 0.25")
            let settings = try #require(try reportJSON(scratch.join("from-job"))["settings"] as? [String: Any])
            #expect(settings["rfm_ties"] as? String == "split")
            #expect(settings["margin"] as? Double == 0.25)
        }
    }

    @Test("a job file with an unknown key exits 64 and names the key")
    func jobFileTypo() throws {
        try withScratch { scratch in
            try scratch.write("job.toml", "[run]\nouts = \"x\"\n")
            let r = try CLI.run(["run", "job.toml", "--transactions", Self.transactions], in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: job.toml"))
            #expect(r.stderr.contains("run.outs"))
        }
    }

    @Test("generate, then run on what it wrote")
    func generateThenRun() throws {
        try withScratch { scratch in
            let g = try CLI.run(["generate", "--customers", "200", "--seed", "3", "--out", "data"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            #expect(g.stdout.split(separator: "\n").count == 1)
            let r = try CLI.run(["run", "--transactions", "data/transactions.csv", "--interactions", "data/interactions.csv",
                                 "--out", "report", "--format", "json"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let customers = try #require(summary["customers"] as? Int)
            #expect(customers > 0 && customers <= 200)
            let rows = csvRecords(try text(scratch.join("report/customers.csv")))
            #expect(rows.count == customers + 1)
            #expect(rows.dropFirst().map { $0[0] } == rows.dropFirst().map { $0[0] }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
                    "sorted by customer_id")
            let inputs = try #require(try reportJSON(scratch.join("report"))["inputs"] as? [[String: Any]])
            #expect(inputs.count == 2)
            for input in inputs { #expect(input["rows_read"] as? Int == input["rows_used"] as? Int) }
        }
    }

    /// README, the interface contract: the options of `clientele run`.
    static let contractOptions = ["--transactions", "--interactions", "--out", "--as-of", "--calibration-end", "--rfm-ties",
                                  "--k", "--k-range", "--on-bad-row", "--max-reject-share", "--history", "--seed", "--threads",
                                  "--quiet", "--format"]

    /// Option entries of a `--help` text: the first token of each line that starts with `-`, and its description.
    static func helpEntries(_ help: String) -> [String: String] {
        var entries: [String: String] = [:], current: String?
        for line in help.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("-") {
                let key = String(line.split(separator: " ").first!).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                current = key
                entries[key] = line
            } else if let key = current, !line.isEmpty {
                entries[key]! += " " + line
            } else {
                current = nil
            }
        }
        return entries
    }

    @Test("run --help describes every contract option the command accepts, with its default")
    func help() throws {
        try withScratch { scratch in
            let h = try CLI.run(["run", "--help"], in: scratch.path)
            #expect(h.status == 0)
            let entries = Self.helpEntries(h.stdout)
            for option in Self.contractOptions where entries[option] == nil {
                // Not in the help: then the parser must not accept it either.
                let r = try CLI.run(["run", "--transactions", Self.transactions, "--out", "report", option, "1"], in: scratch.path)
                #expect(r.status == 64, "\(option) is accepted (exit \(r.status)) but not described in run --help")
            }
            for option in Self.contractOptions where entries[option] != nil {
                #expect(entries[option]!.count > option.count + 12, "\(option) has no description")
            }
            for option in ["--out", "--as-of", "--rfm-ties", "--on-bad-row", "--max-reject-share", "--seed", "--threads", "--format"] {
                #expect(entries[option]?.contains("(default:") == true, "\(option) does not state its default: \(entries[option] ?? "missing")")
            }
            #expect(entries["--transactions"] != nil && entries["--out"] != nil && entries["--rfm-ties"] != nil)
        }
    }

    @Test("generate and demo --help describe their options", arguments: [
        ("generate", ["--customers", "--seed", "--out"]),
        ("demo", ["--customers", "--out"]),
    ])
    func subcommandHelp(command: String, options: [String]) throws {
        try withScratch { scratch in
            let h = try CLI.run([command, "--help"], in: scratch.path)
            #expect(h.status == 0)
            for option in options { #expect(h.stdout.contains(option + " "), "\(command) --help lacks \(option)") }
        }
    }
}
