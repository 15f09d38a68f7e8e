import Synchronization
import ClienteleSupport
import ClienteleLinear

/// How the rows of one k-means problem are cut into blocks and the blocks spread over threads.
///
/// Blocks depend only on n, d and k — never on the thread count — and every reduction adds the
/// blocks' partial results in block order, which is what makes results reproducible on any
/// number of threads. A block is small enough that its GEMM (rows × d by d × k) runs on the
/// calling thread inside OpenBLAS (`BLAS.singleThreadedRows`) and its distances (rows × k)
/// stay in the L2 cache.
package struct KMeansLayout {
    package let blocks: [Range<Int>]
    /// Threads the blocks of one pass are spread over: `Parallelism.threads`, at most one a block.
    package let threads: Int

    package init(_ x: Matrix, k: Int, threads: Int = Parallelism.threads) {
        let rows = BLAS.singleThreadedRows(inner: x.columns, outer: k, cap: 2_048)
        blocks = splitBlocks(x.rows, size: rows)
        self.threads = max(1, min(threads, blocks.count))
    }

    /// Runs `body(blockIndex, rowRange)` for every block. With several threads, each takes the
    /// next run of consecutive blocks from a shared counter (about eight runs per thread), so a
    /// thread that the OS pauses holds up at most one run, not half the pass.
    package func forEachBlock(_ body: (Int, Range<Int>) -> Void) {
        guard threads > 1 else {
            for b in blocks.indices { body(b, blocks[b]) }
            return
        }
        let runs = splitRange(blocks.count, parts: threads * 8)
        let next = Atomic<Int>(0)
        parallelFor(threads) { _ in
            while true {
                let r = next.add(1, ordering: .relaxed).oldValue
                guard r < runs.count else { break }
                for b in runs[r] { body(b, blocks[b]) }
            }
        }
    }

    /// Per-block results of `width` doubles each, computed in parallel, returned block-major.
    package func blockPartials(width: Int, _ body: (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
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
    package func reduce(_ partials: [Double], width: Int) -> [Double] {
        var total = [Double](repeating: 0, count: width)
        for b in 0..<blocks.count { for e in 0..<width { total[e] += partials[b * width + e] } }
        return total
    }
}

extension Matrix {
    /// ‖row i − centre j‖² summed over features, computed directly (no cancellation).
    @inline(__always)
    package static func squaredDistance(_ x: UnsafeBufferPointer<Double>, row i: Int, _ c: UnsafeBufferPointer<Double>, centre j: Int, d: Int) -> Double {
        var s = 0.0
        for f in 0..<d { let t = x[i * d + f] - c[j * d + f]; s += t * t }
        return s
    }
}
