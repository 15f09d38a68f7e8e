/// Loads `transactions.csv` into a customer index and an order table.
public struct TransactionLoader: Sendable {
    public var source: CSVSource
    public var columns: TransactionColumns
    public var options: IngestOptions

    public init(source: CSVSource, columns: TransactionColumns = TransactionColumns(), options: IngestOptions = IngestOptions()) {
        self.source = source
        self.columns = columns
        self.options = options
    }

    /// What loading produced: the store's first tables, the accounting and the rejected rows.
    public struct Loaded: Sendable {
        public var customers: CustomerIndex
        public var orders: OrderTable
        public var accounting: FileAccounting
        public var rejects: [RejectedRow]
        /// The latest line day in the file.
        public var lastDay: CalendarDay
        /// Whether orders were keyed by order_id (false: by customer and day).
        public var hasOrderID: Bool
    }

    /// Reads the file. Bad rows are handled as `options.onBadRow` says; the reject threshold and
    /// "no usable row" are decided by the caller (`Run`), which can first write the rejects file.
    public func load() throws -> Loaded {
        let scanner = CSVFileScanner(path: source.path, dialect: source.dialect, blockSize: options.blockSize)
        var hasOrderID = true
        var lanes: [TransactionLane] = try scanner.scan(lanes: max(1, options.lanes)) { header in
            let lanes = max(1, options.lanes)
            let all = try (0..<lanes).map { _ throws(IngestError) in
                TransactionLane.LineTracking(lane: try TransactionLane(source: source, columns: columns, header: header,
                                                                       policy: options.onBadRow, lanes: lanes, cutoff: options.excludeFrom))
            }
            hasOrderID = all[0].lane.positions.order != nil
            return all
        }.map(\.lane)
        var verdict = RejectVerdict(lanes.map(\.collector), path: source.path)
        verdict.accounting.rowsAfterAsOf = lanes.reduce(0) { $0 + $1.rowsAfterCutoff }
        if options.onBadRow == .fail, let first = verdict.rejects.first { throw IngestError.badRow(first) }
        if verdict.accounting.rowsRead == 0 { throw IngestError.noDataRows(path: source.path) }
        trace("scanned")
        let (customers, laneToGlobal) = Self.mergeCustomers(lanes)
        trace("merged customers")
        let orders = try Self.mergeOrders(&lanes, laneToGlobal: laneToGlobal, customers: customers, path: source.path)
        trace("merged orders")
        try Self.checkTotals(orders, customers: customers, path: source.path)
        trace("checked totals")
        let lastDay = lanes.map(\.lastTransactionDay).max()!  // Int32.min when no row was usable
        return Loaded(customers: customers, orders: orders, accounting: verdict.accounting, rejects: verdict.rejects,
                      lastDay: CalendarDay(daysSinceEpoch: lastDay), hasOrderID: hasOrderID)
    }

    /// One sorted customer index over all lanes, and each lane's local → global id map.
    static func mergeCustomers(_ lanes: [TransactionLane]) -> (CustomerIndex, [[Int32]]) {
        let index = CustomerIndex(lanes: lanes.map(\.customers))
        return (index, index.laneToGlobal)
    }

