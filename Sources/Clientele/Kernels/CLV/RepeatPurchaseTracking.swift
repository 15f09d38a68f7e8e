import ClienteleStats
import ClienteleStore

/// Weekly repeat purchases of the calibration customers, actual against the fitted model's
/// expectation, over the calibration period and the holdout (lifetimes'
/// `plot_cumulative_transactions` / `plot_incremental_transactions`; docs/definitions.md,
/// "Tracking plot").
///
/// Customers: those whose first order is on or before E (the customers the model was fitted on).
/// Actual: their repeat orders (every order but the first, `OrderTable`'s order) dated on or
/// before each point's day. Expected: Σ over those customers of E[X((D − first order day) / 7)],
/// the model's expected repeat purchases of a customer acquired on the first order day
/// (`RepeatPurchaseModelFit.expectedPurchases(within:)`), for customers with first order ≤ D.
/// It is computed per first-order day (customers of a day share the value), in day order, so it
/// does not depend on the thread count.
///
/// Points: the day before the first first-order day (0 and 0), then days E − 7k (k ≥ 0) back to
/// the first order, and E + 7k forward, then the last day (as-of − 1): weeks end at E, so the
/// calibration end is a point and only the first and the last weeks can be short.
public struct RepeatPurchaseTracking: Sendable {
    public let model: RepeatPurchaseModelKind
    /// The day before the first first-order day: week 0.
    public let startDay: CalendarDay
    public let calibrationEnd: CalendarDay
    /// as-of − 1.
    public let lastDay: CalendarDay
    /// Calibration customers followed.
    public let customers: Int
    /// Each point's day and its weeks since `startDay`.
    public let days: [CalendarDay]
    public let weeks: [Double]
    /// Cumulative repeat purchases up to and including each point's day.
    public let actualCumulative: [Int]
    public let expectedCumulative: [Double]

    /// The week of `calibrationEnd`, where the chart draws its vertical line.
    public var calibrationEndWeek: Double { Double(calibrationEnd.daysSinceEpoch - startDay.daysSinceEpoch) / 7 }
    /// Repeat purchases in the period ending at each point (the first point's is 0).
    public var actualIncremental: [Int] { actualCumulative.indices.map { $0 == 0 ? actualCumulative[0] : actualCumulative[$0] - actualCumulative[$0 - 1] } }
    public var expectedIncremental: [Double] { expectedCumulative.indices.map { $0 == 0 ? expectedCumulative[0] : expectedCumulative[$0] - expectedCumulative[$0 - 1] } }
    /// The index of the point at `calibrationEnd`.
    public var calibrationEndIndex: Int { days.firstIndex(of: calibrationEnd)! }

    /// - Parameters:
    ///   - orders: the run's orders.
    ///   - calibrationEnd: E, inclusive.
    ///   - asOf: orders on or after it are ignored; the last point is as-of − 1 (≥ E).
    ///   - model: the fitted model (times in weeks).
    /// - Returns: `nil` when no customer has an order on or before E, or when the model's
    ///   expectation is not finite somewhere (a degenerate fit on a handful of customers).
    public init?(orders: OrderTable, calibrationEnd: CalendarDay, asOf: CalendarDay, model: any RepeatPurchaseModelFit) {
        guard let counts = Counts(orders: orders, calibrationEnd: calibrationEnd, asOf: asOf) else { return nil }
        self.init(counts, calibrationEnd: calibrationEnd, asOf: asOf, model: model)
    }

    /// What the plot reads of the orders: per day from the first calibration first-order day to
    /// the last day, the calibration customers acquired (first order that day) and their repeat
    /// orders. Integer counts by day: the counts of any split of the customers add up to these
    /// (`merged(with:)`), so a run spread over machines draws the same plot.
    public struct Counts: Sendable, Equatable {
        /// The first calibration first-order day; index 0 of both arrays.
        public var firstDay: Int32
        public var acquired: [Int]
        public var repeats: [Int]

