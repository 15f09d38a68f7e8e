import Foundation
import Testing
@testable import Clientele

/// A run that must fail, and how: the configuration change and the exit status it maps to.
struct FailingRunCase: Sendable, CustomTestStringConvertible {
    var label: String
    var status: Clientele.ExitStatus
    var change: @Sendable (inout JobConfiguration, ScratchFolder) -> Void
    var testDescription: String { label }

    static let all: [FailingRunCase] = [
        .init(label: "a bad row under the fail policy", status: .dataError) { c, _ in
            c.transactions = CSVSource(path: Package.fixture("e2e/transactions_bad_rows.csv"))
        },
        .init(label: "a missing transactions file", status: .noInput) { c, s in
            c.transactions = CSVSource(path: s.join("no-such-transactions.csv"))
        },
        .init(label: "a missing interactions file", status: .noInput) { c, s in
            c.interactions = CSVSource(path: s.join("no-such-interactions.csv"))
        },
        .init(label: "bad interaction rows under the fail policy", status: .dataError) { c, _ in
            c.interactions = CSVSource(path: Package.fixture("e2e/interactions_bad_rows.csv"))
        },
        .init(label: "an as-of before every order", status: .dataError) { c, _ in
            c.asOf = CalendarDay(iso: "2024-07-01")
        },
        .init(label: "a max reject share above 1", status: .usage) { c, _ in
            c.ingest.maxRejectShare = 1.5
        },
        .init(label: "a calibration end after as-of", status: .usage) { c, _ in
            c.asOf = CalendarDay(iso: "2025-01-01"); c.calibrationEnd = CalendarDay(iso: "2025-02-01")
        },
        .init(label: "quantiles that do not match the segment map", status: .usage) { c, _ in
            c.rfm.quantiles = 4
        },
        .init(label: "a header without the amount column", status: .dataError) { c, s in
            c.transactions = CSVSource(path: try! s.write("t.csv", "customer_id,order_id,order_date\nu1,1,2025-01-01\n"))
        },
        .init(label: "a header-only transactions file", status: .dataError) { c, s in
            c.transactions = CSVSource(path: try! s.write("t.csv", "customer_id,order_id,order_date,amount\n"))
        },
    ]
}

@Suite("Run, end to end")
struct EndToEndRunTests {
    static let customersHeader = "customer_id,first_order_date,last_order_date,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_cell,segment,historical_clv"
    static let clvColumns = ",cluster,p_alive,expected_purchases,expected_order_value,predicted_clv,value_quadrant"
        + ",p_no_purchase_90d"
    static let segmentsHeader = "segment,customers,share,revenue,revenue_share,mean_recency_days,mean_frequency,mean_monetary"
    static let rejectsHeader = "file,line,column,reason,raw_line"

