/// The per-customer calibration summary that BG/NBD and Gamma-Gamma are fitted on, with the
/// holdout counts they are judged on (DESIGN.md, "Definitions": calibration end E inclusive,
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
    let days: (recency: [Int32], age: [Int32])?

    public var count: Int { frequency.count }
    @inline(__always) public func isIncluded(_ c: Int) -> Bool { frequency[c] >= 0 }
    /// x > 0 and mean repeat spend > 0: the customers the Gamma-Gamma model is fitted on.
    @inline(__always) public func hasPositiveRepeatSpend(_ c: Int) -> Bool { frequency[c] > 0 && repeatSpend[c] > 0 }

    /// Builds the summary from orders in one pass, split across the cores by customer range.
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
        let n = orders.customerCount
        let end = calibrationEnd.daysSinceEpoch
        let cutoff = asOf?.daysSinceEpoch ?? (end + 1)
        var x = [Int32](repeating: -1, count: n)
        var tDays = [Int32](repeating: 0, count: n), ageDays = [Int32](repeating: 0, count: n)
        var recency = [Double](repeating: .nan, count: n), age = [Double](repeating: .nan, count: n)
        var spend = [Double](repeating: 0, count: n)
        var holdout = [Int32](repeating: 0, count: n)
        let ranges = splitBlocks(n, size: 32_768)  // fixed by n; spread over Parallelism.threads
        var included = [Int](repeating: 0, count: ranges.count)
        x.withUnsafeMutableBufferPointer { x in
        tDays.withUnsafeMutableBufferPointer { tDays in
        ageDays.withUnsafeMutableBufferPointer { ageDays in
        recency.withUnsafeMutableBufferPointer { recency in
        age.withUnsafeMutableBufferPointer { age in
        spend.withUnsafeMutableBufferPointer { spend in
        holdout.withUnsafeMutableBufferPointer { holdout in
        included.withUnsafeMutableBufferPointer { included in
            parallelFor(ranges.count) { part in
                var count = 0
                for c in ranges[part] {
                    var orderCount: Int32 = 0, first: Int32 = 0, last: Int32 = 0
                    var repeatCents: Int64 = 0, later: Int32 = 0
                    for o in orders.orders(of: c) {
                        let day = orders.firstDay[o]
                        if day <= end {
                            if orderCount == 0 { first = day } else { repeatCents += orders.netCents[o] }  // OrderTable invariant
                            if day > last || orderCount == 0 { last = day }
                            orderCount += 1
                        } else if day < cutoff {
                            later += 1
                        }
                    }
                    holdout[c] = later
                    guard orderCount > 0 else { continue }
                    count += 1
                    let repeats = orderCount - 1
                    x[c] = repeats
                    tDays[c] = last - first
                    ageDays[c] = end - first
                    recency[c] = Double(last - first) / 7
                    age[c] = Double(end - first) / 7
                    spend[c] = repeats > 0 ? Double(repeatCents) / 100 / Double(repeats) : 0
                }
                included[part] = count
            }
        }}}}}}}}
        self.calibrationEnd = calibrationEnd
        self.asOf = asOf
        self.holdoutWeeks = asOf.map { Double($0.daysSinceEpoch - 1 - end) / 7 }
        self.frequency = x
        self.recency = recency
        self.age = age
        self.repeatSpend = spend
        self.holdoutPurchases = holdout
        self.includedCount = included.reduce(0, +)
        self.days = (tDays, ageDays)
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
