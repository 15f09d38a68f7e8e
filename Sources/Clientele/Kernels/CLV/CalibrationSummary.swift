import ClienteleSupport
import ClienteleStore

/// The per-customer calibration summary that BG/NBD and Gamma-Gamma are fitted on, with the
/// holdout counts they are judged on (docs/definitions.md: calibration end E inclusive,
/// lifetimes' `observation_period_end` meaning; time unit weeks).
///
/// For each customer with an order dated ≤ E:
/// - x (`frequency`) = distinct calibration orders − 1 (repeat purchases);
/// - t_x (`recency`) = (last calibration order day − first order day) / 7;
/// - T (`age`) = (E − first order day) / 7;
/// - `repeatSpend` = mean net value (money units) of the repeat orders, all calibration orders but
///   the first (the first is the earliest; among same-day orders, OrderTable's order decides:
///   smallest last day, then smallest value); 0 when x = 0;
/// - `holdoutPurchases` = orders dated after E and before as-of.
/// Customers without an order ≤ E have x = −1 and NaN recency and age: they are not part of the
/// fit and get no prediction (`isIncluded` is false).
public struct CalibrationSummary: Sendable {
    /// E, inclusive; `nil` for a summary built from plain arrays.
    public let calibrationEnd: CalendarDay?
    /// The analysis date; the holdout is E < day < as-of. `nil` without a holdout.
    public let asOf: CalendarDay?
    /// Length of the holdout in weeks: (as-of − 1 − E) / 7 days (lifetimes'
    /// `calibration_and_holdout_data` `duration_holdout` with observation end as-of − 1).
    public let holdoutWeeks: Double?
    /// x per customer; −1 when the customer has no calibration order.
    public let frequency: [Int32]
    /// t_x in weeks; NaN when not included.
    public let recency: [Double]
    /// T in weeks; NaN when not included.
    public let age: [Double]
    /// Mean net value of the repeat orders in money units (cents / 100); 0 when x ≤ 0.
    public let repeatSpend: [Double]
    /// Orders after E and before as-of; all zero without a holdout.
    public let holdoutPurchases: [Int32]
    /// Customers with a calibration order.
    public let includedCount: Int
    /// The same times in whole days, when built from orders (exact; makes compression a
    /// table lookup).
    package let days: (recency: [Int32], age: [Int32])?

    public var count: Int { frequency.count }
    @inline(__always) public func isIncluded(_ c: Int) -> Bool { frequency[c] >= 0 }
    /// x > 0 and mean repeat spend > 0: the customers the Gamma-Gamma model is fitted on.
    @inline(__always) public func hasPositiveRepeatSpend(_ c: Int) -> Bool { frequency[c] > 0 && repeatSpend[c] > 0 }

    /// Builds the summary from the orders (through a `CustomerTable` of its own).
    /// - Parameters:
    ///   - orders: orders grouped by customer, sorted by day within one.
    ///   - calibrationEnd: E, the last calibration day (inclusive).
    ///   - asOf: the analysis date; orders on or after it are ignored. `nil`: no holdout (orders
    ///     after E are not counted).
    /// - Throws: `CLVError.invalidSetting` when as-of ≤ E.
    /// - Complexity: O(orders + customers).
    public init(orders: OrderTable, calibrationEnd: CalendarDay, asOf: CalendarDay? = nil) throws {
        if let asOf, asOf <= calibrationEnd {
            throw CLVError.invalidSetting(name: "calibration_end", value: "\(calibrationEnd)",
                                          requirement: "should be before as-of \(asOf)")
        }
        let table = CustomerTable(orders: orders, interactions: nil, asOf: asOf ?? calibrationEnd.adding(days: 1),
                                  calibrationEnd: asOf == nil ? nil : calibrationEnd)
        self.init(calibration: table.calibration ?? table.current, holdoutOrders: table.holdoutOrders, asOf: asOf)
    }

