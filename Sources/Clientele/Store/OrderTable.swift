import ClienteleSupport

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
    public package(set) var customerStart: [Int]
    public package(set) var customer: [Int32]
    public package(set) var firstDay: [Int32]
    public package(set) var lastDay: [Int32]
    public package(set) var netCents: [Int64]
    public package(set) var lines: [Int32]

    public var count: Int { customer.count }
    public var customerCount: Int { customerStart.count - 1 }

    /// The orders of customer `c`.
    @inlinable @inline(__always) public func orders(of c: Int) -> Range<Int> { customerStart[c]..<customerStart[c + 1] }

    /// Wraps columns already grouped by customer (`customerStart` offsets), and orders each
    /// customer's rows by (first day, last day, cents, lines), so the table does not depend on
    /// input order. Most customers arrive in order; only the others are sorted, in blocks of
    /// customers on every thread.
    package init(customerStart: [Int], customer: [Int32], firstDay: [Int32], lastDay: [Int32], netCents: [Int64], lines: [Int32]) {
        var sortedFirst = firstDay, sortedLast = lastDay, sortedCents = netCents, sortedLines = lines
        let start = customerStart
        sortedFirst.withUnsafeMutableBufferPointer { first in
            sortedLast.withUnsafeMutableBufferPointer { last in
                sortedCents.withUnsafeMutableBufferPointer { cents in
                    sortedLines.withUnsafeMutableBufferPointer { lines in
                        let columns = Columns(firstDay: first, lastDay: last, netCents: cents, lines: lines)
                        parallelRanges(start.count - 1, size: 32_768) { customers in
                            for c in customers { columns.sortRows(start[c]..<start[c + 1]) }
                        }
                    }
                }
            }
        }
        self.init(sortedCustomerStart: start, customer: customer, firstDay: sortedFirst, lastDay: sortedLast,
                  netCents: sortedCents, lines: sortedLines)
    }

    /// Wraps columns whose rows are already grouped by customer and, within a customer, ordered
    /// by (first day, last day, cents, lines) (`Columns.sortRows`).
    package init(sortedCustomerStart customerStart: [Int], customer: [Int32], firstDay: [Int32], lastDay: [Int32], netCents: [Int64], lines: [Int32]) {
        self.customerStart = customerStart
        self.customer = customer
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.netCents = netCents
        self.lines = lines
    }

    /// The sortable columns of an order table being built, for writers that own disjoint rows.
    @usableFromInline package struct Columns: @unchecked Sendable {
        @usableFromInline package let firstDay: UnsafeMutableBufferPointer<Int32>
        @usableFromInline package let lastDay: UnsafeMutableBufferPointer<Int32>
        @usableFromInline package let netCents: UnsafeMutableBufferPointer<Int64>
        @usableFromInline package let lines: UnsafeMutableBufferPointer<Int32>

        package init(firstDay: UnsafeMutableBufferPointer<Int32>, lastDay: UnsafeMutableBufferPointer<Int32>, netCents: UnsafeMutableBufferPointer<Int64>, lines: UnsafeMutableBufferPointer<Int32>) {
            self.firstDay = firstDay
            self.lastDay = lastDay
            self.netCents = netCents
            self.lines = lines
        }

        @inlinable @inline(__always) package func key(_ p: Int) -> (Int32, Int32, Int64, Int32) { (firstDay[p], lastDay[p], netCents[p], lines[p]) }

        /// Orders `rows` (one customer's) by (first day, last day, cents, lines). An insertion sort:
        /// a customer has a few orders, most already in order, so this is one pass of compares.
        @inlinable @inline(__always)
        package func sortRows(_ rows: Range<Int>) {
            guard rows.count > 1 else { return }
            var p = rows.lowerBound + 1
            while p < rows.upperBound && !(key(p) < key(p - 1)) { p += 1 }
            if p == rows.upperBound { return }
            if rows.count > 64 {
                let sorted = rows.map(key).sorted { $0 < $1 }
                for (offset, q) in rows.enumerated() { (firstDay[q], lastDay[q], netCents[q], lines[q]) = sorted[offset] }
                return
            }
            while p < rows.upperBound {
                let moving = key(p)
                var q = p
                while q > rows.lowerBound && moving < key(q - 1) {
                    (firstDay[q], lastDay[q], netCents[q], lines[q]) = key(q - 1)
                    q -= 1
                }
                (firstDay[q], lastDay[q], netCents[q], lines[q]) = moving
                p += 1
            }
        }
    }

    /// Groups orders given in any order by customer (a counting sort), then orders each customer's rows.
    package init(customers: Int, customer: [Int32], firstDay: [Int32], lastDay: [Int32], netCents: [Int64], lines: [Int32]) {
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
