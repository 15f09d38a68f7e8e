import ClienteleSupport

/// Unconstrained minimisation of a smooth function of a few variables by BFGS with a strong
/// Wolfe line search (Nocedal & Wright 2006, "Numerical Optimization", 2nd ed., Algorithm 6.1
/// with the line search of Algorithms 3.5 and 3.6).
///
/// The inverse-Hessian approximation starts as γI with γ = yᵀs / yᵀy after the first step
/// (N&W eq. 6.20) and is updated by N&W eq. 6.17 only when the curvature yᵀs > 0, which the
/// strong Wolfe conditions guarantee. A failed line search resets the approximation to the
/// steepest-descent direction once before the minimiser gives up.
///
/// Convergence (checked after every accepted step, in this order):
/// - `gradientTolerance`: ‖∇f‖∞ ≤ `gradientTolerance` — the usual stopping rule, as scipy's
///   BFGS `gtol` (lifetimes passes 10⁻⁷ there);
/// - `functionTolerance`: the step changed f by at most `functionTolerance` · max(1, |f|) — or the
///   next step promises no more than that (|∇fᵀp| below it), or no step along the direction
///   decreases f any more — and ‖∇f‖∞ ≤ `acceptableGradient`: progress has stalled at rounding
///   level close to a minimum.
/// Anything else ends with `converged == false` and a `StopReason` saying why, with the last
/// point, value and gradient kept, so that a caller can report or restart.
///
/// Designed for likelihoods over log-parameters (2–10 variables), where one evaluation is a
/// pass over the data; the dense n × n update costs nothing next to it.
public struct BFGSMinimizer: Sendable, Codable {
    /// Stop when ‖∇f‖∞ falls to this. Default 10⁻⁹.
    public var gradientTolerance: Double
    /// Stop when a step changes f by no more than this, relative, and the gradient is small.
    /// Default 10⁻¹⁴.
    public var functionTolerance: Double
    /// The largest ‖∇f‖∞ accepted with `functionTolerance`. Default 10⁻⁷ (lifetimes' `tol`).
    public var acceptableGradient: Double
    /// Iteration limit. Default 200 (likelihoods of a few parameters converge in far fewer; a
    /// run that needs more is drifting along a ridge and should be reported, not awaited).
    public var maximumIterations: Int
    /// Evaluation limit, line searches included. Default 1 000.
    public var maximumEvaluations: Int
    /// Longest first step of a line search along the initial steepest-descent direction, in
    /// the variables' units (log-parameters: 1 = a factor e). Default 1.
    public var maximumInitialStep: Double

    public init(gradientTolerance: Double = 1e-9, functionTolerance: Double = 1e-14,
                acceptableGradient: Double = 1e-7, maximumIterations: Int = 200,
                maximumEvaluations: Int = 1_000, maximumInitialStep: Double = 1) {
        self.gradientTolerance = gradientTolerance
        self.functionTolerance = functionTolerance
        self.acceptableGradient = acceptableGradient
        self.maximumIterations = maximumIterations
        self.maximumEvaluations = maximumEvaluations
        self.maximumInitialStep = maximumInitialStep
    }

    /// Why the minimiser stopped.
    public enum StopReason: String, Sendable, Hashable, Codable {
        case gradientTolerance = "gradient_tolerance"
        case functionTolerance = "function_tolerance"
        case maximumIterations = "maximum_iterations"
        case maximumEvaluations = "maximum_evaluations"
        case lineSearchFailed = "line_search_failed"
        case nonFiniteStart = "non_finite_start"

        public var isConvergence: Bool { self == .gradientTolerance || self == .functionTolerance }
    }

    public struct Result: Sendable {
        public let x: [Double]
        public let value: Double
        public let gradient: [Double]
        public let iterations: Int
        public let evaluations: Int
        public let reason: StopReason
        /// The final inverse-Hessian approximation (identity when no update was made); a warm
        /// start for a related problem of the same scale.
        public let inverseHessian: [[Double]]
        public var converged: Bool { reason.isConvergence }
        /// ‖∇f‖∞ at `x`.
        public var gradientNorm: Double { gradient.reduce(0) { max($0, abs($1)) } }
    }

