import ClienteleStore

#if canImport(Glibc)
import Glibc
#endif

/// Converts one lane's share of `transactions.csv` into compact order records, routed by a hash
/// of the customer key into one `PartitionBuffer` per partition (phase 1 of the partitioned
/// ingest; `TransactionPartition` aggregates each partition, `TransactionLoader` merges them).
///
/// Consecutive lines of one customer and one order (the common case: an order's lines are
/// written together) are summed into one record before it is written, so the buffers grow with
/// orders rather than lines: `OrderRecord.header` (36) bytes plus the two keys per record. A
/// run's cents never wrap: a line that would wrap them starts a new record.
///
/// With `probe` set the lane writes nothing: it follows a few orders' running totals in file
/// order to name the line where one first passes ±`CentsLimit.maximum` (the rare error path).
package struct TransactionLane: RowConverter {
    package struct Positions {
        package var fieldCount: Int
        package var customer: Int
        package var order: Int?
        package var date: Int
        package var amount: Int?
        package var quantity: Int?
        package var unitPrice: Int?
    }

    package let positions: Positions
    package let quote: UInt8
    package var dates: DateParser
    package let cents: CentsParser
    package let dateFormat: DateFormat
    package var collector: RejectCollector

    package let partitioning: IngestPartitioning
    /// One buffer per partition.
    package let partitions: PartitionBuffers
    /// The orders being followed, on the error path (see `TransactionWrapProbe`).
    package var probe: TransactionWrapProbe?
    /// The batch being converted and its first line, set by `LineTracking`, so that the probe can
    /// name a line.
    package var batchLines: (batch: RecordBatch, lineBase: Int)?
    package var lastTransactionDay = Int32.min
    /// Lines dated on or after this day are counted in `rowsAfterCutoff` and not loaded.
    package let cutoff: Int32
    package var rowsAfterCutoff = 0

    /// Consecutive lines of one order, summed, not yet written: their keys are field ranges in
    /// the current batch's buffer (never escaped fields, whose bytes live in a scratch copy).
    package struct Run {
        package var active = false
        package var customerField = RecordBatch.Field(start: 0, end: 0, hasEscapes: false)
        package var orderField = RecordBatch.Field(start: 0, end: 0, hasEscapes: false)
        /// The order key when orders are keyed by day.
        package var dayKey: Int32 = 0
        package var hash: UInt64 = 0
        package var firstDay: Int32 = 0
        package var lastDay: Int32 = 0
        package var lines: Int32 = 0
        package var cents: Int64 = 0
    }
    package var run = Run()

    @inline(__always)
    private func sameBytes(_ a: RecordBatch.Field, _ b: RecordBatch.Field, _ buffer: UnsafeRawBufferPointer) -> Bool {
        let n = Int(a.end - a.start)
        return n == Int(b.end - b.start) && bytesEqual(buffer.baseAddress! + Int(a.start), buffer.baseAddress! + Int(b.start), n)
    }

    package init(source: CSVSource, columns: TransactionColumns, header: CSVFileScanner.Header, policy: BadRowPolicy, lanes: Int,
         cutoff: CalendarDay?, partitioning: IngestPartitioning) throws(IngestError) {
        self.cutoff = cutoff?.daysSinceEpoch ?? Int32.max
        self.partitioning = partitioning
        // Sized from the expected lines (about 2 a record, 50 bytes a record with its keys), so
        // that a small file allocates little and a large one rarely copies a buffer.
        let perBuffer = header.estimatedRecords / max(1, lanes) / partitioning.count / 2 * 50
        partitions = PartitionBuffers(count: partitioning.count, capacity: min(perBuffer + perBuffer / 8, 64 << 20))
        let map = HeaderMap(path: source.path, names: header.names)
        var p = Positions(fieldCount: header.names.count, customer: try map.required(columns.customerID),
                          order: try map.optional(columns.orderID), date: try map.required(columns.orderDate))
        if columns.amountFromQuantityTimesUnitPrice {
            p.quantity = try map.required(columns.quantity)
            p.unitPrice = try map.required(columns.unitPrice)
        } else {
            p.amount = try map.required(columns.amount)
        }
        positions = p
        quote = source.dialect.quote
        dates = DateParser(source.dateFormat)
        dateFormat = source.dateFormat
        cents = CentsParser(decimalSeparator: source.decimalSeparator, thousandsSeparator: source.thousandsSeparator,
                            currencySymbols: source.currencySymbols.map { Array($0.utf8) })
        collector = RejectCollector(path: source.path, policy: policy, header: header.names)
    }

    package var fieldCount: Int { positions.fieldCount }

    /// A pending run's keys point into this batch's buffer: write it before the buffer is reused.
    package mutating func endBatch() { if run.active { flush(buffer: currentBuffer) } }
    /// The buffer of the batch being converted (for `endBatch`).
    package var currentBuffer = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Converts one well-shaped row; returns why not when it is bad.
    @inline(__always)
    package mutating func convert(_ fields: UnsafeBufferPointer<RecordBatch.Field>, _ first: Int, _ cursor: inout FieldCursor) -> RowFailure? {
        // Date.
        let dateField = fields[first + positions.date]
        let parsedDay = cursor.with(dateField) { dates.parse($0) }
        guard let day = parsedDay else {
            let text = cursor.with(dateField) { displayText($0) }
            return RowFailure(column: positions.date, reason: .badDate,
                           message: "cannot parse \"\(text)\" as a date; expected \(dateFormat) (set date_format in the job file for other layouts)")
        }
        // Amount in cents.
        let amount: Int64
        if let a = positions.amount {
            switch cursor.with(fields[first + a], { cents.parse($0) }) {
            case .success(let v): amount = v
            case .failure(let why): return amountFailure(why, column: a, field: fields[first + a], &cursor)
            }
        } else {
            let q = positions.quantity!, u = positions.unitPrice!
            let quantity: Int64
            switch cursor.with(fields[first + q], { cents.parse($0) }) {
            case .success(let v) where v % 100 == 0: quantity = v / 100
            default:
                let text = cursor.with(fields[first + q]) { displayText($0) }
                return RowFailure(column: q, reason: .badNumber, message: "cannot parse \"\(text)\" as a whole quantity")
            }
            switch cursor.with(fields[first + u], { cents.parse($0) }) {
            case .success(let price):
                let (product, overflow) = quantity.multipliedReportingOverflow(by: price)
                // Int64.min is outside ±CentsLimit.maximum, like the products that overflow.
                guard !overflow, product != .min else {
                    return RowFailure(column: u, reason: .badAmount, message: "quantity × unit price overflows")
                }
                amount = product
            case .failure(let why): return amountFailure(why, column: u, field: fields[first + u], &cursor)
            }
        }
        // Customer and order keys must be present before anything is interned.
        let customerField = fields[first + positions.customer]
        if customerField.end == customerField.start {
            return RowFailure(column: positions.customer, reason: .emptyKey, message: "customer_id is empty")
        }
        if let o = positions.order, fields[first + o].end == fields[first + o].start {
            return RowFailure(column: o, reason: .emptyOrder, message: "order_id is empty")
        }
        if day > lastTransactionDay { lastTransactionDay = day }
        currentBuffer = cursor.buffer
        if probe != nil { follow(fields, first, day: day, amount: amount, &cursor); return nil }
        // Lines dated on or after an explicit as-of are valid but outside the analysis: counted,
        // and their customer is known (as not yet active), but no order is loaded.
        let afterCutoff = day >= cutoff
        if afterCutoff { rowsAfterCutoff += 1 }
        let orderField = positions.order.map { fields[first + $0] }
        // The common case: the same customer and order as the pending run.
        if run.active && !afterCutoff && !customerField.hasEscapes && !(orderField?.hasEscapes ?? false)
            && sameBytes(customerField, run.customerField, cursor.buffer)
            && (orderField.map { sameBytes($0, run.orderField, cursor.buffer) } ?? (day == run.dayKey)) {
            let (sum, overflow) = run.cents.addingReportingOverflow(amount)
            if !overflow {
                run.cents = sum
                run.lines += 1
                if day < run.firstDay { run.firstDay = day }
                if day > run.lastDay { run.lastDay = day }
                return nil
            }
        }
        if run.active { flush(buffer: cursor.buffer) }
        let hash = cursor.with(customerField) { IngestPartitioning.hash($0) }
        if afterCutoff {
            cursor.with(customerField) { write(hash: hash, customer: $0, order: UnsafeRawBufferPointer(start: nil, count: 0),
                                               firstDay: day, lastDay: day, lines: 0, cents: 0) }
            return nil
        }
        if customerField.hasEscapes || (orderField?.hasEscapes ?? false) {
            // Escaped keys live in the cursor's scratch copy: write the line at once.
            let customerKey = cursor.with(customerField) { Array($0) }
            customerKey.withUnsafeBytes { customerKey in
                if let orderField {
                    cursor.with(orderField) { write(hash: hash, customer: customerKey, order: $0, firstDay: day, lastDay: day, lines: 1, cents: amount) }
                } else {
                    var key = day
                    withUnsafeBytes(of: &key) { write(hash: hash, customer: customerKey, order: $0, firstDay: day, lastDay: day, lines: 1, cents: amount) }
                }
            }
            return nil
        }
        run = Run(active: true, customerField: customerField, orderField: orderField ?? run.orderField, dayKey: day, hash: hash,
                  firstDay: day, lastDay: day, lines: 1, cents: amount)
        return nil
    }

    /// Writes the pending run as one record; its keys are in `buffer`.
    @inline(__always)
    private mutating func flush(buffer: UnsafeRawBufferPointer) {
        let r = run
        run.active = false
        let customer = UnsafeRawBufferPointer(rebasing: buffer[Int(r.customerField.start)..<Int(r.customerField.end)])
        if positions.order != nil {
            let order = UnsafeRawBufferPointer(rebasing: buffer[Int(r.orderField.start)..<Int(r.orderField.end)])
            write(hash: r.hash, customer: customer, order: order, firstDay: r.firstDay, lastDay: r.lastDay, lines: r.lines, cents: r.cents)
        } else {
            var key = r.dayKey
            withUnsafeBytes(of: &key) { write(hash: r.hash, customer: customer, order: $0, firstDay: r.firstDay, lastDay: r.lastDay, lines: r.lines, cents: r.cents) }
        }
    }

    /// Appends one record to the partition of `hash` (`OrderRecord` layout). An empty `order`
    /// marks a customer seen only on or after the cutoff.
    @inline(__always)
    private func write(hash: UInt64, customer: UnsafeRawBufferPointer, order: UnsafeRawBufferPointer,
                       firstDay: Int32, lastDay: Int32, lines: Int32, cents: Int64) {
        let p = partitions.append(OrderRecord.header + customer.count + order.count, to: partitioning.partition(hash))
        OrderRecord.store(hash: hash, cents: cents, firstDay: firstDay, lastDay: lastDay, lines: lines,
                          customerLength: customer.count, orderLength: order.count, at: p)
        storeKey(customer, at: p + OrderRecord.header)
        storeKey(order, at: p + OrderRecord.header + customer.count)
    }

    /// Probe mode: adds the line to the running total of a followed order, in file order.
    private mutating func follow(_ fields: UnsafeBufferPointer<RecordBatch.Field>, _ first: Int, day: Int32, amount: Int64,
                                 _ cursor: inout FieldCursor) {
        guard day < cutoff else { return }
        let customer = cursor.with(fields[first + positions.customer]) { Array($0) }
        var dayKey = day
        let order = positions.order.map { o in cursor.with(fields[first + o]) { Array($0) } } ?? withUnsafeBytes(of: &dayKey) { Array($0) }
        guard let line = batchLines.map({ Self.line(ofRecordAt: first, in: $0.batch, lineBase: $0.lineBase) }) else { return }
        probe!.add(customer: customer, order: order, amount: amount, line: line)
    }

    /// The 1-based line of the record whose first field is `fields[first]`: a binary search of
    /// the batch's ascending record → first-field index.
    package static func line(ofRecordAt first: Int, in batch: RecordBatch, lineBase: Int) -> Int {
        var lo = 0, hi = batch.count - 1  // the last record whose first field is ≤ `first`
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(batch.recordFields[mid]) <= first { lo = mid } else { hi = mid - 1 }
        }
        return lineBase + Int(batch.recordLine[lo]) - 1
    }

    private func amountFailure(_ why: CentsParser.Failure, column: Int, field: RecordBatch.Field, _ cursor: inout FieldCursor) -> RowFailure {
        let text = cursor.with(field) { displayText($0) }
        switch why {
        case .subCent:
            return RowFailure(column: column, reason: .badAmount, message: "\"\(text)\" has non-zero digits past the cent; amounts are exact to 2 decimals")
        case .tooLarge:
            return RowFailure(column: column, reason: .badAmount, message: "\"\(text)\" is too large for an amount")
        case .notANumber:
            let hint = CentsParser.hint(for: text, parser: cents, section: "transactions")
            return RowFailure(column: column, reason: .badAmount, message: "cannot parse \"\(text)\" as an amount\(hint)")
        }
    }
}