        public init(firstDay: Int32, acquired: [Int], repeats: [Int]) {
            self.firstDay = firstDay; self.acquired = acquired; self.repeats = repeats
        }

        /// nil when no customer has an order on or before E.
        public init?(orders: OrderTable, calibrationEnd: CalendarDay, asOf: CalendarDay) {
            let end = calibrationEnd.daysSinceEpoch, last = max(end, asOf.daysSinceEpoch - 1)
            // First pass: the first calibration first-order day.
            var first = Int32.max
            for c in 0..<orders.customerCount {
                let range = orders.orders(of: c)
                guard let p = range.first, orders.firstDay[p] <= end else { continue }
                first = min(first, orders.firstDay[p])
            }
            guard first != Int32.max else { return nil }
            let span = Int(last - first) + 1
            var acquired = [Int](repeating: 0, count: span), repeats = [Int](repeating: 0, count: span)
            for c in 0..<orders.customerCount {
                let range = orders.orders(of: c)
                guard let p = range.first, orders.firstDay[p] <= end else { continue }
                acquired[Int(orders.firstDay[p] - first)] += 1
                for q in range.dropFirst() where orders.firstDay[q] <= last { repeats[Int(orders.firstDay[q] - first)] += 1 }
            }
            self.init(firstDay: first, acquired: acquired, repeats: repeats)
        }

        /// Both splits' customers together (the arrays run to the same last day).
        public func merged(with other: Counts) -> Counts {
            let first = min(firstDay, other.firstDay)
            let span = max(acquired.count + Int(firstDay - first), other.acquired.count + Int(other.firstDay - first))
            var out = Counts(firstDay: first, acquired: [Int](repeating: 0, count: span), repeats: [Int](repeating: 0, count: span))
            for c in [self, other] {
                let shift = Int(c.firstDay - first)
                for i in c.acquired.indices { out.acquired[shift + i] += c.acquired[i]; out.repeats[shift + i] += c.repeats[i] }
            }
            return out
        }
    }

    /// The plot from the counts of the calibration customers (`Counts`).
    public init?(_ counts: Counts, calibrationEnd: CalendarDay, asOf: CalendarDay, model: any RepeatPurchaseModelFit) {
        let end = calibrationEnd.daysSinceEpoch, last = max(end, asOf.daysSinceEpoch - 1)
        let first = counts.firstDay, span = Int(last - first) + 1
        guard counts.acquired.count == span, counts.repeats.count == span else { return nil }
        let acquired = counts.acquired, repeats = counts.repeats
        let customers = acquired.reduce(0, +)
        // Point days, ascending.
        var points = [Int32]()
        var d = end
        while d >= first { points.append(d); d -= 7 }
        points.reverse()
        d = end + 7
        while d < last { points.append(d); d += 7 }
        if last > end { points.append(last) }
        points.insert(first - 1, at: 0)
        // E[X(lag / 7)] for every lag in days, once.
        let lags = (0..<span).map { model.expectedPurchases(within: Double($0) / 7) }
        var actual = [Int](), expected = [Double]()
        var cumulative = 0, next = 0
        for point in points {
            while next < span && Int32(next) + first <= point { cumulative += repeats[next]; next += 1 }
            actual.append(cumulative)
            var sum = CompensatedSum()
            if point >= first {
                for day in 0...Int(point - first) where acquired[day] > 0 { sum.add(Double(acquired[day]) * lags[Int(point - first) - day]) }
            }
            expected.append(sum.value)
        }
        // A degenerate fit (a handful of customers) can have no finite expectation: no plot.
        guard expected.allSatisfy(\.isFinite) else { return nil }
        self.model = model.kind
        self.startDay = CalendarDay(daysSinceEpoch: first - 1)
        self.calibrationEnd = calibrationEnd
        self.lastDay = CalendarDay(daysSinceEpoch: last)
        self.customers = customers
        self.days = points.map { CalendarDay(daysSinceEpoch: $0) }
        self.weeks = points.map { Double($0 - (first - 1)) / 7 }
        self.actualCumulative = actual
        self.expectedCumulative = expected
    }
}
