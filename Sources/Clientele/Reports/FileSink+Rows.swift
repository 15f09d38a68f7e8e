import Dispatch

extension FileSink {
    /// Writes `header`, then rows `0..<count` formatted by `format` on `threads` threads, in order.
    ///
    /// The rows go in rounds of `threads` chunks: each thread formats one chunk (a contiguous row
    /// range) straight into its own block of memory, sized for the chunk's rows at `maxRowBytes`
    /// each. A round's blocks are then written, in chunk order, by a writer thread while the
    /// formatting threads go on with the next round in a second set of blocks: the kernel's copy
    /// into the page cache overlaps the formatting. Two sets of blocks are allocated once and
    /// reused, so memory stays at 2 × `threads` blocks of about 8 MiB.
    /// - Parameters:
    ///   - maxRowBytes: an upper bound on one formatted row (a longer row stops the program
    ///     rather than write past its block).
    ///   - chunkRows: rows per chunk; default as many as fit in 8 MiB (at most 65,536).
    ///   - format: appends the rows of a range to a cursor; called concurrently for disjoint ranges.
    static func writeRows(_ count: Int, to path: String, header: [UInt8], threads: Int, maxRowBytes: Int,
                          chunkRows: Int? = nil, format: (Range<Int>, inout RowCursor) -> Void) throws(ReportError) {
        let sink = try FileSink(path: path)
        try sink.write(header)
        let lanes = max(1, threads)
        let chunkRows = chunkRows ?? max(1, min(1 << 16, (8 << 20) / max(1, maxRowBytes)))
        let sets = (0..<2).map { _ in (0..<lanes).map { _ in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkRows * maxRowBytes) } }
        let writer = DispatchQueue(label: "clientele.writeRows")
        let pending = DispatchGroup()
        let failure = WriteFailure()
        defer {
            pending.wait()
            for set in sets { for b in set { b.deallocate() } }
        }
        var start = 0, round = 0
        while start < count {
            let ranges = (0..<lanes).compactMap { k -> Range<Int>? in
                let low = start + k * chunkRows
                return low < count ? low..<min(count, low + chunkRows) : nil
            }
            let blocks = sets[round % 2]
            var lengths = [Int](repeating: 0, count: ranges.count)
            parallelEach(&lengths) { k, length in
                var cursor = RowCursor(blocks[k])
                format(ranges[k], &cursor)
                length = cursor.position - blocks[k].baseAddress!
            }
            // The previous round is written before this one starts, and its blocks are free
            // before the next round formats into them.
            pending.wait()
            if let error = failure.error { throw error }
            let chunks = UncheckedSendable(zip(blocks, lengths).map { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0.0)[..<$0.1]) })
            writer.async(group: pending) {
                do throws(ReportError) {
                    for chunk in chunks.value { try sink.write(chunk) }
                } catch { failure.error = error }
            }
            start = ranges[ranges.count - 1].upperBound
            round += 1
        }
        pending.wait()
        if let error = failure.error { throw error }
        try sink.close()
    }
}

/// The first write error of the writer thread, read by the caller after waiting for it.
private final class WriteFailure: @unchecked Sendable {
    var error: ReportError?
}
