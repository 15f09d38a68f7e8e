#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension MBGNBDFit: RepeatPurchaseModelFit {
    public var kind: RepeatPurchaseModelKind { .mbgnbd }

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

    public func withLogParameters(_ theta: [Double]) -> MBGNBDFit {
        precondition(theta.count == 4, "MBG/NBD has four parameters")
        return MBGNBDFit(parameters: MBGNBDParameters(r: exp(theta[0]), alpha: exp(theta[1]), a: exp(theta[2]), b: exp(theta[3])),
                         covariance: covariance, logLikelihood: logLikelihood, iterations: iterations, evaluations: evaluations,
                         stopReason: stopReason, gradientNorm: gradientNorm, attempts: attempts, rejectedAttempts: rejectedAttempts,
                         customers: customers, repeatCustomers: repeatCustomers, patterns: patterns, timeScale: timeScale,
                         settings: settings)
    }

    /// `patternForecast(_:times:weights:)` plus P(no purchase in (T, T + h]) per pattern
    /// (`probabilityOfNoPurchase`: 1 − P(alive) + P(alive) · ((α + T)/(α + T + h))^{r+x}).
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
