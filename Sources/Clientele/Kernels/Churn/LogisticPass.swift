import ClienteleSupport
import ClienteleLinear

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sums one Newton/IRLS iteration needs, over all rows of a standardised design Z (n × k, the
/// intercept column first) with labels y ∈ {0, 1}, at coefficients β:
///
/// - log-likelihood ℓ(β) = Σᵢ [yᵢ ηᵢ − log(1 + e^ηᵢ)], ηᵢ = zᵢ·β;
/// - gradient ∇ℓ = Zᵀ (y − p), pᵢ = σ(ηᵢ) = 1 / (1 + e^−ηᵢ);
/// - information Zᵀ W Z, W = diag(pᵢ (1 − pᵢ)) (the negative Hessian), through BLAS `dsyrk` on
///   the rows scaled by √wᵢ;
/// - counts for the separation checks.
///
/// Rows are cut into fixed blocks of `blockRows`; each block's sums are kept apart and added in
/// block order, so the result is the same bytes whatever the number of threads. Every term is
/// computed from h = exp(−|η|/2) and e = h² (one `exp` and one `log1p` a row), so nothing
/// overflows and 1 − p keeps its relative precision: log(1 + e^η) = max(η, 0) + log1p(e),
/// p = 1/(1 + e) or e/(1 + e), √w = h / (1 + e).
/// These sums are all a distributed fit needs from each partition (a run split over partitions).
package struct LogisticPass {
    package var logLikelihood = 0.0
    /// ∇ℓ, k values.
    package var gradient: [Double]
    /// Zᵀ W Z, k × k row-major, both triangles.
    package var information: [Double]
    /// Rows on the wrong side of (or on) the decision boundary: y = 1 with η ≤ 0, y = 0 with η ≥ 0.
    /// Zero means β separates the classes strictly.
    package var misclassified = 0
    /// Rows with |η| > 36, whose fitted probability is within 2.4e-16 of 0 or 1.
    package var saturated = 0

    /// Rows per block: 2,048 × k doubles of scratch per thread (in cache), and a `dsyrk` call that
    /// OpenBLAS runs on the calling thread (measured for k = 7).
    package static let blockRows = 2_048

    /// Sums computed elsewhere (merged over partitions); `information` both triangles.
    package init(logLikelihood: Double, gradient: [Double], information: [Double], misclassified: Int, saturated: Int) {
        precondition(information.count == gradient.count * gradient.count, "logistic pass: \(gradient.count) gradient, \(information.count) information")
        self.logLikelihood = logLikelihood
        self.gradient = gradient
        self.information = information
        self.misclassified = misclassified
        self.saturated = saturated
    }

    /// Runs the pass over `rows` rows of `design` (row-major, `k` columns) with `labels` (0 or 1).
    /// Each thread takes a contiguous run of blocks and returns one `LogisticBlockSums` per block.
    /// - Complexity: O(n k²) flops, one read of the design; `Parallelism.threads` threads.
    package init(design: [Double], labels: [Double], rows: Int, k: Int, beta: [Double]) {
        precondition(k >= 1 && design.count == rows * k && labels.count == rows && beta.count == k,
                     "logistic pass: design \(design.count) for \(rows)×\(k), labels \(labels.count), beta \(beta.count)")
        let blocks = (rows + Self.blockRows - 1) / Self.blockRows
        let parts = splitBlocks(blocks, size: 1)  // one block a task; partial sums added in block order
        var partials = [[LogisticBlockSums]](repeating: [], count: parts.count)
        parallelEach(&partials) { t, sums in
            var scaled = [Double](repeating: 0, count: Self.blockRows * k)
            sums = parts[t].map { block in
                let rowRange = (block * Self.blockRows)..<min(rows, (block + 1) * Self.blockRows)
                return design.withUnsafeBufferPointer { z in
                    labels.withUnsafeBufferPointer { y in
                        beta.withUnsafeBufferPointer { b in
                            Self.blockUnchecked(z: UnsafeBufferPointer(rebasing: z[(rowRange.lowerBound * k)..<(rowRange.upperBound * k)]),
                                                y: UnsafeBufferPointer(rebasing: y[rowRange]), k: k, beta: b, scaled: &scaled)
                        }
                    }
                }
            }
        }
        gradient = [Double](repeating: 0, count: k)
        information = [Double](repeating: 0, count: k * k)
        for block in partials.joined() {  // block order, whatever the thread count
            logLikelihood += block.logLikelihood
            for j in 0..<k { gradient[j] += block.gradient[j] }
            for i in 0..<k { for j in i..<k { information[i * k + j] += block.information[i * k + j] } }
            misclassified += block.misclassified
            saturated += block.saturated
        }
        for i in 0..<k { for j in 0..<i { information[i * k + j] = information[j * k + i] } }
    }

    /// One block: ηᵢ = zᵢ·β, the per-row terms and g_b = Z_bᵀ (y − p) in one loop, then the upper
    /// triangle of (√W Z_b)ᵀ (√W Z_b) by BLAS `dsyrk`.
    ///
    /// η and the gradient are plain loops rather than `dgemv`: OpenBLAS 0.3.21 runs `dgemv` on its
    /// thread pool from 2,048 × 7 up (measured: 2.4× the CPU time of one thread, with the cores
    /// already busy with our own blocks), while `dsyrk` of this shape stays on the calling thread.
    ///
    /// Assumes `z` holds `rows × k` values with `rows = y.count`, `beta` k values and `scaled` at
    /// least `rows × k` (checked before any pointer use).
    private static func blockUnchecked(z: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, k: Int,
                                       beta: UnsafeBufferPointer<Double>, scaled: inout [Double]) -> LogisticBlockSums {
        let rows = y.count
        precondition(rows >= 1 && z.count == rows * k && beta.count == k && scaled.count >= rows * k, "logistic block: inconsistent sizes")
        var logLikelihood = 0.0, misclassified = 0, saturated = 0
        var gradient = [Double](repeating: 0, count: k), information = [Double](repeating: 0, count: k * k)
        gradient.withUnsafeMutableBufferPointer { g in
            scaled.withUnsafeMutableBufferPointer { scaled in
                for i in 0..<rows {
                    let row = i * k
                    var t = 0.0
                    for j in 0..<k { t += z[row + j] * beta[j] }
                    let positive = y[i] > 0.5
                    let (term, residual, root) = Self.rowTerms(t, positive: positive)
                    logLikelihood += term
                    for j in 0..<k {
                        g[j] += residual * z[row + j]
                        scaled[row + j] = root * z[row + j]
                    }
                    if positive ? t <= 0 : t >= 0 { misclassified += 1 }
                    if abs(t) > 36 { saturated += 1 }
                }
            }
        }
        scaled.withUnsafeBufferPointer { a in
            information.withUnsafeMutableBufferPointer { c in
                BLAS.syrkTransposed(n: k, k: rows, a: a, lda: k, c: c, ldc: k)
            }
        }
        return LogisticBlockSums(logLikelihood: logLikelihood, gradient: gradient, information: information,
                                 misclassified: misclassified, saturated: saturated)
    }
}

extension LogisticPass {
    /// One row's terms at η = t with label y (`positive` ⇔ y = 1): its log-likelihood
    /// y η − log(1 + e^η), the residual y − p and √w = √(p (1 − p)), all from h = e^(−|η|/2) and
    /// e = h² so that nothing overflows and 1 − p keeps its relative precision. Shared with the
    /// partition passes of a run spread over machines, so both sum the same per-row numbers.
    @inline(__always)
    package static func rowTerms(_ t: Double, positive: Bool) -> (logLikelihood: Double, residual: Double, root: Double) {
        let half = exp(-0.5 * abs(t)), e = half * half, inverse = 1 / (1 + e)
        let logLikelihood = (positive ? t : 0) - (max(t, 0) + log1p(e))
        // residual y − p: for y = 1 it is 1 − p, computed as the complement directly.
        let residual = positive ? (t >= 0 ? e * inverse : inverse) : -(t >= 0 ? inverse : e * inverse)
        return (logLikelihood, residual, half * inverse)  // √(p (1 − p)) = e^(−|t|/2) / (1 + e^−|t|)
    }
}

/// One block's share of a `LogisticPass` (the information in its upper triangle only).
package struct LogisticBlockSums {
    package let logLikelihood: Double
    package let gradient: [Double]
    package let information: [Double]
    package let misclassified: Int
    package let saturated: Int
}
