import Foundation
import Testing
@testable import Clientele

@Suite("SegmentMap")
struct RFMSegmentMapTests {
    /// docs/definitions.md: the standard map, written out cell by cell.
    static let standardCells: [(r: Int, f: Int, name: String)] = {
        var cells: [(Int, Int, String)] = []
        for r in 1...5 {
            for f in 1...5 {
                let name: String
                switch (r, f) {
                case (1...2, 1...2): name = "Hibernating"
                case (1...2, 3...4): name = "At Risk"
                case (1...2, 5): name = "Can't Lose Them"
                case (3, 1...2): name = "About to Sleep"
                case (3, 3): name = "Need Attention"
                case (3, 4...5), (4, 4...5): name = "Loyal Customers"
                case (4, 1): name = "Promising"
                case (4, 2...3), (5, 2...3): name = "Potential Loyalists"
                case (5, 1): name = "New Customers"
                default: name = "Champions"
                }
                cells.append((r, f, name))
            }
        }
        return cells
    }()

    @Test("the standard map gives every (R, F) cell its documented segment")
    func standardCells() {
        let map = SegmentMap.standard
        #expect(map.quantiles == 5)
        for (r, f, name) in Self.standardCells {
            #expect(map.names[map.segment(r: r, f: f)] == name, "R\(r) F\(f)")
        }
    }

    @Test("the standard map reports its ten segments best first")
    func standardOrder() {
        #expect(SegmentMap.standard.names == ["Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
                                              "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating"])
    }

    @Test("a custom map lists names from `order` first, then the rest best R and best F first")
    func customOrder() throws {
        let map = try SegmentMap(rows: [["Gone", "Gone", "Slipping"], ["Warm", "Warm", "Steady"], ["Fresh", "Fresh", "Star"]],
                                 order: ["Star", "Not In The Map"])
        #expect(map.names == ["Star", "Fresh", "Steady", "Warm", "Slipping", "Gone"])
        #expect(map.quantiles == 3)
        #expect(map.names[map.segment(r: 1, f: 3)] == "Slipping")
        #expect(map.names[map.segment(r: 3, f: 1)] == "Fresh")
        #expect(map.names[map.segment(r: 2, f: 2)] == "Warm")
    }

    @Test("a map of up to 256 distinct names is accepted; more cannot be indexed by a byte and are refused", arguments: [
        (15, nil), (16, nil), (17, "has 289 distinct names; at most 256 are supported"),
    ] as [(Int, String?)])
    func nameLimit(n: Int, reason: String?) throws {
        let rows = (1...n).map { r in (1...n).map { f in "R\(r)F\(f)" } }
        if let reason {
            let error = #expect(throws: SegmentMapError.self) { try SegmentMap(rows: rows) }
            #expect(error?.reason == reason)
        } else {
            let map = try SegmentMap(rows: rows)
            #expect(map.names.count == n * n)
            #expect(map.names[map.segment(r: n, f: n)] == "R\(n)F\(n)")
            #expect(map.names[map.segment(r: 1, f: 1)] == "R1F1")
        }
    }

    @Test("a map that is not square is refused with a reason that says what to change", arguments: [
        ([], "needs at least 2 R rows, found 0"),
        ([["Only"]], "needs at least 2 R rows, found 1"),
        ([["a", "b"], ["c"]], "row R=2 has 1 names; each row needs one name per F score (2)"),
        ([["a", "b", "c"], ["a", "b", "c"]], "row R=1 has 3 names; each row needs one name per F score (2)"),
        ([["a", "b", "c"], ["a", "b", "c"], ["a", "b"]], "row R=3 has 2 names; each row needs one name per F score (3)"),
    ] as [([[String]], String)])
    func invalid(rows: [[String]], reason: String) {
        let error = #expect(throws: SegmentMapError.self) { try SegmentMap(rows: rows) }
        #expect(error?.reason == reason)
        #expect(error?.exitStatus == .usage)
        #expect(error?.description == "segment map: " + reason)
    }
}

@Suite("RFMScorer settings")
struct RFMScorerSettingsTests {
    static let threeByThree = try! SegmentMap(rows: [["Gone", "Gone", "Slipping"], ["Warm", "Warm", "Steady"], ["Fresh", "Fresh", "Star"]])

