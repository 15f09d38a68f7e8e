import Foundation
import Testing
@testable import Clientele

/// Orders from (customer, day, cents) rows, for hand-worked feature tests.
func churnOrders(customers: Int, _ rows: [(Int, Int32, Int64)]) -> OrderTable {
    OrderTable(customers: customers, customer: rows.map { Int32($0.0) }, firstDay: rows.map(\.1), lastDay: rows.map(\.1),
               netCents: rows.map(\.2), lines: rows.map { _ in 1 })
}

/// Interactions from (customer, day, kind, satisfaction) rows.
func churnInteractions(_ rows: [(Int, Int32, InteractionKind, Float)]) -> InteractionTable {
    var table = InteractionTable()
    table.customer = rows.map { Int32($0.0) }
    table.day = rows.map(\.1)
    table.kind = rows.map(\.2)
    table.channel = rows.map { _ in 0 }
    table.satisfaction = rows.map(\.3)
    table.recommend = rows.map { _ in .nan }
    table.channelNames = ["web"]
    return table
}

/// E = day 100, as-of = day 131 (a 30-day holdout), five customers worked by hand:
/// - c0: orders 10 (+10.00), 50 (−2.00), 120 (+5.00); complaints 20, 100, 105; surveys 30 (4), 110 (2)
/// - c1: order 90 (+25.00); a survey 50 without an answer
/// - c2: order 110 only (not labelled)
/// - c3: orders 100 (= E, inclusive) and 131 (= as-of, ignored); survey 99 (5); support 99 with a 1 (not a survey)
/// - c4: orders 40 and 101 (= E + 1: not churned)
enum ChurnHandWorked {
    static let end = CalendarDay(daysSinceEpoch: 100), asOf = CalendarDay(daysSinceEpoch: 131)
    static let orders = churnOrders(customers: 5, [
        (0, 10, 1_000), (0, 50, -200), (0, 120, 500), (1, 90, 2_500), (2, 110, 700), (3, 100, 300), (3, 131, 900),
        (4, 40, 100), (4, 101, 100),
    ])
    static let interactions = churnInteractions([
        (0, 20, .complaint, .nan), (0, 100, .complaint, .nan), (0, 105, .complaint, .nan), (0, 30, .survey, 4),
        (0, 110, .survey, 2), (1, 50, .survey, .nan), (3, 99, .survey, 5), (3, 99, .support, 1), (4, 200, .survey, 1),
    ])
    static var features: ChurnFeatures { ChurnFeatures(calibrationEnd: end, asOf: asOf) }
}

