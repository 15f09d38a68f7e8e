/// One result of the report that a reader should doubt, said in one sentence that names the number
/// and the threshold it crossed. `ReportWarnings.derive(from:)` finds them; report.json lists them
/// under `warnings`, report.md and report.html show them near the top.
public struct ReportWarning: Codable, Sendable, Equatable {
    /// What is doubtful. The raw value is the stable `code` of report.json (README, Outputs):
    /// scripts may match on it, so a code is never renamed.
    public enum Code: String, Codable, Sendable, CaseIterable {
        /// The churn model's AUC beats the recency-only baseline by less than `minimumAUCGainOverRecency`.
        case churnNearRecencyBaseline = "churn_near_recency_baseline"
        /// The churn model's top decile holds less than `minimumTopDecileLift` × the base rate of churners.
        case churnLowTopDecileLift = "churn_low_top_decile_lift"
        /// An RFM score (1…quantiles) of R, F or M that no customer received.
        case rfmScoreUnused = "rfm_score_unused"
        /// An RFM segment with no customer.
        case rfmSegmentEmpty = "rfm_segment_empty"
        /// A purchase model or Gamma-Gamma fit that stopped before converging.
        case clvNotConverged = "clv_not_converged"
        /// The chosen purchase model's total holdout purchases miss the actual total by more than `maximumHoldoutTotalError`.
        case clvHoldoutTotalOff = "clv_holdout_total_off"
        /// Fewer than `minimumRespondents` customers answered a survey.
        case satisfactionFewRespondents = "satisfaction_few_respondents"
        /// Less than `minimumResponseShare` of the scored customers answered a survey.
        case satisfactionLowResponseShare = "satisfaction_low_response_share"

        /// The report section the code is about.
        public var section: Section {
            switch self {
            case .churnNearRecencyBaseline, .churnLowTopDecileLift: return .churn
            case .rfmScoreUnused, .rfmSegmentEmpty: return .rfm
            case .clvNotConverged, .clvHoldoutTotalOff: return .clv
            case .satisfactionFewRespondents, .satisfactionLowResponseShare: return .satisfaction
            }
        }
    }

    /// A section of the report; the raw value is that section's key in report.json.
    public enum Section: String, Codable, Sendable, CaseIterable {
        case rfm, clv, satisfaction, churn
    }

    public var code: Code
    public var section: Section
    /// One sentence naming the triggering number and the threshold, and what to doubt because of it.
    public var message: String
    /// Which score, segment or model the warning is about, when its section has several; nil otherwise.
    public var subject: String?
    /// The number that crossed the threshold, in the threshold's unit; nil for a yes/no trigger (a fit that did not converge).
    public var value: Double?
    /// The threshold `value` crossed (`ReportWarnings`' constants); nil for a yes/no trigger.
    public var threshold: Double?

    package init(code: Code, message: String, subject: String? = nil, value: Double? = nil, threshold: Double? = nil) {
        self.code = code
        self.section = code.section
        self.message = message
        self.subject = subject
        self.value = value
        self.threshold = threshold
    }
}
