import Foundation
import ClienteleSupport
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// report.json's churn section for a run spread over machines (`partition churn-evaluate`, on the
/// driver): the model replayed from the merged passes (`PartitionChurnFit.run`), then the model
/// and the recency-only baseline evaluated on the test rows of every partition, merged in the
/// single run's order (`PartitionChurnTestRows`) and read twice by the streaming evaluation
/// (`ChurnEvaluation(streamingRows:…)`). The driver holds one buffered cursor per partition, not
/// the rows. Counts, AUC, deciles and the ROC chart are the single run's on the same
/// probabilities; the probabilities themselves carry the coefficients' rounding (about 1e-13).
public enum PartitionChurnEvaluation {
    /// The churn report.
    /// - Parameters: `testRows`: every partition's `score --churn-test-out` file.
    /// - Throws: `PartitionChurnError.notFitted` when the passes do not reach the fit, or reach
    ///   another one than `state`'s; `PartitionError.unreadable` for test rows that do not add up to
    ///   the summary's; the evaluation's errors.
    public static func report(_ config: JobConfiguration, summary: PartitionChurnSummary, passes: [PartitionChurnPass],
                              state: PartitionChurnState, testRows: [String]) throws -> ChurnReport {
        let (replayed, fit) = try PartitionChurnFit.run(config, summary: summary, passes: passes)
        guard let fit, let design = replayed.design, replayed.status == .fitted,
              replayed.beta?.map(\.bitPattern) == state.beta?.map(\.bitPattern) else { throw PartitionChurnError.notFitted }
        let counts = try PartitionChurnTestRows.counts(testRows)
        let testChurners = summary.churners - summary.trainingChurners
        guard counts.rows == summary.test, counts.churners == testChurners else {
            throw PartitionIOError.unreadable(path: testRows.first ?? "",
                                              reason: "the test rows hold \(counts.rows) rows and \(counts.churners) churners, the churn summary \(summary.test) and \(testChurners)")
        }
        let baseRate = Double(fit.positives) / Double(fit.rows)
        let limit = Churn.defaultROCPointLimit
        func evaluate(_ section: PartitionChurnTestRows.Section) throws -> ChurnEvaluation {
            try ChurnEvaluation(streamingRows: counts.rows, churners: counts.churners, baseRate: baseRate, rocPointLimit: limit) { row in
                try PartitionChurnTestRows.merged(testRows, section: section, row)
            }
        }
        let evaluation = try evaluate(.model)
        let baseline = replayed.baseline != nil && counts.baseline ? try evaluate(.baseline) : nil
        return ChurnReport(model: fit, evaluation: evaluation, baselineEvaluation: baseline, labelledCustomers: summary.labelled,
                           labelledChurners: summary.churners, trainingRows: summary.training, testRows: summary.test,
                           warnings: fit.warnings + design.notes + (replayed.baselineNote.map { [$0] } ?? []),
                           calibrationEnd: config.calibrationEnd!)
    }

    public static func write(_ report: ChurnReport, to path: String) throws { try PartitionWorker.writeExactJSON(report, to: path) }
    public static func read(_ path: String) throws -> ChurnReport { try PartitionWorker.readExactJSON(ChurnReport.self, from: path) }
}
