import Foundation
import Testing
@testable import Clientele

@Suite("Segment migration between two recorded runs", .serialized)
struct HistoryMigrationTests {
    /// Hand-made moves (ids deliberately out of order): previous segment → current segment.
    static let previousRun: [(String, String)] = [
        ("c03", "Loyal Customers"), ("c01", "Champions"), ("c02", "Champions"), ("c04", "Loyal Customers"),
        ("c05", "Potential Loyalists"), ("c06", "Can't Lose Them"), ("c07", "Can't Lose Them"), ("c08", "New Customers"),
        ("c09", "At Risk"), ("c10", "Hibernating"), ("c11", "Champions"), ("c14", "Promising"), ("c15", "Champions"),
    ]
    static let currentRun: [(String, String)] = [
        ("c01", "Champions"), ("c02", "At Risk"), ("c03", "Hibernating"), ("c04", "Champions"),
        ("c05", "About to Sleep"), ("c06", "Hibernating"), ("c07", "Can't Lose Them"), ("c08", "At Risk"),
        ("c09", "Hibernating"), ("c12", "Champions"), ("c13", "New Customers"), ("c14", "Need Attention"), ("c15", "Champions"),
    ]

    /// The known history: two runs of the hand-made moves.
    static func knownHistory(_ path: String) throws -> HistoryDatabase {
        let db = try HistoryDatabase(path: path)
        try db.record(historyRun(asOf: "2024-01-01", previousRun))
        let clv = currentRun.indices.map { Double($0) * 10 + 0.5 }
        let churn = currentRun.indices.map { $0 == 1 ? Double.nan : Double($0) / 20 }
        try db.record(historyRun(asOf: "2024-02-01", currentRun, snapshots: historySnapshots(currentRun, predictedCLV: clv, churn: churn)))
        return db
    }

    /// The migration computed from two (customer_id, segment) lists with dictionaries, independently
    /// of the library's merge: (from, to) → count, with nil for "not in that run".
    static func independentCounts(_ previous: [String: String], _ current: [String: String]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (id, from) in previous { counts["\(from) → \(current[id] ?? "(gone)")", default: 0] += 1 }
        for (id, to) in current where previous[id] == nil { counts["(new) → \(to)", default: 0] += 1 }
        return counts
    }

