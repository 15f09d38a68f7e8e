import ClienteleKernels

/// The warnings of a run report: each section that ran is checked against the thresholds below,
/// and every number past its threshold becomes a `ReportWarning`. A pure function of the report,
/// so report.json, report.md and report.html always list the same warnings.
public enum ReportWarnings {
    /// The least ROC AUC by which the churn model must beat recency alone: below it, ranking
    /// customers by days since their last order does about as well as the model.
    public static let minimumAUCGainOverRecency = 0.02

    /// The least lift of the churn model's top decile (its churn rate over the base rate): below
    /// 1.5, contacting the riskiest tenth reaches few more churners than contacting anyone.
    public static let minimumTopDecileLift = 1.5

    /// The largest relative gap |predicted − actual| / actual between the chosen purchase model's
    /// total holdout purchases and the actual total: beyond 10 %, its forecasts are off in sum.
    public static let maximumHoldoutTotalError = 0.10

    /// The fewest survey respondents for NPS and the satisfaction correlations: with fewer than
    /// 100, one answer moves NPS by a point or more and the intervals are wide.
    public static let minimumRespondents = 100

    /// The least share of scored customers who answered a survey: below 5 %, the respondents may
    /// not speak for the customers who stayed silent.
    public static let minimumResponseShare = 0.05

    /// Every warning of `report`, section by section (RFM, CLV, satisfaction, churn); sections
    /// that did not run give none.
    public static func derive(from report: RunReport) -> [ReportWarning] {
        rfm(report.rfm, scored: report.customers.scored)
            + (report.clv.map(clv) ?? [])
            + (report.satisfaction.map { satisfaction($0, scored: report.customers.scored) } ?? [])
            + (report.churn.map(churn) ?? [])
    }

    /// A score value no customer received (R, F, M in turn), then each empty segment. Nothing when
    /// no customer was scored: every score and segment is empty then, and the report says so.
    static func rfm(_ rfm: RunReport.RFM, scored: Int) -> [ReportWarning] {
        guard scored > 0 else { return [] }
        var warnings: [ReportWarning] = []
        if let counts = rfm.customersPerScore {
            for (letter, measure, customers) in [("R", "recency", counts.r), ("F", "frequency", counts.f), ("M", "monetary", counts.m)] {
                for (index, count) in customers.enumerated() where count == 0 {
                    let score = index + 1
                    // Under fill a score stays empty only when the measure has fewer distinct values than scores.
                    let cause = rfm.ties == RFMScorer.TieRule.fill.rawValue
                        ? "the \(measure) values are fewer than \(rfm.quantiles) distinct ones"
                        : "tied \(measure) values skip the score"
                    let remedy = rfm.ties == RFMScorer.TieRule.fill.rawValue ? ""
                        : " The tie rule `fill` (the default) uses every score of a measure with at least \(rfm.quantiles) distinct values."
                    warnings.append(ReportWarning(
                        code: .rfmScoreUnused,
                        message: "0 customers received \(measure) score \(letter) = \(score) (scores 1…\(rfm.quantiles)): \(cause), "
                            + "so segments defined by it are empty or narrower than their names say." + remedy,
                        subject: "\(letter)\(score)", value: 0, threshold: 1))
                }
            }
        }
        for segment in rfm.segments where segment.customers == 0 {
            warnings.append(ReportWarning(
                code: .rfmSegmentEmpty,
                message: "Segment “\(segment.segment)” has 0 customers: its score cells matched nobody, so anything planned for it reaches no one.",
                subject: segment.segment, value: 0, threshold: 1))
        }
        return warnings
    }

    /// Each fit that did not converge (purchase models, then Gamma-Gamma), then a chosen model
    /// whose total holdout purchases miss the actual total by more than `maximumHoldoutTotalError`.
    static func clv(_ clv: CLVReport) -> [ReportWarning] {
        var warnings: [ReportWarning] = []
        let purchaseModels = clv.models.isEmpty ? (clv.bgnbd.map { [$0] } ?? []) : clv.models
        let chosen = clv.purchaseModel ?? clv.selection?.chosen
        for model in purchaseModels where !model.converged {
            let predicts = purchaseModels.count == 1 || (chosen != nil && model.kind == chosen)
            let consequence = predicts ? "its parameters, and the purchases and CLV predicted from them, may be off."
                : "its parameters, and its place in the model choice, may be off."
            warnings.append(ReportWarning(
                code: .clvNotConverged,
                message: "The \(model.model) fit did not converge (stopped after \(model.iterations) iterations: \(model.stopReason)): \(consequence)",
                subject: model.model))
        }
        if let gammaGamma = clv.gammaGamma, !gammaGamma.converged {
            warnings.append(ReportWarning(
                code: .clvNotConverged,
                message: "The \(gammaGamma.model) fit did not converge (stopped after \(gammaGamma.iterations) iterations: \(gammaGamma.stopReason)): "
                    + "the spend per purchase, and so predicted CLV, may be off.",
                subject: gammaGamma.model))
        }
        if let holdout = clv.holdout, let actual = holdout.actualPurchases, let predicted = holdout.predictedPurchases, actual > 0 {
            let error = abs(predicted - actual) / actual
            if error > maximumHoldoutTotalError {
                let model = holdout.model ?? clv.selection?.chosenModel ?? purchaseModels.first?.model ?? "purchase model"
                warnings.append(ReportWarning(
                    code: .clvHoldoutTotalOff,
                    message: "The \(model) forecast of holdout purchases is off by \(shown(error, digits: 1, apartFrom: maximumHoldoutTotalError, percent: true)) in total (predicted "
                        + "\(SVGNumber.fixed(predicted, digits: 1, grouping: true)), actual \(SVGNumber.fixed(actual, digits: 1, grouping: true)); "
                        + "more than \(SVGNumber.percent(maximumHoldoutTotalError, digits: 0))): treat predicted purchases and CLV as rough.",
                    subject: model, value: error, threshold: maximumHoldoutTotalError))
            }
        }
        return warnings
    }

