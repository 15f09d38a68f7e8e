import Foundation
import Testing
@testable import Clientele

/// Random order books with many ties, and brute-force RFM that reads docs/definitions.md literally.
struct RandomOrderBook {
    var customers: Int
    var customer: [Int32] = []
    var day: [Int32] = []
    var cents: [Int64] = []
    let asOf = CalendarDay(daysSinceEpoch: 20_000)

    /// `customers` customers with 1…`maxOrders` orders on one of `dayChoices` days before as-of, worth
    /// one of `centsChoices`; about one customer in ten orders only on or after as-of.
    init(customers: Int, seed: UInt64, dayChoices: Int32 = 12, centsChoices: [Int64] = [-2_000, 0, 500, 1_000, 1_000, 2_550, 9_999],
         maxOrders: Int = 4) {
        self.customers = customers
        var g = SeededGenerator(seed: seed)
        for c in 0..<customers {
            let notYet = customers > 1 && c % 10 == 3
            for _ in 0..<Int.random(in: 1...maxOrders, using: &g) {
                customer.append(Int32(c))
                day.append(notYet ? asOf.daysSinceEpoch + Int32.random(in: 0...3, using: &g)
                                  : asOf.daysSinceEpoch - 1 - 7 * Int32.random(in: 0..<dayChoices, using: &g))
                cents.append(centsChoices.randomElement(using: &g)!)
            }
        }
    }

    func orderTable(permutedBy seed: UInt64? = nil) -> OrderTable {
        var index = Array(customer.indices)
        if let seed { var g = SeededGenerator(seed: seed); index.shuffle(using: &g) }
        return OrderTable(customers: customers, customer: index.map { customer[$0] }, firstDay: index.map { day[$0] },
                          lastDay: index.map { day[$0] }, netCents: index.map { cents[$0] }, lines: index.map { _ in 1 })
    }

    func activity(permutedBy seed: UInt64? = nil) -> CustomerActivity { CustomerActivity(orders: orderTable(permutedBy: seed), asOf: asOf) }

    /// Per active customer, ascending id: (id, recency, frequency, net cents), straight from the order list.
    var measures: [(id: Int32, recency: Int64, frequency: Int64, cents: Int64)] {
        var last = [Int32: Int32](), count = [Int32: Int64](), sum = [Int32: Int64]()
        for k in customer.indices where day[k] < asOf.daysSinceEpoch {
            last[customer[k]] = max(last[customer[k]] ?? .min, day[k])
            count[customer[k], default: 0] += 1
            sum[customer[k], default: 0] += cents[k]
        }
        return last.keys.sorted().map { ($0, Int64(asOf.daysSinceEpoch - last[$0]!), count[$0]!, sum[$0]!) }
    }
}

/// `1 + ⌊N · worse / n⌋`, worse = customers with a strictly worse value; O(n²).
func bruteShare(_ goodness: [Int64], quantiles N: Int) -> [Int] {
    let n = goodness.count
    return goodness.map { v in 1 + N * goodness.filter { $0 < v }.count / n }
}

/// SQL NTILE(N) over (goodness ascending, then id ascending): the first n mod N buckets get one extra row.
func bruteNTILE(_ goodness: [Int64], quantiles N: Int) -> [Int] {
    let n = goodness.count
    let order = goodness.indices.sorted { (goodness[$0], $0) < (goodness[$1], $1) }
    var score = [Int](repeating: 0, count: n), position = 0
    for bucket in 1...N {
        let size = n / N + (bucket <= n % N ? 1 : 0)
        for _ in 0..<size { score[order[position]] = bucket; position += 1 }
    }
    return score
}

/// A map with one segment per R score ("R1" … "RN"), for quantiles other than 5.
func rowMap(_ n: Int) throws -> SegmentMap {
    try SegmentMap(rows: (1...n).map { r in Array(repeating: "R\(r)", count: n) })
}