    /// The summary of a customer table's facts for the period that ends on E = `calibration.asOf` − 1.
    /// - Parameters:
    ///   - calibration: each customer's orders dated ≤ E (`CustomerTable.calibration`, or
    ///     `CustomerTable.current` for the period that ends the day before as-of).
    ///   - holdoutOrders: orders after E and before `asOf` (`CustomerTable.holdoutOrders`); `nil`:
    ///     no holdout.
    ///   - asOf: the analysis date that ends the holdout; `nil` without a holdout.
    /// - Complexity: O(customers), in blocks spread over `Parallelism.threads`.
    public init(calibration facts: CustomerActivity, holdoutOrders: [Int32]?, asOf: CalendarDay?) {
        let n = facts.count
        let calibrationEnd = facts.asOf.adding(days: -1)
        let end = calibrationEnd.daysSinceEpoch
        let blocks = splitBlocks(n, size: CustomerTable.customerBlock)
        var included = [Int](repeating: 0, count: blocks.count)
        var times: [[Double]] = []
        let counts = writeOnceColumns(of: Int32.self, 3, length: n) { counts in
            times = writeOnceColumns(3, length: n) { times in
                included.withUnsafeMutableBufferPointer { included in
                    parallelFor(blocks.count) { b in
                        var count = 0
                        for c in blocks[b] {
                            let orders = facts.frequency[c], first = facts.firstDay[c], last = facts.lastDay[c]
                            guard orders > 0 else {
                                counts[0][c] = -1; counts[1][c] = 0; counts[2][c] = 0
                                times[0][c] = .nan; times[1][c] = .nan; times[2][c] = 0
                                continue
                            }
                            count += 1
                            let repeats = orders - 1, repeatCents = facts.netCents[c] - facts.firstOrderCents[c]  // OrderTable invariant
                            counts[0][c] = repeats; counts[1][c] = last - first; counts[2][c] = end - first
                            times[0][c] = Double(last - first) / 7
                            times[1][c] = Double(end - first) / 7
                            times[2][c] = repeats > 0 ? Double(repeatCents) / 100 / Double(repeats) : 0
                        }
                        included[b] = count
                    }
                }
            }
        }
        self.calibrationEnd = calibrationEnd
        self.asOf = asOf
        self.holdoutWeeks = asOf.map { Double($0.daysSinceEpoch - 1 - end) / 7 }
        self.frequency = counts[0]
        self.recency = times[0]
        self.age = times[1]
        self.repeatSpend = times[2]
        self.holdoutPurchases = holdoutOrders ?? [Int32](repeating: 0, count: n)
        self.includedCount = included.reduce(0, +)
        self.days = (counts[1], counts[2])
    }

    /// A summary from plain per-customer columns (for example an analyst's own x, t_x, T table).
    /// - Parameters:
    ///   - frequency: x ≥ 0 per customer.
    ///   - recency: t_x in weeks, 0 ≤ t_x ≤ T, and 0 when x = 0.
    ///   - age: T in weeks, finite and ≥ 0.
    ///   - repeatSpend: mean repeat order value (any sign; only x > 0 and > 0 is used); default 0.
    ///   - holdoutPurchases, holdoutWeeks: actual holdout orders and the holdout length.
    /// - Throws: `CLVError.invalidSummary` naming the first customer that breaks the domain,
    ///   `CLVError.lengthMismatch` for columns of different lengths.
    public init(frequency: [Int], recency: [Double], age: [Double], repeatSpend: [Double]? = nil,
                holdoutPurchases: [Int]? = nil, holdoutWeeks: Double? = nil) throws {
        let n = frequency.count
        for (name, count) in [("recency", recency.count), ("age", age.count),
                              ("repeatSpend", repeatSpend?.count ?? n), ("holdoutPurchases", holdoutPurchases?.count ?? n)]
        where count != n {
            throw CLVError.lengthMismatch(name: name, count: count, expected: n)
        }
        for c in 0..<n {
            let x = frequency[c], t = recency[c], T = age[c]
            if x < 0 || x > Int(Int32.max) {
                throw CLVError.invalidSummary(customer: c, field: "frequency", value: "\(x)", requirement: "should be in 0...\(Int32.max)")
            }
            if !(T >= 0 && T.isFinite) {
                throw CLVError.invalidSummary(customer: c, field: "T", value: "\(T)", requirement: "should be finite and >= 0")
            }
            if !(t >= 0 && t <= T) {
                throw CLVError.invalidSummary(customer: c, field: "recency", value: "\(t)", requirement: "should be in [0, T=\(T)]")
            }
            if x == 0 && t != 0 {
                throw CLVError.invalidSummary(customer: c, field: "recency", value: "\(t)", requirement: "should be 0 when frequency is 0")
            }
            if let s = repeatSpend?[c], !s.isFinite {
                throw CLVError.invalidSummary(customer: c, field: "repeat_spend", value: "\(s)", requirement: "should be finite")
            }
            if let h = holdoutPurchases?[c], h < 0 || h > Int(Int32.max) {
                throw CLVError.invalidSummary(customer: c, field: "holdout_purchases", value: "\(h)", requirement: "should be >= 0")
            }
        }
        if let holdoutWeeks, !(holdoutWeeks >= 0 && holdoutWeeks.isFinite) {
            throw CLVError.invalidSetting(name: "holdout_weeks", value: "\(holdoutWeeks)", requirement: "should be finite and >= 0")
        }
        self.calibrationEnd = nil
        self.asOf = nil
        self.holdoutWeeks = holdoutWeeks
        self.frequency = frequency.map { Int32($0) }
        self.recency = recency
        self.age = age
        self.repeatSpend = repeatSpend.map { s in (0..<n).map { frequency[$0] > 0 ? s[$0] : 0 } } ?? [Double](repeating: 0, count: n)
        self.holdoutPurchases = holdoutPurchases?.map { Int32($0) } ?? [Int32](repeating: 0, count: n)
        self.includedCount = n
        self.days = nil
    }
}
