import ClienteleStore
import ClienteleKernels

extension ChurnReport {
    /// The report of a churn fit (a mapping of its values; nothing is recomputed).
    package init(_ fit: ChurnFit, calibrationEnd: CalendarDay) {
        self.init(model: fit.model, evaluation: fit.evaluation, baselineEvaluation: fit.baselineEvaluation,
                  labelledCustomers: fit.labelledCustomers, labelledChurners: fit.labelledChurners, trainingRows: fit.trainingRows,
                  testRows: fit.testRows, warnings: fit.warnings, calibrationEnd: calibrationEnd)
    }

    /// The report of a model, its evaluation and the baseline's, from their parts (a run spread
    /// over machines fits and evaluates them in separate steps).
    package init(model m: LogisticRegressionFit, evaluation: ChurnEvaluation, baselineEvaluation: ChurnEvaluation?,
                 labelledCustomers: Int, labelledChurners: Int, trainingRows: Int, testRows: Int, warnings: [String],
                 calibrationEnd: CalendarDay) {
        self.calibrationEnd = calibrationEnd.description
        self.labelledCustomers = labelledCustomers
        churnRate = labelledCustomers > 0 ? Double(labelledChurners) / Double(labelledCustomers) : nil
        self.trainingRows = trainingRows
        self.testRows = testRows
        terms = m.terms.map(Term.init)
        logLikelihood = finite(m.logLikelihood)
        nullLogLikelihood = finite(m.nullLogLikelihood)
        pseudoRSquared = finite(m.pseudoRSquared)
        aic = finite(m.aic)
        bic = finite(m.bic)
        iterations = m.iterations
        converged = m.converged
        func confusion(_ c: ChurnConfusion) -> Confusion {
            Confusion(threshold: finite(c.threshold), truePositives: c.truePositives, falsePositives: c.falsePositives,
                      trueNegatives: c.trueNegatives, falseNegatives: c.falseNegatives,
                      precision: finite(c.precision), recall: finite(c.recall))
        }
        func report(_ e: ChurnEvaluation) -> Evaluation {
            Evaluation(rows: e.rows, churners: e.churners, auc: finite(e.auc), logLoss: finite(e.logLoss), brierScore: finite(e.brierScore),
                       atHalf: confusion(e.atHalf), atBaseRate: confusion(e.atBaseRate),
                       deciles: e.deciles.map {
                           Decile(decile: $0.decile, customers: $0.customers, churners: $0.churners, meanPredicted: finite($0.meanPredicted),
                                  observedRate: finite($0.observedRate), lift: finite($0.lift), cumulativeGain: finite($0.cumulativeGain))
                       },
                       roc: ROC(thresholds: e.rocChart.thresholds.map(finite), truePositives: e.rocChart.truePositives,
                                falsePositives: e.rocChart.falsePositives))
        }
        model = report(evaluation)
        recencyBaseline = baselineEvaluation.map(report)
        self.warnings = warnings
    }
}

extension ChurnReport.Term {
    /// The report row of a model term (non-finite numbers as null).
    package init(_ t: LogisticTerm) {
        self.init(term: t.name, coefficient: finite(t.coefficient), standardError: finite(t.standardError), z: finite(t.z),
                  pValue: finite(t.pValue), ciLow: finite(t.ciLow), ciHigh: finite(t.ciHigh), oddsRatio: finite(t.oddsRatio),
                  oddsRatioPerUnit: finite(t.oddsRatioPerUnit))
    }
}

extension ChurnReport.NoPurchaseComparison {
    /// The comparison's report (a mapping of its values), customers named by `customerID`.
    package init(_ result: ChurnNoPurchaseComparisonResult, horizonDays: Int, model: RepeatPurchaseModelKind,
                 churnWindowWeeks: Double?, customerID: (Int32) -> String) {
        self.init(horizonDays: horizonDays, model: model, churnWindowWeeks: churnWindowWeeks, customers: result.customers,
                  pearsonR: result.pearsonR, meanChurnProbability: result.meanChurnProbability,
                  meanNoPurchaseProbability: result.meanNoPurchaseProbability,
                  disagreements: result.disagreements.map { (customerID($0.customer), $0.churnProbability, $0.noPurchaseProbability) })
    }

    /// The report from its figures (a run spread over machines merges them from the partitions'),
    /// the largest gaps first.
    package init(horizonDays: Int, model: RepeatPurchaseModelKind, churnWindowWeeks: Double?, customers: Int, pearsonR: Double,
                 meanChurnProbability: Double, meanNoPurchaseProbability: Double,
                 disagreements: [(customerId: String, churnProbability: Double, noPurchaseProbability: Double)]) {
        self.horizonDays = horizonDays
        self.model = model.title
        self.customers = customers
        self.pearsonR = finite(pearsonR)
        self.meanChurnProbability = finite(meanChurnProbability)
        self.meanNoPurchaseProbability = finite(meanNoPurchaseProbability)
        let window = churnWindowWeeks.map { w in "the \(Int(w.rounded()))-week holdout window" } ?? "the holdout window"
        note = "These answer different questions. The churn probability comes from a classifier (logistic regression) trained on "
            + "the calibration/holdout split: did a customer who had bought by the calibration end buy nothing in \(window)? "
            + "It uses every churn feature. P(no purchase in \(horizonDays) days) comes from the \(model.title) behavioural model: "
            + "given only the purchase history (frequency, recency, age), the chance of no purchase in the next \(horizonDays) days, "
            + "whether the customer has lapsed or is active but between purchases. Expect them to be related, not equal."
        self.disagreements = disagreements.map {
            Row(customerId: $0.customerId, churnProbability: finite($0.churnProbability),
                noPurchaseProbability: finite($0.noPurchaseProbability), difference: finite($0.churnProbability - $0.noPurchaseProbability))
        }
    }
}
