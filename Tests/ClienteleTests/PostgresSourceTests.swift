import Foundation
import Testing
@testable import Clientele

/// A throw-away PostgreSQL server (Tests/postgres/server.sh): its own folder and Unix socket.
final class PostgresServer {
    let folder: ScratchFolder
    let url: String

    init(_ label: String = #function) throws {
        folder = try ScratchFolder("pg" + label)
        let r = try Self.run(Package.root.path + "/Tests/postgres/server.sh start " + folder.path, in: folder)
        guard r.status == 0 else { folder.remove(); throw PostgresServerError(output: r.output) }
        url = r.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
    }

    deinit {
        _ = try? Self.run(Package.root.path + "/Tests/postgres/server.sh stop " + folder.path, in: folder)
        folder.remove()
    }

    /// Runs a shell command with its output in a file, not a pipe: the server it starts outlives
    /// it, and a descriptor it inherited would keep a pipe open.
    static func run(_ command: String, in folder: ScratchFolder) throws -> (status: Int32, output: String) {
        let log = folder.join("command.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " </dev/null >'\(log)' 2>&1"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? text(log)) ?? "")
    }

    /// Runs SQL through psql (ON_ERROR_STOP); returns its unaligned, tuples-only output.
    @discardableResult
    func sql(_ statements: String) throws -> String {
        let script = folder.join("statements.sql")
        try Data(statements.utf8).write(to: URL(fileURLWithPath: script))
        let r = try Self.run("psql -X -q -A -t -v ON_ERROR_STOP=1 '\(url)' -f '\(script)'", in: folder)
        guard r.status == 0 else { throw PostgresServerError(output: r.output) }
        return r.output
    }
}

struct PostgresServerError: Error, CustomStringConvertible {
    var output: String
    var description: String { "PostgreSQL: " + output }
}

/// PostgreSQL as a source: a table or a query streamed with COPY … TO STDOUT into the byte
/// scanner, with a file's typing, rejects and accounting.
@Suite("PostgreSQL exports: a table or a query read like a file", .serialized)
struct PostgresSourceTests {
    static func generate(_ scratch: ScratchFolder) throws {
        let g = try CLI.run(["generate", "--customers", "1500", "--seed", "4", "--out", "data"], in: scratch.path)
        #expect(g.status == 0, "\(g.stderr)")
    }