    /// Minimises `f` from `start`. `f` returns the value and the gradient at a point; a
    /// non-finite value counts as +∞ (the line search backs off from it). An
    /// `initialInverseHessian` (symmetric positive definite, e.g. the one a fit of a subsample
    /// ended with) replaces the scaled identity as the first approximation.
    public func minimize(from start: [Double], initialInverseHessian: [[Double]]? = nil,
                         _ f: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let n = start.count
        var evaluations = 0
        func evaluate(_ x: [Double]) -> (Double, [Double]) {
            evaluations += 1
            let (v, g) = f(x)
            if !v.isFinite || g.contains(where: { !$0.isFinite }) { return (.infinity, g) }
            return (v, g)
        }
        var x = start
        var (fx, gx) = evaluate(x)
        guard fx.isFinite else {
            return Result(x: x, value: fx, gradient: gx, iterations: 0, evaluations: evaluations, reason: .nonFiniteStart, inverseHessian: identity(n))
        }
        if statsInfinityNorm(gx) <= gradientTolerance {
            return Result(x: x, value: fx, gradient: gx, iterations: 0, evaluations: evaluations, reason: .gradientTolerance, inverseHessian: initialInverseHessian ?? identity(n))
        }
        var h = identity(n)
        var scaled = false
        if let initial = initialInverseHessian, initial.count == n, initial.allSatisfy({ $0.count == n && $0.allSatisfy(\.isFinite) }) {
            h = initial
            scaled = true
        }
        var iterations = 0
        var resetOnce = false
        let progress = RunProgress.current
        while true {
            if iterations >= maximumIterations {
                return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .maximumIterations, inverseHessian: h)
            }
            var p = multiply(h, gx).map { -$0 }
            var slope = statsDot(p, gx)
            if !(slope < 0) {  // not a descent direction: restart from steepest descent
                h = identity(n); scaled = false
                p = gx.map { -$0 }
                slope = statsDot(p, gx)
            }
            // The quasi-Newton step promises a decrease of about −½∇fᵀp; when even the full
            // slope is at rounding level of f, no line search can make progress: stop here.
            if -slope <= functionTolerance * max(1, abs(fx)) && statsInfinityNorm(gx) <= acceptableGradient {
                return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .functionTolerance, inverseHessian: h)
            }
            let initial = scaled ? 1.0 : min(1.0, maximumInitialStep / max(statsInfinityNorm(p), .leastNonzeroMagnitude))
            let search = WolfeLineSearch(maximumEvaluations: min(25, maximumEvaluations - evaluations))
            let outcome = search.search(x: x, value: fx, gradient: gx, direction: p, initialStep: initial, evaluate: evaluate)
            guard let step = outcome else {
                if evaluations >= maximumEvaluations {
                    return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .maximumEvaluations, inverseHessian: h)
                }
                if !resetOnce && scaled {
                    resetOnce = true
                    h = identity(n); scaled = false
                    continue
                }
                if statsInfinityNorm(gx) <= acceptableGradient {
                    return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .functionTolerance, inverseHessian: h)
                }
                return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .lineSearchFailed, inverseHessian: h)
            }
            iterations += 1
            progress?.iteration(iterations)
            let s = (0..<n).map { step.x[$0] - x[$0] }
            let y = (0..<n).map { step.gradient[$0] - gx[$0] }
            let previous = fx
            x = step.x; fx = step.value; gx = step.gradient
            if statsInfinityNorm(gx) <= gradientTolerance {
                return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .gradientTolerance, inverseHessian: h)
            }
            if abs(previous - fx) <= functionTolerance * max(1, abs(fx)) && statsInfinityNorm(gx) <= acceptableGradient {
                return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .functionTolerance, inverseHessian: h)
            }
            if evaluations >= maximumEvaluations {
                return Result(x: x, value: fx, gradient: gx, iterations: iterations, evaluations: evaluations, reason: .maximumEvaluations, inverseHessian: h)
            }
            let ys = statsDot(y, s)
            guard ys > 0 else { continue }
            if !scaled {
                // N&W eq. 6.20: scale the initial matrix before the first update.
                let gamma = ys / statsDot(y, y)
                h = identity(n).map { $0.map { $0 * gamma } }
                scaled = true
            }
            // N&W eq. 6.17: H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / yᵀs.
            let rho = 1 / ys
            let hy = multiply(h, y)
            let yhy = statsDot(y, hy)
            for i in 0..<n {
                for j in 0..<n {
                    h[i][j] += rho * ((1 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j])
                }
            }
        }
    }

    private func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
    }
    private func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { row in statsDot(row, v) }
    }
}

@inlinable @inline(__always) package func statsDot(_ u: [Double], _ v: [Double]) -> Double {
    var s = 0.0
    for i in 0..<u.count { s += u[i] * v[i] }
    return s
}

@inlinable @inline(__always) package func statsInfinityNorm(_ v: [Double]) -> Double {
    v.reduce(0) { max($0, abs($1)) }
}