    /// Seven customers (ids 0…6) with one order a frequency unit, all worth 10.00 in total.
    static func seven() -> CustomerActivity {
        let recency: [Int32] = [1, 1, 5, 10, 10, 10, 30], frequency = [1, 2, 2, 3, 1, 1, 4]
        var customer: [Int32] = [], day: [Int32] = [], cents: [Int64] = []
        for c in 0..<7 {
            for o in 0..<frequency[c] {
                customer.append(Int32(c)); day.append(1_000 - recency[c] - Int32(40 * o)); cents.append(o == 0 ? 1_000 : 0)
            }
        }
        return CustomerActivity(orders: OrderTable(customers: 7, customer: customer, firstDay: day, lastDay: day, netCents: cents,
                                                   lines: customer.map { _ in 1 }),
                                asOf: CalendarDay(daysSinceEpoch: 1_000))
    }

    @Test("three quantiles with a 3 × 3 map score and name seven customers as computed by hand", arguments: [
        // share: 1 + ⌊3·worse/7⌋ → worse 0–2: 1, 3–4: 2, 5–6: 3. Recency worse: 5,5,4,1,1,1,0; frequency worse: 0,3,3,5,0,0,6.
        (RFMScorer.TieRule.share, [3, 3, 2, 1, 1, 1, 1], [1, 2, 2, 3, 1, 1, 3], [1, 1, 1, 1, 1, 1, 1],
         ["Fresh", "Fresh", "Warm", "Slipping", "Gone", "Gone", "Slipping"]),
        // split: NTILE(3) over 7 → sizes 3, 2, 2. Recency worst first: 6, 3, 4 | 5, 2 | 0, 1.
        // Frequency: 0, 4, 5 | 1, 2 | 3, 6. Monetary all tied: by id 0, 1, 2 | 3, 4 | 5, 6.
        (.split, [3, 3, 2, 1, 1, 2, 1], [1, 2, 2, 3, 1, 1, 3], [1, 1, 1, 2, 2, 3, 3],
         ["Fresh", "Fresh", "Warm", "Slipping", "Gone", "Warm", "Slipping"]),
    ] as [(RFMScorer.TieRule, [UInt8], [UInt8], [UInt8], [String])])
    func threeQuantiles(ties: RFMScorer.TieRule, r: [UInt8], f: [UInt8], m: [UInt8], segments: [String]) throws {
        var scorer = RFMScorer()
        scorer.quantiles = 3
        scorer.ties = ties
        scorer.segments = Self.threeByThree
        let result = try scorer.run(Self.seven())
        #expect(result.recencyDays == [1, 1, 5, 10, 10, 10, 30])
        #expect(result.frequency == [1, 2, 2, 3, 1, 1, 4])
        #expect(result.r == r)
        #expect(result.f == f)
        #expect(result.m == m)
        #expect(result.segment.map { Self.threeByThree.names[Int($0)] } == segments)
    }

    @Test("settings that cannot score are refused before scoring, with the exit status of a configuration error", arguments: [
        ("quantiles 1", { var s = RFMScorer(); s.quantiles = 1; return s }(), RFMError.invalidQuantiles(1)),
        ("quantiles 101", { var s = RFMScorer(); s.quantiles = 101; return s }(), RFMError.invalidQuantiles(101)),
        ("quantiles 4, standard map", { var s = RFMScorer(); s.quantiles = 4; return s }(), RFMError.segmentMapSize(mapRows: 5, quantiles: 4)),
        ("quantiles 5, 3 × 3 map", { var s = RFMScorer(); s.segments = RFMScorerSettingsTests.threeByThree; return s }(), RFMError.segmentMapSize(mapRows: 3, quantiles: 5)),
    ] as [(String, RFMScorer, RFMError)])
    func refused(label: String, scorer: RFMScorer, expected: RFMError) {
        let error = #expect(throws: RFMError.self, "\(label)") { try scorer.run(Self.seven()) }
        #expect(error == expected)
        #expect(error?.exitStatus == .usage)
    }

