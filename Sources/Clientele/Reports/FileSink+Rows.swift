extension FileSink {
    /// Writes `header`, then rows `0..<count` formatted by `format` on `threads` threads, in order.
    ///
    /// The rows go in rounds of `threads` chunks of `chunkRows` rows: each thread formats one
    /// chunk (a contiguous row range) into its own buffer, then the round's buffers are written in
    /// chunk order. The buffers are kept from round to round, so memory stays at `threads` chunks
    /// and their pages are faulted in once, not once per round.
    /// - Parameters:
    ///   - format: appends the rows of a range to a buffer; called concurrently for disjoint ranges.
    ///   - bytesPerRow: a guess of a row's length, for the buffers' first capacity.
    static func writeRows(_ count: Int, to path: String, header: [UInt8], threads: Int, bytesPerRow: Int,
                          chunkRows: Int = 1 << 16, format: (Range<Int>, inout ByteBuffer) -> Void) throws(ReportError) {
        let sink = try FileSink(path: path)
        try sink.write(header)
        let lanes = max(1, threads)
        var buffers = (0..<lanes).map { _ in ByteBuffer(capacity: min(count, chunkRows) * bytesPerRow) }
        var start = 0
        while start < count {
            let ranges = (0..<lanes).compactMap { k -> Range<Int>? in
                let low = start + k * chunkRows
                return low < count ? low..<min(count, low + chunkRows) : nil
            }
            parallelEach(&buffers) { k, buffer in
                buffer.bytes.removeAll(keepingCapacity: true)
                if k < ranges.count { format(ranges[k], &buffer) }
            }
            for k in ranges.indices { try sink.write(buffers[k].bytes) }
            start = ranges[ranges.count - 1].upperBound
        }
        try sink.close()
    }
}
