import Foundation
import Testing
@testable import Clientele

#if canImport(Glibc)
import Glibc
#endif

@Suite("JobFile: a missing or unreadable job file, NUL bytes in settings, and raw_csv", .serialized)
struct JobFileInputTests {
    // MARK: - Reading the file

    @Test("a missing job file is an input error (exit 66) that says no such file, with the system's reason")
    func missing() throws {
        try withIngestFolder { folder in
            let path = folder.join("nope.toml")
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            #expect(error == .unreadableJobFile(path: path, errno: ENOENT))
            #expect(error?.description == "\(path): no such file (No such file or directory); check the job file's path")
            #expect(error?.exitStatus == .noInput)
        }
    }

    @Test("a directory given as the job file is an input error (exit 66): is a directory")
    func directory() throws {
        try withIngestFolder { folder in
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: folder.path).apply(to: JobConfiguration()) }
            #expect(error?.description == "\(folder.path): cannot read the job file: Is a directory")
            #expect(error?.exitStatus == .noInput)
        }
    }

    @Test("a job file without read permission is an input error (exit 66): permission denied",
          .enabled(if: getuid() != 0, "root reads any file"))
    func permission() throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", "[run]\nseed = 1\n")
            chmod(path, 0o200)
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            #expect(error?.description == "\(path): cannot read the job file: Permission denied")
            #expect(error?.exitStatus == .noInput)
        }
    }

    @Test("a job file that is not UTF-8 is a job-file error (exit 64)")
    func notUTF8() throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", bytes: Array("[run]\nout = \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8))
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            #expect(error?.description == "\(path): the job file is not UTF-8 text")
            #expect(error?.exitStatus == .usage)
        }
    }

    @Test("clientele run with a missing job file or a directory exits 66 with one error line", arguments: [
        ("nope.toml", "error: nope.toml: no such file (No such file or directory)"),
        ("folder.toml", "error: folder.toml: cannot read the job file: Is a directory"),
    ])
    func cliUnreadable(job: String, message: String) throws {
        try withScratch { scratch in
            try FileManager.default.createDirectory(atPath: scratch.join("folder.toml"), withIntermediateDirectories: false)
            let r = try CLI.run(["run", job], in: scratch.path)
            #expect(r.status == 66)
            #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
            #expect(r.stderr.hasPrefix(message), "stderr: \(r.stderr)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    // MARK: - NUL bytes

    @Test("a NUL escape in a path (or any string) setting is refused with the key named (exit 64)", arguments: [
        ("[transactions]\npath = \"a\\u0000b.csv\"\n", "transactions.path"),
        ("[interactions]\npath = \"a\\U00000000b.csv\"\n", "interactions.path"),
        ("[run]\nout = \"\"\"report\\u0000\"\"\"\n", "run.out"),
        ("[run]\nhistory = \"h.db\\u0000.txt\" # a comment with \"\\u0000\"\n", "run.history"),
        ("[transactions.columns]\ncustomer_id = \"id\\u0000\"\n", "transactions.columns.customer_id"),
        ("[rfm.segments]\n1 = [\"a\", \"b\\u0000\", \"c\", \"d\", \"e\"]\n", "rfm.segments.1"),
    ])
    func nulEscape(toml: String, key: String) throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", toml)
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: path).apply(to: JobConfiguration()) }
            #expect(error?.description == "\(path): \(key) holds a NUL byte (\\u0000); no setting, and no path, can contain one")
            #expect(error?.exitStatus == .usage)
        }
    }

    @Test("a backslash before u0000 that is itself escaped, or in a literal string, is text and kept")
    func notNUL() throws {
        try withIngestFolder { folder in
            let path = try folder.write("job.toml", "[transactions]\npath = \"a\\\\u0000.csv\"\n[interactions]\npath = 'i\\u0000.csv'\n")
            let config = try JobFile(path: path).apply(to: JobConfiguration())
            #expect(config.transactions?.path == folder.path + "/a\\u0000.csv")
            #expect(config.interactions?.path == folder.path + "/i\\u0000.csv")
            #expect(JobFile.markingNULEscapes("x = \"\\\\u0000\" # \"\\u0000\"\ny = '\\u0000'").found == false)
            #expect(JobFile.markingNULEscapes("x = \"\"\"a\"\"\"\ny = \"\\U00000000\"").found == true)
        }
    }

    @Test("validate() refuses a path holding a NUL byte, however it was set, naming the key")
    func validatePaths() {
        let cases: [(String, (inout JobConfiguration) -> Void)] = [
            ("transactions.path", { $0.transactions = CSVSource(path: "t\u{0}.csv") }),
            ("interactions.path", { $0.interactions = CSVSource(path: "i\u{0}") }),
            ("run.out", { $0.out = "r\u{0}" }), ("run.history", { $0.history = "h\u{0}" }),
        ]
        for (key, edit) in cases {
            var config = JobConfiguration()
            config.transactions = CSVSource(path: "t.csv")
            edit(&config)
            let error = #expect(throws: ConfigurationError.self) { try config.validate() }
            #expect(error?.description.hasPrefix("\(key) (--") == true, "\(String(describing: error))")
            #expect(error?.description.hasSuffix("holds a NUL byte; a path cannot contain one") == true)
        }
    }

    @Test("clientele run with a NUL in the transactions path of the job file exits 64 and names the key")
    func cliNUL() throws {
        try withScratch { scratch in
            try scratch.write("a", "customer_id,order_id,order_date,amount\nA,1,2025-01-01,10\n")
            try scratch.write("job.toml", "[transactions]\npath = \"a\\u0000b.csv\"\n")
            let r = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
            #expect(r.status == 64)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.hasPrefix("error: job.toml: transactions.path holds a NUL byte"), "stderr: \(r.stderr)")
            #expect(try entries(scratch.path) == ["a", "job.toml"], "the truncated path was not read")
        }
    }

    // MARK: - raw_csv

    @Test("[run] raw_csv sets rawCSV; it is false by default and must be true or false")
    func rawCSVKey() throws {
        try withIngestFolder { folder in
            #expect(JobConfiguration().rawCSV == false)
            let on = try folder.write("on.toml", "[run]\nraw_csv = true\n")
            #expect(try JobFile(path: on).apply(to: JobConfiguration()).rawCSV == true)
            let off = try folder.write("off.toml", "[run]\nraw_csv = false\n")
            var base = JobConfiguration()
            base.rawCSV = true
            #expect(try JobFile(path: off).apply(to: base).rawCSV == false, "the file overrides the base")
            #expect(try JobFile(path: folder.write("none.toml", "[run]\nseed = 3\n")).apply(to: base).rawCSV == true, "unset keeps the base")
            let bad = try folder.write("bad.toml", "[run]\nraw_csv = \"yes\"\n")
            let error = #expect(throws: ConfigurationError.self) { try JobFile(path: bad).apply(to: JobConfiguration()) }
            #expect(error?.description == "\(bad): run.raw_csv must be true or false")
        }
    }

    @Test("--raw-csv is described in run --help and accepted on top of a job file that sets raw_csv = false")
    func rawCSVFlag() throws {
        try withScratch { scratch in
            let help = try CLI.run(["run", "--help"], in: scratch.path)
            let entry = try #require(EndToEndCLITests.helpEntries(help.stdout)["--raw-csv"])
            #expect(entry.contains("write CSV cells as they are; by default text cells that a spreadsheet would run as a formula"))
            #expect(entry.contains("(starting with = + - @ tab or CR) get a leading '"))
            try scratch.write("job.toml", """
                [transactions]
                path = "\(Package.fixture("rfm/transactions.csv"))"
                [run]
                raw_csv = false
                """)
            let r = try CLI.run(["run", "job.toml", "--raw-csv", "--out", "report", "--quiet"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let typo = try CLI.run(["run", "job.toml", "--raw-csv=yes", "--out", "report2"], in: scratch.path)
            #expect(typo.status == 64, "a flag takes no value")
        }
    }
}