extension TransactionLane {
    /// Converts like the lane itself, and first hands it each batch with its first line, which
    /// `RowConverter.convert` does not see, so that a wrapped order total can name its line.
    package struct LineTracking: RecordConsumer {
        package var lane: TransactionLane

        package mutating func consume(_ batch: RecordBatch, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
            lane.batchLines = (batch, lineBase)
            defer { lane.batchLines = nil }
            return lane.consume(batch, buffer: buffer, lineBase: lineBase)
        }

        package mutating func malformed(_ malformation: CSVTokenizer.Malformation, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
            lane.malformed(malformation, buffer: buffer, lineBase: lineBase)
        }
    }
}

/// The orders the probe follows and, for each, its exact running total in file order and the
/// first line at which that total left ±`CentsLimit.maximum`.
package struct TransactionWrapProbe {
    package struct Followed {
        package var customer: [UInt8]
        package var order: [UInt8]
        package var total = ExactCents()
        package var line: Int?
    }
    package var orders: [Followed]

    package mutating func add(customer: [UInt8], order: [UInt8], amount: Int64, line: Int) {
        for k in orders.indices where orders[k].customer == customer && orders[k].order == order {
            orders[k].total.add(amount)
            if orders[k].line == nil && !orders[k].total.fits { orders[k].line = line }
        }
    }
}

