#if canImport(Glibc)
import Glibc
#endif

/// Converts one lane's share of `transactions.csv` into orders keyed by lane-local customer ids.
///
/// Lines aggregate into orders as they stream: an order is interned by (customer, order_id),
/// or by (customer, day) when the file has no order_id, and keeps its first and last line day,
/// net cents and line count. No per-line storage is kept, so memory grows with orders, not lines.
struct TransactionLane: RowConverter {
    struct Positions {
        var fieldCount: Int
        var customer: Int
        var order: Int?
        var date: Int
        var amount: Int?
        var quantity: Int?
        var unitPrice: Int?
    }

    let positions: Positions
    let quote: UInt8
    var dates: DateParser
    let cents: CentsParser
    let dateFormat: DateFormat
    var collector: RejectCollector

    var customers: KeyInterner
    var orderDirectory: OrderDirectory
    /// One order as it accumulates: lane-local customer, first and last line day, net cents, lines.
    struct OrderAccumulator {
        var customer: Int32
        var firstDay: Int32
        var lastDay: Int32
        var lines: Int32
        var cents: Int64
    }
    /// Indexed by lane-local order id (one append per new order).
    var orders: [OrderAccumulator] = []
    /// The orders whose running total wrapped around `Int64` in this lane (rare), by lane-local id:
    /// with them, each order's total stays exact (`OrderTotalWrap`), and the loader can refuse it.
    var wraps: [Int32: OrderTotalWrap] = [:]
    /// The batch being converted and its first line, set by `LineTracking`, so that a rare event
    /// can name its line.
    var batchLines: (batch: RecordBatch, lineBase: Int)?
    var lastTransactionDay = Int32.min
    /// Lines dated on or after this day are counted in `rowsAfterCutoff` and not loaded.
    let cutoff: Int32
    var rowsAfterCutoff = 0

    /// The previous line's customer and order fields (in the current buffer) and their ids.
    struct PreviousLine {
        var customerField = RecordBatch.Field(start: 0, end: 0, hasEscapes: false)
        var customer: Int32 = 0
        var orderField = RecordBatch.Field(start: 0, end: 0, hasEscapes: false)
        var order: Int32 = 0
    }
    var previous = PreviousLine()

    @inline(__always)
    private func sameBytes(_ a: RecordBatch.Field, _ b: RecordBatch.Field, _ buffer: UnsafeRawBufferPointer) -> Bool {
        let n = Int(a.end - a.start)
        return n == Int(b.end - b.start) && bytesEqual(buffer.baseAddress! + Int(a.start), buffer.baseAddress! + Int(b.start), n)
    }

    init(source: CSVSource, columns: TransactionColumns, header: CSVFileScanner.Header, policy: BadRowPolicy, lanes: Int,
         cutoff: CalendarDay?) throws(IngestError) {
        self.cutoff = cutoff?.daysSinceEpoch ?? Int32.max
        // Size the hash tables from the expected number of lines, so they never grow (each growth
        // rehashes every key at random addresses): about 2.5 lines an order, 5 a customer.
        let linesPerLane = header.estimatedRecords / max(1, lanes)
        customers = KeyInterner(capacity: max(1 << 12, linesPerLane / 5))
        orderDirectory = OrderDirectory(capacity: max(1 << 12, linesPerLane / 2))
        orders.reserveCapacity(max(1 << 12, linesPerLane / 2))
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
        cents = CentsParser(decimalSeparator: source.decimalSeparator)
        collector = RejectCollector(path: source.path, policy: policy, header: header.names)
    }

    var fieldCount: Int { positions.fieldCount }

    /// The previous line's field ranges point into the last batch's buffer: forget them.
    mutating func beginBatch() { previous = PreviousLine() }

