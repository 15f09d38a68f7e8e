import Dispatch
import ClienteleSupport

extension FileSink {
    /// Writes `header`, then rows `0..<count` formatted by `format` on `threads` threads (by
    /// default `Parallelism.threads`, the run's setting), in order. On one thread there is no
    /// writer thread either: each round is written before the next is formatted.
    ///
    /// The rows go in rounds of up to `threads × chunksPerThread` chunks: the threads format the
    /// chunks (contiguous row ranges) straight into a block of memory each, sized for the chunk's rows at
    /// `maxRowBytes` each. A round's blocks are then written, in chunk order, by a writer thread
    /// while the formatting threads go on with the next round in a second set of blocks: the
    /// kernel's copy into the page cache overlaps the formatting. Two sets of blocks are allocated
    /// once and reused.
    ///
    /// Memory follows the output, not the thread count: only chunks that hold rows get a thread
    /// and a block, and each block is sized for the most rows it will ever hold, so the blocks
    /// total at most `min(count, 2 × threads × chunksPerThread × chunkRows) × maxRowBytes` bytes (a few hundred
    /// bytes a row for a small file at any `threads`; about 2 × `threads` × 8 MiB for a large one).
    /// The bytes written do not depend on `threads` or `chunkRows`.
    /// - Parameters:
    ///   - maxRowBytes: an upper bound on one formatted row (a longer row stops the program
    ///     rather than write past its block).
    ///   - chunkRows: rows per chunk; default as many as fit in 8 MiB (at most 65,536), divided
    ///     by `chunksPerThread` with more than one thread.
    ///   - format: appends the rows of a range to a cursor; called concurrently for disjoint ranges.
    package static func writeRows(_ count: Int, to path: String, header: [UInt8], threads: Int = Parallelism.threads, maxRowBytes: Int,
                          chunkRows: Int? = nil, format: (Range<Int>, inout RowCursor) -> Void) throws(ReportError) {
        let sink = try FileSink(path: path)
        try sink.write(header)
        // With several threads a round holds `chunksPerThread` chunks a thread, taken from a shared
        // counter: a thread slowed by the writer thread (or another process) takes fewer chunks
        // instead of holding the round up. The chunks are that much smaller, so memory is the same.
        let chunksPerThread = threads <= 1 ? 1 : Self.chunksPerThread
        let chunkRows = max(1, chunkRows ?? min(1 << 16, (8 << 20) / max(1, maxRowBytes)) / chunksPerThread)
        let layout = RowBlockLayout(count: count, threads: threads * chunksPerThread, chunkRows: chunkRows)
        let lanes = layout.lanes
        let sets = (0..<2).map { set in
            layout.blockRows(set: set).map { UnsafeMutableBufferPointer<UInt8>.allocate(capacity: $0 * maxRowBytes) }
        }
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
            if threads <= 1 {
                for chunk in chunks.value { try sink.write(chunk) }
            } else {
                writer.async(group: pending) {
                    do throws(ReportError) {
                        for chunk in chunks.value { try sink.write(chunk) }
                    } catch { failure.error = error }
                }
            }
            start = ranges[ranges.count - 1].upperBound
            round += 1
        }
        pending.wait()
        if let error = failure.error { throw error }
        try sink.close()
    }
}

extension FileSink {
    /// Chunks a thread formats in one round of `writeRows` (with more than one thread).
    package static let chunksPerThread = 4
}

/// How `FileSink.writeRows` lays `count` rows out in chunks, threads and blocks.
///
/// Chunk `c` holds rows `c × chunkRows ..< min(count, (c + 1) × chunkRows)`; round `r` formats
/// chunks `r × lanes ..< (r + 1) × lanes` into block set `r % 2`. Block `k` of set `s` first
/// serves chunk `s × lanes + k`, and every later chunk it serves starts later, so it never holds
/// more rows than that one.
package struct RowBlockLayout: Equatable {
    package let count: Int
    package let chunkRows: Int
    /// Threads that format: `threads`, but no more than there are chunks with rows (at least 1).
    package let lanes: Int

    package init(count: Int, threads: Int, chunkRows: Int) {
        precondition(chunkRows >= 1 && count >= 0)
        self.count = count
        self.chunkRows = chunkRows
        let chunks = count / chunkRows + (count % chunkRows == 0 ? 0 : 1)
        lanes = max(1, min(max(1, threads), chunks))
    }

    /// The rows each block of `set` (0 or 1) must hold, for the blocks that ever hold a row: a
    /// prefix of the `lanes` blocks, since a round's chunks with rows come first.
    package func blockRows(set: Int) -> [Int] {
        (0..<lanes).compactMap { k in
            let first = (set * lanes + k) * chunkRows
            return first < count ? min(chunkRows, count - first) : nil
        }
    }
}

/// The first write error of the writer thread, read by the caller after waiting for it.
private final class WriteFailure: @unchecked Sendable {
    var error: ReportError?
}