@Suite("ChurnFeatures")
struct ChurnFeaturesTests {
    @Test("labels and features as of E + 1 follow the definitions on a hand-worked example")
    func labelled() throws {
        let d = try ChurnHandWorked.features.run(orders: ChurnHandWorked.orders, interactions: ChurnHandWorked.interactions)
        #expect(d.featureNames == ChurnFeatures.defaultNames)
        #expect(d.labelledCustomers == [0, 1, 3, 4])
        #expect(d.churned == [false, true, true, false])
        // recency = E + 1 − last, frequency, monetary, tenure = E + 1 − first, complaints, CSAT (missing → 4.5).
        let expected: [[Double]] = [
            [51, 2, 8, 91, 2, 4],
            [11, 1, 25, 11, 0, 4.5],
            [1, 1, 3, 1, 0, 5],
            [61, 1, 1, 61, 0, 4.5],
        ]
        for (row, values) in expected.enumerated() {
            for (j, v) in values.enumerated() { #expect(d.labelled[row, j] == v, "row \(row) \(d.featureNames[j])") }
        }
        #expect(d.satisfactionFill?.labelled == 4.5)
        #expect(d.notes.isEmpty)
        #expect(d.settings.holdoutDays == 30)
    }

    @Test("scoring features as of the as-of date use the same definitions on every current customer")
    func current() throws {
        let d = try ChurnHandWorked.features.run(orders: ChurnHandWorked.orders, interactions: ChurnHandWorked.interactions)
        #expect(d.currentCustomers == [0, 1, 2, 3, 4])
        // recency = A − last, frequency, monetary, tenure = A − first, complaints < A, CSAT < A (missing → mean 4).
        let expected: [[Double]] = [
            [11, 3, 13, 121, 3, 3],
            [41, 1, 25, 41, 0, 4],
            [21, 1, 7, 21, 0, 4],
            [31, 1, 3, 31, 0, 5],
            [30, 2, 2, 91, 0, 4],
        ]
        for (row, values) in expected.enumerated() {
            for (j, v) in values.enumerated() { #expect(d.current[row, j] == v, "row \(row) \(d.featureNames[j])") }
        }
        #expect(d.satisfactionFill?.current == 4)
    }

    @Test("without interactions, complaints and satisfaction are left out with a note")
    func noInteractions() throws {
        let d = try ChurnHandWorked.features.run(orders: ChurnHandWorked.orders, interactions: nil)
        #expect(d.featureNames == [ChurnFeatures.recencyName, ChurnFeatures.frequencyName, ChurnFeatures.monetaryName, ChurnFeatures.tenureName])
        #expect(d.notes.count == 1 && d.notes[0].contains("no interactions table"))
        #expect(d.satisfactionFill == nil)
        let silent = try ChurnHandWorked.features.run(orders: ChurnHandWorked.orders, interactions: churnInteractions([(0, 30, .support, .nan)]))
        #expect(!silent.featureNames.contains(ChurnFeatures.complaintsName) && !silent.featureNames.contains(ChurnFeatures.satisfactionName))
        #expect(silent.notes.count == 2)
    }

    @Test("extra columns are appended by name and read at both dates")
    func extraColumns() throws {
        var features = ChurnHandWorked.features
        features.extraColumns = [ChurnFeatureColumn(name: "web_share", calibration: [0.1, 0.2, .nan, 0.4, 0.5], current: [1, 2, 3, 4, 5])]
        let d = try features.run(orders: ChurnHandWorked.orders, interactions: ChurnHandWorked.interactions)
        #expect(d.featureNames.last == "web_share")
        #expect(d.labelled.column(named: "web_share") == [0.1, 0.2, 0.4, 0.5])  // c2's NaN is not a labelled row
        #expect(d.current.column(named: "web_share") == [1, 2, 3, 4, 5])
    }

    @Test("setting and input problems are typed errors with their exit status",
          arguments: [
            ("holdout without a day", ChurnFeatures(calibrationEnd: CalendarDay(daysSinceEpoch: 130), asOf: CalendarDay(daysSinceEpoch: 131)), Clientele.ExitStatus.usage, "at least one day before"),
            ("repeated default name", ChurnFeatures(calibrationEnd: ChurnHandWorked.end, asOf: ChurnHandWorked.asOf,
                                                    extraColumns: [ChurnFeatureColumn(name: "frequency", values: [0, 0, 0, 0, 0])]), .usage, "listed twice"),
            ("intercept as a name", ChurnFeatures(calibrationEnd: ChurnHandWorked.end, asOf: ChurnHandWorked.asOf,
                                                  extraColumns: [ChurnFeatureColumn(name: "intercept", values: [0, 0, 0, 0, 0])]), .usage, "listed twice"),
            ("wrong column length", ChurnFeatures(calibrationEnd: ChurnHandWorked.end, asOf: ChurnHandWorked.asOf,
                                                  extraColumns: [ChurnFeatureColumn(name: "x", values: [0, 0])]), .software, "expected 5"),
            ("NaN in a labelled row", ChurnFeatures(calibrationEnd: ChurnHandWorked.end, asOf: ChurnHandWorked.asOf,
                                                    extraColumns: [ChurnFeatureColumn(name: "x", values: [0, .nan, 0, 0, 0])]), .dataError, "finite"),
            ("no customer before E", ChurnFeatures(calibrationEnd: CalendarDay(daysSinceEpoch: 5), asOf: ChurnHandWorked.asOf), .dataError, "later --calibration-end"),
          ])
    func errors(_ name: String, _ features: ChurnFeatures, _ status: Clientele.ExitStatus, _ message: String) throws {
        let error = try #require(churnError { try features.run(orders: ChurnHandWorked.orders, interactions: ChurnHandWorked.interactions) })
        #expect(error.exitStatus == status)
        #expect(error.description.contains(message), "\(error.description)")
    }
}

@Suite("ChurnSplit")
struct ChurnSplitTests {
    @Test("a customer's side depends only on its id and the seed, and the shares are near the test share")
    func shares() {
        let split = ChurnSplit(testShare: 0.3, seed: 42)
        let ids = (0..<50_000).map { String(format: "C%08d", $0) }
        let flags = ids.map { split.isTest(customerID: $0) }
        let share = Double(flags.filter { $0 }.count) / Double(ids.count)
        #expect(abs(share - 0.3) < 4 * (0.3 * 0.7 / 50_000).squareRoot())
        #expect(ids.map { split.isTest(customerID: $0) } == flags)
        let other = ids.map { ChurnSplit(testShare: 0.3, seed: 43).isTest(customerID: $0) }
        #expect(other != flags)
        // A larger share only adds test customers (the position does not depend on the share).
        let larger = ids.map { ChurnSplit(testShare: 0.5, seed: 42).isTest(customerID: $0) }
        #expect(zip(flags, larger).allSatisfy { !$0.0 || $0.1 })
    }

    @Test("the split formula is pinned: FNV-1a of the bytes mixed with the seed")
    func pinned() {
        // FNV-1a-64 of "" is the offset basis; of "a" it is 0xaf63dc4c8601ec8c (published test vectors).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ 0x61) &* 0x0000_0100_0000_01b3
        #expect(h == 0xaf63_dc4c_8601_ec8c)
        let split = ChurnSplit(testShare: 0.3, seed: 1)
        let expected = Double(ChurnSplit.mix(0xaf63_dc4c_8601_ec8c ^ ChurnSplit.mix(1)) >> 11) * 0x1.0p-53
        #expect(Array("a".utf8).withUnsafeBytes { split.position(of: $0) } == expected)
        #expect(ChurnSplit.mix(0) == 0xe220_a839_7b1d_cdaf)  // SplitMix64's first output from state 0
    }

    @Test("a test share outside (0, 1) is a usage error", arguments: [0.0, 1.0, -0.1, .nan])
    func invalidShare(share: Double) throws {
        let error = try #require(churnError { try ChurnSplit(testShare: share).validate() })
        #expect(error.exitStatus == .usage)
        #expect(error.description.contains("testShare"))
    }
}
