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
        let lanes: [TransactionLane] = try scanner.scan(lanes: max(1, options.lanes)) { header in
            let lanes = max(1, options.lanes)
            let all = try (0..<lanes).map { _ throws(IngestError) in
                try TransactionLane(source: source, columns: columns, header: header, policy: options.onBadRow, lanes: lanes,
                                    cutoff: options.excludeFrom)
            }
            hasOrderID = all[0].positions.order != nil
            return all
        }
        var verdict = RejectVerdict(lanes.map(\.collector), path: source.path)
        verdict.accounting.rowsAfterAsOf = lanes.reduce(0) { $0 + $1.rowsAfterCutoff }
        if options.onBadRow == .fail, let first = verdict.rejects.first { throw IngestError.badRow(first) }
        if verdict.accounting.rowsRead == 0 { throw IngestError.noDataRows(path: source.path) }
        trace("scanned")
        let (customers, laneToGlobal) = Self.mergeCustomers(lanes)
        trace("merged customers")
        let orders = Self.mergeOrders(lanes, laneToGlobal: laneToGlobal, customerCount: customers.count)
        trace("merged orders")
        let lastDay = lanes.map(\.lastTransactionDay).max()!  // Int32.min when no row was usable
        return Loaded(customers: customers, orders: orders, accounting: verdict.accounting, rejects: verdict.rejects,
                      lastDay: CalendarDay(daysSinceEpoch: lastDay), hasOrderID: hasOrderID)
    }

    /// One sorted customer index over all lanes, and each lane's local → global id map.
    static func mergeCustomers(_ lanes: [TransactionLane]) -> (CustomerIndex, [[Int32]]) {
        let index = CustomerIndex(lanes: lanes.map(\.customers))
        return (index, index.laneToGlobal)
    }

    /// Concatenates the lanes' orders with global customer ids, merging an order whose lines were
    /// split across lanes into the lane that saw it first.
    static func mergeOrders(_ lanes: [TransactionLane], laneToGlobal: [[Int32]], customerCount: Int) -> OrderTable {
        var customer: [Int32] = [], firstDay: [Int32] = [], lastDay: [Int32] = [], cents: [Int64] = [], lines: [Int32] = []
        let total = lanes.reduce(0) { $0 + $1.orders.count }
        customer.reserveCapacity(total); firstDay.reserveCapacity(total); lastDay.reserveCapacity(total)
        cents.reserveCapacity(total); lines.reserveCapacity(total)
        var globalToLocal: [[Int32]] = []
        var position: [[Int]] = []  // each lane's local order → index in the merged columns
        for (j, lane) in lanes.enumerated() {
            var inverse = [Int32](repeating: -1, count: customerCount)
            for (local, global) in laneToGlobal[j].enumerated() { inverse[Int(global)] = Int32(local) }
            var lanePosition = [Int](repeating: 0, count: lane.orders.count)
            for (o, order) in lane.orders.enumerated() {
                let global = laneToGlobal[j][Int(order.customer)]
                // Seen by an earlier lane? Then fold this part into that order.
                var merged = false
                for i in 0..<j {
                    let localInI = globalToLocal[i][Int(global)]
                    if localInI < 0 { continue }
                    let found = lane.orderKeys.withKey(Int32(o)) { lanes[i].orderKeys.lookup($0, tag: localInI) }
                    if let k = found {
                        let target = position[i][Int(k)]
                        lanePosition[o] = target
                        firstDay[target] = min(firstDay[target], order.firstDay)
                        lastDay[target] = max(lastDay[target], order.lastDay)
                        cents[target] &+= order.cents
                        lines[target] &+= order.lines
                        merged = true
                        break
                    }
                }
                if merged { continue }
                lanePosition[o] = customer.count
                customer.append(global)
                firstDay.append(order.firstDay)
                lastDay.append(order.lastDay)
                cents.append(order.cents)
                lines.append(order.lines)
            }
            globalToLocal.append(inverse)
            position.append(lanePosition)
        }
        return OrderTable(customers: customerCount, customer: customer, firstDay: firstDay, lastDay: lastDay,
                          netCents: cents, lines: lines)
    }
}
