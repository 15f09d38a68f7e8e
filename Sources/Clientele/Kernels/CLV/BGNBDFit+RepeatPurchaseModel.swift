#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BGNBDFit: RepeatPurchaseModelFit {
    public var kind: RepeatPurchaseModelKind { .bgnbd }

    public var estimates: [ModelParameterEstimate] {
        let p = parameters, se = standardErrors
        return [ModelParameterEstimate(name: "r", value: p.r, standardError: se?.r),
                ModelParameterEstimate(name: "alpha", value: p.alpha, standardError: se?.alpha),
                ModelParameterEstimate(name: "a", value: p.a, standardError: se?.a),
                ModelParameterEstimate(name: "b", value: p.b, standardError: se?.b)]
    }

    public var logParameterCovariance: [[Double]]? {
        ClienteleKernels.logParameterCovariance(natural: covariance, values: [parameters.r, parameters.alpha, parameters.a, parameters.b])
    }

    public func withLogParameters(_ theta: [Double]) -> BGNBDFit {
        precondition(theta.count == 4, "BG/NBD has four parameters")
        return BGNBDFit(parameters: BGNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]), a: exp(theta[2]), b: exp(theta[3])),
                        covariance: covariance, logLikelihood: logLikelihood, iterations: iterations, evaluations: evaluations,
                        stopReason: stopReason, gradientNorm: gradientNorm, attempts: attempts, rejectedAttempts: rejectedAttempts,
                        customers: customers, repeatCustomers: repeatCustomers, patterns: patterns, timeScale: timeScale,
                        settings: settings)
    }

    /// As `patternForecast(_:times:weights:)`, plus P(no purchase in (T, T + h]) per pattern:
    /// 1 − P(alive) + P(alive) · ((α + T)/(α + T + h))^{r+x}. An active customer buys at rate λ
    /// whose posterior is Gamma(r + x, α + T), and in BG/NBD cannot drop out before the next
    /// purchase, so the chance of no purchase while active is the posterior mean of e^{−λh}.
    public func patternForecast(_ patterns: CalibrationPatterns, times: [Double], weights: [[Double]],
                                noPurchaseWithin: [Double]) -> RepeatPurchasePatternForecast {
        let forecast: BGNBDPatternForecast = patternForecast(patterns, times: times, weights: weights)
        let p = parameters
        let noPurchase = noPurchaseWithin.map { h in
            (0..<patterns.count).map { k in
                let pa = forecast.probabilityAlive[k], T = patterns.age[k], x = Double(patterns.frequency[k])
                return 1 - pa + pa * exp((p.r + x) * (log(p.alpha + T) - log(p.alpha + T + h)))
            }
        }
        return RepeatPurchasePatternForecast(probabilityAlive: forecast.probabilityAlive, outputs: forecast.outputs,
                                             noPurchase: noPurchase, seriesNotConverged: forecast.seriesNotConverged)
    }
}
