#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ParetoNBDFit: RepeatPurchaseModelFit {
    public var kind: RepeatPurchaseModelKind { .paretonbd }

    public var estimates: [ModelParameterEstimate] {
        let p = parameters, se = standardErrors
        return [ModelParameterEstimate(name: "r", value: p.r, standardError: se?.r),
                ModelParameterEstimate(name: "alpha", value: p.alpha, standardError: se?.alpha),
                ModelParameterEstimate(name: "s", value: p.s, standardError: se?.s),
                ModelParameterEstimate(name: "beta", value: p.beta, standardError: se?.beta)]
    }

    public var logParameterCovariance: [[Double]]? {
        ClienteleKernels.logParameterCovariance(natural: covariance, values: [parameters.r, parameters.alpha, parameters.s, parameters.beta])
    }

    public func withLogParameters(_ theta: [Double]) -> ParetoNBDFit {
        precondition(theta.count == 4, "Pareto/NBD has four parameters")
        return ParetoNBDFit(parameters: ParetoNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]), s: exp(theta[2]), beta: exp(theta[3])),
                            covariance: covariance, logLikelihood: logLikelihood, iterations: iterations, evaluations: evaluations,
                            stopReason: stopReason, gradientNorm: gradientNorm, attempts: attempts, rejectedAttempts: rejectedAttempts,
                            customers: customers, repeatCustomers: repeatCustomers, patterns: patterns, timeScale: timeScale,
                            settings: settings)
    }
}
