/// Tokenised CSV records of one buffer: field byte ranges, never strings.
///
/// Field `j` of record `i` is `fields[recordFields[i] + j]`; offsets are relative to the buffer
/// the batch was tokenised from. A quoted field's range excludes its quotes; when it contains
/// doubled quotes, `hasEscapes` is set and the consumer collapses them (see `FieldCursor`).
///
/// A class over manually grown buffers rather than arrays: appending a field is one compare and
/// one store on the tokenizer's hot path (no uniqueness check per append). The storage is reused
/// across blocks, so a lane allocates it once.
package final class RecordBatch {
    package struct Field {
        var start: Int32
        var end: Int32
        var hasEscapes: Bool
    }

    private(set) var fields: UnsafeMutablePointer<Field>
    private var fieldCapacity: Int
    /// Fields in use.
    var fieldTotal = 0

    /// Index of each record's first field in `fields`, plus one trailing end index.
    private(set) var recordFields: UnsafeMutablePointer<Int32>
    /// Byte range of each record's raw text (without its line terminator).
    private(set) var recordStart: UnsafeMutablePointer<Int32>
    private(set) var recordEnd: UnsafeMutablePointer<Int32>
    /// 1-based physical line on which each record starts, relative to the batch's first line.
    private(set) var recordLine: UnsafeMutablePointer<Int32>
    private var recordCapacity: Int
    /// Records in use.
    private(set) var count = 0

    init(fieldCapacity: Int = 1 << 12, recordCapacity: Int = 1 << 10) {
        self.fieldCapacity = fieldCapacity
        self.recordCapacity = recordCapacity
        fields = .allocate(capacity: fieldCapacity)
        recordFields = .allocate(capacity: recordCapacity + 1)
        recordStart = .allocate(capacity: recordCapacity)
        recordEnd = .allocate(capacity: recordCapacity)
        recordLine = .allocate(capacity: recordCapacity)
        recordFields[0] = 0
    }

    deinit {
        fields.deallocate()
        recordFields.deallocate()
        recordStart.deallocate()
        recordEnd.deallocate()
        recordLine.deallocate()
    }

    func removeAll() {
        fieldTotal = 0
        count = 0
        recordFields[0] = 0
    }

    @inline(__always) func fieldCount(_ record: Int) -> Int {
        Int(recordFields[record + 1] - recordFields[record])
    }

    @inline(__always) func appendField(start: Int, end: Int, hasEscapes: Bool) {
        if fieldTotal == fieldCapacity { growFields() }
        fields[fieldTotal] = Field(start: Int32(start), end: Int32(end), hasEscapes: hasEscapes)
        fieldTotal += 1
    }

    /// Closes a record made of the fields appended since the previous record.
    @inline(__always) func appendRecord(start: Int, end: Int, line: Int32) {
        if count == recordCapacity { growRecords() }
        recordStart[count] = Int32(start)
        recordEnd[count] = Int32(end)
        recordLine[count] = line
        count += 1
        recordFields[count] = Int32(fieldTotal)
    }

    /// Drops the fields of an unfinished record.
    @inline(__always) func dropFields(from first: Int) { fieldTotal = first }

    /// Drops the last record and its fields.
    @inline(__always) func dropLastRecord() {
        count -= 1
        fieldTotal = Int(recordFields[count])
    }

    private func growFields() {
        let bigger = UnsafeMutablePointer<Field>.allocate(capacity: fieldCapacity * 2)
        bigger.moveInitialize(from: fields, count: fieldTotal)
        fields.deallocate()
        fields = bigger
        fieldCapacity *= 2
    }

    private func growRecords() {
        let n = recordCapacity * 2
        func grow<T>(_ p: inout UnsafeMutablePointer<T>, keep: Int, capacity: Int) {
            let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            bigger.moveInitialize(from: p, count: keep)
            p.deallocate()
            p = bigger
        }
        grow(&recordFields, keep: count + 1, capacity: n + 1)
        grow(&recordStart, keep: count, capacity: n)
        grow(&recordEnd, keep: count, capacity: n)
        grow(&recordLine, keep: count, capacity: n)
        recordCapacity = n
    }
}
