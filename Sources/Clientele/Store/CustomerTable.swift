import ClienteleSupport

/// The customer table: every per-customer fact a run's kernels and writers need, computed once,
/// in the one dense indexing of the `CustomerIndex` (customer id `c` is row `c` of every column).
///
/// | fact | column | used by |
/// |---|---|---|
/// | orders, first/last order day, net cents, first order's cents before as-of | `current` | RFM, clusters, CLV predictions, churn scoring, loyalty measures, customers.csv |
/// | the same up to the calibration end E (inclusive) | `calibration` | BG/NBD and Gamma-Gamma fit, churn labels and features |
/// | orders after E and before as-of | `holdoutOrders` | holdout validation, churn label, retained_in_holdout |
/// | contacts, complaints, support contacts, survey answers before as-of | `currentContacts` | satisfaction measures, churn scoring |
/// | the same up to E | `calibrationContacts` | churn features, satisfaction vs retention |
///
/// Orders are read once, customer by customer in blocks over the cores (`OrderTable` groups them
/// by customer, sorted by day); interactions once, radix-partitioned by customer
/// (`CustomerContacts`). Nothing depends on the thread count or on the order of the input rows.
///
/// Memory: 32 bytes a customer for each order period, 4 for the holdout, 48 for each contact
/// period — at most 168 bytes a customer with a calibration period and interactions.
public struct CustomerTable: Sendable {
    /// The analysis date A: only orders and contacts dated before it count.
    public let asOf: CalendarDay
    /// The last calibration day E (inclusive); `nil` when the run has no calibration period.
    public let calibrationEnd: CalendarDay?
    /// Orders dated before as-of.
    public let current: CustomerActivity
    /// Orders dated ≤ E (`asOf` of these facts is E + 1); `nil` without a calibration end.
    public let calibration: CustomerActivity?
    /// Orders dated after E and before as-of; `nil` without a calibration end.
    public let holdoutOrders: [Int32]?
    /// Contacts dated before as-of; `nil` without an interactions table.
    public let currentContacts: CustomerContacts?
    /// Contacts dated ≤ E; `nil` without an interactions table or a calibration end.
    public let calibrationContacts: CustomerContacts?

    /// The number of customers (rows).
    public var count: Int { current.count }

    /// Orders per block of customers in the parallel pass (fixed, so blocks do not depend on threads).
    package static let customerBlock = 32_768

    /// Builds every fact from the run's tables.
    /// - Parameters:
    ///   - orders: orders grouped by customer and sorted by day within one (`OrderTable`).
    ///   - interactions: the interactions of known customers, or `nil` without an interactions file.
    ///   - asOf: the analysis date A (exclusive).
    ///   - calibrationEnd: E, inclusive, before A; `nil` for a run without a calibration period.
    /// - Complexity: O(orders + interactions + customers), spread over `Parallelism.threads`.
    public init(orders: OrderTable, interactions: InteractionTable?, asOf: CalendarDay, calibrationEnd: CalendarDay?) {
        precondition(calibrationEnd.map { $0 < asOf } ?? true, "the calibration end must be before as-of")
        self.asOf = asOf
        self.calibrationEnd = calibrationEnd
        (current, calibration, holdoutOrders) = Self.orderFacts(orders, asOf: asOf, calibrationEnd: calibrationEnd)
        if let interactions {
            let before = [asOf] + (calibrationEnd.map { [$0.adding(days: 1)] } ?? [])
            let contacts = CustomerContacts.periods(interactions, customerCount: orders.customerCount, before: before)
            currentContacts = contacts[0]
            calibrationContacts = contacts.count > 1 ? contacts[1] : nil
        } else {
            currentContacts = nil
            calibrationContacts = nil
        }
    }

    /// Both order periods and the holdout count in one pass over each customer's orders.
    private static func orderFacts(_ orders: OrderTable, asOf: CalendarDay, calibrationEnd: CalendarDay?)
        -> (CustomerActivity, CustomerActivity?, [Int32]?) {
        let n = orders.customerCount
        let cutoff = asOf.daysSinceEpoch
        let hasCalibration = calibrationEnd != nil
        let end = calibrationEnd?.daysSinceEpoch ?? cutoff  // without E every order is "after E": not counted
        let periods = hasCalibration ? 2 : 1
        // Per period: first day, last day, orders (Int32); net cents, first order cents (Int64).
        var cents: [[Int64]] = []
        let days = writeOnceColumns(of: Int32.self, 3 * periods + (hasCalibration ? 1 : 0), length: n) { days in
            cents = writeOnceColumns(of: Int64.self, 2 * periods, length: n) { money in
                let blocks = splitBlocks(n, size: customerBlock)
                parallelFor(blocks.count) { b in
                    for c in blocks[b] {
                        var count: Int32 = 0, first: Int32 = 0, last: Int32 = 0, sum: Int64 = 0, firstCents: Int64 = 0
                        var calibrationCount: Int32 = 0, calibrationLast: Int32 = 0, calibrationSum: Int64 = 0
                        for o in orders.orders(of: c) {
                            let day = orders.firstDay[o]
                            guard day < cutoff else { break }  // sorted by day within a customer
                            let value = orders.netCents[o]
                            if count == 0 { first = day; firstCents = value }
                            count += 1; last = day; sum += value  // bounded: OrderTable invariant
                            if day <= end { calibrationCount += 1; calibrationLast = day; calibrationSum += value }
                        }
                        days[0][c] = count > 0 ? first : 0; days[1][c] = last; days[2][c] = count
                        money[0][c] = sum; money[1][c] = firstCents
                        if hasCalibration {
                            let active = calibrationCount > 0
                            days[3][c] = active ? first : 0; days[4][c] = calibrationLast; days[5][c] = calibrationCount
                            money[2][c] = calibrationSum; money[3][c] = active ? firstCents : 0
                            days[6][c] = count - calibrationCount
                        }
                    }
                }
            }
        }
        let current = CustomerActivity(asOf: asOf, firstDay: days[0], lastDay: days[1], frequency: days[2],
                                       netCents: cents[0], firstOrderCents: cents[1])
        guard let calibrationEnd else { return (current, nil, nil) }
        let calibration = CustomerActivity(asOf: calibrationEnd.adding(days: 1), firstDay: days[3], lastDay: days[4],
                                           frequency: days[5], netCents: cents[2], firstOrderCents: cents[3])
        return (current, calibration, days[6])
    }
}
