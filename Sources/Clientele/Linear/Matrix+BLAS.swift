/// Whole-matrix products through `BLAS`, for small matrices and tests. Kernels that work on
/// millions of rows call `BLAS.gemm` on row blocks instead (see `BLAS` on threading).
extension Matrix {
    /// `op(self) · op(other)`, where `op` transposes when asked.
    /// - Complexity: O(m n k) through `dgemm`.
    public func multiplied(by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false) -> Matrix {
        let (m, k) = transposingSelf ? (columns, rows) : (rows, columns)
        let (k2, n) = transposingOther ? (other.columns, other.rows) : (other.rows, other.columns)
        precondition(k == k2, "cannot multiply \(m)×\(k) by \(k2)×\(n)")
        var c = Matrix(rows: m, columns: n)
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                c.elements.withUnsafeMutableBufferPointer { cc in
                    BLAS.gemm(transposeA: transposingSelf, transposeB: transposingOther, m: m, n: n, k: k,
                              a: a, lda: max(1, columns), b: b, ldb: max(1, other.columns), c: cc, ldc: max(1, n))
                }
            }
        }
        return c
    }

    /// The Gram matrix `selfᵀ · self` (columns × columns), symmetric, through `dsyrk`.
    /// - Complexity: O(rows × columns² / 2).
    public func gram() -> Matrix {
        var c = Matrix(rows: columns, columns: columns)
        elements.withUnsafeBufferPointer { a in
            c.elements.withUnsafeMutableBufferPointer { cc in
                BLAS.syrkTransposed(n: columns, k: rows, a: a, lda: max(1, columns), c: cc, ldc: max(1, columns))
            }
        }
        c.symmetrizeFromUpper()
        return c
    }

    /// Copies the upper triangle onto the lower one (square matrices).
    public mutating func symmetrizeFromUpper() {
        precondition(rows == columns, "symmetrize needs a square matrix, got \(rows)×\(columns)")
        for i in 0..<rows { for j in 0..<i { elements[i * columns + j] = elements[j * columns + i] } }
    }

    /// `self · x` for a vector `x` of `columns` elements, through `dgemv`.
    public func multiplied(by x: [Double]) -> [Double] {
        precondition(x.count == columns, "cannot multiply \(rows)×\(columns) by a vector of \(x.count)")
        var y = [Double](repeating: 0, count: rows)
        elements.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xx in
                y.withUnsafeMutableBufferPointer { yy in
                    BLAS.gemv(m: rows, n: columns, a: a, lda: max(1, columns), x: xx, y: yy)
                }
            }
        }
        return y
    }
}
