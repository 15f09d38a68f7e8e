/// How the rows of one k-means problem are cut into blocks and the blocks spread over threads.
///
/// Blocks depend only on n, d and k — never on the thread count — and every reduction adds the
/// blocks' partial results in block order, which is what makes results reproducible on any
/// number of threads. A block is small enough that its GEMM (rows × d by d × k) runs on the
/// calling thread inside OpenBLAS (`BLAS.singleThreadedRows`) and its distances (rows × k)
/// stay in the L2 cache.
struct KMeansLayout {
    let blocks: [Range<Int>]
    /// Consecutive block index ranges, one per thread.
    let parts: [Range<Int>]

    init(_ x: Matrix, k: Int, threads: Int) {
        let rows = BLAS.singleThreadedRows(inner: x.columns, outer: k, cap: 2_048)
        blocks = splitBlocks(x.rows, size: rows)
        parts = splitRange(blocks.count, parts: threads)
    }

    /// Runs `body(blockIndex, rowRange)` for every block, the blocks of one part on one thread.
    func forEachBlock(_ body: (Int, Range<Int>) -> Void) {
        parallelFor(parts.count) { part in
            for b in parts[part] { body(b, blocks[b]) }
        }
    }

    /// Per-block results of `width` doubles each, computed in parallel, returned block-major.
    func blockPartials(width: Int, _ body: (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        var partials = [Double](repeating: 0, count: blocks.count * width)
        partials.withUnsafeMutableBufferPointer { all in
            let shared = UncheckedSendable(all)
            forEachBlock { b, rows in
                body(rows, UnsafeMutableBufferPointer(rebasing: shared.value[(b * width)..<((b + 1) * width)]))
            }
        }
        return partials
    }

    /// Element-wise sum of the blocks' partials, in block order.
    func reduce(_ partials: [Double], width: Int) -> [Double] {
        var total = [Double](repeating: 0, count: width)
        for b in 0..<blocks.count { for e in 0..<width { total[e] += partials[b * width + e] } }
        return total
    }
}

extension Matrix {
    /// ‖row i − centre j‖² summed over features, computed directly (no cancellation).
    @inline(__always)
    static func squaredDistance(_ x: UnsafeBufferPointer<Double>, row i: Int, _ c: UnsafeBufferPointer<Double>, centre j: Int, d: Int) -> Double {
        var s = 0.0
        for f in 0..<d { let t = x[i * d + f] - c[j * d + f]; s += t * t }
        return s
    }
}
