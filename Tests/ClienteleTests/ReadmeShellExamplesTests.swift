import Foundation
import Testing
@testable import Clientele

/// The README's "Running it" commands, each run by `/bin/sh` as written on generated exports,
/// with the `clientele` under test first on PATH. Only the customer counts of `generate` and
/// `demo` are scaled down (10^6 and 10^5 → 3,000), so the suite stays quick.
@Suite("README: every command under \"Running it\" runs as written", .serialized)
struct ReadmeShellExamplesTests {
    static func commands() throws -> [String] {
        let readme = try text(Package.root.appendingPathComponent("README.md").path)
        let section = try #require(readme.range(of: "## Running it"))
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```sh\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return rest[start.upperBound..<end.lowerBound].split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    static func shell(_ command: String, in folder: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>&1"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = try CLI.executable().deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("each command exits 0 in order, and the reports, data and history they name exist afterwards")
    func runAsWritten() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 8)
        try withScratch { scratch in
            // What the commands read: exports in the default layout, gzipped too, and a job file.
            let g = try Self.shell("clientele generate --customers 3000 --seed 2 --out exports",
                                   in: scratch.path)
            #expect(g.status == 0, "\(g.output)")
            #expect(try Self.shell("gzip -k exports/transactions.csv", in: scratch.path).status == 0)
            try scratch.write("nightly.toml", """
                [transactions]
                path = "exports/transactions.csv"
                [interactions]
                path = "exports/interactions.csv"
                [run]
                out = "reports/nightly"

                """)
            for command in commands {
                let scaled = command.replacingOccurrences(of: "--customers 1000000", with: "--customers 3000")
                    .replacingOccurrences(of: "--customers 100000", with: "--customers 3000")
                let r = try Self.shell(scaled, in: scratch.path)
                #expect(r.status == 0, "README command failed: \(command)\n\(r.output)")
            }
            for path in ["reports/today/report.md", "reports/nightly/customers.csv", "data/parameters.json", "demo/report/report.html", "history.db"] {
                #expect(FileManager.default.fileExists(atPath: scratch.join(path)), "\(path)")
            }
        }
    }
}
