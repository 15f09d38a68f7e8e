import ClienteleKernels

extension CLVReport {
    /// The report of a CLV fit (a mapping of its values; nothing is recomputed).
    package init(_ fit: CLVModelFit) {
        self.init(fitted: fit.pooled, predictedCustomers: fit.currentCustomers)
        if let h = fit.holdoutInterval { addHoldoutInterval(h) }
        let m = fit.valueMatrix
        valueMatrix = ValueMatrix(currentThreshold: finite(m.currentThreshold), futureThreshold: finite(m.futureThreshold),
                                  quadrants: m.cells.map {
                                      Quadrant(quadrant: $0.quadrant.name, title: $0.quadrant.title, customers: $0.customers,
                                               currentValue: finite($0.currentValue), futureValue: finite($0.futureValue), revenue: finite($0.revenue))
                                  })
        totalPredictedCLV = finite(fit.predictions.predictedCLV.reduce(0) { $1.isFinite ? $0 + $1 : $0 })
        let b = fit.intervals
        intervals = Intervals(
            draws: b.settings.draws, level: b.settings.level, seed: b.settings.seed, unavailable: b.unavailableReason,
            predictedCLVUnavailable: b.unavailableReason == nil ? b.clvUnavailableReason : nil,
            totalExpectedPurchases: finite(fit.predictions.expectedPurchases.reduce(0) { $1.isFinite ? $0 + $1 : $0 }),
            totalExpectedPurchasesLow: finite(b.totalExpectedPurchases?.lowerBound), totalExpectedPurchasesHigh: finite(b.totalExpectedPurchases?.upperBound),
            totalPredictedCLVLow: finite(b.totalPredictedCLV?.lowerBound), totalPredictedCLVHigh: finite(b.totalPredictedCLV?.upperBound))
    }

    /// The holdout check's predictive interval of the total (with a holdout check).
    package mutating func addHoldoutInterval(_ h: HoldoutPredictiveIntervalResult) {
        guard holdout != nil else { return }
        holdout?.predictedPurchasesLow = finite(h.totalPurchases?.lowerBound)
        holdout?.predictedPurchasesHigh = finite(h.totalPurchases?.upperBound)
        holdout?.predictedPurchasesLevel = h.settings.level
        holdout?.predictedPurchasesIntervalUnavailable = h.unavailableReason
    }

    /// The report's fitted part (models, choice, Gamma-Gamma, holdout check, settings): what a
    /// fit on pooled statistics has. The per-customer parts (value matrix, totals, intervals and
    /// the holdout's predictive interval) are left empty.
    package init(fitted fit: CLVPooledFit, predictedCustomers: Int) {
        models = fit.candidates.map { Self.model($0) }
        bgnbd = models.first { $0.kind == RepeatPurchaseModelKind.bgnbd.rawValue }
        let s = fit.selection
        selection = Selection(
            requested: fit.settings.purchaseModel.name, chosen: s.chosen.rawValue, chosenModel: s.chosen.title,
            criterion: s.criterion.rawValue, reason: s.reason,
            candidates: s.scores.map {
                Selection.Candidate(model: $0.kind.title, kind: $0.kind.rawValue, holdoutError: finite($0.holdoutError),
                                    logLikelihood: finite($0.logLikelihood), aic: finite($0.aic), bic: finite($0.bic), converged: $0.converged)
            },
            failures: s.failures.map { Selection.Failure(model: $0.kind.title, kind: $0.kind.rawValue, reason: $0.reason) })
        purchaseModel = s.chosen.rawValue
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
        self.predictedCustomers = predictedCustomers
        if let v = fit.validation {
            holdout = Holdout(holdoutWeeks: finite(v.holdoutWeeks), customers: v.customers, actualPurchases: finite(v.actualPurchases),
                              predictedPurchases: finite(v.predictedPurchases), meanAbsoluteError: finite(v.meanAbsoluteError),
                              buckets: v.buckets.map {
                                  HoldoutBucket(calibrationFrequency: $0.label, customers: $0.customers,
                                                actualMean: finite($0.actualMean), predictedMean: finite($0.predictedMean))
                              }, model: s.chosen.title, holdoutError: finite(v.meanSquaredError),
                              bucketError: finite(v.bucketMeanAbsoluteError))
        }
        valueMatrix = ValueMatrix(currentThreshold: nil, futureThreshold: nil, quadrants: [])
        noPurchaseDays = fit.settings.forecast.noPurchaseDays
    }

    /// The block of one fitted purchase model: today's BG/NBD shape, plus AIC, BIC and holdout error.
    package static func model(_ candidate: RepeatPurchaseModelCandidate) -> Model {
        let m = candidate.fit
        let reference: String
        switch m.kind {
        case .bgnbd: reference = "Fader, Hardie & Lee (2005), Counting your customers the easy way, Marketing Science 24(2)"
        case .mbgnbd: reference = "Batislam, Denizel & Filiztekin (2007), Empirical validation and comparison of models for customer base analysis, IJRM 24(3)"
        case .paretonbd: reference = "Schmittlein, Morrison & Colombo (1987), Counting your customers, Management Science 33(1)"
        }
        let diagnostics = m as? any RepeatPurchaseModelDiagnostics
        return Model(
            model: m.kind.title, reference: reference,
            estimates: m.estimates.map { Estimate(name: $0.name, value: finite($0.value), standardError: finite($0.standardError)) },
            logLikelihood: finite(m.logLikelihood), iterations: diagnostics?.iterations ?? 0, converged: m.converged,
            stopReason: diagnostics?.stopReason.rawValue ?? (m.converged ? "converged" : "not converged"), customers: m.customers,
            kind: m.kind.rawValue, aic: finite(m.akaikeInformationCriterion), bic: finite(m.bayesianInformationCriterion),
            holdoutError: finite(candidate.validation?.meanSquaredError),
            holdoutMeanAbsoluteError: finite(candidate.validation?.meanAbsoluteError),
            holdoutBucketError: finite(candidate.validation?.bucketMeanAbsoluteError))
    }
}

/// The value when finite, else nil (written as null): reports never carry NaN or infinity.
package func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