/// A sum of cents held exactly: wrapped `Int64` cents plus a carry of 2⁶⁴ multiples, so that any
/// order of addition gives the same value (`cents` + `carry` × 2⁶⁴).
package struct ExactCents: Equatable {
    package var cents: Int64 = 0
    /// Wraps upwards minus wraps downwards.
    package var carry: Int64 = 0

    @inline(__always)
    package mutating func add(_ x: Int64) {
        let (sum, overflow) = cents.addingReportingOverflow(x)
        cents = sum
        if overflow { carry += x > 0 ? 1 : -1 }
    }

    /// Whether the value lies within ±`CentsLimit.maximum` (so it is `cents`).
    package var fits: Bool { carry == 0 && cents != .min }
}

/// The layout of one order record in a `PartitionBuffer`: a 36-byte header, then the customer
/// key, then the order key (empty: a customer seen only on or after the cutoff).
package enum OrderRecord {
    package static let header = 36
    // Offsets: hash 0, cents 8, firstDay 16, lastDay 20, lines 24, customerLength 28, orderLength 32.

    @inline(__always)
    package static func store(hash: UInt64, cents: Int64, firstDay: Int32, lastDay: Int32, lines: Int32,
                      customerLength: Int, orderLength: Int, at p: UnsafeMutableRawPointer) {
        p.storeBytes(of: hash, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: cents, toByteOffset: 8, as: Int64.self)
        p.storeBytes(of: firstDay, toByteOffset: 16, as: Int32.self)
        p.storeBytes(of: lastDay, toByteOffset: 20, as: Int32.self)
        p.storeBytes(of: lines, toByteOffset: 24, as: Int32.self)
        p.storeBytes(of: UInt32(customerLength), toByteOffset: 28, as: UInt32.self)
        p.storeBytes(of: UInt32(orderLength), toByteOffset: 32, as: UInt32.self)
    }
}
