/// Reads fields of one tokenised record as byte views, collapsing doubled quotes when needed.
package struct FieldCursor {
    package let buffer: UnsafeRawBufferPointer
    package let quote: UInt8
    /// Holds the unescaped copy of a quoted field that contained doubled quotes.
    package var scratch: [UInt8] = []

    package init(buffer: UnsafeRawBufferPointer, quote: UInt8) {
        self.buffer = buffer
        self.quote = quote
    }

    /// Calls `body` with field `field`'s bytes.
    @inline(__always)
    package mutating func with<R>(_ field: RecordBatch.Field, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let raw = UnsafeRawBufferPointer(rebasing: buffer[Int(field.start)..<Int(field.end)])
        if !field.hasEscapes { return body(raw) }
        scratch = collapseDoubledQuotes(raw, quote: quote)
        return scratch.withUnsafeBytes(body)
    }
}