    @Test("a margin that is not finite is refused", arguments: [Double.nan, .infinity, -.infinity])
    func margin(value: Double) {
        var scorer = RFMScorer()
        scorer.margin = value
        let error = #expect(throws: RFMError.self) { try scorer.run(Self.seven()) }
        #expect(error?.exitStatus == .usage)
        if case .some(.invalidMargin) = error {} else { Issue.record("expected invalidMargin, got \(String(describing: error))") }
    }

    @Test("no customer active at as-of is a data error that suggests a later as-of")
    func noActive() {
        let activity = CustomerActivity(orders: OrderTable(customers: 2, customer: [0, 1], firstDay: [50, 60], lastDay: [50, 60],
                                                           netCents: [100, 200], lines: [1, 1]),
                                        asOf: CalendarDay(daysSinceEpoch: 50))
        let error = #expect(throws: RFMError.self) { try RFMScorer().run(activity) }
        #expect(error == .noActiveCustomers(asOf: CalendarDay(daysSinceEpoch: 50)))
        #expect(error?.exitStatus == .dataError)
        #expect(error?.description.contains("--as-of") == true)
    }

    @Test("a job file's 3-row segment map sets three quantiles and names the fixture's customers by hand")
    func jobFileMap() throws {
        try withScratch { scratch in
            let job = try scratch.write("job.toml", """
                [transactions]
                path = "\(Package.fixture("rfm/transactions.csv"))"
                [rfm.segments]
                1 = ["Gone", "Gone", "Slipping"]
                2 = ["Warm", "Warm", "Steady"]
                3 = ["Fresh", "Fresh", "Star"]
                """)
            var config = try JobFile(path: job).apply(to: JobConfiguration())
            #expect(config.rfm.quantiles == 3)
            config.out = scratch.join("report")
            _ = try Run(configuration: config).execute()
            // 1 + ⌊3·worse/13⌋: worse 0–4 → 1, 5–8 → 2, 9–12 → 3 (README's worse counts).
            let expected: [String: (String, String)] = [
                "u1": ("3", "Fresh"),    // R worse 11, F worse 5 → R3 F2
                "u2": ("3", "Fresh"),    // R3 F1
                "u4": ("2", "Warm"),     // R worse 8, F worse 8 → R2 F2
                "u6": ("2", "Steady"),   // R2, F worse 10 → F3
                "u9": ("2", "Steady"),
                "u11": ("1", "Slipping"), // R worse 3 → R1, F3
                "u12": ("1", "Gone"),
                "u3": ("2", "Warm"),     // R worse 5 → R2, F1
            ]
            let rows = Dictionary(uniqueKeysWithValues: csvRecords(try text(scratch.join("report/customers.csv"))).dropFirst().map { ($0[0], $0) })
            for (id, (r, segment)) in expected {
                #expect(rows[id]?[6] == r, "\(id) R")
                #expect(rows[id]?[10] == segment, "\(id) segment")
            }
            let segments = csvRecords(try text(scratch.join("report/segments.csv"))).dropFirst().map { $0[0] }
            #expect(segments == ["Star", "Fresh", "Steady", "Warm", "Slipping", "Gone"])
        }
    }

    @Test("a map with more segment names than fit in a byte is refused or scored, never a crash")
    func manyNames() async {
        await #expect(processExitsWith: .success) {
            let n = 17  // 17 × 17 = 289 distinct names
            var scorer = RFMScorer()
            scorer.quantiles = n
            do {
                scorer.segments = try SegmentMap(rows: (1...n).map { r in (1...n).map { f in "R\(r)F\(f)" } })
                let days = (0..<Int32(40)).map { $0 }
                let activity = CustomerActivity(orders: OrderTable(customers: 40, customer: days, firstDay: days, lastDay: days,
                                                                   netCents: days.map { Int64($0) * 100 }, lines: days.map { _ in 1 }),
                                                asOf: CalendarDay(daysSinceEpoch: 100))
                let result = try scorer.run(activity)
                // Scored: every customer's segment must name its own (R, F) cell.
                for k in 0..<result.count where scorer.segments.names[Int(result.segment[k])] != "R\(result.r[k])F\(result.f[k])" { exit(1) }
            } catch {
                // Refused with an error: also acceptable.
            }
        }
    }
}