    /// Builds the order table from the lanes' orders, in two passes that write each order once.
    ///
    /// An order whose lines were split across lanes (same customer and order key in two lanes) is
    /// first folded into the lane that saw it first; then per-customer counts give the CSR
    /// offsets, and every live order is scattered straight to its final row. The lanes' order-key
    /// tables are released before the scatter, so peak memory is the lanes' accumulators plus
    /// the final table.
    /// - Throws: `IngestError.orderTotalOverflow` when an order's exact total (lanes' wrapped
    ///   sums plus their carries, `OrderTotalWrap`) does not fit in ±`CentsLimit.maximum`.
    /// - Complexity: O(orders + customers); lookups only for customers seen by several lanes.
    static func mergeOrders(_ lanes: inout [TransactionLane], laneToGlobal: [[Int32]], customers: CustomerIndex,
                            path: String) throws(IngestError) -> OrderTable {
        let customerCount = customers.count
        // 1. Fold split orders into the earliest lane that has them; mark the copies dead (customer = -1).
        if lanes.count > 1 {
            var owner = [Int8](repeating: -1, count: customerCount)  // first lane that saw each customer
            var localIn = [[Int32]]()  // for each lane, global → local (only built for lanes that can own)
            for i in 0..<(lanes.count - 1) {
                var inverse = [Int32](repeating: -1, count: customerCount)
                for (local, global) in laneToGlobal[i].enumerated() {
                    inverse[Int(global)] = Int32(local)
                    if owner[Int(global)] < 0 { owner[Int(global)] = Int8(i) }
                }
                localIn.append(inverse)
            }
            for j in 1..<lanes.count {
                for o in lanes[j].orders.indices {
                    let global = Int(laneToGlobal[j][Int(lanes[j].orders[o].customer)])
                    guard owner[global] >= 0, Int(owner[global]) < j else { continue }
                    for i in Int(owner[global])..<j {
                        let local = localIn[i][global]
                        if local < 0 { continue }
                        let found = lanes[j].orderDirectory.withKey(Int32(o)) { lanes[i].orderDirectory.find(customer: local, key: $0) }
                        guard let k = found else { continue }
                        let part = lanes[j].orders[o]
                        lanes[i].orders[Int(k)].firstDay = min(lanes[i].orders[Int(k)].firstDay, part.firstDay)
                        lanes[i].orders[Int(k)].lastDay = max(lanes[i].orders[Int(k)].lastDay, part.lastDay)
                        let (sum, overflow) = lanes[i].orders[Int(k)].cents.addingReportingOverflow(part.cents)
                        lanes[i].orders[Int(k)].cents = sum
                        lanes[i].orders[Int(k)].lines &+= part.lines
                        lanes[j].orders[o].customer = -1
                        if overflow || (!lanes[j].wraps.isEmpty && lanes[j].wraps[Int32(o)] != nil) {  // rare: carry the wraps over
                            let partWraps = lanes[j].wraps.removeValue(forKey: Int32(o))
                            lanes[i].foldWrap(into: k, from: partWraps, addition: overflow ? (part.cents > 0 ? 1 : -1) : 0)
                        }
                        break
                    }
                }
            }
        }
        if lanes.contains(where: { !$0.wraps.isEmpty }) {
            try checkWraps(lanes, laneToGlobal: laneToGlobal, customers: customers, path: path)
        }
        for k in lanes.indices { lanes[k].orderDirectory = OrderDirectory(capacity: 0) }

        // 2. Count live orders per customer; prefix sums give each customer's first row.
        var start = [Int](repeating: 0, count: customerCount + 1)
        for (j, lane) in lanes.enumerated() {
            laneToGlobal[j].withUnsafeBufferPointer { map in
                for order in lane.orders where order.customer >= 0 { start[Int(map[Int(order.customer)]) + 1] += 1 }
            }
        }
        for c in 0..<customerCount { start[c + 1] += start[c] }
        let total = start[customerCount]

        // 3. Scatter every live order to its row.
        var customer = [Int32](repeating: 0, count: total), firstDay = [Int32](repeating: 0, count: total)
        var lastDay = [Int32](repeating: 0, count: total), cents = [Int64](repeating: 0, count: total)
        var lines = [Int32](repeating: 0, count: total)
        var next = start
        for (j, lane) in lanes.enumerated() {
            laneToGlobal[j].withUnsafeBufferPointer { map in
                for order in lane.orders where order.customer >= 0 {
                    let g = Int(map[Int(order.customer)])
                    let row = next[g]
                    next[g] = row + 1
                    customer[row] = Int32(g); firstDay[row] = order.firstDay; lastDay[row] = order.lastDay
                    cents[row] = order.cents; lines[row] = order.lines
                }
            }
            lanes[j].orders = []
        }
        return OrderTable(customerStart: start, customer: customer, firstDay: firstDay, lastDay: lastDay, netCents: cents, lines: lines)
    }

