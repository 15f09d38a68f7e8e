extension FileSink {
    /// Writes `header`, then rows `0..<count` formatted by `format` on `threads` threads, in order.
    ///
    /// The rows go in rounds of `threads` chunks: each thread formats one chunk (a contiguous row
    /// range) straight into its own block of memory, sized for the chunk's rows at `maxRowBytes`
    /// each; then each thread writes its block at the block's offset in the file (pwrite), so the
    /// kernel's copy runs on every core too. The blocks are allocated once and reused, so memory
    /// stays at `threads` blocks of about 8 MiB.
    /// - Parameters:
    ///   - maxRowBytes: an upper bound on one formatted row (a longer row stops the program
    ///     rather than write past its block).
    ///   - chunkRows: rows per chunk; default as many as fit in 8 MiB (at most 65,536).
    ///   - format: appends the rows of a range to a cursor; called concurrently for disjoint ranges.
    static func writeRows(_ count: Int, to path: String, header: [UInt8], threads: Int, maxRowBytes: Int,
                          chunkRows: Int? = nil, format: (Range<Int>, inout RowCursor) -> Void) throws(ReportError) {
        let sink = try FileSink(path: path)
        try sink.write(header)
        var offset = header.count
        let lanes = max(1, threads)
        let chunkRows = chunkRows ?? max(1, min(1 << 16, (8 << 20) / max(1, maxRowBytes)))
        let blocks = (0..<lanes).map { _ in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkRows * maxRowBytes) }
        defer { for b in blocks { b.deallocate() } }
        var lengths = [Int](repeating: 0, count: lanes)
        var start = 0
        while start < count {
            let ranges = (0..<lanes).compactMap { k -> Range<Int>? in
                let low = start + k * chunkRows
                return low < count ? low..<min(count, low + chunkRows) : nil
            }
            parallelEach(&lengths) { k, length in
                guard k < ranges.count else { length = 0; return }
                var cursor = RowCursor(blocks[k])
                format(ranges[k], &cursor)
                length = cursor.position - blocks[k].baseAddress!
            }
            var failures = [ReportError?](repeating: nil, count: ranges.count)
            parallelEach(&failures) { k, failure in
                let at = offset + lengths[..<k].reduce(0, +)
                do throws(ReportError) {
                    try sink.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(blocks[k])[..<lengths[k]]), at: at)
                } catch { failure = error }
            }
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
            offset += lengths[..<ranges.count].reduce(0, +)
            start = ranges[ranges.count - 1].upperBound
        }
        try sink.close()
    }
}