    /// Too few respondents in number (fewer than `minimumRespondents`) and in share of the scored
    /// customers (below `minimumResponseShare`): two different doubts, imprecision and bias.
    static func satisfaction(_ s: SatisfactionReport, scored: Int) -> [ReportWarning] {
        var warnings: [ReportWarning] = []
        let share = scored > 0 ? Double(s.respondents) / Double(scored) : nil
        let ofScored = share.map { " (\(SVGNumber.percent($0)) of \(SVGNumber.grouped(scored)) scored)" } ?? ""
        if s.respondents < minimumRespondents {
            warnings.append(ReportWarning(
                code: .satisfactionFewRespondents,
                message: "Only \(SVGNumber.grouped(s.respondents)) customers answered a survey\(ofScored), fewer than \(minimumRespondents): "
                    + "NPS and the satisfaction correlations rest on too few answers to be stable.",
                value: Double(s.respondents), threshold: Double(minimumRespondents)))
        }
        if let share, share < minimumResponseShare {
            warnings.append(ReportWarning(
                code: .satisfactionLowResponseShare,
                message: "Only \(shown(share, digits: 1, apartFrom: minimumResponseShare, percent: true)) of scored customers answered a survey (\(SVGNumber.grouped(s.respondents)) of "
                    + "\(SVGNumber.grouped(scored)); below \(SVGNumber.percent(minimumResponseShare, digits: 0))): the respondents may not "
                    + "speak for the silent majority.",
                value: share, threshold: minimumResponseShare))
        }
        return warnings
    }

    /// The model's AUC too close to (or below) the recency baseline's, and a weak top decile.
    static func churn(_ c: ChurnReport) -> [ReportWarning] {
        var warnings: [ReportWarning] = []
        if let auc = c.model.auc, let baseline = c.recencyBaseline?.auc {
            let gain = auc - baseline
            if gain < minimumAUCGainOverRecency {
                let (model, recency) = (SVGNumber.fixed(auc, digits: 3), SVGNumber.fixed(baseline, digits: 3))
                let margin = SVGNumber.fixed(minimumAUCGainOverRecency, digits: 2)
                let message = gain > 0
                    ? "The churn model's AUC \(model) is within \(margin) of recency alone (\(recency)): treat its ranking as little better than recency."
                    : "The churn model's AUC \(model) is no better than recency alone (\(recency); it should be at least \(margin) higher): rank by recency instead."
                warnings.append(ReportWarning(code: .churnNearRecencyBaseline, message: message, value: gain, threshold: minimumAUCGainOverRecency))
            }
        }
        if let lift = c.model.deciles.first(where: { $0.decile == 1 })?.lift, lift < minimumTopDecileLift {
            warnings.append(ReportWarning(
                code: .churnLowTopDecileLift,
                message: "The churn model's top-decile lift is \(shown(lift, digits: 2, apartFrom: minimumTopDecileLift)), below \(SVGNumber.fixed(minimumTopDecileLift, digits: 1)): "
                    + "its riskiest tenth of customers churns little more often than everyone, so targeting by it gains little.",
                value: lift, threshold: minimumTopDecileLift))
        }
        return warnings
    }

    /// `x` with `digits` decimals, or more (up to 6) while it would read as `threshold`: a value
    /// just past a threshold never shows as the threshold itself (4.99 %, not 5.0 %, below 5 %).
    static func shown(_ x: Double, digits: Int, apartFrom threshold: Double, percent: Bool = false) -> String {
        func text(_ v: Double, _ d: Int) -> String { percent ? SVGNumber.percent(v, digits: d) : SVGNumber.fixed(v, digits: d) }
        var d = digits
        while d < 6 && text(x, d) == text(threshold, d) { d += 1 }
        return text(x, d)
    }
}
