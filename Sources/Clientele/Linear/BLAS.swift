import CBLAS

/// Thin, checked wrappers over the CBLAS routines Clientele uses (row-major only).
///
/// Each wrapper is one small audited function: it states the sizes it needs, asserts them with
/// preconditions before any pointer reaches BLAS, and never lets a pointer escape the call.
///
/// Threading: OpenBLAS runs a level-3 call on one thread when `m × n × k ≤ 65,536 × 4`
/// (`SMP_THRESHOLD_MIN × GEMM_MULTITHREAD_THRESHOLD` in `interface/gemm.c`), and on its own
/// thread pool above that. On this project's tall-skinny shapes the pool is several times
/// slower than one thread (PLATFORM.md), so kernels cut their rows into blocks of at most
/// `BLAS.singleThreadedRows(…)` rows and spread the blocks over the cores themselves. That keeps
/// every call on the caller's thread without touching the process-wide
/// `openblas_set_num_threads`, which other kernels may rely on.
public enum BLAS {
    /// The largest `m × n × k` that OpenBLAS (0.3.x, default build) computes on the calling thread.
    public static let singleThreadedVolume = 65_536 * 4

    /// Rows per block such that a block GEMM of `rows × inner` by `inner × outer` stays on the
    /// calling thread; at least 1, at most `cap`.
    public static func singleThreadedRows(inner: Int, outer: Int, cap: Int = 4_096) -> Int {
        max(1, min(cap, singleThreadedVolume / max(1, inner * outer)))
    }

    /// `C ← alpha · op(A) · op(B) + beta · C`, row-major, with `op(A)` m × k and `op(B)` k × n.
    ///
    /// `a` holds A with leading dimension `lda` (A is m × k, or k × m when `transposeA`), likewise
    /// `b` (k × n, or n × k when `transposeB`); `c` is m × n with leading dimension `ldc`.
    /// - Complexity: O(m n k).
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Double = 1, a: UnsafeBufferPointer<Double>, lda: Int,
                            b: UnsafeBufferPointer<Double>, ldb: Int,
                            beta: Double = 0, c: UnsafeMutableBufferPointer<Double>, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm sizes m=\(m) n=\(n) k=\(k) must not be negative")
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        precondition(lda >= max(1, aCols) && ldb >= max(1, bCols) && ldc >= max(1, n),
                     "gemm leading dimensions lda=\(lda) ldb=\(ldb) ldc=\(ldc) too small for \(aCols), \(bCols), \(n) columns")
        precondition(aRows == 0 || a.count >= (aRows - 1) * lda + aCols, "gemm: A has \(a.count) elements, needs \(aRows)×\(aCols) at lda \(lda)")
        precondition(bRows == 0 || b.count >= (bRows - 1) * ldb + bCols, "gemm: B has \(b.count) elements, needs \(bRows)×\(bCols) at ldb \(ldb)")
        precondition(m == 0 || c.count >= (m - 1) * ldc + n, "gemm: C has \(c.count) elements, needs \(m)×\(n) at ldc \(ldc)")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // BLAS would scale C by beta; do the same without calling it on empty A, B.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a.baseAddress, Int32(lda), b.baseAddress, Int32(ldb),
                    beta, c.baseAddress, Int32(ldc))
    }

    /// Upper triangle of `C ← alpha · Aᵀ A + beta · C`, row-major, A is k × n (k observations of n
    /// variables) with leading dimension `lda`, C is n × n. The strict lower triangle of C is left
    /// untouched; `symmetrize(_:)` mirrors it.
    /// - Complexity: O(n² k / 2).
    public static func syrkTransposed(n: Int, k: Int, alpha: Double = 1, a: UnsafeBufferPointer<Double>, lda: Int,
                                      beta: Double = 0, c: UnsafeMutableBufferPointer<Double>, ldc: Int) {
        precondition(n >= 0 && k >= 0, "syrk sizes n=\(n) k=\(k) must not be negative")
        precondition(lda >= max(1, n) && ldc >= max(1, n), "syrk leading dimensions lda=\(lda) ldc=\(ldc) too small for \(n) columns")
        precondition(k == 0 || a.count >= (k - 1) * lda + n, "syrk: A has \(a.count) elements, needs \(k)×\(n) at lda \(lda)")
        precondition(n == 0 || c.count >= (n - 1) * ldc + n, "syrk: C has \(c.count) elements, needs \(n)×\(n) at ldc \(ldc)")
        guard n > 0, k > 0 else {
            for i in 0..<n { for j in i..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a.baseAddress, Int32(lda),
                    beta, c.baseAddress, Int32(ldc))
    }

    /// `y ← alpha · op(A) · x + beta · y`, row-major A m × n with leading dimension `lda`.
    /// - Complexity: O(m n).
    public static func gemv(transpose: Bool = false, m: Int, n: Int, alpha: Double = 1, a: UnsafeBufferPointer<Double>,
                            lda: Int, x: UnsafeBufferPointer<Double>, beta: Double = 0, y: UnsafeMutableBufferPointer<Double>) {
        precondition(m >= 0 && n >= 0, "gemv sizes m=\(m) n=\(n) must not be negative")
        precondition(lda >= max(1, n), "gemv leading dimension lda=\(lda) too small for \(n) columns")
        precondition(m == 0 || a.count >= (m - 1) * lda + n, "gemv: A has \(a.count) elements, needs \(m)×\(n) at lda \(lda)")
        let (xCount, yCount) = transpose ? (m, n) : (n, m)
        precondition(x.count >= xCount && y.count >= yCount, "gemv: x has \(x.count) (needs \(xCount)), y has \(y.count) (needs \(yCount))")
        guard yCount > 0 else { return }
        guard xCount > 0 else {
            for i in 0..<yCount { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a.baseAddress,
                    Int32(lda), x.baseAddress, 1, beta, y.baseAddress, 1)
    }
}
