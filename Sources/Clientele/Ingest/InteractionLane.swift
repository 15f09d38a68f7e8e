import ClienteleStore

/// Converts one lane's share of `interactions.csv` into columns, leaving each row's customer to
/// be resolved partition by partition.
///
/// Each valid row's customer key goes, with the row's number in the lane, to the partition of its
/// hash (`InteractionRecord`); `InteractionLoader` then looks the keys up one partition at a time,
/// so every lookup hits the one cache-sized table of that partition, whatever the row order.
/// Interactions of customers with no transaction are counted (rows and distinct ids) and
/// reported, never silently dropped; so are kinds it does not know (kept as `.other`).
package struct InteractionLane: RowConverter {
    package struct Positions {
        package var fieldCount: Int
        package var customer: Int
        package var date: Int
        package var channel: Int?
        package var kind: Int?
        package var satisfaction: Int?
        package var recommend: Int?
    }

    package let positions: Positions
    package let partitioning: IngestPartitioning
    /// One buffer per partition.
    package let partitions: PartitionBuffers
    package let columns: InteractionColumns
    package let quote: UInt8
    package let dateFormat: DateFormat
    package let decimalSeparator: UInt8
    package var dates: DateParser
    package var collector: RejectCollector
    package var table = InteractionTable()
    package var channels = KeyInterner(capacity: 16)
    /// Rows whose `kind` is none of the `InteractionKind` names (of any customer, known or not:
    /// the loader counts those of known customers), with the value's id in `unknownValues`
    /// (-1: past `UnknownValueCounts.trackedValues` distinct values).
    package var unknownKindRows: [(row: Int32, value: Int32)] = []
    package var unknownValues = KeyInterner(capacity: 16)

    package init(source: CSVSource, columns: InteractionColumns, header: CSVFileScanner.Header, policy: BadRowPolicy,
         lanes: Int, partitioning: IngestPartitioning) throws(IngestError) {
        let map = HeaderMap(path: source.path, names: header.names)
        positions = Positions(fieldCount: header.names.count, customer: try map.required(columns.customerID),
                              date: try map.required(columns.interactionDate), channel: try map.optional(columns.channel),
                              kind: try map.optional(columns.kind), satisfaction: try map.optional(columns.satisfaction),
                              recommend: try map.optional(columns.recommend))
        self.partitioning = partitioning
        // About 30 bytes a row with its key.
        let perBuffer = header.estimatedRecords / max(1, lanes) / partitioning.count * 30
        partitions = PartitionBuffers(count: partitioning.count, capacity: min(perBuffer + perBuffer / 8, 64 << 20))
        self.columns = columns
        quote = source.dialect.quote
        dateFormat = source.dateFormat
        decimalSeparator = source.decimalSeparator
        dates = DateParser(source.dateFormat)
        collector = RejectCollector(path: source.path, policy: policy, header: header.names)
    }

    package var fieldCount: Int { positions.fieldCount }

    package mutating func convert(_ fields: UnsafeBufferPointer<RecordBatch.Field>, _ first: Int, _ cursor: inout FieldCursor) -> RowFailure? {
        let customerField = fields[first + positions.customer]
        if customerField.start == customerField.end { return RowFailure(column: positions.customer, reason: .emptyKey, message: "customer_id is empty") }
        let dateField = fields[first + positions.date]
        guard let day = cursor.with(dateField, { dates.parse($0) }) else {
            let text = cursor.with(dateField) { displayText($0) }
            return RowFailure(column: positions.date, reason: .badDate, message: "cannot parse \"\(text)\" as a date; expected \(dateFormat) (set date_format in the job file for other layouts)")
        }
        var satisfaction = Float.nan, recommend = Float.nan
        if let s = positions.satisfaction {
            switch answer(fields[first + s], scale: columns.satisfactionScale, &cursor) {
            case .success(let v): satisfaction = v
            case .failure(let failure): return RowFailure(column: s, reason: failure.reason, message: failure.message)
            }
        }
        if let s = positions.recommend {
            switch answer(fields[first + s], scale: columns.recommendScale, &cursor) {
            case .success(let v): recommend = v
            case .failure(let failure): return RowFailure(column: s, reason: failure.reason, message: failure.message)
            }
        }
        let row = Int32(table.count)
        cursor.with(customerField) { key in
            let hash = IngestPartitioning.hash(key)
            let p = partitions.append(InteractionRecord.header + key.count, to: partitioning.partition(hash))
            p.storeBytes(of: hash, toByteOffset: 0, as: UInt64.self)
            p.storeBytes(of: UInt32(bitPattern: row), toByteOffset: 8, as: UInt32.self)
            p.storeBytes(of: UInt32(key.count), toByteOffset: 12, as: UInt32.self)
            storeKey(key, at: p + InteractionRecord.header)
        }
        let kind = positions.kind.map { k in
            cursor.with(fields[first + k]) { bytes in
                let kind = InteractionKind(bytes: bytes)
                if kind == .other, !Self.spellsOther(bytes) { noteUnknownKind(bytes, row: row) }
                return kind
            }
        } ?? .other
        let channel = positions.channel.map { c in cursor.with(fields[first + c]) { UInt16(channels.intern($0).id) } } ?? 0
        table.customer.append(-1)  // resolved by the loader
        table.day.append(day)
        table.kind.append(kind)
        table.channel.append(channel)
        table.satisfaction.append(satisfaction)
        table.recommend.append(recommend)
        return nil
    }

    /// Keeps an unknown kind's row and value (by its first `maximumValueBytes` bytes), up to
    /// `trackedValues` distinct values.
    private mutating func noteUnknownKind(_ bytes: UnsafeRawBufferPointer, row: Int32) {
        let key = UnsafeRawBufferPointer(rebasing: bytes.prefix(UnknownValueCounts.maximumValueBytes))
        var value = unknownValues.lookup(key) ?? -1
        if value < 0, unknownValues.count < UnknownValueCounts.trackedValues { value = unknownValues.intern(key).id }
        unknownKindRows.append((row, value))
    }

    /// Whether `bytes` is `other` in any case: the one name that means `.other` on purpose.
    package static func spellsOther(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count == 5 && zip(bytes, "other".utf8).allSatisfy { ($0 | 0x20) == $1 }
    }

    package struct AnswerFailure: Error { var reason: RejectReason; var message: String }

    /// A survey answer: blank is missing (NaN); otherwise a number within the scale.
    private func answer(_ field: RecordBatch.Field, scale: ClosedRange<Double>, _ cursor: inout FieldCursor) -> Result<Float, AnswerFailure> {
        if field.start == field.end { return .success(.nan) }
        let parsed: Result<Int64, CentsParser.Failure> = cursor.with(field) { CentsParser(decimalSeparator: decimalSeparator).parse($0) }
        guard case .success(let cents) = parsed else {
            let text = cursor.with(field) { displayText($0) }
            return .failure(AnswerFailure(reason: .badNumber, message: "cannot parse \"\(text)\" as a number (leave it blank when unanswered)"))
        }
        let value = Double(cents) / 100
        guard scale.contains(value) else {
            return .failure(AnswerFailure(reason: .outOfRange, message: "\(value) is outside the scale \(scale.lowerBound)–\(scale.upperBound)"))
        }
        return .success(Float(value))
    }
}

/// The layout of one interaction record in a `PartitionBuffer`: the key's hash (8 bytes), the
/// row's number in its lane (4), the key's length (4), then the key.
package enum InteractionRecord {
    package static let header = 16
}
