import ClienteleSupport
import ClienteleLinear

/// Pearson's r for every (x, y) column pair at once, through BLAS, with pairwise-complete rows.
///
/// Each column is standardised over its present values (z = (v − mean)/sd, population sd; 0
/// where missing) and paired with its presence mask m ∈ {0, 1}. One GEMM per row block of
/// A = [Z_x | M_x | Z_x²] and B = [Z_y | M_y | Z_y²] gives, for each pair over the rows where
/// both are present: the count N = M_xᵀM_y, the sums S_x = Z_xᵀM_y, S_y = M_xᵀZ_y, the squares
/// Q_x = (Z_x²)ᵀM_y, Q_y = M_xᵀ(Z_y²) and the cross products P = Z_xᵀZ_y; then
/// r = (P − S_x S_y/N) / √((Q_x − S_x²/N)(Q_y − S_y²/N)).
/// Without missing values S = 0 and Q = N, so r = P/N. Centring on the column mean first keeps
/// the subtraction well conditioned.
///
/// Row blocks are sized so that OpenBLAS computes each GEMM on the calling thread (see `BLAS`);
/// blocks are spread over the cores and their partial sums added in block order, so the result
/// does not depend on the number of threads.
/// - Complexity: O(n (3p)(3q)) for p x and q y columns.
package struct PearsonMatrix {
    /// r of pair (i, j) at `i × q + j`; NaN when fewer than 2 complete rows or zero spread
    /// (callers decide "not defined" from the pair's data, exactly).
    package let r: [Double]
    /// Complete rows of pair (i, j).
    package let n: [Int]

    /// - Parameter rows: the rows of the columns to use, ascending (a group's table); nil for
    ///   all of them. Each block reads its rows' values itself, so no column is copied first.
    package init(x: [[Double]], y: [[Double]], rows table: [Int32]? = nil) {
        let p = x.count, q = y.count
        let rows = table?.count ?? x.first?.count ?? 0
        // x and y columns in one pass over the threads (one column a thread).
        let both = PearsonMatrix.standardisation(x + y, rows: table)
        let sx = Array(both[..<p]), sy = Array(both[p...])
        let wa = 3 * p, wb = 3 * q
        let blockRows = BLAS.singleThreadedRows(inner: wa, outer: wb, cap: 8_192)
        let blocks = splitBlocks(rows, size: blockRows)
        var partial = [[Double]](repeating: [], count: blocks.count)
        parallelEach(&partial) { k, out in
            let range = blocks[k]
            // The block's rows of A and B, built here (cache-sized) rather than for all rows at once.
            let a = PearsonMatrix.blockColumns(x, standardisation: sx, rows: range, of: table)
            let b = PearsonMatrix.blockColumns(y, standardisation: sy, rows: range, of: table)
            var c = [Double](repeating: 0, count: wa * wb)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        // C = A_blockᵀ · B_block: A block is range.count × wa, B block range.count × wb.
                        BLAS.gemm(transposeA: true, m: wa, n: wb, k: range.count, a: a, lda: wa, b: b, ldb: wb, c: c, ldc: wb)
                    }
                }
            }
            out = c
        }
        var c = [Double](repeating: 0, count: wa * wb)
        for block in partial { for e in 0..<c.count { c[e] += block[e] } }
        var r = [Double](repeating: .nan, count: p * q), counts = [Int](repeating: 0, count: p * q)
        for i in 0..<p {
            for j in 0..<q {
                // Row offsets in A: z at i, mask at p + i, z² at 2p + i; columns in B likewise with q.
                let at = { (row: Int, column: Int) in c[row * wb + column] }
                let nn = at(p + i, q + j)
                counts[i * q + j] = Int(nn.rounded())
                guard nn >= 2 else { continue }
                let cross = at(i, j), sx = at(i, q + j), sy = at(p + i, j)
                let qx = at(2 * p + i, q + j), qy = at(p + i, 2 * q + j)
                let vx = qx - sx * sx / nn, vy = qy - sy * sy / nn
                guard vx > 0, vy > 0 else { continue }
                r[i * q + j] = min(1, max(-1, (cross - sx * sy / nn) / (vx * vy).squareRoot()))
            }
        }
        self.r = r
        self.n = counts
    }

    /// Each column's mean and the factor 1/sd (population sd; 1 when the sd is 0) over its
    /// present values on `rows` (nil: all), in row order.
    /// One column a thread.
    package static func standardisation(_ columns: [[Double]], rows: [Int32]? = nil) -> [(mean: Double, scale: Double)] {
        var result = [(mean: Double, scale: Double)](repeating: (0, 1), count: columns.count)
        parallelEach(&result) { j, out in
            var sum = 0.0, count = 0
            var ss = 0.0
            columns[j].withUnsafeBufferPointer { v in
                if let rows {
                    rows.withUnsafeBufferPointer { rows in
                        for row in rows { let x = v[Int(row)]; if !x.isNaN { sum += x; count += 1 } }
                        let mean = count > 0 ? sum / Double(count) : 0
                        for row in rows { let x = v[Int(row)]; if !x.isNaN { ss += (x - mean) * (x - mean) } }
                    }
                } else {
                    for x in v where !x.isNaN { sum += x; count += 1 }
                    let mean = count > 0 ? sum / Double(count) : 0
                    for x in v where !x.isNaN { ss += (x - mean) * (x - mean) }
                }
            }
            let mean = count > 0 ? sum / Double(count) : 0
            let sd = count > 0 ? (ss / Double(count)).squareRoot() : 0
            out = (mean, sd > 0 ? 1 / sd : 1)
        }
        return result
    }

    /// Row-major `rows.count` × 3k block [Z | M | Z²] of k columns on `rows`: standardised
    /// values, masks, squares. `rows` index `table` when it is given (a group's rows), else the columns.
    package static func blockColumns(_ columns: [[Double]], standardisation: [(mean: Double, scale: Double)], rows: Range<Int>,
                                     of table: [Int32]? = nil) -> [Double] {
        let k = columns.count, w = 3 * k
        var out = [Double](repeating: 0, count: rows.count * w)
        out.withUnsafeMutableBufferPointer { out in
            for (j, v) in columns.enumerated() {
                let (mean, scale) = standardisation[j]
                v.withUnsafeBufferPointer { v in
                    func put(_ value: Double, _ i: Int) {
                        if value.isNaN { return }
                        let z = (value - mean) * scale
                        let at = (i - rows.lowerBound) * w
                        out[at + j] = z
                        out[at + k + j] = 1
                        out[at + 2 * k + j] = z * z
                    }
                    if let table {
                        table.withUnsafeBufferPointer { table in for i in rows { put(v[Int(table[i])], i) } }
                    } else {
                        for i in rows { put(v[i], i) }
                    }
                }
            }
        }
        return out
    }
}
