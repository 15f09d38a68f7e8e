/// Per-customer purchase history as of the analysis date: the RFM inputs, in one pass over orders.
///
/// An order counts when it was placed before as-of (its day = its earliest line's day); its net
/// value includes all its lines (returns included). Customers whose orders all fall on or after
/// as-of are not yet customers on that date: `isActive` is false for them.
public struct CustomerActivity: Sendable {
    public let asOf: CalendarDay
    public internal(set) var firstDay: [Int32]
    public internal(set) var lastDay: [Int32]
    /// Distinct orders before as-of.
    public internal(set) var frequency: [Int32]
    /// Net revenue before as-of, in cents: a sum of a customer's orders, so within
    /// ±`CentsLimit.maximum` by the `OrderTable` invariant.
    public internal(set) var netCents: [Int64]

    public var count: Int { frequency.count }
    @inline(__always) public func isActive(_ c: Int) -> Bool { frequency[c] > 0 }
    /// Days from the last order to as-of.
    @inline(__always) public func recencyDays(_ c: Int) -> Int32 { asOf.daysSinceEpoch - lastDay[c] }

    /// - Complexity: O(orders), in blocks of 32,768 customers spread over `Parallelism.threads`.
    public init(orders: OrderTable, asOf: CalendarDay) {
        let n = orders.customerCount
        self.asOf = asOf
        var first = [Int32](repeating: 0, count: n), last = [Int32](repeating: 0, count: n)
        var frequency = [Int32](repeating: 0, count: n), cents = [Int64](repeating: 0, count: n)
        let cutoff = asOf.daysSinceEpoch
        first.withUnsafeMutableBufferPointer { first in
            last.withUnsafeMutableBufferPointer { last in
                frequency.withUnsafeMutableBufferPointer { frequency in
                    cents.withUnsafeMutableBufferPointer { cents in
                        let ranges = splitBlocks(n, size: 32_768)
                        parallelFor(ranges.count) { part in
                            for c in ranges[part] {
                                var f: Int32 = 0, sum: Int64 = 0, lo = Int32.max, hi = Int32.min
                                for o in orders.orders(of: c) where orders.firstDay[o] < cutoff {
                                    let d = orders.firstDay[o]
                                    f += 1; sum += orders.netCents[o]  // bounded: OrderTable invariant
                                    if d < lo { lo = d }
                                    if d > hi { hi = d }
                                }
                                frequency[c] = f; cents[c] = sum
                                first[c] = f > 0 ? lo : 0; last[c] = f > 0 ? hi : 0
                            }
                        }
                    }
                }
            }
        }
        self.firstDay = first
        self.lastDay = last
        self.frequency = frequency
        self.netCents = cents
    }
}
