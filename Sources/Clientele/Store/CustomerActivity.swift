/// Each customer's orders dated before one day: the facts of one period of the `CustomerTable`.
///
/// `CustomerTable.current` (before as-of) holds the RFM inputs; `CustomerTable.calibration`
/// (before E + 1) those of the calibration period. An order counts when it was placed before
/// `asOf` (its day = its earliest line's day); its net value includes all its lines (returns
/// included). Customers without such an order are not yet customers on that date: `isActive` is
/// false for them and their other facts are 0.
public struct CustomerActivity: Sendable {
    /// The first day not counted: orders dated before it make up the period.
    public let asOf: CalendarDay
    public let firstDay: [Int32]
    public let lastDay: [Int32]
    /// Distinct orders before `asOf`.
    public let frequency: [Int32]
    /// Net revenue before `asOf`, in cents: a sum of a customer's orders, so within
    /// ±`CentsLimit.maximum` by the `OrderTable` invariant.
    public let netCents: [Int64]
    /// Net value of the customer's first order (the first in `OrderTable`'s order: earliest day,
    /// then smallest last day, then smallest value); `netCents − firstOrderCents` is the repeat spend.
    public let firstOrderCents: [Int64]

    public var count: Int { frequency.count }
    @inlinable @inline(__always) public func isActive(_ c: Int) -> Bool { frequency[c] > 0 }
    /// Days from the last order to `asOf`.
    @inlinable @inline(__always) public func recencyDays(_ c: Int) -> Int32 { asOf.daysSinceEpoch - lastDay[c] }

    package init(asOf: CalendarDay, firstDay: [Int32], lastDay: [Int32], frequency: [Int32], netCents: [Int64], firstOrderCents: [Int64]) {
        self.asOf = asOf
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.frequency = frequency
        self.netCents = netCents
        self.firstOrderCents = firstOrderCents
    }

    /// The facts of orders dated before `asOf`: `CustomerTable(orders:interactions:asOf:calibrationEnd:).current`.
    public init(orders: OrderTable, asOf: CalendarDay) {
        self = CustomerTable(orders: orders, interactions: nil, asOf: asOf, calibrationEnd: nil).current
    }
}