    @Test("a table and a query give the customers.csv of the files they were loaded from; the report names the source without its password")
    func tableAndQuery() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try Self.generate(scratch)
            try server.sql("""
                CREATE SCHEMA crm;
                CREATE TABLE crm."Orders" (customer_id text, order_id text, order_date date, amount numeric(14,2),
                                           quantity integer, product_id text, channel text);
                \\copy crm."Orders" FROM '\(scratch.join("data/transactions.csv"))' WITH (FORMAT csv, HEADER true)
                CREATE TABLE contacts (customer_id text, interaction_date date, channel text, kind text, satisfaction real, recommend real);
                \\copy contacts FROM '\(scratch.join("data/interactions.csv"))' WITH (FORMAT csv, HEADER true)
                """)
            let plain = try CLI.run(["run", "--transactions", "data/transactions.csv", "--interactions", "data/interactions.csv",
                                     "--out", "plain", "--quiet"], in: scratch.path)
            #expect(plain.status == 0, "\(plain.stderr)")
            let expected = try text(scratch.join("plain/customers.csv"))
            let withPassword = server.url.replacingOccurrences(of: "user=clientele", with: "user=clientele&password=hunter2")
            try scratch.write("table.toml", """
                [transactions]
                url = "\(withPassword)"
                table = "crm.Orders"
                [interactions]
                url = "\(server.url)"
                query = "SELECT customer_id, interaction_date, channel, kind, satisfaction, recommend FROM contacts;"

                """)
            let r = try CLI.run(["run", "table.toml", "--out", "table", "--quiet"], in: scratch.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try text(scratch.join("table/customers.csv")) == expected)
            let report = try text(scratch.join("table/report.json"))
            #expect(report.contains("password=***") && !report.contains("hunter2"))
            #expect(report.contains("(table crm.Orders)") && report.contains("(query)"))
        }
    }

    @Test("a missing table, a refused connection and a SQL error are unreadable inputs (exit 66) naming the source, never the password")
    func failures() throws {
        let server = try PostgresServer()
        try withScratch { scratch in
            try scratch.write("a.toml", "[transactions]\nurl = \"\(server.url)\"\ntable = \"nosuch\"\n")
            let a = try CLI.run(["run", "a.toml", "--out", "report"], in: scratch.path)
            #expect(a.status == 66)
            #expect(a.stderr.contains("(table nosuch): cannot read: PostgreSQL refused the export: ERROR:  relation \"nosuch\" does not exist"), "\(a.stderr)")
            try scratch.write("b.toml", "[transactions]\nurl = \"postgresql://clientele:hunter2@127.0.0.1:1/postgres\"\ntable = \"sales\"\n")
            let b = try CLI.run(["run", "b.toml", "--out", "report"], in: scratch.path)
            #expect(b.status == 66)
            #expect(b.stderr.contains("postgresql://clientele@127.0.0.1:1/postgres (table sales): cannot read: cannot connect to PostgreSQL"), "\(b.stderr)")
            #expect(!b.stderr.contains("hunter2"))
            try scratch.write("c.toml", "[transactions]\nurl = \"\(server.url)\"\nquery = \"SELECT 1/0 AS amount\"\n")
            let c = try CLI.run(["run", "c.toml", "--out", "report"], in: scratch.path)
            #expect(c.status == 66)
            #expect(c.stderr.contains("division by zero"), "\(c.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch.join("report")))
        }
    }

    @Test("job-file checks: url with both or neither of table and query, url beside path, table without url (exit 64)")
    func settings() throws {
        try withScratch { scratch in
            for (toml, message) in [
                ("url = \"postgresql:///db\"\n", "transactions.url needs exactly one of table"),
                ("url = \"postgresql:///db\"\ntable = \"t\"\nquery = \"SELECT 1\"\n", "transactions.url needs exactly one of table"),
                ("url = \"postgresql:///db\"\ntable = \"t\"\npath = \"t.csv\"\n", "give either path (a file) or url (PostgreSQL), not both"),
                ("path = \"t.csv\"\ntable = \"t\"\n", "transactions.table and transactions.query need transactions.url"),
            ] {
                try scratch.write("job.toml", "[transactions]\n" + toml)
                let r = try CLI.run(["run", "job.toml", "--out", "report"], in: scratch.path)
                #expect(r.status == 64, "\(toml)")
                #expect(r.stderr.contains(message), "\(toml): \(r.stderr)")
            }
        }
    }

    @Test("the display name drops a URL's password and every password= setting")
    func redaction() {
        #expect(DatabaseSource.redacted("postgresql://ana:s3cr%40t@db.example:5432/crm?sslmode=require") == "postgresql://ana@db.example:5432/crm?sslmode=require")
        #expect(DatabaseSource.redacted("postgresql:///crm?host=/run/pg&password=x&user=ana") == "postgresql:///crm?host=/run/pg&password=***&user=ana")
        #expect(DatabaseSource.redacted("host=db dbname=crm password=x user=ana") == "host=db dbname=crm password=*** user=ana")
        #expect(DatabaseSource(url: "postgresql:///crm", table: "a.\"b").copyStatement == #"COPY "a"."""b" TO STDOUT WITH (FORMAT csv, HEADER true)"#)
        #expect(DatabaseSource(url: "postgresql:///crm", query: "SELECT 1 ;\n").copyStatement == "COPY (SELECT 1) TO STDOUT WITH (FORMAT csv, HEADER true)")
    }
}
