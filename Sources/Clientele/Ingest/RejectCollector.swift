import ClienteleStore

/// One lane's row accounting and rejected rows.
package struct RejectCollector {
    package let path: String
    package let policy: BadRowPolicy
    package let header: [String]
    package var accounting: FileAccounting
    package var rejects: [RejectedRow] = []

    package init(path: String, policy: BadRowPolicy, header: [String]) {
        self.path = path
        self.policy = policy
        self.header = header
        self.accounting = FileAccounting(path: path)
    }

    /// Records a bad row; returns false when reading must stop (fail policy).
    package mutating func reject(line: Int, column: Int?, reason: RejectReason, message: String, raw: UnsafeRawBufferPointer) -> Bool {
        accounting.rowsRead += 1
        accounting.rejectedByReason[reason, default: 0] += 1
        var name: String? = nil
        if let column, column >= 1, column <= header.count { name = header[column - 1] }
        rejects.append(RejectedRow(file: path, line: line, column: column, columnName: name, reason: reason,
                                   message: message, rawLine: String(decoding: raw, as: UTF8.self)))
        return policy == .skip
    }

    /// Records a row the tokenizer could not split; false when reading must stop.
    package mutating func malformed(_ m: CSVTokenizer.Malformation, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
        let raw = UnsafeRawBufferPointer(rebasing: buffer[Int(m.recordStart)..<Int(m.recordEnd)])
        return reject(line: lineBase + Int(m.line) - 1, column: Int(m.column), reason: .malformedCSV, message: m.reason, raw: raw)
    }

    @inline(__always) package mutating func used() {
        accounting.rowsRead += 1
        accounting.rowsUsed += 1
    }
}

/// Merges the lanes' accounting and rejects, then applies the bad-row policy.
package struct RejectVerdict {
    package var accounting: FileAccounting
    /// Rejected rows in line order.
    package var rejects: [RejectedRow]

    /// A verdict on accounting alone (rejects already collected elsewhere).
    package init(accounting: FileAccounting) {
        self.accounting = accounting
        self.rejects = []
    }

    package init(_ collectors: [RejectCollector], path: String) {
        var accounting = FileAccounting(path: path)
        var rejects: [RejectedRow] = []
        for c in collectors { accounting.merge(c.accounting); rejects += c.rejects }
        rejects.sort { $0.line < $1.line }
        self.accounting = accounting
        self.rejects = rejects
    }

    /// Throws the first bad row under `.fail`, or when the rejected share passes the threshold.
    package func enforce(_ options: IngestOptions, rejectsFile: String?) throws(IngestError) {
        if options.onBadRow == .fail, let first = rejects.first { throw .badRow(first) }
        let read = accounting.rowsRead
        if read > 0, Double(accounting.rowsRejected) / Double(read) > options.maxRejectShare {
            throw .tooManyRejects(path: accounting.path, rejected: accounting.rowsRejected, read: read,
                                  maxShare: options.maxRejectShare, rejectsFile: rejectsFile)
        }
    }
}

/// Why one row cannot be used: the 0-based field, the reason code and a message for people.
package struct RowFailure {
    package var column: Int
    package var reason: RejectReason
    package var message: String
}

/// A lane that converts well-shaped rows and leaves the row accounting to `RejectCollector`.
package protocol RowConverter: RecordConsumer {
    var collector: RejectCollector { get set }
    /// Fields per row, from the header.
    var fieldCount: Int { get }
    var quote: UInt8 { get }
    /// Loads the row whose first field is `fields[first]`, or says why not.
    mutating func convert(_ fields: UnsafeBufferPointer<RecordBatch.Field>, _ first: Int, _ cursor: inout FieldCursor) -> RowFailure?
    /// Called before each batch: field ranges of an earlier batch point into a buffer that has been reused.
    mutating func beginBatch()
    /// Called after each batch's rows, while its buffer still holds them.
    mutating func endBatch()
}

extension RowConverter {
    /// Rejects rows whose field count differs from the header's, converts the others, and counts
    /// every row as used or rejected; false when the fail policy stops reading.
    package mutating func beginBatch() {}
    package mutating func endBatch() {}

    package mutating func consume(_ batch: RecordBatch, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
        beginBatch()
        defer { endBatch() }
        var cursor = FieldCursor(buffer: buffer, quote: quote)
        let fields = UnsafeBufferPointer(start: batch.fields, count: batch.fieldTotal)
        for r in 0..<batch.count {
            let first = Int(batch.recordFields[r])
            let n = batch.fieldCount(r)
            let failure: RowFailure?
            if n != fieldCount {
                failure = RowFailure(column: min(n, fieldCount), reason: .fieldCount,
                                     message: "expected \(fieldCount) fields as in the header, found \(n)")
            } else {
                failure = convert(fields, first, &cursor)
            }
            guard let failure else { collector.used(); continue }
            let raw = UnsafeRawBufferPointer(rebasing: buffer[Int(batch.recordStart[r])..<Int(batch.recordEnd[r])])
            let line = lineBase + Int(batch.recordLine[r]) - 1
            if !collector.reject(line: line, column: failure.column + 1, reason: failure.reason, message: failure.message, raw: raw) { return false }
        }
        return true
    }

    package mutating func malformed(_ m: CSVTokenizer.Malformation, buffer: UnsafeRawBufferPointer, lineBase: Int) -> Bool {
        collector.malformed(m, buffer: buffer, lineBase: lineBase)
    }
}
