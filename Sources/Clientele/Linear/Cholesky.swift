import CLAPACK

/// The Cholesky factorisation of a small symmetric positive definite matrix (such as the logistic
/// information matrix, k × k with k = features + 1) through LAPACKE, and what follows from it:
/// solves, a condition estimate and the inverse.
///
/// Row-major, upper triangle: `A = Uᵀ U`. Each LAPACK call sits in one small function that checks
/// the sizes before a pointer reaches LAPACK and lets no pointer escape. `info` > 0 from `dpotrf`
/// (leading minor not positive definite) is returned, not thrown: for a logistic design it means
/// collinear features, which the caller names. Any other nonzero `info` is an argument error
/// (a bug), thrown as `LAPACKFailure`.
package struct Cholesky {
    /// Order of the matrix.
    package let n: Int
    /// The factor U in the upper triangle (row-major); the strict lower triangle holds A's values.
    package let factor: [Double]
    /// ‖A‖₁ (= ‖A‖∞, A symmetric), for the condition estimate.
    package let oneNorm: Double

    /// Factors the symmetric `matrix` (n × n row-major; only the upper triangle is read).
    /// Returns `.failure(info)` with LAPACK's `info` > 0 when the leading minor of order `info` is
    /// not positive definite.
    /// - Complexity: O(n³ / 3).
    package static func factor(_ matrix: [Double], n: Int) -> Result<Cholesky, CholeskyFailure> {
        precondition(n >= 1 && matrix.count == n * n, "cholesky: \(matrix.count) values for a \(n)×\(n) matrix")
        var norm = 0.0
        for j in 0..<n {
            var column = 0.0
            for i in 0..<n { column += abs(i <= j ? matrix[i * n + j] : matrix[j * n + i]) }
            norm = max(norm, column)
        }
        var a = matrix
        let info = a.withUnsafeMutableBufferPointer { buffer -> Int32 in
            LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), buffer.baseAddress, Int32(n))
        }
        if info != 0 { return .failure(CholeskyFailure(info: info)) }
        return .success(Cholesky(n: n, factor: a, oneNorm: norm))
    }

    /// Solves A x = b for one right-hand side (`dpotrs`).
    /// - Complexity: O(n²).
    package func solve(_ b: [Double]) throws(LAPACKFailure) -> [Double] {
        precondition(b.count == n, "cholesky solve: right-hand side has \(b.count) values, expected \(n)")
        var x = b
        let info = factor.withUnsafeBufferPointer { a in
            x.withUnsafeMutableBufferPointer { rhs in
                LAPACKE_dpotrs(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), 1, a.baseAddress, Int32(n), rhs.baseAddress, 1)
            }
        }
        guard info == 0 else { throw LAPACKFailure(routine: "dpotrs", info: info) }
        return x
    }

    /// LAPACK's estimate of 1 / κ₁(A) = 1 / (‖A‖₁ ‖A⁻¹‖₁) (`dpocon`), in [0, 1].
    /// - Complexity: O(n²).
    package func reciprocalCondition() throws(LAPACKFailure) -> Double {
        var rcond = 0.0
        let info = factor.withUnsafeBufferPointer { a in
            LAPACKE_dpocon(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), a.baseAddress, Int32(n), oneNorm, &rcond)
        }
        guard info == 0 else { throw LAPACKFailure(routine: "dpocon", info: info) }
        return rcond.isFinite ? rcond : 0
    }

    /// A⁻¹, both triangles filled (`dpotri`, then mirrored).
    /// - Complexity: O(n³).
    package func inverse() throws(LAPACKFailure) -> [Double] {
        var a = factor
        let info = a.withUnsafeMutableBufferPointer { buffer in
            LAPACKE_dpotri(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), buffer.baseAddress, Int32(n))
        }
        guard info == 0 else { throw LAPACKFailure(routine: "dpotri", info: info) }
        for i in 0..<n { for j in 0..<i { a[i * n + j] = a[j * n + i] } }
        return a
    }

    /// For each column j, U_jj² / A_jj = 1 − R²_j, the share of column j (in the metric A) not
    /// explained by columns 0..<j: near 0 for a column that is a combination of the ones before it.
    package func unexplainedShares(original: [Double]) -> [Double] {
        (0..<n).map { j in
            let d = original[j * n + j]
            return d > 0 ? factor[j * n + j] * factor[j * n + j] / d : 0
        }
    }
}

/// `dpotrf` found the leading minor of order `info` not positive definite (`info` > 0), or
/// reported an argument error (`info` < 0).
package struct CholeskyFailure: Error {
    package let info: Int32
}

/// A LAPACK routine reported an argument error (`info` < 0) or a failure the caller did not
/// expect: a bug, not bad data. Kernels wrap it into their own error type (exit status 70).
package struct LAPACKFailure: Error {
    /// The routine, e.g. `dpotrs`.
    package let routine: String
    /// LAPACK's `info`.
    package let info: Int32
}