struct RFMPropertyCase: Sendable, CustomTestStringConvertible {
    var customers: Int
    var quantiles: Int
    var seed: UInt64
    var dayChoices: Int32 = 12
    var testDescription: String { "n=\(customers) N=\(quantiles) seed=\(seed) days=\(dayChoices)" }

    static let all: [RFMPropertyCase] = [
        .init(customers: 1, quantiles: 5, seed: 1),
        .init(customers: 2, quantiles: 5, seed: 2),
        .init(customers: 7, quantiles: 5, seed: 3),
        .init(customers: 13, quantiles: 5, seed: 4, dayChoices: 3),
        .init(customers: 64, quantiles: 3, seed: 5),
        .init(customers: 101, quantiles: 5, seed: 6),
        .init(customers: 333, quantiles: 4, seed: 7, dayChoices: 2),
        .init(customers: 999, quantiles: 10, seed: 8, dayChoices: 60),
        .init(customers: 2_003, quantiles: 5, seed: 9),
        .init(customers: 1_500, quantiles: 7, seed: 10, dayChoices: 1),
    ]
}

@Suite("RFMScorer properties")
struct RFMScorerPropertyTests {
    static func scorer(_ c: RFMPropertyCase, ties: RFMScorer.TieRule) throws -> RFMScorer {
        var s = RFMScorer()
        s.quantiles = c.quantiles
        s.ties = ties
        if c.quantiles != 5 { s.segments = try rowMap(c.quantiles) }
        return s
    }

    @Test("recency, frequency and monetary are the literal per-customer aggregates", arguments: RFMPropertyCase.all)
    func measures(c: RFMPropertyCase) throws {
        let book = RandomOrderBook(customers: c.customers, seed: c.seed, dayChoices: c.dayChoices)
        let result = try Self.scorer(c, ties: .share).run(book.activity())
        let m = book.measures
        #expect(result.customers == m.map(\.id))
        #expect(result.recencyDays.map(Int64.init) == m.map(\.recency))
        #expect(result.frequency.map(Int64.init) == m.map(\.frequency))
        #expect(result.monetaryCents == m.map(\.cents))
        #expect(result.revenueCents == m.map(\.cents))
    }

    @Test("share scores equal brute-force 1 + ⌊N·worse/n⌋", arguments: RFMPropertyCase.all)
    func share(c: RFMPropertyCase) throws {
        let book = RandomOrderBook(customers: c.customers, seed: c.seed, dayChoices: c.dayChoices)
        let result = try Self.scorer(c, ties: .share).run(book.activity())
        let m = book.measures
        #expect(result.r.map(Int.init) == bruteShare(m.map { -$0.recency }, quantiles: c.quantiles))
        #expect(result.f.map(Int.init) == bruteShare(m.map(\.frequency), quantiles: c.quantiles))
        #expect(result.m.map(Int.init) == bruteShare(m.map(\.cents), quantiles: c.quantiles))
    }

    @Test("split scores equal a brute-force NTILE, and bucket sizes differ by at most one", arguments: RFMPropertyCase.all)
    func split(c: RFMPropertyCase) throws {
        let book = RandomOrderBook(customers: c.customers, seed: c.seed, dayChoices: c.dayChoices)
        let result = try Self.scorer(c, ties: .split).run(book.activity())
        let m = book.measures
        let n = m.count, N = c.quantiles
        for (scores, goodness) in [(result.r, m.map { -$0.recency }), (result.f, m.map(\.frequency)), (result.m, m.map(\.cents))] {
            #expect(scores.map(Int.init) == bruteNTILE(goodness, quantiles: N))
            let sizes = (1...N).map { b in scores.filter { Int($0) == b }.count }
            let used = sizes.prefix(min(n, N))
            #expect(used.max()! - used.min()! <= 1, "bucket sizes \(sizes)")
            #expect(sizes == sizes.sorted(by: >), "larger buckets come first: \(sizes)")
            #expect(sizes.reduce(0, +) == n)
        }
    }