    /// Converts one well-shaped row; returns why not when it is bad.
    @inline(__always)
    mutating func convert(_ fields: UnsafeBufferPointer<RecordBatch.Field>, _ first: Int, _ cursor: inout FieldCursor) -> RowFailure? {
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
        // Consecutive lines of one customer and one order are the common case: compare with the
        // previous line's bytes before touching the hash tables.
        let customer: Int32
        if !customerField.hasEscapes && previous.customerField.end > 0 && sameBytes(customerField, previous.customerField, cursor.buffer) {
            customer = previous.customer
        } else {
            customer = cursor.with(customerField) { customers.intern($0).id }
            previous.customerField = customerField.hasEscapes ? .init(start: 0, end: 0, hasEscapes: false) : customerField
            previous.customer = customer
            previous.orderField = .init(start: 0, end: 0, hasEscapes: false)
        }
        // Lines dated on or after an explicit as-of are valid but outside the analysis: counted,
        // and their customer is known (as not yet active), but no order is loaded.
        if day >= cutoff { rowsAfterCutoff += 1; return nil }
        // Order: by order_id, or by day when the file has none.
        let order: (id: Int32, isNew: Bool)
        if let o = positions.order {
            let orderField = fields[first + o]
            if !orderField.hasEscapes && previous.orderField.end > 0 && sameBytes(orderField, previous.orderField, cursor.buffer) {
                order = (previous.order, false)
            } else {
                order = cursor.with(orderField) { key in
                    if let found = orderDirectory.find(customer: customer, key: key) { return (found, false) }
                    return (orderDirectory.add(customer: customer, key: key), true)
                }
                previous.orderField = orderField.hasEscapes ? .init(start: 0, end: 0, hasEscapes: false) : orderField
                previous.order = order.id
            }
        } else {
            var day = day
            order = withUnsafeBytes(of: &day) { key in
                if let found = orderDirectory.find(customer: customer, key: key) { return (found, false) }
                return (orderDirectory.add(customer: customer, key: key), true)
            }
        }
        if order.isNew {
            orders.append(OrderAccumulator(customer: customer, firstDay: day, lastDay: day, lines: 1, cents: amount))
        } else {
            let wrapped = orders.withUnsafeMutableBufferPointer { orders in
                let k = Int(order.id)
                if day < orders[k].firstDay { orders[k].firstDay = day }
                if day > orders[k].lastDay { orders[k].lastDay = day }
                let (sum, overflow) = orders[k].cents.addingReportingOverflow(amount)
                orders[k].cents = sum
                orders[k].lines &+= 1
                return overflow
            }
            if wrapped { noteWrap(order: order.id, amount: amount, first: first) }
        }
        return nil
    }

    /// Records that adding `amount` wrapped order `order`'s running total around `Int64` (the
    /// rare branch of the hot loop): its carry moves by one, and the first wrap keeps its line.
    @inline(never)
    private mutating func noteWrap(order: Int32, amount: Int64, first: Int) {
        let line = batchLines.map { Self.line(ofRecordAt: first, in: $0.batch, lineBase: $0.lineBase) }
        wraps[order, default: OrderTotalWrap(carry: 0, line: line)].carry += amount > 0 ? 1 : -1
    }

    /// The 1-based line of the record whose first field is `fields[first]`: a binary search of
    /// the batch's ascending record → first-field index.
    static func line(ofRecordAt first: Int, in batch: RecordBatch, lineBase: Int) -> Int {
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
            var hint = ""
            if cents.decimalSeparator == UInt8(ascii: "."), text.contains(",") { hint = "; set decimal = \",\" in the job file for amounts like 12,50" }
            return RowFailure(column: column, reason: .badAmount, message: "cannot parse \"\(text)\" as an amount\(hint)")
        }
    }
}

extension TransactionLane {
    /// Converts like the lane itself, and first hands it each batch with its first line, which
    /// `RowConverter.convert` does not see, so that a wrapped order total can name its line.
    struct LineTracking: RecordConsumer {
        var lane: TransactionLane

        mutating func consume(_ batch: RecordBatch, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
            lane.batchLines = (batch, lineBase)
            defer { lane.batchLines = nil }
            return lane.consume(batch, buffer: buffer, lineBase: lineBase)
        }

        mutating func malformed(_ malformation: CSVTokenizer.Malformation, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
            lane.malformed(malformation, buffer: buffer, lineBase: lineBase)
        }
    }
}

/// An order whose running total went past the `Int64` range in a lane, and how often.
///
/// The lane keeps adding with wrap-around, so the order's true total is its wrapped cents plus
/// `carry` × 2⁶⁴: exact, whatever the order of its lines or their split across lanes, and it fits
/// only when `carry` is 0 (a total that went out and came back is accepted).
struct OrderTotalWrap {
    /// Wraps upwards minus wraps downwards.
    var carry: Int64
    /// The line of the first wrap, when known.
    var line: Int?
}

extension TransactionLane {
    /// Folds a split order's part into order `k` of this lane: the part's wraps (`part`, if any)
    /// and the wrap of adding its cents (`addition`, ±1 or 0). The earliest known line is kept.
    mutating func foldWrap(into k: Int32, from part: OrderTotalWrap?, addition: Int64) {
        var wrap = wraps[k] ?? OrderTotalWrap(carry: 0, line: nil)
        wrap.carry += addition + (part?.carry ?? 0)
        if let line = part?.line, line < wrap.line ?? .max { wrap.line = line }
        wraps[k] = wrap
    }
}
