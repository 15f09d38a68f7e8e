import ClienteleKernels

/// The recency-only baseline of a run spread over machines (`Churn.fit`'s second regression:
/// intercept + recency_days on the training rows, the same estimator), fitted on the driver with
/// no pass over the partitions: recency takes whole days, so the training rows' counts by
/// (days, churned) in the merged summary are all its Newton sums need. Each distinct day's
/// per-row terms (`LogisticPass.rowTerms`) are added as many times as rows carry it, exactly
/// (`ExactSum.add(_:times:)`), so the sums are the merged per-row sums a pass would return.
enum PartitionChurnBaseline {
    /// The baseline's fit, standardised with the model's recency mean and deviation (the same
    /// training rows and column); or the error that leaves it out, as in the single run.
    static func fit(_ summary: PartitionChurnSummary, design: PartitionChurnDesign,
                    regression: LogisticRegression) -> Result<LogisticRegressionFit, ChurnError> {
        Result { () throws(ChurnError) in
            guard design.featureNames.first == ChurnFeatures.recencyName else {
                throw .lengthMismatch(name: "recency column of the design", count: 0, expected: 1)
            }
            let mean = design.means[0], deviation = design.deviations[0]
            let outcome = try regression.newton(rows: design.trainingRows, positives: design.trainingChurners,
                                                featureNames: [ChurnFeatures.recencyName], means: [mean],
                                                deviations: [deviation]) { beta in
                pass(summary.trainingRecency, mean: mean, deviation: deviation, beta: beta).logisticPass
            }
            guard case .fitted(let fit) = outcome else { preconditionFailure("the baseline's sums are always at hand") }
            return fit
        }
    }

    /// The Newton sums at `beta` over the training rows counted by recency.
    static func pass(_ counts: [PartitionChurnSummary.RecencyCount], mean: Double, deviation: Double, beta: [Double]) -> PartitionChurnPass {
        var sums = PartitionChurnPass(beta: beta)
        for c in counts {
            let z = (Double(c.days) - mean) / deviation
            let t = beta[0] + beta[1] * z
            for (positive, rows) in [(true, c.churners), (false, c.rows - c.churners)] where rows > 0 {
                let (term, residual, root) = LogisticPass.rowTerms(t, positive: positive)
                sums.logLikelihood.add(term, times: rows)
                sums.gradient[0].add(residual, times: rows)
                sums.gradient[1].add(residual * z, times: rows)
                sums.information[0].add(root * root, times: rows)
                sums.information[1].add(root * (root * z), times: rows)
                sums.information[2].add((root * z) * (root * z), times: rows)
                if positive ? t <= 0 : t >= 0 { sums.misclassified += rows }
                if abs(t) > 36 { sums.saturated += rows }
                sums.rows += rows
            }
        }
        return sums
    }

    /// The baseline's probability for a row of raw recency `days` (the single run's design: the
    /// standardised column, then the logistic of the linear predictor).
    static func probability(days: Double, fit beta: [Double], mean: Double, deviation: Double) -> Double {
        LogisticRegressionFit.sigmoid(beta[0] + beta[1] * ((days - mean) / deviation))
    }
}
