import Testing
@testable import Clientele

@Suite("Store: the customer table holds every per-customer fact, computed once, the same on any thread count")
struct StoreCustomerTableTests {
    /// E = day 100, as-of = day 131. c0 orders 10 (+10.00), 50 (−2.00), 120 (+5.00), 131 (after as-of);
    /// c1 90 (+25.00) and 90 (+1.00, the same day); c2 110 (+7.00); c3 only 140 (not yet a customer).
    static let orders = churnOrders(customers: 4, [(0, 10, 1000), (0, 50, -200), (0, 120, 500), (0, 131, 900),
                                                   (1, 90, 2500), (1, 90, 100), (2, 110, 700), (3, 140, 300)])
    static let end = CalendarDay(daysSinceEpoch: 100), asOf = CalendarDay(daysSinceEpoch: 131)

    /// c0: complaint 20, survey 30 (satisfaction 4, recommend 8), support 105, survey 110 (satisfaction 2);
    /// c1: marketing 99 with satisfaction 5 (not a survey); c2: survey 115 (recommend 10), complaint 131 (on as-of).
    static var interactions: InteractionTable {
        var t = churnInteractions([(0, 20, .complaint, .nan), (0, 30, .survey, 4), (0, 105, .support, .nan), (0, 110, .survey, 2),
                                   (1, 99, .marketing, 5), (2, 115, .survey, .nan), (2, 131, .complaint, .nan)])
        t.recommend = [.nan, 8, .nan, .nan, .nan, 10, .nan]
        return t
    }

    static let table = CustomerTable(orders: orders, interactions: interactions, asOf: asOf, calibrationEnd: end)

    @Test("order facts by hand: before as-of and up to the calibration end, first order's value, holdout orders")
    func orderFacts() throws {
        let t = Self.table
        #expect(t.current.asOf == Self.asOf)
        #expect(t.current.frequency == [3, 2, 1, 0])
        #expect(t.current.firstDay == [10, 90, 110, 0])
        #expect(t.current.lastDay == [120, 90, 110, 0])
        #expect(t.current.netCents == [1300, 2600, 700, 0])
        #expect(t.current.firstOrderCents == [1000, 100, 700, 0])  // same day: the smaller value first (OrderTable order)
        let calibration = try #require(t.calibration)
        #expect(calibration.asOf == Self.end.adding(days: 1))
        #expect(calibration.frequency == [2, 2, 0, 0])
        #expect(calibration.firstDay == [10, 90, 0, 0])
        #expect(calibration.lastDay == [50, 90, 0, 0])
        #expect(calibration.netCents == [800, 2600, 0, 0])
        #expect(calibration.firstOrderCents == [1000, 100, 0, 0])
        #expect(t.holdoutOrders == [1, 0, 1, 0])
    }

    @Test("contact facts by hand: counts by kind, satisfaction of any kind and of surveys, recommend answers, per period")
    func contactFacts() throws {
        let now = try #require(Self.table.currentContacts), then = try #require(Self.table.calibrationContacts)
        #expect(now.interactions == [4, 1, 1, 0])  // c2's complaint on as-of does not count
        #expect(then.interactions == [2, 1, 0, 0])
        #expect(now.complaints == [1, 0, 0, 0])
        #expect(now.supportContacts == [1, 0, 0, 0] && then.supportContacts == [0, 0, 0, 0])
        #expect(now.satisfactionSum == [6, 5, 0, 0] && now.satisfactionAnswers == [2, 1, 0, 0])
        #expect(now.surveySatisfactionSum == [6, 0, 0, 0] && now.surveyAnswers == [2, 0, 0, 0])
        #expect(then.satisfactionSum == [4, 5, 0, 0] && then.surveyAnswers == [1, 0, 0, 0])
        #expect(now.recommendSum == [8, 0, 10, 0] && now.recommendAnswers == [1, 0, 1, 0])
        #expect(then.recommendAnswers == [1, 0, 0, 0])
    }

    @Test("without a calibration end or interactions there are no such facts, and the current ones are the same")
    func optionalPeriods() {
        let plain = CustomerTable(orders: Self.orders, interactions: nil, asOf: Self.asOf, calibrationEnd: nil)
        #expect(plain.calibration == nil && plain.holdoutOrders == nil)
        #expect(plain.currentContacts == nil && plain.calibrationContacts == nil)
        #expect(plain.current.netCents == Self.table.current.netCents && plain.current.frequency == Self.table.current.frequency)
    }

