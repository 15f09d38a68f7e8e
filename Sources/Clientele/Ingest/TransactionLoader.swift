import ClienteleSupport
import ClienteleStore

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
    ///
    /// Partitioned aggregation, so that neither the row order nor the thread count changes a
    /// byte of the result and no lookup leaves the cache:
    /// 1. the lanes parse their shares of each block and append compact order records to the
    ///    partition of the customer key's hash (`TransactionLane`);
    /// 2. the partitions are aggregated on `options.lanes` threads (`TransactionPartition`);
    /// 3. their keys are sorted into one `CustomerIndex`, and the orders scattered by global id
    ///    into the CSR `OrderTable`.
    public func load() throws -> Loaded {
        let scanner = CSVFileScanner(path: source.path, dialect: source.dialect, blockSize: options.blockSize, encoding: source.encoding, section: "transactions", database: source.database)
        var hasOrderID = true
        var partitioning = IngestPartitioning(bits: 0)
        let laneCount = max(1, options.lanes)
        let lanes: [TransactionLane] = try scanner.scan(lanes: laneCount) { header in
            // About 5 lines a customer in retail exports; the partitions' tables grow if there are more.
            partitioning = options.partitionBits.map(IngestPartitioning.init(bits:))
                ?? IngestPartitioning(expectedCustomers: header.estimatedRecords / 5)
            let all = try (0..<laneCount).map { _ throws(IngestError) in
                TransactionLane.LineTracking(lane: try TransactionLane(source: source, columns: columns, header: header,
                                                                       policy: options.onBadRow, lanes: laneCount,
                                                                       cutoff: options.excludeFrom, partitioning: partitioning))
            }
            hasOrderID = all[0].lane.positions.order != nil
            return all
        }.map(\.lane)
        var verdict = RejectVerdict(lanes.map(\.collector), path: source.path)
        verdict.accounting.rowsAfterAsOf = lanes.reduce(0) { $0 + $1.rowsAfterCutoff }
        if options.onBadRow == .fail, let first = verdict.rejects.first { throw IngestError.badRow(first) }
        if verdict.accounting.rowsRead == 0 { throw IngestError.noDataRows(path: source.path) }
        trace("scanned (\(partitioning.count) partitions)")
        let partitions = PartitionQueue.map(partitioning.count, workers: laneCount) { p in
            TransactionPartition.aggregate(lanes.map { $0.partitions[p] })
        }
        trace("aggregated partitions")
        let (customers, sortedLocals) = CustomerIndex.merging(partitions.map(\.customers), partitioning: partitioning, workers: laneCount)
        trace("sorted customers")
        if partitions.contains(where: { !$0.overflowing.isEmpty }) {
            try Self.refuseOverflow(partitions, customers: customers, lane: lanes[0], source: source)
        }
        let orders = Self.orderTable(partitions, customers: customers, sortedLocals: sortedLocals, workers: laneCount)
        trace("merged orders")
        try Self.checkTotals(orders, customers: customers, path: source.path)
        trace("checked totals")
        let lastDay = lanes.map(\.lastTransactionDay).max()!  // Int32.min when no row was usable
        return Loaded(customers: customers, orders: orders, accounting: verdict.accounting, rejects: verdict.rejects,
                      lastDay: CalendarDay(daysSinceEpoch: lastDay), hasOrderID: hasOrderID)
    }

    /// The order table: each partition's orders scattered to their customers' rows (CSR by global id).
    ///
    /// Partitions hold disjoint customers, so they count and scatter in parallel without sharing a
    /// row. Each partition first groups its orders by customer in global id order (a counting
    /// sort over `sortedLocals[p]`, its local ids in global order), so that it writes ascending
    /// rows whatever the order in which its customers were first seen, and orders each customer's
    /// rows by their values as soon as they are written, so the table does not depend on input order.
    /// - Complexity: O(orders + customers).
    package static func orderTable(_ partitions: [TransactionPartition], customers: CustomerIndex, sortedLocals: [[Int32]],
                           workers: Int) -> OrderTable {
        let customerCount = customers.count
        // 1. Each partition's orders grouped by customer in global order; orders per customer.
        var start = [Int](repeating: 0, count: customerCount + 1)
        let grouped: [[Int32]] = start.withUnsafeMutableBufferPointer { start in
            let start = start
            return PartitionQueue.map(partitions.count, workers: workers) { p in
                let orders = partitions[p].orders, locals = sortedLocals[p], map = customers.partitionToGlobal[p]
                var count = [Int32](repeating: 0, count: locals.count)
                for order in orders { count[Int(order.customer)] += 1 }
                var next = [Int32](repeating: 0, count: locals.count)
                var at: Int32 = 0
                for l in locals {
                    next[Int(l)] = at
                    at += count[Int(l)]
                    start[Int(map[Int(l)]) + 1] = Int(count[Int(l)])
                }
                var grouped = [Int32](repeating: 0, count: orders.count)
                for (o, order) in orders.enumerated() {
                    grouped[Int(next[Int(order.customer)])] = Int32(o)
                    next[Int(order.customer)] += 1
                }
                return grouped
            }
        }
        for c in 0..<customerCount { start[c + 1] += start[c] }
        let total = start[customerCount], rowStart = start

        // 2. Scatter: a customer's orders are consecutive in its partition's grouping, so each
        // partition writes its rows in ascending order. Every row is written exactly once, so the
        // columns are never zeroed first (`writeOnceColumns`).
        var cents: [Int64] = []
        let narrow = writeOnceColumns(of: Int32.self, 4, length: total) { narrow in
            cents = writeOnceColumns(of: Int64.self, 1, length: total) { wide in
                let customer = narrow[0]
                let columns = OrderTable.Columns(firstDay: narrow[1], lastDay: narrow[2], netCents: wide[0], lines: narrow[3])
                _ = PartitionQueue.map(partitions.count, workers: workers) { p in
                    let orders = partitions[p].orders, map = customers.partitionToGlobal[p]
                    var previous = -1, row = 0
                    for o in grouped[p] {
                        let order = orders[Int(o)]
                        let g = Int(map[Int(order.customer)])
                        if g != previous {
                            // The previous customer's rows are complete: order them while in cache.
                            if previous >= 0 { columns.sortRows(rowStart[previous]..<row) }
                            row = rowStart[g]; previous = g
                        }
                        customer[row] = Int32(g); columns.firstDay[row] = order.firstDay; columns.lastDay[row] = order.lastDay
                        columns.netCents[row] = order.cents; columns.lines[row] = order.lines
                        row += 1
                    }
                    if previous >= 0 { columns.sortRows(rowStart[previous]..<row) }
                }
            }[0]
        }
        let (customer, firstDay, lastDay, lines) = (narrow[0], narrow[1], narrow[2], narrow[3])
        return OrderTable(sortedCustomerStart: start, customer: customer, firstDay: firstDay, lastDay: lastDay, netCents: cents, lines: lines)
    }

    /// Throws `IngestError.orderTotalOverflow` for the first order, in customer_id order, whose
    /// exact total does not fit in ±`CentsLimit.maximum` (a carry ≠ 0), naming the line at which its
    /// running total first passes the limit when its lines are summed in file order.
    ///
    /// That line is found by reading the file once more with one lane (`TransactionWrapProbe`),
    /// following only that customer's overflowing orders: the error path pays for it, so the
    /// message is the same whatever the row order within other customers, the threads or the
    /// partitions (the smallest such line when the customer has several such orders).
    package static func refuseOverflow(_ partitions: [TransactionPartition], customers: CustomerIndex, lane: TransactionLane,
                               source: CSVSource) throws {
        let path = source.path
        var culprit: (customer: Int32, keys: [[UInt8]])?
        for (p, partition) in partitions.enumerated() {
            for (o, key) in partition.overflowing {
                let g = customers.partitionToGlobal[p][Int(partition.orders[Int(o)].customer)]
                if let c = culprit, c.customer < g { continue }
                if culprit?.customer == g { culprit!.keys.append(key) } else { culprit = (g, [key]) }
            }
        }
        guard let culprit else { return }
        let first: (order: [UInt8], line: Int?)
        if path == CSVFileScanner.standardInput {
            // Standard input cannot be read twice: the error names the customer and order, not the line.
            first = (culprit.keys.min { $0.lexicographicallyPrecedes($1) }!, nil)
        } else {
            let customerKey = customers.withKey(culprit.customer) { Array($0) }
            var probeLane = lane
            probeLane.probe = TransactionWrapProbe(orders: culprit.keys.map { .init(customer: customerKey, order: $0) })
            let scanner = CSVFileScanner(path: source.path, dialect: source.dialect, blockSize: 8 << 20, encoding: source.encoding, section: "transactions", database: source.database)
            let probed = try scanner.scan(lanes: 1) { _ in [TransactionLane.LineTracking(lane: probeLane)] }[0].lane.probe!
            // Every followed order ends outside the limit, so each has a line; lines are distinct.
            let earliest = probed.orders.min { ($0.line ?? .max) < ($1.line ?? .max) }!
            first = (earliest.order, earliest.line)
        }
        let order: String
        if lane.positions.order != nil {
            order = "order " + String(decoding: first.order, as: UTF8.self).debugDescription
        } else {
            order = "the order of \(CalendarDay(daysSinceEpoch: first.order.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))"
        }
        throw IngestError.orderTotalOverflow(path: path, line: first.line, customer: customers.customerID(culprit.customer), order: order)
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
    package static func checkTotals(_ table: OrderTable, customers: CustomerIndex, path: String) throws(IngestError) {
        typealias Culprit = (customer: Int, side: IngestError.AmountSide, wholeFile: Bool)
        /// One block's purchases and returns, or the first customer in it whose own orders (or the
        /// block's running sums) leave the range: then the serial pass below rescans the block.
        struct BlockSums { var purchases: Int64 = 0; var returns: Int64 = 0; var suspect = false }
        let culprit: Culprit? = table.netCents.withUnsafeBufferPointer { cents in
            table.customerStart.withUnsafeBufferPointer { start in
                /// Scans customers `range` from running sums `purchases`, `returns`; the first culprit, or nil.
                func scan(_ range: Range<Int>, purchases: inout Int64, returns: inout Int64) -> Culprit? {
                    for c in range {
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
                // Blocks on every thread; a block with any overflow (of a customer, or of its own
                // sums from zero) is rescanned in order from the true running sums.
                let blocks = splitBlocks(table.customerCount, size: 65_536)
                let sums = parallelBlocks(table.customerCount, size: 65_536) { range -> BlockSums in
                    var sums = BlockSums()
                    sums.suspect = scan(range, purchases: &sums.purchases, returns: &sums.returns) != nil
                    return sums
                }
                var purchases: Int64 = 0, returns: Int64 = 0
                for (b, block) in blocks.enumerated() {
                    let (tp, op) = purchases.addingReportingOverflow(sums[b].purchases)
                    let (tn, on) = returns.addingReportingOverflow(sums[b].returns)
                    if sums[b].suspect || op || on || tn == .min {
                        if let culprit = scan(block, purchases: &purchases, returns: &returns) { return culprit }
                        continue
                    }
                    purchases = tp; returns = tn
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
