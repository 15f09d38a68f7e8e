import ClienteleKernels

extension CLVReport {
    /// The report of a CLV fit (a mapping of its values; nothing is recomputed).
    package init(_ fit: CLVModelFit) {
        let bg = fit.bgnbd, p = bg.parameters, se = bg.standardErrors
        bgnbd = Model(
            model: "BG/NBD", reference: "Fader, Hardie & Lee (2005), Counting your customers the easy way, Marketing Science 24(2)",
            estimates: [Estimate(name: "r", value: finite(p.r), standardError: finite(se?.r)),
                        Estimate(name: "alpha", value: finite(p.alpha), standardError: finite(se?.alpha)),
                        Estimate(name: "a", value: finite(p.a), standardError: finite(se?.a)),
                        Estimate(name: "b", value: finite(p.b), standardError: finite(se?.b))],
            logLikelihood: finite(bg.logLikelihood), iterations: bg.iterations, converged: bg.converged,
            stopReason: bg.stopReason.rawValue, customers: bg.customers)
        if let gg = fit.gammaGamma {
            let q = gg.parameters, e = gg.standardErrors
            gammaGamma = Model(
                model: "Gamma-Gamma", reference: "Fader, Hardie & Lee (2005), The Gamma-Gamma model of monetary value; Colombo & Jiang (1999)",
                estimates: [Estimate(name: "p", value: finite(q.p), standardError: finite(e?.p)),
                            Estimate(name: "q", value: finite(q.q), standardError: finite(e?.q)),
                            Estimate(name: "gamma", value: finite(q.gamma), standardError: finite(e?.gamma))],
                logLikelihood: finite(gg.logLikelihood), iterations: gg.iterations, converged: gg.converged,
                stopReason: gg.stopReason.rawValue, customers: gg.customers)
            frequencySpendCorrelation = finite(gg.frequencySpendCorrelation)
        }
        gammaGammaSkipped = fit.gammaGammaSkipped?.description
        calibrationEnd = fit.calibrationEnd.description
        asOf = fit.asOf.description
        let forecast = fit.settings.forecast
        horizonMonths = forecast.horizonMonths
        monthlyDiscountRate = forecast.monthlyDiscountRate
        margin = forecast.margin
        calibrationCustomers = fit.calibrationCustomers
        predictedCustomers = fit.currentCustomers
        if let v = fit.validation {
            holdout = Holdout(holdoutWeeks: finite(v.holdoutWeeks), customers: v.customers, actualPurchases: finite(v.actualPurchases),
                              predictedPurchases: finite(v.predictedPurchases), meanAbsoluteError: finite(v.meanAbsoluteError),
                              buckets: v.buckets.map {
                                  HoldoutBucket(calibrationFrequency: $0.label, customers: $0.customers,
                                                actualMean: finite($0.actualMean), predictedMean: finite($0.predictedMean))
                              })
        }
        let m = fit.valueMatrix
        valueMatrix = ValueMatrix(currentThreshold: finite(m.currentThreshold), futureThreshold: finite(m.futureThreshold),
                                  quadrants: m.cells.map {
                                      Quadrant(quadrant: $0.quadrant.name, title: $0.quadrant.title, customers: $0.customers,
                                               currentValue: finite($0.currentValue), futureValue: finite($0.futureValue), revenue: finite($0.revenue))
                                  })
        totalPredictedCLV = finite(fit.predictions.predictedCLV.reduce(0) { $1.isFinite ? $0 + $1 : $0 })
    }
}

/// The value when finite, else nil (written as null): reports never carry NaN or infinity.
package func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
