/// Tokenised CSV records of one buffer: field byte ranges, never strings.
///
/// Field `j` of record `i` is `fields[recordFields[i] + j]`; offsets are relative to the buffer
/// the batch was tokenised from. A quoted field's range excludes its quotes; when it contains
/// doubled quotes, `hasEscapes` is set and the consumer collapses them (see `FieldUnescaper`).
struct RecordBatch {
    struct Field {
        var start: Int32
        var end: Int32
        var hasEscapes: Bool
    }

    var fields: [Field] = []
    /// Index of each record's first field in `fields`, plus one trailing end index.
    var recordFields: [Int32] = [0]
    /// Byte range of each record's raw text (without its line terminator).
    var recordStart: [Int32] = []
    var recordEnd: [Int32] = []
    /// 1-based physical line on which each record starts, relative to the batch's first line.
    var recordLine: [Int32] = []

    var count: Int { recordStart.count }

    mutating func removeAll() {
        fields.removeAll(keepingCapacity: true)
        recordFields.removeAll(keepingCapacity: true)
        recordFields.append(0)
        recordStart.removeAll(keepingCapacity: true)
        recordEnd.removeAll(keepingCapacity: true)
        recordLine.removeAll(keepingCapacity: true)
    }

    @inline(__always) func fieldCount(_ record: Int) -> Int {
        Int(recordFields[record + 1] - recordFields[record])
    }
}
