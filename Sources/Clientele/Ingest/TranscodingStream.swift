#if canImport(Glibc)
import Glibc
#endif

/// Another stream's bytes converted from `encoding` to UTF-8 by iconv, a buffer at a time.
/// Bytes that are not valid in the encoding stop the read with their line and byte offset
/// (`IngestError.badEncoding`): nothing is replaced or dropped silently.
package final class TranscodingStream: ByteStream {
    private let inner: any ByteStream
    private let converter: iconv_t
    private let encoding: TextEncoding
    private let path: String
    private let section: String
    private var input: UnsafeMutableRawBufferPointer
    /// Unconverted bytes at the front of `input` (a character cut by the end of a read).
    private var pending = 0
    /// Input bytes converted before `input`'s front, and newlines written so far: where an error is.
    private var consumed = 0
    private var newlines = 0
    private var innerEnded = false
    private var flushed = false

    package init(_ inner: any ByteStream, encoding: TextEncoding, path: String, section: String) throws(IngestError) {
        guard let converter = iconv_open("UTF-8", encoding.name), converter != iconv_t(bitPattern: -1) else {
            throw IngestError.unreadable(path: path, reason: "the encoding \"\(encoding.name)\" is not known to iconv")
        }
        self.inner = inner
        self.converter = converter
        self.encoding = encoding
        self.path = path
        self.section = section
        input = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        iconv_close(converter)
        input.deallocate()
    }

    /// `buffer` must hold at least 16 bytes (one converted character with room to spare).
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        precondition(buffer.count >= 16, "read buffer of \(buffer.count) bytes")
        while true {
            if pending > 0 {
                var inPointer: UnsafeMutablePointer<CChar>? = input.baseAddress!.assumingMemoryBound(to: CChar.self)
                var inLeft = pending
                var outPointer: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = buffer.count
                let failure = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 ? errno : 0
                let used = pending - inLeft
                let written = buffer.count - outLeft
                newlines += count(UnsafeRawBufferPointer(rebasing: buffer[0..<written]))
                if failure == EILSEQ { throw badEncoding(at: used, cutShort: false) }
                consumed += used
                if inLeft > 0 { memmove(input.baseAddress!, input.baseAddress! + used, inLeft) }
                pending = inLeft
                // E2BIG: the buffer is full; EINVAL: a character cut by the end of the input, read more.
                if written > 0 { return written }
            }
            if innerEnded {
                if pending > 0 { throw badEncoding(at: 0, cutShort: true) }
                if flushed { return 0 }
                flushed = true
                let n = flush(into: buffer)
                if n > 0 { return n }
                return 0
            }
            guard pending < input.count else { throw badEncoding(at: 0, cutShort: false) }
            let got = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: input[pending...]))
            if got == 0 { innerEnded = true } else { pending += got }
        }
    }

    /// The shift state's closing bytes, if the encoding has any.
    private func flush(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var outPointer: UnsafeMutablePointer<CChar>? = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        var outLeft = buffer.count
        _ = iconv(converter, nil, nil, &outPointer, &outLeft)
        return buffer.count - outLeft
    }

    private func count(_ bytes: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for b in bytes where b == 10 { n += 1 }
        return n
    }

    private func badEncoding(at offset: Int, cutShort: Bool) -> IngestError {
        let bytes = Array(UnsafeRawBufferPointer(rebasing: input[offset..<min(pending, offset + 4)]))
        return .badEncoding(path: path, line: newlines + 1, byteOffset: consumed + offset, bytes: bytes,
                            encoding: encoding.name, section: section, cutShort: cutShort)
    }
}
