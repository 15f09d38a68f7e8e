/// Reads fields of one tokenised record as byte views, collapsing doubled quotes when needed.
struct FieldCursor {
    let buffer: UnsafeRawBufferPointer
    let quote: UInt8
    /// Holds the unescaped copy of a quoted field that contained doubled quotes.
    var scratch: [UInt8] = []

    init(buffer: UnsafeRawBufferPointer, quote: UInt8) {
        self.buffer = buffer
        self.quote = quote
    }

    /// Calls `body` with field `field`'s bytes.
    @inline(__always)
    mutating func with<R>(_ field: RecordBatch.Field, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let raw = UnsafeRawBufferPointer(rebasing: buffer[Int(field.start)..<Int(field.end)])
        if !field.hasEscapes { return body(raw) }
        scratch = collapseDoubledQuotes(raw, quote: quote)
        return scratch.withUnsafeBytes(body)
    }
}
