extension ChurnReport {
    /// The report of a churn fit (a mapping of its values; nothing is recomputed).
    init(_ fit: ChurnFit, calibrationEnd: CalendarDay) {
        self.calibrationEnd = calibrationEnd.description
        labelledCustomers = fit.labelledCustomers
        churnRate = fit.labelledCustomers > 0 ? Double(fit.labelledChurners) / Double(fit.labelledCustomers) : nil
        trainingRows = fit.trainingRows
        testRows = fit.testRows
        let m = fit.model
        terms = m.terms.map {
            Term(term: $0.name, coefficient: finite($0.coefficient), standardError: finite($0.standardError), z: finite($0.z),
                 pValue: finite($0.pValue), ciLow: finite($0.ciLow), ciHigh: finite($0.ciHigh), oddsRatio: finite($0.oddsRatio))
        }
        logLikelihood = finite(m.logLikelihood)
        nullLogLikelihood = finite(m.nullLogLikelihood)
        pseudoRSquared = finite(m.pseudoRSquared)
        aic = finite(m.aic)
        bic = finite(m.bic)
        iterations = m.iterations
        converged = m.converged
        func evaluation(_ e: ChurnEvaluation) -> Evaluation {
            Evaluation(rows: e.rows, churners: e.churners, auc: finite(e.auc), logLoss: finite(e.logLoss), brierScore: finite(e.brierScore))
        }
        model = evaluation(fit.evaluation)
        recencyBaseline = fit.baselineEvaluation.map(evaluation)
        warnings = fit.warnings
    }
}
