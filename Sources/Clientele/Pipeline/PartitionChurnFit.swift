import Foundation
import ClienteleSupport
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The churn regression of a run spread over machines, on the driver: the design from the
/// merged summary, then `LogisticRegression`'s own Newton iterations (`newton(…)`) replayed over
/// the merged passes computed so far. The iterations are deterministic, so each replay asks for
/// the same coefficients in the same order; at the first β without a pass the state says
/// `.pass`, and the driver has every partition compute it (`partition churn-pass`), merges the
/// sums and calls again. Apart from the sums' rounding, these are the single run's iterations,
/// step halvings, convergence test and errors.
public enum PartitionChurnFit {
    /// The churn settings of the run (`ChurnStage`'s): the default estimator, the job's split.
    static func settings(_ config: JobConfiguration) -> (regression: LogisticRegression, split: ChurnSplit) {
        (LogisticRegression(), ChurnSplit(testShare: config.churn.testShare, seed: config.seed))
    }

    /// Why the run has no churn section, before any data (nil: it has one).
    static func skipReason(_ config: JobConfiguration) -> String? {
        if !config.churn.enabled { return "disabled in the job file ([churn] enabled = false)" }
        if config.calibrationEnd == nil { return "no calibration period" }
        return nil
    }

    /// The state after the passes in `passes` (merged over every partition, any order).
    /// - Returns: the next pass to compute, the fit (with its logistic fit, for churn_model.csv),
    ///   or the skip the single run would make (data that cannot support the model).
    /// - Throws: software errors of the fit (70).
    public static func run(_ config: JobConfiguration, summary: PartitionChurnSummary, passes: [PartitionChurnPass])
        throws -> (state: PartitionChurnState, fit: LogisticRegressionFit?) {
        if let reason = skipReason(config) { return (PartitionChurnState(status: .skipped, reason: reason), nil) }
        var byBeta: [[UInt64]: PartitionChurnPass] = [:]
        for pass in passes { byBeta[pass.beta.map(\.bitPattern)] = pass }
        let outcome = Result { () throws(ChurnError) -> (state: PartitionChurnState, fit: LogisticRegressionFit?) in
            let design = try PartitionChurnDesign(summary, calibrationEnd: config.calibrationEnd!)
            let regression = settings(config).regression
            try regression.validate()
            let outcome = try regression.newton(rows: design.trainingRows, positives: design.trainingChurners,
                                                featureNames: design.featureNames, means: design.means,
                                                deviations: design.deviations) { beta in byBeta[beta.map(\.bitPattern)]?.logisticPass }
            switch outcome {
            case .needs(let beta): return (PartitionChurnState(status: .pass, design: design, beta: beta), nil)
            case .fitted(let fit):
                var state = PartitionChurnState(status: .fitted, design: design, beta: fit.coefficients)
                switch PartitionChurnBaseline.fit(summary, design: design, regression: regression) {
                case .success(let baseline): state.baseline = baseline.coefficients
                case .failure(let error): state.baselineNote = "recency-only baseline left out: \(error.description)"
                }
                return (state, fit)
            }
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error) where error.exitStatus != .software:
            // The data cannot support the model: the single run skips the section, so do we.
            return (PartitionChurnState(status: .skipped, reason: error.description), nil)
        case .failure(let error): throw error
        }
    }

    /// Writes churn_model.csv of `fit` as `clientele run` writes it, whole or not at all.
    public static func writeModelCSV(_ fit: LogisticRegressionFit, config: JobConfiguration, to path: String) throws {
        let bytes = ChurnModelCSVWriter(terms: fit.terms.map(ChurnReport.Term.init), cellPolicy: CSVCellPolicy(rawCSV: config.rawCSV)).bytes()
        try PartitionWorker.land(path) { try FileSink.write(bytes, to: $0) }
    }
}