    /// The library's migration in the same keyed form (zeros left out).
    static func libraryCounts(_ m: SegmentMigration) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (i, from) in m.segments.enumerated() {
            for (j, to) in m.segments.enumerated() where m.counts[i][j] > 0 { counts["\(from) → \(to)"] = m.counts[i][j] }
            if m.goneCustomers[i] > 0 { counts["\(from) → (gone)"] = m.goneCustomers[i] }
            if m.newCustomers[i] > 0 { counts["(new) → \(from)"] = m.newCustomers[i] }
        }
        return counts
    }

    @Test("hand-made moves give the hand-counted matrix, new and gone customers")
    func knownMoves() throws {
        try withHistoryFolder { folder in
            let m = try Self.knownHistory(folder.join("h.db")).migration()
            #expect(Self.libraryCounts(m) == [
                "Champions → Champions": 2, "Champions → At Risk": 1, "Champions → (gone)": 1,
                "Loyal Customers → Hibernating": 1, "Loyal Customers → Champions": 1,
                "Potential Loyalists → About to Sleep": 1,
                "Can't Lose Them → Hibernating": 1, "Can't Lose Them → Can't Lose Them": 1,
                "New Customers → At Risk": 1, "At Risk → Hibernating": 1, "Hibernating → (gone)": 1,
                "Promising → Need Attention": 1,
                "(new) → Champions": 1, "(new) → New Customers": 1,
            ])
            #expect(m.segments == SegmentMap.standard.names)
            #expect(m.stayed == 3 && m.changed == 8 && m.matched == 11)
            #expect(m.previous.id == 1 && m.current.id == 2)
        }
    }

    @Test("the hand-made moves agree with the independent dictionary count")
    func knownMovesIndependent() throws {
        try withHistoryFolder { folder in
            let m = try Self.knownHistory(folder.join("h.db")).migration()
            let expected = Self.independentCounts(Dictionary(uniqueKeysWithValues: Self.previousRun), Dictionary(uniqueKeysWithValues: Self.currentRun))
            #expect(Self.libraryCounts(m) == expected)
        }
    }

    @Test("exactly the valuable customers now at risk are listed, in customer_id order, with the current run's values")
    func movers() throws {
        try withHistoryFolder { folder in
            let m = try Self.knownHistory(folder.join("h.db")).migration()
            #expect(m.valuableToAtRisk.map(\.customerID) == ["c02", "c03", "c05", "c06"])
            #expect(m.valuableToAtRisk.map(\.previousSegment) == ["Champions", "Loyal Customers", "Potential Loyalists", "Can't Lose Them"])
            #expect(m.valuableToAtRisk.map(\.currentSegment) == ["At Risk", "Hibernating", "About to Sleep", "Hibernating"])
            let c02 = m.valuableToAtRisk[0]
            #expect(c02.predictedCLV == 10.5 && c02.churnProbability == nil)  // NaN was stored as NULL
            #expect(c02.monetary == 11.37 && c02.previousMonetary == 12.74 && c02.recencyDays == 4)
        }
    }

    @Test("the valuable and at-risk sets are the documented ones and do not overlap")
    func segmentSets() {
        #expect(SegmentMigration.valuableSegments == ["Champions", "Loyal Customers", "Potential Loyalists", "Can't Lose Them"])
        #expect(SegmentMigration.atRiskSegments == ["At Risk", "Hibernating", "About to Sleep", "Lost"])
        #expect(Set(SegmentMigration.valuableSegments).isDisjoint(with: SegmentMigration.atRiskSegments))
        let names = Set(SegmentMap.standard.names)
        #expect(SegmentMigration.valuableSegments.allSatisfy(names.contains))
        #expect(SegmentMigration.atRiskSegments.filter { !names.contains($0) } == ["Lost"])
    }

    @Test("row sums plus gone give the previous sizes; column sums plus new give the current sizes")
    func marginsMatchRunSizes() throws {
        try withHistoryFolder { folder in
            let db = try HistoryDatabase(path: folder.join("h.db"))
            try db.record(historyRun(asOf: "2024-01-01", Array(historyRows(900).dropFirst(40))))
            try db.record(historyRun(asOf: "2024-02-01", Array(historyRows(1000, shift: 4).dropLast(25))))
            let m = try db.migration()
            #expect(m.previousSizes.reduce(0, +) == 860 && m.currentSizes.reduce(0, +) == 975)
            for (k, name) in m.segments.enumerated() {
                #expect(m.previousSizes[k] == historyRows(900).dropFirst(40).filter { $0.1 == name }.count)
                #expect(m.currentSizes[k] == historyRows(1000, shift: 4).dropLast(25).filter { $0.1 == name }.count)
            }
            #expect(m.newCustomers.reduce(0, +) == 40 + 75 && m.goneCustomers.reduce(0, +) == 0)
        }
    }

    @Test("--run and --previous choose the pair; defaults, unknown ids and one run fail as documented")
    func choosingRuns() throws {
        try withHistoryFolder { folder in
            let path = folder.join("h.db")
            let db = try HistoryDatabase(path: path)
            try db.record(historyRun(asOf: "2024-01-01", historyRows(10)))
            #expect(throws: HistoryError.notEnoughRuns(path: path, runs: 1)) { try db.migration() }
            try db.record(historyRun(asOf: "2024-02-01", historyRows(20)))
            try db.record(historyRun(asOf: "2024-03-01", historyRows(30)))
            func pair(_ run: Int64?, _ previous: Int64?) throws -> [Int64] {
                let m = try db.migration(run: run, previous: previous)
                return [m.previous.id, m.current.id]
            }
            #expect(try pair(nil, nil) == [2, 3])
            #expect(try pair(2, nil) == [1, 2])
            #expect(try pair(nil, 1) == [1, 3])
            #expect(try pair(1, 3) == [3, 1])
            #expect(throws: HistoryError.unknownRun(path: path, id: 9, known: [1, 2, 3])) { try db.migration(run: 9) }
            #expect(throws: HistoryError.unknownRun(path: path, id: 0, known: [1, 2, 3])) { try db.migration(previous: 0) }
            #expect(throws: HistoryError.sameRun(path: path, id: 3)) { try db.migration(previous: 3) }
            #expect(throws: HistoryError.notEnoughRuns(path: path, runs: 1)) { try db.migration(run: 1) }
            #expect(HistoryError.unknownRun(path: path, id: 9, known: []).exitStatus == .usage)
            #expect(HistoryError.notEnoughRuns(path: path, runs: 1).exitStatus == .dataError)
        }
    }

    // MARK: Writers

    @Test("text, matrix CSV and moved CSV of the hand-made moves match the golden files", arguments: [
        "migration.txt", "matrix.csv", "moved.csv",
    ])
    func golden(file: String) throws {
        try withHistoryFolder("golden\(file)") { folder in
            let m = try Self.knownHistory(folder.join("h.db")).migration()
            let writer = SegmentMigrationWriter(migration: m, database: "history.db")
            let bytes: [UInt8]
            switch file {
            case "migration.txt": bytes = Array(writer.text().utf8)
            case "matrix.csv": bytes = writer.matrixCSV()
            default: bytes = writer.moversCSV()
            }
            let golden = Package.fixture("history/" + file)
            if ProcessInfo.processInfo.environment["CLIENTELE_UPDATE_GOLDEN"] == "1" { try Data(bytes).write(to: URL(fileURLWithPath: golden)) }
            #expect(String(decoding: bytes, as: UTF8.self) == (try text(golden)))
        }
    }

    @Test("the matrix CSV has every pair of segments, then new and gone, and sums to both runs")
    func matrixCSVShape() throws {
        try withHistoryFolder { folder in
            let m = try Self.knownHistory(folder.join("h.db")).migration()
            let records = csvRecords(String(decoding: SegmentMigrationWriter(migration: m, database: "h").matrixCSV(), as: UTF8.self))
            #expect(records.first == ["previous_segment", "current_segment", "customers"])
            let k = m.segments.count
            #expect(records.count == 1 + k * k + 2 * k)
            let rows = records.dropFirst()
            #expect(rows.filter { !$0[0].isEmpty }.reduce(0) { $0 + Int($1[2])! } == Self.previousRun.count)
            #expect(rows.filter { !$0[1].isEmpty }.reduce(0) { $0 + Int($1[2])! } == Self.currentRun.count)
        }
    }

    @Test("the JSON holds the runs, the matrix and the movers under snake_case keys")
    func json() throws {
        try withHistoryFolder { folder in
            let m = try Self.knownHistory(folder.join("h.db")).migration()
            let data = Data(try SegmentMigrationWriter(migration: m, database: "h.db").json())
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(Set(object.keys) == ["database", "previous", "current", "segments", "matrix", "new_customers", "gone_customers",
                                         "matched", "stayed", "changed", "valuable_segments", "at_risk_segments", "valuable_to_at_risk"])
            #expect(object["matrix"] as? [[Int]] == m.counts)
            let movers = try #require(object["valuable_to_at_risk"] as? [[String: Any]])
            #expect(movers.map { $0["customer_id"] as? String } == ["c02", "c03", "c05", "c06"])
            #expect(movers[1]["predicted_clv"] as? Double == 20.5)
            #expect((object["current"] as? [String: Any])?["as_of"] as? String == "2024-02-01")
        }
    }

    // MARK: Two real runs a month apart

    @Test("two runs over generated data a month apart: the matrix equals an independent count from their customers.csv")
    func twoGeneratedRuns() throws {
        try withHistoryFolder { folder in
            var population = SyntheticPopulation(customers: 4_000, seed: 2024, threads: 2)
            population.birthWeeks = Double(population.weeks)  // some customers first buy in the last month
            _ = try population.write(to: URL(fileURLWithPath: folder.join("data"), isDirectory: true))
            let transactions = folder.join("data/" + SyntheticPopulation.transactionsFileName)
            let path = folder.join("history.db")
            let asOfs = [population.asOf.adding(days: -30), population.asOf]
            var tables: [[String: String]] = []
            for (k, asOf) in asOfs.enumerated() {
                var config = configuration(transactions: transactions, out: folder.join("report\(k)"))
                config.asOf = asOf
                let outcome = try Run(configuration: config).execute()
                // What the pipeline hands to the history (the wiring Run.execute gets).
                var ingest = config.ingest
                ingest.lanes = config.threads
                ingest.excludeFrom = asOf
                let loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns, options: ingest).load()
                let rfm = try config.rfm.run(CustomerActivity(orders: loaded.orders, asOf: asOf))
                let run = try HistoryRun(report: outcome.report, rfm: rfm, customers: loaded.customers)
                #expect(run.inputs.first?.sha256.count == 64)
                try HistoryDatabase(path: path).record(run)
                // The independent side: customer_id → segment from the customers.csv this run wrote.
                let records = csvRecords(try text(outcome.folder + "/customers.csv"))
                let header = try #require(records.first)
                let id = try #require(header.firstIndex(of: "customer_id")), segment = try #require(header.firstIndex(of: "segment"))
                tables.append(Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[id], $0[segment]) }))
            }
            let m = try HistoryDatabase(readingFrom: path).migration()
            let expected = Self.independentCounts(tables[0], tables[1])
            #expect(Self.libraryCounts(m) == expected)
            #expect(m.previous.asOf == asOfs[0].description && m.current.asOf == asOfs[1].description)
            #expect(m.changed > 0 && m.newCustomers.reduce(0, +) > 0, "the month must move someone and bring someone new")
            let movers = tables[0].keys.filter { id in
                SegmentMigration.valuableSegments.contains(tables[0][id]!) && SegmentMigration.atRiskSegments.contains(tables[1][id] ?? "")
            }.sorted()
            #expect(m.valuableToAtRisk.map(\.customerID) == movers)
            #expect(!movers.isEmpty)
        }
    }
}