    static func firstLine(_ path: String) throws -> String {
        String(try text(path).split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }

    /// The exit status a thrown error maps to (70 when it is not a `ClienteleError`).
    static func status(_ error: any Error) -> Clientele.ExitStatus { (error as? any ClienteleError)?.exitStatus ?? .software }

    @Test("a run writes the contract's files, headers and report.json sections", arguments: [
        (BadRowPolicy.fail, false, ["clusters.csv", "clv_model.json", "cohorts.csv", "customers.csv", "report.html", "report.json", "report.md", "segments.csv"]),
        (.skip, false, ["clusters.csv", "clv_model.json", "cohorts.csv", "customers.csv", "rejects.csv", "report.html", "report.json", "report.md", "segments.csv"]),
        (.fail, true, ["clusters.csv", "clv_model.json", "cohorts.csv", "correlations.csv", "customers.csv", "report.html", "report.json", "report.md", "segments.csv"]),
    ])
    func outputFolder(policy: BadRowPolicy, withInteractions: Bool, files: [String]) throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"),
                                       interactions: withInteractions ? Package.fixture("e2e/interactions.csv") : nil, clv: true, clusters: true,
                                       satisfaction: withInteractions)
            config.ingest.onBadRow = policy
            _ = try Run(configuration: config).execute()
            let report = scratch.join("report")
            #expect(try entries(scratch.path) == ["report"], "nothing but the report folder beside it")
            #expect(try entries(report) == [ReportMarker.fileName] + files)
            #expect(try Self.firstLine(report + "/customers.csv")
                    == Self.customersHeader + Self.clvColumns + (withInteractions ? ",mean_satisfaction,mean_recommend,complaints,loyalty_group" : ""))
            #expect(try Self.firstLine(report + "/segments.csv") == Self.segmentsHeader)
            if withInteractions {
                #expect(try Self.firstLine(report + "/correlations.csv") == "group,x,y,n,pearson_r,pearson_p,pearson_ci_low,pearson_ci_high,spearman_rho,spearman_p,kendall_tau_b,kendall_p")
            }
            if policy == .skip {
                #expect(try text(report + "/rejects.csv") == Self.rejectsHeader + "\n", "no bad rows: header only")
            }
            let clusters = try text(report + "/clusters.csv").split(separator: "\n")
            #expect(clusters.first == "cluster,customers,share,mean_recency_days,mean_frequency,mean_monetary")
            #expect(clusters.dropFirst().compactMap { Int($0.split(separator: ",")[1]) }.reduce(0, +) == 13, "every customer in one cluster")
            #expect(try text(report + "/report.md").hasPrefix("# "))

            let json = try reportJSON(report)
            for key in ["tool", "started_at", "settings", "inputs", "customers", "rfm", "cohorts", "clv", "clusters", "skipped", "timings", "outputs"] {
                #expect(json[key] != nil, "report.json lacks \(key)")
            }
            let outputs = try #require(json["outputs"] as? [String])
            #expect(Set(outputs) == Set(files))
            #expect(outputs == ReportStage.inFileOrder(outputs), "listed in the order a run spread over partitions lists them too")
            let tool = try #require(json["tool"] as? [String: Any])
            #expect(tool["name"] as? String == "clientele")
            #expect(tool["version"] as? String == ClienteleVersion.current)
            let inputs = try #require(json["inputs"] as? [[String: Any]])
            #expect(inputs.compactMap { $0["role"] as? String } == (withInteractions ? ["transactions", "interactions"] : ["transactions"]))
            for input in inputs {
                for key in ["path", "rows_read", "rows_used", "rows_rejected", "rejected_by_reason"] {
                    #expect(input[key] != nil, "inputs[] lacks \(key)")
                }
            }
            let settings = try #require(json["settings"] as? [String: Any])
            #expect(settings["as_of"] as? String == "2025-07-01")
            #expect(settings["rfm_ties"] as? String == "fill", "the default tie rule")
            #expect(settings["on_bad_row"] as? String == policy.rawValue)
            let timings = try #require(json["timings"] as? [String: Double])
            #expect(timings["total"] != nil)
            #expect(timings.values.allSatisfy { $0 >= 0 })
        }
    }

    @Test("a second successful run replaces the report whole and leaves nothing beside it")
    func replace() throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))
            config.ingest.onBadRow = .skip
            _ = try Run(configuration: config).execute()
            #expect(try entries(scratch.join("report")).contains("rejects.csv"))
            config.rfm.ties = .split
            config.ingest.onBadRow = .fail
            _ = try Run(configuration: config).execute()
            #expect(try entries(scratch.path) == ["report"])
            #expect(try entries(scratch.join("report")) == [ReportMarker.fileName, "cohorts.csv", "customers.csv", "report.html", "report.json", "report.md", "segments.csv"],
                    "the old rejects.csv went with the old report")
            #expect(try bytes(scratch.join("report/customers.csv")) == bytes(Package.fixture("rfm/expected_split.csv")))
        }
    }

    @Test("a failing second run leaves the previous report byte-identical and no folder of its own", arguments: FailingRunCase.all)
    func atomic(c: FailingRunCase) throws {
        try withScratch { scratch in
            // Inputs the case writes go to `scratch`; the report lives alone in `parent`.
            let parent = scratch.join("reports")
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
            let good = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: parent + "/report")
            _ = try Run(configuration: good).execute()
            let before = try snapshot(parent + "/report")
            #expect(try entries(parent) == ["report"])

            var bad = good
            c.change(&bad, scratch)
            let error = #expect(throws: (any Error).self) { try Run(configuration: bad).execute() }
            #expect(error.map(Self.status) == c.status, "\(String(describing: error))")
            #expect(try snapshot(parent + "/report") == before)
            // Nothing new beside the report: no half folder and no hidden staging folder.
            #expect(try entries(parent) == ["report"])
        }
    }

    @Test("an output path under a regular file is a ReportError with exit status 73", arguments: [
        "file.txt/report", "file.txt/deeper/report", "file.txt",
    ])
    func notCreatable(out: String) throws {
        try withScratch { scratch in
            try scratch.write("file.txt", "not a folder\n")
            let config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join(out))
            let error = #expect(throws: ReportError.self) { try Run(configuration: config).execute() }
            #expect(error?.exitStatus == .cantCreate)
            #expect(error?.exitStatus.rawValue == 73)
            #expect(error?.description.contains(scratch.join(out)) == true)
            #expect(try text(scratch.join("file.txt")) == "not a folder\n")
            #expect(try entries(scratch.path) == ["file.txt"])
        }
    }

    @Test("--on-bad-row skip writes rejects.csv with file, line, column, reason and the raw line")
    func rejects() throws {
        try withScratch { scratch in
            let transactions = Package.fixture("e2e/transactions_bad_rows.csv"), interactions = Package.fixture("e2e/interactions_bad_rows.csv")
            var config = configuration(transactions: transactions, out: scratch.join("report"), interactions: interactions)
            config.ingest.onBadRow = .skip
            config.ingest.maxRejectShare = 0.25
            _ = try Run(configuration: config).execute()
            let records = csvRecords(try text(scratch.join("report/rejects.csv")))
            #expect(records.first == ["file", "line", "column", "reason", "raw_line"])
            let rows = Array(records.dropFirst())
            try #require(rows.count == 4)
            #expect(rows.map { [$0[0], $0[1], $0[2]] } == [
                [transactions, "5", "3"], [transactions, "20", "4"], [interactions, "4", "5"], [interactions, "8", "2"],
            ])
            #expect(rows.map { String($0[3].prefix { $0 != ":" }) } == ["bad_date", "bad_amount", "out_of_range", "bad_date"])
            #expect(rows[0][3].contains("2025-02-30"))
            #expect(rows.map { $0[4] } == [
                "u5,SO-1100,2025-02-30,12.00,1,P40,web", "u7,SO-1101,2025-03-01,\"12,50\",1,P41,web",
                "u4,2025-06-16,phone,survey,9,7", "u5,2025-13-01,email,survey,4,8",
            ])
            // The rejected rows are all there is between this file and the clean fixture.
            #expect(try bytes(scratch.join("report/customers.csv")) == bytes(Package.fixture("rfm/expected_fill.csv")))
        }
    }

    @Test("report.json accounts for every row: read = used + rejected, per file and per reason")
    func accounting() throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("e2e/transactions_bad_rows.csv"), out: scratch.join("report"),
                                       interactions: Package.fixture("e2e/interactions_bad_rows.csv"))
            config.ingest.onBadRow = .skip
            config.ingest.maxRejectShare = 0.25
            _ = try Run(configuration: config).execute()
            let inputs = try #require(try reportJSON(scratch.join("report"))["inputs"] as? [[String: Any]])
            try #require(inputs.count == 2)
            let expected: [(role: String, read: Int, used: Int, byReason: [String: Int])] = [
                ("transactions", 40, 38, ["bad_date": 1, "bad_amount": 1]),
                ("interactions", 10, 8, ["bad_date": 1, "out_of_range": 1]),
            ]
            for (input, e) in zip(inputs, expected) {
                let read = try #require(input["rows_read"] as? Int), used = try #require(input["rows_used"] as? Int)
                let rejected = try #require(input["rows_rejected"] as? Int)
                let byReason = try #require(input["rejected_by_reason"] as? [String: Int])
                #expect(input["role"] as? String == e.role)
                #expect(read == e.read)
                #expect(used == e.used)
                #expect(byReason == e.byReason)
                #expect(read == used + rejected)
                #expect(rejected == byReason.values.reduce(0, +))
            }
            #expect(inputs[1]["rows_unmatched_customer"] as? Int == 1)
            #expect(inputs[1]["unmatched_customer_examples"] as? [String] == ["x99"])
        }
    }

    @Test("a reject share over the maximum fails with 65, names the rejects file, and leaves the old report untouched", arguments: [
        (0.0, true), (0.01, true), (0.049, true), (0.05, false), (0.1, false),
    ])
    func rejectShare(maxShare: Double, fails: Bool) throws {
        try withScratch { scratch in
            _ = try Run(configuration: configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))).execute()
            let before = try snapshot(scratch.join("report"))
            var config = configuration(transactions: Package.fixture("e2e/transactions_bad_rows.csv"), out: scratch.join("report"))
            config.ingest.onBadRow = .skip
            config.ingest.maxRejectShare = maxShare  // 2 of 40 rows = 5% are bad
            if fails {
                let error = #expect(throws: IngestError.self) { try Run(configuration: config).execute() }
                #expect(error?.exitStatus == .dataError)
                guard case .tooManyRejects(_, 2, 40, maxShare, let rejectsFile?) = error else {
                    Issue.record("expected tooManyRejects(2 of 40) naming a rejects file, got \(String(describing: error))"); return
                }
                #expect(try snapshot(scratch.join("report")) == before)
                #expect(error?.description.contains(rejectsFile) == true)
                #expect(csvRecords(try text(rejectsFile)).count == 3, "header and the two rejected rows")
                #expect(try entries(scratch.path).allSatisfy { $0 == "report" || scratch.join($0) == rejectsFile })
            } else {
                _ = try Run(configuration: config).execute()
                #expect(try entries(scratch.join("report")).contains("rejects.csv"))
                #expect(try bytes(scratch.join("report/customers.csv")) == bytes(Package.fixture("rfm/expected_fill.csv")))
            }
        }
    }

    @Test("without an interactions file report.json says the interactions section was skipped", arguments: [false, true])
    func skipped(withInteractions: Bool) throws {
        try withScratch { scratch in
            let config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"),
                                       interactions: withInteractions ? Package.fixture("e2e/interactions.csv") : nil)
            _ = try Run(configuration: config).execute()
            let skipped = try #require(try reportJSON(scratch.join("report"))["skipped"] as? [[String: Any]])
            let sections = skipped.compactMap { $0["section"] as? String }
            #expect(sections.contains("interactions") == !withInteractions)
            if !withInteractions {
                #expect(skipped.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
                #expect(try text(scratch.join("report/report.md")).contains("interactions"))
            }
        }
    }

    @Test("customers whose first order is on or after as-of are counted as not yet active", arguments: [
        ("2024-07-02", 2, 11), ("2024-09-01", 5, 8), ("2025-01-01", 8, 5), ("2025-06-30", 12, 1), ("2025-07-01", 13, 0),
    ])
    func asOf(day: String, scored: Int, notYetActive: Int) throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))
            config.asOf = CalendarDay(iso: day)
            let outcome = try Run(configuration: config).execute()
            #expect(outcome.report.customers.scored == scored)
            #expect(outcome.report.customers.notYetActive == notYetActive)
            #expect(outcome.report.customers.inTransactions == 13)
            let json = try #require(try reportJSON(scratch.join("report"))["customers"] as? [String: Any])
            #expect(json["scored"] as? Int == scored)
            #expect(json["not_yet_active"] as? Int == notYetActive)
            let settings = try #require(try reportJSON(scratch.join("report"))["settings"] as? [String: Any])
            #expect(settings["as_of"] as? String == day)
            #expect(settings["as_of_defaulted"] as? Bool == false)
            #expect(csvRecords(try text(scratch.join("report/customers.csv"))).count == 1 + scored)
        }
    }

    @Test("lines dated on or after as-of are left out, even a late return inside an earlier order")
    func asOfCutsLines() throws {
        try withScratch { scratch in
            // Order 1 is bought on 2025-01-10 and refunded on 2025-03-01; as of 2025-02-01 the refund has not happened.
            let input = try scratch.write("t.csv", """
                customer_id,order_id,order_date,amount
                a,1,2025-01-10,100.00
                a,1,2025-03-01,-100.00
                b,2,2025-01-20,50.00

                """)
            var config = configuration(transactions: input, out: scratch.join("report"))
            config.asOf = CalendarDay(iso: "2025-02-01")
            let outcome = try Run(configuration: config).execute()
            let rows = Dictionary(uniqueKeysWithValues: csvRecords(try text(scratch.join("report/customers.csv"))).dropFirst().map { ($0[0], $0) })
            #expect(rows["a"]?[5] == "100.00", "monetary as of 2025-02-01 must not include the refund of 2025-03-01")
            #expect(rows["a"]?[11] == "100.00")
            #expect(outcome.report.customers.netRevenue == 150)
        }
    }
}