    @Test("every score is within 1…N under every tie rule", arguments: RFMPropertyCase.all)
    func range(c: RFMPropertyCase) throws {
        let book = RandomOrderBook(customers: c.customers, seed: c.seed, dayChoices: c.dayChoices)
        for ties in RFMScorer.TieRule.allCases {
            let result = try Self.scorer(c, ties: ties).run(book.activity())
            for scores in [result.r, result.f, result.m] {
                #expect(scores.allSatisfy { $0 >= 1 && Int($0) <= c.quantiles })
            }
            #expect(result.segment.allSatisfy { Int($0) < result.scorer.segments.names.count })
        }
    }

    @Test("scores never decrease as values get better, recency reversed; under fill and share equal values score equal", arguments: RFMPropertyCase.all)
    func monotone(c: RFMPropertyCase) throws {
        let book = RandomOrderBook(customers: c.customers, seed: c.seed, dayChoices: c.dayChoices)
        for ties in RFMScorer.TieRule.allCases {
            let result = try Self.scorer(c, ties: ties).run(book.activity())
            // Goodness: smaller recency is better, so it is negated.
            let dimensions: [([Int64], [UInt8])] = [
                (result.recencyDays.map { -Int64($0) }, result.r),
                (result.frequency.map(Int64.init), result.f),
                (result.monetaryCents, result.m),
            ]
            for (goodness, scores) in dimensions {
                let order = goodness.indices.sorted { (goodness[$0], $0) < (goodness[$1], $1) }
                for (a, b) in zip(order, order.dropFirst()) {
                    #expect(scores[a] <= scores[b], "\(ties): value \(goodness[a]) scored \(scores[a]) but better \(goodness[b]) scored \(scores[b])")
                    if ties != .split && goodness[a] == goodness[b] { #expect(scores[a] == scores[b]) }
                }
            }
            // The most recent customer (the last of them by id under split) has the top R.
            let best = result.recencyDays.indices.min { (result.recencyDays[$0], -$0) < (result.recencyDays[$1], -$1) }!
            #expect(result.r[best] == result.r.max())
        }
    }

    @Test("with distinct values and n a multiple of N, share and split agree")
    func distinctValuesAgree() throws {
        // 20 customers: customer c orders c + 1 times on distinct days; only the first order has a value.
        var customer: [Int32] = [], day: [Int32] = [], cents: [Int64] = []
        for c in 0..<20 {
            for o in 0...c {
                customer.append(Int32(c))
                day.append(19_000 - Int32((c * 7) % 20) - Int32(30 * o))
                cents.append(o == 0 ? 100 * Int64((c * 3) % 20) + 1 : 0)
            }
        }
        let activity = CustomerActivity(orders: OrderTable(customers: 20, customer: customer, firstDay: day, lastDay: day,
                                                           netCents: cents, lines: customer.map { _ in 1 }),
                                        asOf: CalendarDay(daysSinceEpoch: 19_001))
        var split = RFMScorer()
        split.ties = .split
        let a = try RFMScorer().run(activity), b = try split.run(activity)
        #expect(Set(a.recencyDays).count == 20 && Set(a.monetaryCents).count == 20)
        #expect(a.r == b.r)
        #expect(a.f == b.f)
        #expect(a.m == b.m)
        #expect(a.r.map { Int($0) }.sorted() == (0..<20).map { 1 + $0 / 4 })
    }

    @Test("permuting the orders does not change any score, segment or value", arguments: [1, 2, 3] as [UInt64])
    func permutedOrders(seed: UInt64) throws {
        let book = RandomOrderBook(customers: 777, seed: 42 + seed)
        for ties in RFMScorer.TieRule.allCases {
            var scorer = RFMScorer()
            scorer.ties = ties
            let a = try scorer.run(book.activity()), b = try scorer.run(book.activity(permutedBy: seed))
            #expect(a.customers == b.customers)
            #expect(a.r == b.r && a.f == b.f && a.m == b.m && a.segment == b.segment)
            #expect(a.recencyDays == b.recencyDays && a.frequency == b.frequency && a.monetaryCents == b.monetaryCents)
            #expect(a.historicalCLVCents == b.historicalCLVCents)
        }
    }

    @Test("permuting the rows of transactions.csv does not change customers.csv, on several lanes and blocks")
    func permutedFileRows() throws {
        var g = SeededGenerator(seed: 2_024)
        var lines: [String] = []
        for c in 0..<400 {
            for o in 0..<Int.random(in: 1...3, using: &g) {
                let day = 1 + 3 * Int.random(in: 0..<9, using: &g)
                for _ in 0..<Int.random(in: 1...2, using: &g) {
                    let cents = [-500, 1_000, 1_999, 2_500].randomElement(using: &g)!
                    let amount = (cents < 0 ? "-" : "") + "\(abs(cents) / 100).\(String(format: "%02d", abs(cents) % 100))"
                    lines.append("c\(c),o\(c)-\(o),2025-03-\(String(format: "%02d", day)),\(amount)")
                }
            }
        }
        try withScratch { scratch in
            var outputs: [[UInt8]] = []
            for permutation in 0..<3 {
                var rows = lines
                if permutation > 0 { var p = SeededGenerator(seed: UInt64(permutation)); rows.shuffle(using: &p) }
                let path = try scratch.write("t\(permutation).csv", "customer_id,order_id,order_date,amount\n" + rows.joined(separator: "\n") + "\n")
                for ties in RFMScorer.TieRule.allCases {
                    var options = IngestOptions()
                    options.lanes = 2
                    options.blockSize = 4_096
                    let loaded = try TransactionLoader(source: CSVSource(path: path), options: options).load()
                    let activity = CustomerActivity(orders: loaded.orders, asOf: loaded.lastDay.adding(days: 1))
                    var scorer = RFMScorer()
                    scorer.ties = ties
                    let out = scratch.join("c\(permutation)-\(ties).csv")
                    try CustomersCSVWriter(customers: loaded.customers, activity: activity, rfm: scorer.run(activity)).write(to: out)
                    outputs.append(try bytes(out))
                }
            }
            // One output per permutation and rule, rules in `allCases` order.
            let rules = RFMScorer.TieRule.allCases.count
            for r in 0..<rules {
                #expect(outputs[r] == outputs[rules + r] && outputs[r] == outputs[2 * rules + r], "\(RFMScorer.TieRule.allCases[r])")
            }
            #expect(outputs[0] != outputs[1], "share and split should differ on this many ties")
        }
    }

    @Test("customers whose orders are all on or after as-of are not scored")
    func notYetActive() throws {
        let book = RandomOrderBook(customers: 50, seed: 11)
        let result = try RFMScorer().run(book.activity())
        let inactive = Set((0..<50).filter { $0 % 10 == 3 }.map(Int32.init))
        #expect(result.count == 45)
        #expect(Set(result.customers).isDisjoint(with: inactive))
    }
}

@Suite("RFMScorer monetary = mean")
struct RFMMeanMonetaryTests {
    @Test("mean order value is rounded half away from zero to the cent", arguments: [
        ([100, 101], 101),          // 100.5 → 101
        ([-100, -101], -101),       // −100.5 → −101
        ([1, 0], 1),                // 0.5 → 1
        ([-1, 0], -1),              // −0.5 → −1
        ([1, 0, 0], 0),             // 0.33 → 0
        ([1, 1, 0], 1),             // 0.67 → 1
        ([-1, -1, 0], -1),          // −0.67 → −1
        ([-1, 0, 0], 0),            // −0.33 → 0
        ([7, 7, 7], 7),
        ([8_000, 8_000, 8_000, 8_000, 8_000, 8_099], 8_017),  // 48 099 / 6 = 8 016.5
        ([5, -10], -3),             // −2.5 → −3
    ] as [([Int64], Int64)])
    func mean(orders: [Int64], expected: Int64) throws {
        let activity = CustomerActivity(orders: OrderTable(customers: 1, customer: orders.map { _ in 0 },
                                                           firstDay: orders.indices.map { Int32($0) }, lastDay: orders.indices.map { Int32($0) },
                                                           netCents: orders, lines: orders.map { _ in 1 }),
                                        asOf: CalendarDay(daysSinceEpoch: 100))
        var scorer = RFMScorer()
        scorer.monetary = .mean
        let result = try scorer.run(activity)
        #expect(result.monetaryCents == [expected])
        #expect(result.revenueCents == [orders.reduce(0, +)])
    }

