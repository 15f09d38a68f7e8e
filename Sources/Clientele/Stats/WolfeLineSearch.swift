#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A line search that returns a step satisfying the strong Wolfe conditions
/// (Nocedal & Wright 2006, Algorithms 3.5 and 3.6, with cubic interpolation in `zoom`, eq. 3.59):
///
///     f(x + αp) ≤ f(x) + c₁ α ∇fᵀp                 (sufficient decrease, N&W 3.7a)
///     |∇f(x + αp)ᵀp| ≤ c₂ |∇fᵀp|                    (curvature, N&W 3.7b)
///
/// with c₁ = 10⁻⁴ and c₂ = 0.9, the values N&W recommend for quasi-Newton methods.
/// A non-finite f is treated as +∞, so the search backs off from regions where the model's
/// likelihood cannot be evaluated. Returns `nil` when no such step is found within the budget.
package struct WolfeLineSearch {
    package var c1 = 1e-4
    package var c2 = 0.9
    package var maximumEvaluations: Int
    package var maximumStep = 1e6

    package struct Step {
        package let alpha: Double
        package let x: [Double]
        package let value: Double
        package let gradient: [Double]
    }

    package func search(x: [Double], value f0: Double, gradient g0: [Double], direction p: [Double],
                initialStep: Double, evaluate: ([Double]) -> (Double, [Double])) -> Step? {
        let d0 = statsDot(g0, p)
        guard d0 < 0, maximumEvaluations > 0 else { return nil }
        var budget = maximumEvaluations
        func at(_ alpha: Double) -> Step {
            budget -= 1
            let point = (0..<x.count).map { x[$0] + alpha * p[$0] }
            let (v, g) = evaluate(point)
            return Step(alpha: alpha, x: point, value: v, gradient: g)
        }
        func slope(_ s: Step) -> Double { s.value.isFinite ? statsDot(s.gradient, p) : .nan }

        // Algorithm 3.6 (zoom) between lo (satisfies sufficient decrease, lowest so far) and hi.
        func zoom(_ lo0: Step, _ hi0: Step) -> Step? {
            var lo = lo0, hi = hi0
            while budget > 0 {
                var alpha: Double
                if hi.value.isFinite, lo.value.isFinite {
                    alpha = cubicMinimizer(lo, hi, slope(lo), slope(hi))
                } else {
                    alpha = 0.5 * (lo.alpha + hi.alpha)
                }
                let width = abs(hi.alpha - lo.alpha)
                let low = min(lo.alpha, hi.alpha), high = max(lo.alpha, hi.alpha)
                // Keep the trial well inside the bracket (safeguard).
                if !alpha.isFinite || alpha < low + 0.1 * width || alpha > high - 0.1 * width {
                    alpha = 0.5 * (lo.alpha + hi.alpha)
                }
                // A bracket this narrow cannot be resolved in f's precision: keep what decreased.
                if width <= 1e-12 * max(1e-6, high) { return lo.alpha > 0 ? lo : nil }
                let trial = at(alpha)
                if !trial.value.isFinite || trial.value > f0 + c1 * alpha * d0 || trial.value >= lo.value {
                    hi = trial
                } else {
                    let dt = slope(trial)
                    if abs(dt) <= -c2 * d0 { return trial }
                    if dt * (hi.alpha - lo.alpha) >= 0 { hi = lo }
                    lo = trial
                }
            }
            // Out of budget: a step with sufficient decrease is still progress.
            return lo.alpha > 0 ? lo : nil
        }

        let start = Step(alpha: 0, x: x, value: f0, gradient: g0)
        var previous = start
        var alpha = initialStep
        var first = true
        while budget > 0 {
            let trial = at(alpha)
            if !trial.value.isFinite || trial.value > f0 + c1 * alpha * d0 || (!first && trial.value >= previous.value) {
                return zoom(previous, trial)
            }
            let dt = slope(trial)
            if abs(dt) <= -c2 * d0 { return trial }
            if dt >= 0 { return zoom(trial, previous) }
            previous = trial
            first = false
            alpha = min(2 * alpha, maximumStep)
            if alpha >= maximumStep { return trial }
        }
        return previous.alpha > 0 ? previous : nil
    }

    /// The minimiser of the cubic through two points with their slopes (N&W eq. 3.59).
    private func cubicMinimizer(_ a: Step, _ b: Step, _ da: Double, _ db: Double) -> Double {
        let d1 = da + db - 3 * (a.value - b.value) / (a.alpha - b.alpha)
        let radicand = d1 * d1 - da * db
        guard radicand >= 0 else { return .nan }
        let d2 = (b.alpha > a.alpha ? 1.0 : -1.0) * radicand.squareRoot()
        return b.alpha - (b.alpha - a.alpha) * (db + d2 - d1) / (db - da + 2 * d2)
    }
}
