/// Dense symmetric matrices of a few rows (information matrices of 3–4 parameters): the
/// Cholesky factorisation and inverse, and a central-difference Hessian of an analytic gradient.
///
/// Kept here rather than in Linear/ (BLAS/LAPACK) because the sizes are tiny and the calls
/// would cost more than the arithmetic.
public enum SmallSymmetricMatrix {
    /// The inverse of a symmetric positive definite matrix through its Cholesky factor
    /// A = LLᵀ; `nil` when A is not positive definite (a pivot ≤ 0 or non-finite).
    /// - Complexity: O(n³).
    public static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            var d = a[j][j]
            for k in 0..<j { d -= l[j][k] * l[j][k] }
            guard d > 0, d.isFinite else { return nil }
            l[j][j] = d.squareRoot()
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                l[i][j] = s / l[j][j]
            }
        }
        // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
        var li = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            li[i][i] = 1 / l[i][i]
            for j in 0..<i {
                var s = 0.0
                for k in j..<i { s -= l[i][k] * li[k][j] }
                li[i][j] = s / l[i][i]
            }
        }
        var inv = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var s = 0.0
                for k in i..<n { s += li[k][i] * li[k][j] }
                inv[i][j] = s; inv[j][i] = s
            }
        }
        return inv
    }

    /// The Hessian of f at `x` by central differences of its gradient, symmetrised:
    /// Hᵢⱼ ≈ (∂ⱼf(x + hᵢeᵢ) − ∂ⱼf(x − hᵢeᵢ)) / (2hᵢ), averaged with Hⱼᵢ, hᵢ = `step` · max(1, |xᵢ|).
    /// With an analytic gradient the error is O(h²) + O(ε/h); the default h = 10⁻⁵ balances them
    /// near 10⁻¹⁰ relative for well-scaled variables (log-parameters).
    ///
    /// Given `gradientAtX` (∇f(x), already known at an optimum), forward differences
    /// (∂ⱼf(x + hᵢeᵢ) − ∂ⱼf(x)) / hᵢ are used instead: half the evaluations, error O(h) + O(ε/h),
    /// about 10⁻⁶ relative with h = 10⁻⁶ — ample for standard errors.
    /// - Complexity: 2n gradient evaluations (n with `gradientAtX`).
    public static func hessian(of gradient: ([Double]) -> [Double], at x: [Double], step: Double = 1e-5,
                               gradientAtX: [Double]? = nil) -> [[Double]] {
        let n = x.count
        var h = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            let hi = step * max(1, abs(x[i]))
            var plus = x
            plus[i] += hi
            let gp = gradient(plus)
            if let g0 = gradientAtX {
                for j in 0..<n { h[i][j] = (gp[j] - g0[j]) / hi }
            } else {
                var minus = x
                minus[i] -= hi
                let gm = gradient(minus)
                for j in 0..<n { h[i][j] = (gp[j] - gm[j]) / (2 * hi) }
            }
        }
        for i in 0..<n {
            for j in 0..<i {
                let m = 0.5 * (h[i][j] + h[j][i])
                h[i][j] = m; h[j][i] = m
            }
        }
        return h
    }
}