    @Test("with monetary = mean, customers.csv shows mean order value and historical_clv stays net revenue × margin")
    func meanInRun() throws {
        try withScratch { scratch in
            var config = configuration(transactions: Package.fixture("rfm/transactions.csv"), out: scratch.join("report"))
            config.rfm.monetary = .mean
            _ = try Run(configuration: config).execute()
            let rows = Dictionary(uniqueKeysWithValues: csvRecords(try text(scratch.join("report/customers.csv"))).dropFirst().map { ($0[0], $0) })
            // u9: 480.99 / 6 = 80.165 → 80.17; u10: 120.50 / 3 = 40.1666… → 40.17; u6: 200 / 4 = 50.00.
            #expect(rows["u9"]?[5] == "80.17")
            #expect(rows["u10"]?[5] == "40.17")
            #expect(rows["u6"]?[5] == "50.00")
            #expect(rows["u3"]?[5] == "-30.00")
            #expect(rows["u9"]?[11] == "480.99")
            #expect(rows["u10"]?[11] == "120.50")
        }
    }
}

@Suite("RFMScorer counting and sorting")
struct RFMScorerCountingTests {
    /// Keys over several 65,536-row blocks, with heavy ties, negative values and an n that is no multiple of N.
    static func keys(_ n: Int, span: Int64, seed: UInt64) -> [Int64] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Int64.random(in: -span / 2...(span - span / 2 - 1), using: &g) }
    }

    @Test("narrow keys are scored by counting exactly as by sorting, under every tie rule and any thread count",
          arguments: [(150_001, Int64(7), UInt64(1)), (200_003, 3_000, 2), (70_000, 1, 3)])
    func countingEqualsSorting(n: Int, span: Int64, seed: UInt64) {
        let keys = Self.keys(n, span: span, seed: seed)
        let low = keys.min()!, values = Int(keys.max()! - low) + 1
        for ties in RFMScorer.TieRule.allCases {
            var scorer = RFMScorer()
            scorer.ties = ties
            let sorted = scorer.scoreBySorting(keys)
            for threads in [1, 2, 3] {
                let counted = Parallelism.$threads.withValue(threads) { scorer.scoreByCounting(keys, low: low, values: values) }
                #expect(counted == sorted, "\(ties), \(threads) threads")
                #expect(Parallelism.$threads.withValue(threads) { scorer.score(keys) } == sorted)
            }
        }
    }

    @Test("keys spanning more values than the counting limit, or all of Int64, are sorted")
    func wideKeys() {
        let n = 100_000
        #expect(RFMScorer.countingSpan(customers: n) < 100_000)
        var keys = Self.keys(n, span: 1_000_000_000, seed: 4)
        keys[17] = .min; keys[99_000] = .max
        var scorer = RFMScorer()
        scorer.ties = .split
        let scores = scorer.score(keys)
        #expect(scores == scorer.scoreBySorting(keys))
        #expect(scores[17] == 1 && scores[99_000] == 5)
    }
}