    /// Throws for the first order (in customer_id order, then line) whose total wrapped around
    /// `Int64` and did not come back (carry ≠ 0). Runs before the order keys are released, as
    /// the message names the order.
    static func checkWraps(_ lanes: [TransactionLane], laneToGlobal: [[Int32]], customers: CustomerIndex,
                           path: String) throws(IngestError) {
        var culprit: (customer: Int32, line: Int, lane: Int, order: Int32)?
        for (j, lane) in lanes.enumerated() {
            for (o, wrap) in lane.wraps where wrap.carry != 0 && lane.orders[Int(o)].customer >= 0 {
                let g = laneToGlobal[j][Int(lane.orders[Int(o)].customer)]
                let candidate = (customer: g, line: wrap.line ?? .max, lane: j, order: o)
                if let c = culprit, (c.customer, c.line, c.lane, c.order) <= (g, candidate.line, j, o) { continue }
                culprit = candidate
            }
        }
        guard let c = culprit else { return }
        let lane = lanes[c.lane]
        let order = lane.orderDirectory.withKey(c.order) { key in
            if lane.positions.order != nil { return "order " + String(decoding: key, as: UTF8.self).debugDescription }
            return "the order of \(CalendarDay(daysSinceEpoch: key.loadUnaligned(as: Int32.self)))"
        }
        throw .orderTotalOverflow(path: path, line: c.line == .max ? nil : c.line, customer: customers.customerID(c.customer),
                                  order: order)
    }

    /// Proves the `OrderTable` invariant: per customer (in customer_id order), then over all of
    /// them, the orders with a positive total (purchases) and those with a negative one (returns)
    /// each add up to within ±`CentsLimit.maximum`.
    ///
    /// Summing the two signs apart bounds every partial sum: any set of orders (a period, a
    /// segment, a prefix by day) adds up to between the returns and the purchases. Checking the
    /// net total alone would not: +M, +M, −M nets to M, but its first two orders do not fit.
    /// - Throws: `IngestError.customerTotalOverflow` naming the first customer whose own orders
    ///   pass the limit, else `IngestError.fileTotalOverflow` naming the customer at which the sum
    ///   over all customers passes it.
    /// - Complexity: O(orders), one branch-free pass.
    static func checkTotals(_ table: OrderTable, customers: CustomerIndex, path: String) throws(IngestError) {
        typealias Culprit = (customer: Int, side: IngestError.AmountSide, wholeFile: Bool)
        let culprit: Culprit? = table.netCents.withUnsafeBufferPointer { cents in
            table.customerStart.withUnsafeBufferPointer { start in
                var purchases: Int64 = 0, returns: Int64 = 0
                for c in 0..<table.customerCount {
                    var p: Int64 = 0, n: Int64 = 0, overP = false, overN = false
                    for o in start[c]..<start[c + 1] {
                        let x = cents[o]
                        let (sp, op) = p.addingReportingOverflow(max(x, 0))
                        let (sn, on) = n.addingReportingOverflow(min(x, 0))
                        p = sp; n = sn; overP = overP || op; overN = overN || on
                    }
                    // Int64.min is outside the symmetric range; p ≥ 0 never reaches it.
                    if overP || overN || n == .min { return (c, overP ? .purchases : .returns, false) }
                    let (tp, op) = purchases.addingReportingOverflow(p)
                    let (tn, on) = returns.addingReportingOverflow(n)
                    purchases = tp; returns = tn
                    if op || on || tn == .min { return (c, op ? .purchases : .returns, true) }
                }
                return nil
            }
        }
        guard let culprit else { return }
        let customer = customers.customerID(Int32(culprit.customer))
        if culprit.wholeFile { throw .fileTotalOverflow(path: path, customer: customer, side: culprit.side) }
        throw .customerTotalOverflow(path: path, customer: customer, side: culprit.side)
    }
}
