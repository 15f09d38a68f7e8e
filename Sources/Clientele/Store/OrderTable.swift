/// Orders in contiguous columns, grouped by customer (CSR layout) and by first day within one.
///
/// Orders of customer `c` are `customerStart[c] ..< customerStart[c + 1]`. An order's day is its
/// first line's day; its last day differs only when a later-dated line (a late return) shares
/// its order_id. 24 bytes an order.
///
/// Invariant (bounded sums): every order total, the sum of all positive order totals and the
/// sum of all negative ones lie within ±`CentsLimit.maximum`, so any sum of any orders (a period,
/// a customer, a segment, the whole file, in any order of addition) fits in an `Int64` and is
/// never `Int64.min`. `TransactionLoader` proves it before it returns a table
/// (`checkWraps`, `checkTotals`); kernels rely on it and sum cents with checked `+`.
public struct OrderTable: Sendable {
    public internal(set) var customerStart: [Int]
    public internal(set) var customer: [Int32]
    public internal(set) var firstDay: [Int32]
    public internal(set) var lastDay: [Int32]
    public internal(set) var netCents: [Int64]
    public internal(set) var lines: [Int32]

    public var count: Int { customer.count }
    public var customerCount: Int { customerStart.count - 1 }

    /// The orders of customer `c`.
    @inline(__always) public func orders(of c: Int) -> Range<Int> { customerStart[c]..<customerStart[c + 1] }

    /// Wraps columns already grouped by customer (`customerStart` offsets), and orders each
    /// customer's rows by (first day, last day, cents, lines), so the table does not depend on
    /// input order. Most customers arrive in order; only the others are sorted.
    init(customerStart: [Int], customer: [Int32], firstDay: [Int32], lastDay: [Int32], netCents: [Int64], lines: [Int32]) {
        var sortedFirst = firstDay, sortedLast = lastDay, sortedCents = netCents, sortedLines = lines
        let start = customerStart
        @inline(__always) func key(_ p: Int) -> (Int32, Int32, Int64, Int32) { (sortedFirst[p], sortedLast[p], sortedCents[p], sortedLines[p]) }
        for c in 0..<(start.count - 1) where start[c + 1] - start[c] > 1 {
            let range = start[c]..<start[c + 1]
            var inOrder = true
            for p in range.dropFirst() where key(p) < key(p - 1) { inOrder = false; break }
            if inOrder { continue }
            let rows = range.map(key).sorted { $0 < $1 }
            for (offset, p) in range.enumerated() {
                (sortedFirst[p], sortedLast[p], sortedCents[p], sortedLines[p]) = rows[offset]
            }
        }
        self.customerStart = start
        self.customer = customer
        self.firstDay = sortedFirst
        self.lastDay = sortedLast
        self.netCents = sortedCents
        self.lines = sortedLines
    }

    /// Groups orders given in any order by customer (a counting sort), then orders each customer's rows.
    init(customers: Int, customer: [Int32], firstDay: [Int32], lastDay: [Int32], netCents: [Int64], lines: [Int32]) {
        var start = [Int](repeating: 0, count: customers + 1)
        for c in customer { start[Int(c) + 1] += 1 }
        for c in 0..<customers { start[c + 1] += start[c] }
        var next = start
        let n = customer.count
        var sc = [Int32](repeating: 0, count: n), sf = sc, sl = sc, sq = sc
        var sm = [Int64](repeating: 0, count: n)
        for k in 0..<n {
            let c = Int(customer[k]), p = next[c]
            next[c] += 1
            sc[p] = customer[k]; sf[p] = firstDay[k]; sl[p] = lastDay[k]; sm[p] = netCents[k]; sq[p] = lines[k]
        }
        self.init(customerStart: start, customer: sc, firstDay: sf, lastDay: sl, netCents: sm, lines: sq)
    }
}
