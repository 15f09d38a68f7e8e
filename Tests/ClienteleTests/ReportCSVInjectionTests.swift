import Foundation
import Testing
@testable import Clientele
@testable import ClienteleKernels

/// A text cell from data and the exact bytes each `CSVCellPolicy` writes for it.
struct CSVCellCase: Sendable, CustomTestStringConvertible {
    var cell: String
    var neutralized: String
    var raw: String
    var testDescription: String { cell.debugDescription }

    /// A cell that no policy changes beyond RFC 4180 quoting.
    init(_ cell: String, unchanged written: String? = nil) {
        self.cell = cell
        neutralized = written ?? cell
        raw = written ?? cell
    }

    init(_ cell: String, neutralized: String, raw: String? = nil) {
        self.cell = cell
        self.neutralized = neutralized
        self.raw = raw ?? cell
    }

    static let all: [CSVCellCase] = [
        .init("=1+1", neutralized: "\"'=1+1\""),
        .init("+1", neutralized: "\"'+1\""),
        .init("-1", neutralized: "\"'-1\""),
        .init("@SUM(A1)", neutralized: "\"'@SUM(A1)\""),
        .init("\tx", neutralized: "\"'\tx\""),
        .init("\rx", neutralized: "\"'\rx\"", raw: "\"\rx\""),
        .init("=HYPERLINK(\"http://x\",\"y\")", neutralized: "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
              raw: "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        .init("-2,5", neutralized: "\"'-2,5\"", raw: "\"-2,5\""),
        .init("a=b"),
        .init("plain"),
        .init("Smith, J", unchanged: "\"Smith, J\""),
        .init("q\"uote", unchanged: "\"q\"\"uote\""),
        .init("'=1"),
        .init("é=1"),
        .init(""),
    ]
}

