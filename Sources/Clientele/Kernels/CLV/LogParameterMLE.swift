import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Maximum likelihood over log-parameters shared by BG/NBD and Gamma-Gamma: BFGS on the mean
/// negative log-likelihood (lifetimes' objective, so its tolerances mean the same) from a list
/// of starting points, then the observed information matrix from the model's analytic Hessian.
///
/// Restarts: the first starting point that converges wins; when it does not converge (or its
/// likelihood is not finite) the next is tried, and with none converging the best value found
/// is returned with `converged == false`.
///
/// Warm start: with many rows, the models first run the same minimisation on a systematic
/// subsample (every k-th row, about 20 000 rows, at most a quarter) and try its optimum first, with the inverse
/// Hessian that run ended with (the objective is a mean, so both have the same scale); the
/// full-data run then needs a few iterations instead of twenty-odd. The estimate is still the full-data
/// optimum (the same convergence test decides), only the start differs.
package struct LogParameterMLE {
    package let optimizer: BFGSMinimizer
    /// θ ↦ (−LL/W, −∇θ LL/W): mean negative log-likelihood over log-parameters.
    package let objective: ([Double]) -> (value: Double, gradient: [Double])
    /// θ ↦ ∇²ₚ(−LL/W), the objective's Hessian in the natural parameters p = e^θ (analytic).
    package let curvature: ([Double]) -> [[Double]]

    package struct Outcome {
        package let result: BFGSMinimizer.Result
        /// Starting points tried (1 when the first converged).
        package let attempts: Int
        /// Why each earlier attempt was set aside, in order.
        package let rejectedStops: [BFGSMinimizer.StopReason]
        /// Hessian of the mean negative log-likelihood in θ at the optimum (`thetaHessian`);
        /// empty when not requested.
        package let hessian: [[Double]]
    }

    /// Fits from `startingPoints`, first polishing on `warmStart` (the same model on a strided
    /// subsample) when given: its converged estimate and inverse Hessian become the first start,
    /// so the full-data fit needs only a few iterations. The result is the full-data MLE either way.
    package func run(startingPoints: [[Double]], warmStart: LogParameterMLE?) -> Outcome? {
        var starts = startingPoints
        var inverseHessian: [[Double]]?
        if let warm = warmStart?.run(startingPoints: startingPoints, hessian: false), warm.result.converged {
            starts.insert(warm.result.x, at: 0)
            inverseHessian = warm.result.inverseHessian
        }
        return run(startingPoints: starts, firstInverseHessian: inverseHessian)
    }

    /// Tries the starting points in order (see the type's doc); with `hessian` false the
    /// information matrix is skipped (warm-start runs).
    package func run(startingPoints: [[Double]], firstInverseHessian: [[Double]]? = nil, hessian wantHessian: Bool = true) -> Outcome? {
        var best: BFGSMinimizer.Result?
        var attempts = 0
        var stops = [BFGSMinimizer.StopReason]()
        for start in startingPoints {
            attempts += 1
            let result = optimizer.minimize(from: start, initialInverseHessian: attempts == 1 ? firstInverseHessian : nil, objective)
            guard result.value.isFinite else { stops.append(result.reason); continue }
            if result.converged {
                if let b = best { stops.append(b.reason) }
                best = result
                break
            }
            if best == nil || result.value < best!.value {
                if let b = best { stops.append(b.reason) }
                best = result
            } else {
                stops.append(result.reason)
            }
        }
        guard let best else { return nil }
        let hessian = wantHessian ? Self.thetaHessian(natural: curvature(best.x), at: best.x, gradient: best.gradient) : []
        return Outcome(result: best, attempts: attempts, rejectedStops: stops, hessian: hessian)
    }

    /// The chain rule from p = e^θ to θ: ∂²f/∂θᵢ∂θⱼ = pᵢ pⱼ ∂²f/∂pᵢ∂pⱼ + δᵢⱼ ∂f/∂θᵢ, where
    /// `gradient` is ∇θ f (≈ 0 at an optimum, kept for exactness).
    package static func thetaHessian(natural: [[Double]], at theta: [Double], gradient: [Double]) -> [[Double]] {
        let p = theta.map { exp($0) }
        var h = natural
        for i in 0..<p.count {
            for j in 0..<p.count { h[i][j] *= p[i] * p[j] }
            h[i][i] += gradient[i]
        }
        return h
    }

    /// Covariance of the natural parameters p = e^θ by the delta method:
    /// Cov(pᵢ, pⱼ) = pᵢ pⱼ (H⁻¹)ᵢⱼ / W, where H is the Hessian of the mean negative
    /// log-likelihood in θ and W the total weight (so H·W is the observed information in θ).
    /// Its diagonal equals lifetimes' `variance_matrix_` diagonal. `nil` when H is not positive
    /// definite (the optimum is on a ridge or not a maximum).
    package static func covariance(hessian: [[Double]], parameters: [Double], totalWeight: Double) -> [[Double]]? {
        guard let inverse = SmallSymmetricMatrix.inverse(hessian) else { return nil }
        let n = parameters.count
        return (0..<n).map { i in (0..<n).map { j in parameters[i] * parameters[j] * inverse[i][j] / totalWeight } }
    }
}
