import Foundation
import Testing
@testable import Clientele
#if canImport(Glibc)
import Glibc
#endif

/// PostgreSQL as a results sink (`[results]`): the run's customers, segments and run row copied
/// into tables in one transaction keyed by the run id, committed just before the report lands.
@Suite("PostgreSQL results: customers, segments and the run written back in one transaction", .serialized)
struct PostgresSinkTests {
    /// report.json as a dictionary.
    static func report(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func runID(_ folder: String) throws -> String {
        let results = try #require(try report(folder + "/report.json")["results"] as? [String: Any])
        return try #require(results["run_id"] as? String)
    }

    /// Equal as text, or as the same Double (the server writes `double precision` in its own shortest form).
    static func sameValue(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Double(a), let y = Double(b) else { return false }
        return x == y
    }

    /// The customers of `runID` exported by psql as CSV in customers.csv's column order (its
    /// `p_no_purchase_<h>d` is the table's `p_no_purchase`), sorted by customer_id byte-wise.
    static func exportCustomers(_ server: PostgresServer, runID: String, header: [String], to path: String) throws {
        let columns = header.map { $0.hasPrefix("p_no_purchase_") ? "p_no_purchase AS \($0)" : "\"\($0)\"" }.joined(separator: ", ")
        try server.sql("""
            \\copy (SELECT \(columns) FROM clientele_customers WHERE run_id = '\(runID)' ORDER BY customer_id COLLATE "C") TO '\(path)' WITH (FORMAT csv, HEADER true)
            """)
    }

    /// Compares an export of the table with customers.csv, column by column.
    static func expectSameCustomers(_ csv: String, _ exported: String) {
        let a = csvRecords(csv), b = csvRecords(exported)
        #expect(a.count == b.count, "rows: customers.csv \(a.count), table \(b.count)")
        #expect(a.first == b.first, "header")
        var mismatches = 0
        for (rowA, rowB) in zip(a, b) {
            #expect(rowA.count == rowB.count)
            for (k, (x, y)) in zip(rowA, rowB).enumerated() where !sameValue(x, y) {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(a[0][k]) of \(rowA[0]): customers.csv \"\(x)\", table \"\(y)\"") }
            }
        }
        #expect(mismatches == 0)
    }

    static func loadSources(_ server: PostgresServer, _ scratch: ScratchFolder) throws {
        try server.sql("""
            CREATE TABLE orders (customer_id text, order_id text, order_date date, amount numeric(14,2),
                                 quantity integer, product_id text, channel text);
            \\copy orders FROM '\(scratch.join("data/transactions.csv"))' WITH (FORMAT csv, HEADER true)
            CREATE TABLE contacts (customer_id text, interaction_date date, channel text, kind text, satisfaction real, recommend real);
            \\copy contacts FROM '\(scratch.join("data/interactions.csv"))' WITH (FORMAT csv, HEADER true)
            """)
    }

    static func count(_ server: PostgresServer, _ sql: String) throws -> Int {
        try #require(Int(try server.sql(sql).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("round trip: source tables → run → result tables equal the file-based run's customers.csv, segments and report; a second run adds its own rows")
    func roundTrip() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try PostgresSourceTests.generate(scratch)
            try Self.loadSources(server, scratch)
            let plain = try CLI.run(["run", "--transactions", "data/transactions.csv", "--interactions", "data/interactions.csv",
                                     "--out", "plain", "--quiet"], in: scratch.path)
            #expect(plain.status == 0, "\(plain.stderr)")
            let expected = try text(scratch.join("plain/customers.csv"))
            let withPassword = server.url + "&password=hunter2"
            try scratch.write("job.toml", """
                [transactions]
                url = "\(server.url)"
                table = "orders"
                [interactions]
                url = "\(server.url)"
                query = "SELECT customer_id, interaction_date, channel, kind, satisfaction, recommend FROM contacts"
                [results]
                url = "\(withPassword)"

                """)
            let first = try CLI.run(["run", "job.toml", "--out", "db1", "--quiet"], in: scratch.path)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(try text(scratch.join("db1/customers.csv")) == expected)
            let id1 = try Self.runID(scratch.join("db1"))
            #expect(ReportMarker.token(inFolder: scratch.join("db1")) == id1, "the run id is the report folder's token")

            // customers: the table's rows of this run are customers.csv, column by column.
            let header = try #require(csvRecords(expected).first)
            #expect(header.contains("cluster") && header.contains("predicted_clv") && header.contains("p_no_purchase_90d")
                    && header.contains("loyalty_group") && header.contains("churn_probability"), "every kernel ran: \(header)")
            try Self.exportCustomers(server, runID: id1, header: header, to: scratch.join("export1.csv"))
            let export1 = try text(scratch.join("export1.csv"))
            Self.expectSameCustomers(expected, export1)

            // segments: report.json's rfm.segments, in order.
            let report = try Self.report(scratch.join("db1/report.json"))
            let segments = try #require((report["rfm"] as? [String: Any])?["segments"] as? [[String: Any]])
            let rows = try server.sql("""
                SELECT segment, customers, share, revenue, revenue_share, mean_recency_days, mean_frequency, mean_monetary
                FROM clientele_segments WHERE run_id = '\(id1)' ORDER BY position
                """).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            #expect(rows.count == segments.count && segments.count >= 5)
            for (row, segment) in zip(rows, segments) {
                for (k, key) in ["segment", "customers", "share", "revenue", "revenue_share", "mean_recency_days", "mean_frequency", "mean_monetary"].enumerated() {
                    let json = segment[key].map { "\($0)" } ?? ""
                    #expect(Self.sameValue(row[k], json), "\(key) of \(row[0]): table \(row[k]), report.json \(json)")
                }
            }

            // the run: report.json's key figures.
            let customers = try #require(report["customers"] as? [String: Any])
            let settings = try #require(report["settings"] as? [String: Any])
            let run = try server.sql("""
                SELECT as_of, tool_version, customers_scored, customers_in_transactions, orders, net_revenue, segments,
                       started_at = '\(try #require(report["started_at"] as? String))'::timestamptz, report_folder,
                       settings->>'transactions', transactions, interactions
                FROM clientele_runs WHERE run_id = '\(id1)'
                """).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let tool = try #require(report["tool"] as? [String: Any])
            #expect(run.count == 12, "\(run)")
            if run.count == 12 {
                #expect(run[0] == settings["as_of"] as? String)
                #expect(run[1] == tool["version"] as? String)
                #expect(run[2] == "\(customers["scored"]!)" && run[3] == "\(customers["in_transactions"]!)" && run[4] == "\(customers["orders"]!)")
                #expect(Self.sameValue(run[5], "\(customers["net_revenue"]!)"))
                #expect(run[6] == "\(segments.count)")
                #expect(run[7] == "t", "started_at")
                #expect(run[8] == OutputFolder.resolve(scratch.join("db1")))
                #expect(run[9] == settings["transactions"] as? String && run[10] == run[9] && run[9].contains("(table orders)"))
                #expect(run[11] == settings["interactions"] as? String)
            }

            // No password anywhere: report files name the sink redacted.
            for file in ["report.json", "report.md", "report.html"] {
                #expect(!(try text(scratch.join("db1/" + file))).contains("hunter2"), "\(file)")
            }
            #expect(try text(scratch.join("db1/report.json")).contains("password=***"))
            #expect(try text(scratch.join("db1/report.md")).contains("`\(id1)`"), "report.md names the run id")
            let page = try text(scratch.join("db1/report.html"))
            #expect(page.contains(id1) && page.contains("password=***"), "report.html names the sink, redacted, and the run id")
            #expect(!first.stderr.contains("hunter2"))

            // A second run: its own run id and rows; the first run's rows untouched.
            let second = try CLI.run(["run", "job.toml", "--out", "db2", "--quiet"], in: scratch.path)
            #expect(second.status == 0, "\(second.stderr)")
            let id2 = try Self.runID(scratch.join("db2"))
            #expect(id2 != id1)
            #expect(try Self.count(server, "SELECT count(DISTINCT run_id) FROM clientele_customers") == 2)
            #expect(try Self.count(server, "SELECT count(*) FROM clientele_runs") == 2)
            #expect(try Self.count(server, "SELECT count(*) FROM clientele_segments WHERE run_id = '\(id2)'") == segments.count)
            try Self.exportCustomers(server, runID: id1, header: header, to: scratch.join("export1-again.csv"))
            #expect(try text(scratch.join("export1-again.csv")) == export1)
            try Self.exportCustomers(server, runID: id2, header: header, to: scratch.join("export2.csv"))
            Self.expectSameCustomers(expected, try text(scratch.join("export2.csv")))
        }
    }

    @Test("text is copied exactly: quotes, commas, tabs, line breaks, backslashes, non-ASCII and formula leads in ids and segment names")
    func awkwardText() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            let ids = ["a,b", "say \"hi\"", "tab\there", "line\nbreak", "back\\slash", "\\.", "北京-客户", "=1+1", "Zoë"]
            var csv = "customer_id,order_id,order_date,amount\n"
            for (i, id) in ids.enumerated() {
                let quoted = "\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                csv += "\(quoted),o\(i)a,2025-0\(1 + i % 9)-10,\(10 + i).50\n\(quoted),o\(i)b,2025-10-0\(1 + i % 9),\(3 * i + 1).25\n"
            }
            try scratch.write("t.csv", csv)
            try scratch.write("job.toml", """
                [transactions]
                path = "t.csv"
                [results]
                url = "\(server.url)"
                schema = "Analytics \\"Q4\\""
                customers_table = "Kunden, alle"
                [clv]
                enabled = false
                [clusters]
                enabled = false
                [churn]
                enabled = false
                [rfm.segments]
                1 = ["Tab\\there", "Tab\\there", "Say \\"hi\\"", "Say \\"hi\\"", "Can't, lose"]
                2 = ["Tab\\there", "Tab\\there", "Say \\"hi\\"", "Say \\"hi\\"", "Can't, lose"]
                3 = ["Back\\\\slash", "Back\\\\slash", "新客户", "Line\\nbreak", "Line\\nbreak"]
                4 = ["=Formula", "Zoë", "Zoë", "Line\\nbreak", "Line\\nbreak"]
                5 = ["=Formula", "Zoë", "Zoë", "Champions", "Champions"]

                """)
            try server.sql("CREATE SCHEMA \"Analytics \"\"Q4\"\"\";")
            let r = try CLI.run(["run", "job.toml", "--out", "report", "--raw-csv", "--quiet"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            let id = try Self.runID(scratch.join("report"))
            let expected = try text(scratch.join("report/customers.csv"))
            let header = try #require(csvRecords(expected).first)
            let columns = header.map { "\"\($0)\"" }.joined(separator: ", ")
            try server.sql("""
                \\copy (SELECT \(columns) FROM "Analytics ""Q4\"""."Kunden, alle" WHERE run_id = '\(id)' ORDER BY customer_id COLLATE "C") TO '\(scratch.join("export.csv"))' WITH (FORMAT csv, HEADER true)
                """)
            Self.expectSameCustomers(expected, try text(scratch.join("export.csv")))
            let stored = Set(try server.sql("SELECT encode(convert_to(customer_id, 'UTF8'), 'hex') FROM \"Analytics \"\"Q4\"\"\".\"Kunden, alle\"")
                .split(separator: "\n").map(String.init))
            #expect(stored == Set(ids.map { Array($0.utf8).map { String(format: "%02x", $0) }.joined() }))
            let names = try server.sql("SELECT encode(convert_to(segment, 'UTF8'), 'hex') FROM \"Analytics \"\"Q4\"\"\".clientele_segments WHERE run_id = '\(id)'")
                .split(separator: "\n").map(String.init)
            let expectedNames = ["Tab\there", "Say \"hi\"", "Can't, lose", "Back\\slash", "新客户", "Line\nbreak", "=Formula", "Zoë", "Champions"]
            #expect(Set(names) == Set(expectedNames.map { Array($0.utf8).map { String(format: "%02x", $0) }.joined() }))
        }
    }

    /// `clientele run` as a child process whose stderr goes to `log` (a file, never a pipe).
    static func start(_ arguments: [String], in folder: String, log: String, environment extra: [String: String]) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = try CLI.executable()
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        return process
    }

    @Test("kill -9 during the write-back (every row copied, COMMIT not sent): no row and no runs row of that run, no report landed; the next run recovers")
    func killDuringWriteBack() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try PostgresSourceTests.generate(scratch)
            try scratch.write("job.toml", """
                [transactions]
                path = "data/transactions.csv"
                [interactions]
                path = "data/interactions.csv"
                [results]
                url = "\(server.url)"

                """)
            let first = try CLI.run(["run", "job.toml", "--out", "first", "--quiet"], in: scratch.path)
            #expect(first.status == 0, "\(first.stderr)")
            let before = try server.sql("SELECT count(*), count(DISTINCT run_id) FROM clientele_customers; SELECT count(*) FROM clientele_segments; SELECT count(*) FROM clientele_runs;")

            let log = scratch.join("killed.stderr")
            let process = try Self.start(["run", "job.toml", "--out", "killed", "--history", "history.db"], in: scratch.path, log: log,
                                         environment: ["CLIENTELE_TEST_RESULTS_PAUSE_BEFORE_COMMIT": "120"])
            let deadline = Date().addingTimeInterval(180)
            var reached = false
            while Date() < deadline, process.isRunning {
                if (try? text(log))?.contains("clientele test hook: results copied, pausing before COMMIT") == true { reached = true; break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            #expect(reached, "the run never reached the pause: \((try? text(log)) ?? "")")
            // The transaction is open now, every row copied: uncommitted rows are invisible.
            let staging = scratch.join(".killed.staging-\(process.processIdentifier)")
            let id = try #require(ReportMarker.token(inFolder: staging), "the staging folder carries the run id")
            #expect(try Self.count(server, "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'") == 1)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            // The server rolls the open transaction back once it sees the connection gone.
            var open = 1
            for _ in 0..<100 {
                open = try Self.count(server, "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'")
                if open == 0 { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            #expect(open == 0)
            for table in ["clientele_customers", "clientele_segments", "clientele_runs"] {
                #expect(try Self.count(server, "SELECT count(*) FROM \(table) WHERE run_id = '\(id)'") == 0, "\(table)")
            }
            #expect(try server.sql("SELECT count(*), count(DISTINCT run_id) FROM clientele_customers; SELECT count(*) FROM clientele_segments; SELECT count(*) FROM clientele_runs;") == before)
            #expect(!FileManager.default.fileExists(atPath: scratch.join("killed")), "the report was not landed")

            // The next run into the same folder removes the dead run's staging folder and lands.
            let again = try CLI.run(["run", "job.toml", "--out", "killed", "--history", "history.db", "--quiet"], in: scratch.path)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(!FileManager.default.fileExists(atPath: staging))
            let id2 = try Self.runID(scratch.join("killed"))
            #expect(try Self.count(server, "SELECT count(*) FROM clientele_runs WHERE run_id = '\(id2)'") == 1)
            #expect(try Self.count(server, "SELECT count(*) FROM clientele_runs") == 2)
        }
    }

    @Test("--results on the command line: the rows go to that database under the job file's schema; a URL of another kind is exit 64, its password not shown")
    func resultsFlag() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try PostgresSourceTests.generate(scratch)
            _ = try server.sql("CREATE SCHEMA IF NOT EXISTS flagged;")
            try scratch.write("job.toml", "[transactions]\npath = \"data/transactions.csv\"\n[results]\nurl = \"postgresql://nobody@unreachable.invalid/none\"\nschema = \"flagged\"\n[clv]\nenabled = false\n")
            let run = try CLI.run(["run", "job.toml", "--results", server.url, "--out", "report", "--quiet"], in: scratch.path)
            #expect(run.status == 0, "\(run.stderr)")
            let id = try Self.runID(scratch.join("report"))
            #expect(try Self.count(server, "SELECT count(*) FROM flagged.clientele_runs WHERE run_id = '\(id)'") == 1)
            let customers = try csvRecords(text(scratch.join("report/customers.csv"))).count - 1
            #expect(try Self.count(server, "SELECT count(*) FROM flagged.clientele_customers WHERE run_id = '\(id)'") == customers)
            let refused = try CLI.run(["run", "job.toml", "--results", "mysql://u:hunter2@h/db", "--out", "other", "--quiet"], in: scratch.path)
            #expect(refused.status == 64 && refused.stderr.contains("--results mysql://") && !refused.stderr.contains("hunter2"), "\(refused.stderr)")
        }
    }

    @Test("a report folder that cannot land after the COMMIT (a foreign file put there meanwhile): the run's rows are deleted again, exit 73")
    func folderFailsAfterCommit() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try PostgresSourceTests.generate(scratch)
            try scratch.write("job.toml", "[transactions]\npath = \"data/transactions.csv\"\n[results]\nurl = \"\(server.url)\"\n[clv]\nenabled = false\n")
            let log = scratch.join("run.stderr")
            let process = try Self.start(["run", "job.toml", "--out", "report"], in: scratch.path, log: log,
                                         environment: ["CLIENTELE_TEST_RESULTS_PAUSE_BEFORE_COMMIT": "3"])
            let deadline = Date().addingTimeInterval(180)
            var reached = false
            while Date() < deadline, process.isRunning {
                if (try? text(log))?.contains("clientele test hook: results copied, pausing before COMMIT") == true { reached = true; break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(reached, "the run never reached the pause: \((try? text(log)) ?? "")")
            let staging = scratch.join(".report.staging-\(process.processIdentifier)")
            let id = try #require(ReportMarker.token(inFolder: staging))
            // While the run waits to COMMIT, someone puts a file of their own where the report would land.
            try FileManager.default.createDirectory(atPath: scratch.join("report"), withIntermediateDirectories: false)
            try scratch.write("report/notes.txt", "mine\n")
            process.waitUntilExit()
            #expect(process.terminationStatus == 73, "\((try? text(log)) ?? "")")
            #expect((try? text(log))?.contains("refusing to replace a folder that is not a Clientele report") == true)
            for table in ["clientele_customers", "clientele_segments", "clientele_runs"] {
                #expect(try Self.count(server, "SELECT count(*) FROM \(table) WHERE run_id = '\(id)'") == 0, "\(table)")
            }
            // The tables, created in the run's transaction, exist: it was committed, and its rows deleted after.
            #expect(try server.sql("SELECT to_regclass('clientele_runs') IS NOT NULL;").trimmingCharacters(in: .whitespacesAndNewlines) == "t")
            #expect(try entries(scratch.join("report")) == ["notes.txt"])
            #expect(!FileManager.default.fileExists(atPath: staging))
        }
    }

    @Test("a results table with another schema, or a COPY the server refuses: exit 73 with table and reason, nothing written, no report folder, no password")
    func failures() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try PostgresSourceTests.generate(scratch)
            func job(_ url: String, extra: String = "") throws {
                try scratch.write("job.toml", "[transactions]\npath = \"data/transactions.csv\"\n[results]\nurl = \"\(url)\"\n\(extra)")
            }
            // An existing table of another shape: refused before anything is copied.
            try server.sql("CREATE TABLE clientele_customers (run_id integer, customer_id text, score real);")
            try job(server.url + "&password=hunter2")
            let a = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
            #expect(a.status == 73)
            #expect(a.stderr.contains("table clientele_customers exists with another schema (run_id is integer, not text; no column first_order_date date"), "\(a.stderr)")
            #expect(a.stderr.contains("nothing of this run was written and the report folder was not replaced"))
            #expect(a.stderr.contains("password=***") && !a.stderr.contains("hunter2"), "\(a.stderr)")
            #expect(try entries(scratch.path) == ["data", "job.toml"], "no report folder, no staging folder")
            // The tables created in the rolled-back transaction are gone with it.
            #expect(try server.sql("SELECT to_regclass('clientele_runs') IS NULL, to_regclass('clientele_segments') IS NULL;")
                        .trimmingCharacters(in: .whitespacesAndNewlines) == "t|t")

            // A column the run does not fill, NOT NULL without a default: the COPY fails with the server's SQLSTATE.
            try server.sql("DROP TABLE clientele_customers;")
            let ok = try CLI.run(["run", "job.toml", "--out", "ok", "--quiet"], in: scratch.path)
            #expect(ok.status == 0, "\(ok.stderr)")
            try server.sql("ALTER TABLE clientele_segments ADD COLUMN owner text NOT NULL DEFAULT 'crm'; ALTER TABLE clientele_segments ALTER COLUMN owner DROP DEFAULT;")
            let b = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
            #expect(b.status == 73)
            #expect(b.stderr.contains("COPY into clientele_segments failed: ERROR: null value in column \"owner\""), "\(b.stderr)")
            #expect(b.stderr.contains("(SQLSTATE 23502)") && !b.stderr.contains("hunter2"), "\(b.stderr)")
            #expect(try Self.count(server, "SELECT count(*) FROM clientele_runs") == 1, "the refused run's runs row was rolled back")
            #expect(try Self.count(server, "SELECT count(DISTINCT run_id) FROM clientele_customers") == 1)
            #expect(!FileManager.default.fileExists(atPath: scratch.join("report")))

            // No server: the message names the sink without its password.
            try job("postgresql://clientele:hunter2@127.0.0.1:1/postgres")
            let c = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
            #expect(c.status == 73)
            #expect(c.stderr.contains("results to postgresql://clientele@127.0.0.1:1/postgres: cannot connect to PostgreSQL"), "\(c.stderr)")
            #expect(!c.stderr.contains("hunter2"))
            #expect(!FileManager.default.fileExists(atPath: scratch.join("report")))
        }
    }

    /// The first ```LANG block under the README's "### Results in PostgreSQL".
    static func readmeBlock(_ language: String) throws -> String {
        let readme = try text(Package.root.appendingPathComponent("README.md").path)
        let section = try #require(readme.range(of: "### Results in PostgreSQL"))
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```\(language)\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }

    @Test("the README's [results] example runs as written (its URL replaced by the test server's), and its SQL reads the latest run's segments")
    func readmeExample() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try PostgresSourceTests.generate(scratch)
            try server.sql("""
                CREATE SCHEMA sales;
                CREATE SCHEMA analytics;
                CREATE TABLE sales.orders (customer_id text, order_id text, order_date date, amount numeric(14,2),
                                           quantity integer, product_id text, channel text);
                \\copy sales.orders FROM '\(scratch.join("data/transactions.csv"))' WITH (FORMAT csv, HEADER true)
                """)
            let example = try Self.readmeBlock("toml")
            #expect(example.contains("[results]"))
            try scratch.write("job.toml", example.replacingOccurrences(of: "postgresql://analyst@db.example/crm", with: server.url))
            let r = try CLI.run(["run", "job.toml", "--quiet"], in: scratch.path)
            #expect(r.status == 0, "the README's [results] example fails: \(r.stderr)")
            let id = try Self.runID(scratch.join("reports/nightly"))
            let scored = try #require((try Self.report(scratch.join("reports/nightly/report.json"))["customers"] as? [String: Any])?["scored"] as? Int)
            #expect(try Self.count(server, "SELECT count(*) FROM analytics.clientele_customers WHERE run_id = '\(id)'") == scored)
            let rows = try server.sql(try Self.readmeBlock("sql")).split(separator: "\n")
            let segments = try text(scratch.join("reports/nightly/segments.csv")).split(separator: "\n").count - 1
            #expect(rows.count == segments && rows.first?.hasPrefix("Champions|") == true, "\(rows)")
        }
    }

    @Test("[results] job-file checks: url required and a PostgreSQL one, one-part table names, three different tables, known keys (exit 64)")
    func settings() throws {
        try withScratch { scratch in
            for (toml, message) in [
                ("schema = \"x\"\n", "results needs url = "),
                ("url = \"mysql://u:secret@db/x\"\n", "results.url = \"mysql://u@db/x\": use a PostgreSQL URL"),
                ("url = \"postgresql:///db\"\ncustomers_table = \"a.b\"\n", "results.customers_table = \"a.b\": give one name"),
                ("url = \"postgresql:///db\"\nruns_table = \"\"\n", "results.runs_table = \"\": give one name"),
                ("url = \"postgresql:///db\"\nruns_table = \"t\"\nsegments_table = \"t\"\n", "three different tables"),
                ("url = \"postgresql:///db\"\ntable = \"t\"\n", "unknown key \"results.table\"; known keys here: url, schema, customers_table, segments_table, runs_table"),
            ] {
                try scratch.write("job.toml", "[transactions]\npath = \"t.csv\"\n[results]\n" + toml)
                let r = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
                #expect(r.status == 64, "\(toml)")
                #expect(r.stderr.contains(message), "\(toml): \(r.stderr)")
                #expect(!r.stderr.contains("secret"))
            }
            try scratch.write("job.toml", "[results]\nurl = \"postgresql://analyst@db/crm\"\nschema = \"bi\"\nruns_table = \"runs\"\n")
            let config = try JobFile(path: scratch.join("job.toml")).apply(to: JobConfiguration())
            #expect(config.results?.url == "postgresql://analyst@db/crm" && config.results?.schema == "bi")
            #expect(config.results?.runsTable == "runs" && config.results?.customersTable == "clientele_customers"
                    && config.results?.segmentsTable == "clientele_segments")
        }
    }
}