@Suite("CSV cells from data: formulas neutralised (OWASP), numbers and --raw-csv untouched")
struct ReportCSVInjectionTests {
    static let formulaLeads: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13]

    /// The bytes `cell` becomes under `policy`, written into an array and into a row cursor (they must agree).
    static func written(_ cell: String, _ policy: CSVCellPolicy) -> String {
        var buffer = ByteBuffer()
        buffer.field(cell, policy: policy)
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256)
        defer { block.deallocate() }
        var cursor = RowCursor(block)
        var key = cell
        key.withUTF8 { cursor.field(UnsafeRawBufferPointer($0), policy: policy) }
        let viaCursor = Array(block[..<(cursor.position - block.baseAddress!)])
        #expect(viaCursor == buffer.bytes, "the row cursor and the byte buffer disagree")
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test("a cell is written exactly so: quote-prefixed and quoted when it would run as a formula, as it is with raw cells",
          arguments: CSVCellCase.all)
    func exactBytes(c: CSVCellCase) {
        #expect(Self.written(c.cell, .neutralizeFormulas) == c.neutralized)
        #expect(Self.written(c.cell, .raw) == c.raw)
    }

    @Test("exactly the six formula leads are neutralised, whatever follows them")
    func everyLeadByte() {
        for lead in UInt8.min...UInt8.max {
            let cell = String(decoding: [lead, UInt8(ascii: "x")], as: UTF8.self)
            let isLead = Self.formulaLeads.contains(lead)
            #expect(CSVCellPolicy.isFormulaLead(lead) == isLead, "byte \(lead)")
            #expect(Self.written(cell, .neutralizeFormulas).hasPrefix("\"'") == isLead, "byte \(lead)")
        }
    }

    // MARK: End to end

    /// Ids and segment names that a spreadsheet would run, with the cells a reader must get back.
    static let hostileIDs = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")", "a=b", "-2,5"]
    static let hostileMap: [[String]] = [
        ["=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "+At Risk", "+At Risk", "@Can't Lose"],
        ["=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "+At Risk", "+At Risk", "@Can't Lose"],
        ["-About to Sleep", "-About to Sleep", "\tNeed Attention", "Loyal, \"L\"", "Loyal, \"L\""],
        ["\rPromising", "Potential", "Potential", "Loyal, \"L\"", "Loyal, \"L\""],
        ["New", "Potential", "Potential", "Champions=1", "Champions=1"],
    ]
    /// A customer whose only order is a return: monetary `-12.50`, a number Clientele formats, never neutralised.
    static let returnOnly = "-return"
    /// A transactions row that fails to parse, and so becomes a row of rejects.csv.
    static let badRow = "-bad,o-x,someday,1.00,1,P1,web"

    /// What a spreadsheet-safe writer turns `cell` into, as a CSV reader reads it back.
    static func neutralized(_ cell: String) -> String {
        guard let lead = cell.utf8.first, formulaLeads.contains(lead) else { return cell }
        return "'" + cell
    }

    /// `cell` as an RFC 4180 field of an input file.
    static func inputField(_ cell: String) -> String { "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Generated exports whose first customers are renamed to `hostileIDs`, plus a return-only
    /// customer and a bad row; the configuration runs churn and satisfaction with the hostile map.
    static func hostileRun(_ scratch: ScratchFolder) throws -> JobConfiguration {
        let population = SyntheticPopulation(customers: 2_000, seed: 8)
        let files = try population.render()
        var transactions = String(decoding: files.transactions, as: UTF8.self).split(separator: "\n").map(String.init)
        let ids = transactions.dropFirst().map { String($0.prefix { $0 != "," }) }
        var seen: [String] = []
        for id in ids where seen.last != id && !seen.contains(id) { seen.append(id); if seen.count == hostileIDs.count { break } }
        let rename = Dictionary(uniqueKeysWithValues: zip(seen, hostileIDs.map(inputField)))
        func renamed(_ lines: [String]) -> String {
            lines.map { line in
                let id = String(line.prefix { $0 != "," })
                return rename[id].map { $0 + line.dropFirst(id.count) } ?? line
            }.joined(separator: "\n") + "\n"
        }
        let lastDay = population.calibrationEnd.description
        transactions += ["\(returnOnly),o-r,\(lastDay),-12.50,1,P1,web", badRow]
        let interactions = String(decoding: files.interactions, as: UTF8.self).split(separator: "\n").map(String.init)
        var config = configuration(transactions: try scratch.write("t.csv", renamed(transactions)), out: scratch.join("report"),
                                   interactions: try scratch.write("i.csv", renamed(interactions)), churn: true, satisfaction: true)
        config.asOf = population.asOf
        config.calibrationEnd = population.calibrationEnd
        config.rfm.segments = try SegmentMap(rows: hostileMap)
        config.ingest.onBadRow = .skip
        config.ingest.maxRejectShare = 0.5
        return config
    }

    @Test("a run writes hostile ids, segment names and rejected lines quote-prefixed in every CSV, and negative amounts as numbers")
    func endToEnd() throws {
        try withScratch { scratch in
            let config = try Self.hostileRun(scratch)
            let outcome = try Run(configuration: config).execute()
            #expect(outcome.report.churn != nil, "the churn model ran, so churn_risk.csv exists")
            let report = scratch.join("report")
            let ids = Set(Self.hostileIDs.map(Self.neutralized))
            let names = Set(config.rfm.segments.names.map(Self.neutralized))
            #expect(names.contains("'=cmd|' /C calc'!A0") && names.contains("'\rPromising") && names.contains("Champions=1"))

            let customers = csvRecords(try text(report + "/customers.csv")).dropFirst()
            #expect(ids.isSubset(of: Set(customers.map { $0[0] })), "every hostile id reads back neutralised")
            #expect(customers.allSatisfy { names.contains($0[10]) }, "every segment cell reads back neutralised")
            #expect(customers.allSatisfy { Self.neutralized($0[0]) == $0[0] }, "no cell of customer_id starts a formula")
            let returned = try #require(customers.first { $0[0] == "'" + Self.returnOnly })
            #expect(returned[5] == "-12.50" && returned[11].hasPrefix("-"), "monetary and historical_clv stay numbers")
            let customerBytes = try text(report + "/customers.csv")
            #expect(customerBytes.contains("\n\"'=1+1\",") && customerBytes.contains("\n\"'\rx\",") && customerBytes.contains("\na=b,"))
            #expect(customerBytes.contains(",-12.50,"))

            let risk = csvRecords(try text(report + "/churn_risk.csv")).dropFirst()
            #expect(ids.isSubset(of: Set(risk.map { $0[1] })))
            #expect(risk.allSatisfy { names.contains($0[5]) && Self.neutralized($0[1]) == $0[1] })
            #expect(risk.contains { $0[1] == "'" + Self.returnOnly && $0[4].hasPrefix("-") }, "a negative value at risk stays a number")

            let segments = csvRecords(try text(report + "/segments.csv")).dropFirst().map { $0[0] }
            #expect(Set(segments) == names)
            #expect(try text(report + "/segments.csv").contains("\n\"'@Can't Lose\","))

            let correlations = csvRecords(try text(report + "/correlations.csv")).dropFirst().map { $0[0] }
            #expect(correlations.contains("'=cmd|' /C calc'!A0") && Set(correlations).isSubset(of: names.union(["all"])))

            let rejects = csvRecords(try text(report + "/rejects.csv")).dropFirst()
            #expect(rejects.map { $0[4] } == ["'" + Self.badRow])
            #expect(try text(report + "/rejects.csv").hasSuffix(",\"'" + Self.badRow + "\"\n"))
        }
    }

    @Test("with neutralisation off every writer gives the hostile cells back as they were")
    func rawCells() throws {
        try withScratch { scratch in
            let config = try Self.hostileRun(scratch)
            var ingest = config.ingest
            ingest.lanes = 2
            let loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns, options: ingest).load()
            let activity = CustomerActivity(orders: loaded.orders, asOf: config.asOf!)
            let rfm = try config.rfm.run(activity)
            for policy in [CSVCellPolicy.raw, .neutralizeFormulas] {
                try Self.checkWriters(policy, loaded: loaded, activity: activity, rfm: rfm, names: config.rfm.segments.names, scratch: scratch)
            }
            let raw = try text(scratch.join("customers-raw.csv"))
            #expect(raw.contains("\n=1+1,") && raw.contains("\n\"\rx\",") && raw.contains("\n-return,"), "raw cells are only RFC 4180-quoted")
        }
    }

    @Test("a run with raw_csv writes every hostile cell of every CSV as it was")
    func rawRun() throws {
        try withScratch { scratch in
            var config = try Self.hostileRun(scratch)
            config.rawCSV = true
            _ = try Run(configuration: config).execute()
            let report = scratch.join("report")
            let ids = Set(Self.hostileIDs)
            let names = Set(config.rfm.segments.names)
            let customers = csvRecords(try text(report + "/customers.csv")).dropFirst()
            #expect(ids.isSubset(of: Set(customers.map { $0[0] })))
            #expect(customers.allSatisfy { names.contains($0[10]) })
            #expect(ids.isSubset(of: Set(csvRecords(try text(report + "/churn_risk.csv")).dropFirst().map { $0[1] })))
            #expect(Set(csvRecords(try text(report + "/segments.csv")).dropFirst().map { $0[0] }) == names)
            #expect(Set(csvRecords(try text(report + "/correlations.csv")).dropFirst().map { $0[0] }).isSubset(of: names.union(["all"])))
            #expect(csvRecords(try text(report + "/rejects.csv")).dropFirst().map { $0[4] } == [Self.badRow])
        }
    }

    /// Writes customers.csv, churn_risk.csv, segments.csv and rejects.csv under `policy` and reads
    /// their text cells back: as they were with `.raw`, neutralised otherwise; numbers never change.
    static func checkWriters(_ policy: CSVCellPolicy, loaded: TransactionLoader.Loaded, activity: CustomerActivity, rfm: RFMResult,
                             names: [String], scratch: ScratchFolder) throws {
        func expected(_ cell: String) -> String { policy == .raw ? cell : neutralized(cell) }
        let segmentCells = Set(names.map(expected))
        let rows = rfm.customers.enumerated().map { k, c in
            ChurnRiskRow(rank: k + 1, customer: c, churnProbability: 0.5, value: -2, valueAtRisk: -1)
        }
        // Report files are created new (O_EXCL): one pair of files per policy.
        let customersPath = scratch.join("customers-\(policy).csv"), riskPath = scratch.join("churn_risk-\(policy).csv")
        try CustomersCSVWriter(customers: loaded.customers, activity: activity, rfm: rfm, cellPolicy: policy).write(to: customersPath)
        try ChurnRiskCSVWriter(rows: rows, customers: loaded.customers, rfm: rfm, cellPolicy: policy).write(to: riskPath)
        let customers: [[String]] = Array(csvRecords(try text(customersPath)).dropFirst())
        let risk: [[String]] = Array(csvRecords(try text(riskPath)).dropFirst())
        for id in hostileIDs + [returnOnly] {
            let cell = expected(id)
            #expect(customers.contains { $0[0] == cell }, "\(policy) customers.csv: \(id.debugDescription)")
            #expect(risk.contains { $0[1] == cell }, "\(policy) churn_risk.csv: \(id.debugDescription)")
        }
        #expect(customers.allSatisfy { segmentCells.contains($0[10]) })
        #expect(risk.allSatisfy { segmentCells.contains($0[5]) && $0[3] == "-2.00" && $0[4] == "-1.00" })

        let segments: [RunReport.Segment] = rfm.segmentSummaries.map { s in
            RunReport.Segment(segment: s.name, customers: s.customers, share: s.share, revenue: Double(s.revenueCents) / 100,
                              revenueShare: s.revenueShare, meanRecencyDays: s.meanRecencyDays, meanFrequency: s.meanFrequency,
                              meanMonetary: s.meanMonetary)
        }
        let segmentRows = csvRecords(String(decoding: SegmentsCSVWriter(segments: segments, cellPolicy: policy).bytes(), as: UTF8.self))
        #expect(Set(segmentRows.dropFirst().map { $0[0] }) == segmentCells)
        let rejectRows = csvRecords(String(decoding: RejectsCSVWriter(rejects: loaded.rejects, cellPolicy: policy).bytes(), as: UTF8.self))
        #expect(rejectRows.dropFirst().map { $0[4] } == [expected(badRow)])
    }

    @Test("clientele history --format csv neutralises hostile ids and segment names in both tables, and not when raw")
    func history() throws {
        try withHistoryFolder { folder in
            let db = try HistoryDatabase(path: folder.join("h.db"))
            try db.record(historyRun(asOf: "2024-01-01", [("=1+1", "Champions"), ("c2", "@evil"), ("c3", "At Risk")]))
            try db.record(historyRun(asOf: "2024-02-01", [("=1+1", "At Risk"), ("c2", "@evil"), ("c3", "-x")]))
            let migration = try db.migration()
            for policy in [CSVCellPolicy.neutralizeFormulas, .raw] {
                let writer = SegmentMigrationWriter(migration: migration, database: "h.db", cellPolicy: policy)
                let matrix = csvRecords(String(decoding: writer.matrixCSV(), as: UTF8.self)).dropFirst()
                let movers = csvRecords(String(decoding: writer.moversCSV(), as: UTF8.self)).dropFirst()
                let prefix = policy == .raw ? "" : "'"
                #expect(matrix.contains { $0[0] == prefix + "@evil" && $0[1] == prefix + "@evil" && $0[2] == "1" })
                #expect(matrix.contains { $0[0] == "At Risk" && $0[1] == prefix + "-x" && $0[2] == "1" })
                #expect(movers.map { [$0[0], $0[1], $0[2]] } == [[prefix + "=1+1", "Champions", "At Risk"]])
            }
            #expect(SegmentMigrationWriter(migration: migration, database: "h.db").matrixCSV()
                    == SegmentMigrationWriter(migration: migration, database: "h.db", cellPolicy: .neutralizeFormulas).matrixCSV(),
                    "neutralisation is the default")
        }
    }
}