    /// A random store crossing the table's blocks (32,768 customers, 65,536 interaction rows, 8,192-customer partitions).
    static func randomStore(seed: UInt64) -> (OrderTable, InteractionTable) {
        var random = IngestRandom(seed: seed)
        let customers = 40_000
        var orderRows: [(Int, Int32, Int64)] = []
        for _ in 0..<100_000 {
            orderRows.append((Int.random(in: 0..<customers, using: &random), Int32.random(in: 0..<400, using: &random),
                              Int64.random(in: -5_000...90_000, using: &random)))
        }
        var contactRows: [(Int, Int32, InteractionKind, Float)] = []
        var recommend: [Float] = []
        for _ in 0..<150_000 {
            let answered = random.chance(0.5)
            contactRows.append((Int.random(in: 0..<customers, using: &random), Int32.random(in: 0..<400, using: &random),
                                random.pick(InteractionKind.allCases),
                                answered ? Float(Int.random(in: 1...50, using: &random)) / 10 : .nan))
            recommend.append(random.chance(0.3) ? Float(Int.random(in: 0...10, using: &random)) : .nan)
        }
        var interactions = churnInteractions(contactRows)
        interactions.recommend = recommend
        return (churnOrders(customers: customers, orderRows), interactions)
    }

    @Test("random stores: every fact equals a row-by-row count, and one to four threads give the same bits", arguments: [3, 4] as [UInt64])
    func againstRowByRow(seed: UInt64) throws {
        let (orders, interactions) = Self.randomStore(seed: seed)
        let asOf = CalendarDay(daysSinceEpoch: 350), end = CalendarDay(daysSinceEpoch: 250)
        let table = Parallelism.withThreads(1) { CustomerTable(orders: orders, interactions: interactions, asOf: asOf, calibrationEnd: end) }
        let n = orders.customerCount
        var frequency = [Int32](repeating: 0, count: n), calibrationCents = [Int64](repeating: 0, count: n), holdout = frequency
        for o in 0..<orders.count where orders.firstDay[o] < 350 {
            let c = Int(orders.customer[o])
            frequency[c] += 1
            if orders.firstDay[o] <= 250 { calibrationCents[c] += orders.netCents[o] } else { holdout[c] += 1 }
        }
        #expect(table.current.frequency == frequency)
        #expect(table.calibration?.netCents == calibrationCents)
        #expect(table.holdoutOrders == holdout)
        var surveys = [Int32](repeating: 0, count: n), satisfaction = [Double](repeating: 0, count: n)
        for r in 0..<interactions.count where interactions.day[r] <= 250 && !interactions.satisfaction[r].isNaN {
            let c = Int(interactions.customer[r])
            satisfaction[c] += Double(interactions.satisfaction[r])
            if interactions.kind[r] == .survey { surveys[c] += 1 }
        }
        let contacts = try #require(table.calibrationContacts)
        #expect(contacts.satisfactionSum == satisfaction)
        #expect(contacts.surveyAnswers == surveys)
        for threads in 2...4 {
            let again = Parallelism.withThreads(threads) { CustomerTable(orders: orders, interactions: interactions, asOf: asOf, calibrationEnd: end) }
            #expect(Self.bits(again) == Self.bits(table), "\(threads) threads")
        }
    }

    /// Every column of a table, as raw bits.
    static func bits(_ t: CustomerTable) -> [[UInt64]] {
        func facts(_ a: CustomerActivity?) -> [[UInt64]] {
            guard let a else { return [] }
            return [a.firstDay, a.lastDay, a.frequency].map { $0.map { UInt64(UInt32(bitPattern: $0)) } }
                + [a.netCents, a.firstOrderCents].map { $0.map { UInt64(bitPattern: $0) } }
        }
        func contacts(_ c: CustomerContacts?) -> [[UInt64]] {
            guard let c else { return [] }
            return [c.interactions, c.complaints, c.supportContacts, c.satisfactionAnswers, c.surveyAnswers, c.recommendAnswers]
                .map { $0.map { UInt64(UInt32(bitPattern: $0)) } }
                + [c.satisfactionSum, c.surveySatisfactionSum, c.recommendSum].map { $0.map(\.bitPattern) }
        }
        return facts(t.current) + facts(t.calibration) + [(t.holdoutOrders ?? []).map { UInt64($0) }]
            + contacts(t.currentContacts) + contacts(t.calibrationContacts)
    }
}
