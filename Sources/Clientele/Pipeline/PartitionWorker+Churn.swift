import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The per-partition churn steps: a partition's rows (with its interactions when the run has
/// them), summarised for the design, summed at the driver's coefficients, and scored.
extension PartitionWorker {
    /// One partition's transactions (and interactions), loaded; nil for an empty partition.
    static func churnRows(_ config: JobConfiguration) throws -> (rows: PartitionChurnRows, loaded: TransactionLoader.Loaded)? {
        try config.validate()
        guard let asOf = config.asOf else { throw PartitionError.missingAsOf }
        let loaded: TransactionLoader.Loaded
        do {
            loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns, options: config.ingestOptions).load()
        } catch IngestError.noDataRows {
            return nil
        }
        let interactions = try config.interactions.map {
            try InteractionLoader(source: $0, columns: config.interactionColumns, options: config.ingestOptions).load(customers: loaded.customers).table
        }
        let table = CustomerTable(orders: loaded.orders, interactions: interactions, asOf: asOf, calibrationEnd: config.calibrationEnd)
        return (PartitionChurnRows(table: table, customers: loaded.customers, split: PartitionChurnFit.settings(config).split,
                                    extra: config.churn.extraFeatures), loaded)
    }

    /// The churn summary of one partition (empty when the run has no churn section or the
    /// partition no customers).
    public static func churnSummary(_ config: JobConfiguration) throws -> PartitionChurnSummary {
        guard PartitionChurnFit.skipReason(config) == nil else { return PartitionChurnSummary() }
        return try Parallelism.withThreads(config.threads) {
            try churnRows(config).map { PartitionChurnSummary($0.rows) } ?? PartitionChurnSummary()
        }
    }

    /// One partition's IRLS sums at the coefficients of `state` (whose status is `.pass`).
    public static func churnPass(_ config: JobConfiguration, state: PartitionChurnState) throws -> PartitionChurnPass {
        guard state.status == .pass, let design = state.design, let beta = state.beta else { throw PartitionChurnError.passesDiffer }
        return try Parallelism.withThreads(config.threads) {
            try churnRows(config).map { PartitionChurnPass($0.rows, design: design, beta: beta) } ?? PartitionChurnPass(beta: beta)
        }
    }

    /// The churn probabilities of a partition's current customers (features as of the as-of
    /// date, the current fill), as `ChurnScores` for customers.csv's churn_probability column.
    static func churnScores(_ rows: PartitionChurnRows, design: PartitionChurnDesign, beta: [Double], customerCount: Int) -> ChurnScores {
        let probabilities = (0..<rows.current.count).map { r in
            LogisticRegressionFit.sigmoid(design.linearPredictor(design.values(rows.current, r, fills: design.currentFills), beta: beta))
        }
        return ChurnScores(customers: rows.current.customers, probabilities: probabilities, customerCount: customerCount)
    }

    /// A fitted churn state's design and coefficients, for scoring.
    struct ChurnModel {
        let design: PartitionChurnDesign
        let beta: [Double]
        /// The recency-only baseline's coefficients, when it was fitted.
        let baseline: [Double]?

        /// - Throws: `PartitionChurnError.notFitted` for a state that is not `.fitted`.
        init(_ state: PartitionChurnState) throws {
            guard state.status == .fitted, let design = state.design, let beta = state.beta, beta.count == design.featureNames.count + 1 else {
                throw PartitionChurnError.notFitted
            }
            self.design = design
            self.beta = beta
            baseline = state.baseline
        }
    }

    /// `score`'s churn part for one scored partition: churn_probability on `writer`, and the
    /// partition's churn_risk.csv rows (value at risk as ChurnStage values it: predicted CLV, else
    /// historical CLV) to `riskOut`, each led by a sort key for the driver's merge instead of the rank.
    /// `table`: the partition's customer table with its interactions (`Scoring.withInteractions`).
    /// `testOut`: the partition's test rows, scored by the model and the baseline (`PartitionChurnTestRows`);
    /// `comparisonOut`: its share of the comparison with P(no purchase) (`PartitionChurnComparison`).
    /// - Returns: the report's sums of the partition's churn_risk.csv rows (the value at risk and
    ///   the first `[run] top_at_risk` rows).
    static func scoreChurn(_ config: JobConfiguration, partition: Scoring.Partition, table: CustomerTable, model: ChurnModel,
                           writer: inout CustomersCSVWriter, riskOut: String?, testOut: String?,
                           comparisonOut: String?) throws -> PartitionTotals.ChurnSums {
        let loaded = partition.loaded, rfm = partition.rfm
        let rows = PartitionChurnRows(table: table, customers: loaded.customers, split: PartitionChurnFit.settings(config).split,
                                      extra: config.churn.extraFeatures)
        let scores = churnScores(rows, design: model.design, beta: model.beta, customerCount: loaded.customers.count)
        writer.churn = scores
        if let testOut { try writeTestRows(rows, model: model, index: loaded.customers, to: testOut) }
        if let comparisonOut {
            let comparison = PartitionChurnComparison(scores: scores, noPurchase: writer.clv?.predictions.probabilityNoPurchase ?? [],
                                                      index: loaded.customers)
            try writeExactJSON(comparison, to: comparisonOut)
        }
        var value = [Double](repeating: 0, count: loaded.customers.count)
        for (row, c) in rfm.customers.enumerated() {
            let predicted = writer.clv?.predictions.predictedCLV[Int(c)] ?? .nan
            value[Int(c)] = predicted.isFinite ? predicted : rfm.historicalCLVCents[row] / 100
        }
        let ranking = try scores.riskRanking(values: value)
        var sums = PartitionTotals.ChurnSums(limit: config.report.topAtRisk)
        for r in ranking where r.valueAtRisk.isFinite { sums.valueAtRisk.add(r.valueAtRisk) }
        sums.top = ReportStage.topAtRisk(ranking.prefix(config.report.topAtRisk), customers: loaded.customers, rfm: rfm)
        if let riskOut {
            var risk = ChurnRiskCSVWriter(rows: ranking, customers: loaded.customers, rfm: rfm, cellPolicy: CSVCellPolicy(rawCSV: config.rawCSV))
            risk.sortKeyForRank = true
            try land(riskOut) { try risk.write(to: $0) }
        }
        return sums
    }

    /// The test rows of `rows` with their probabilities under the model (features as of the
    /// calibration end, the labelled fills, as the single run's `model.probabilities(testX)`) and
    /// under the baseline (recency alone), for the driver's evaluation.
    static func writeTestRows(_ rows: PartitionChurnRows, model: ChurnModel, index: CustomerIndex?, to path: String) throws {
        let design = model.design
        let tests = (0..<rows.labelled.count).filter { rows.isTest[$0] }
        let probabilities = tests.map { r in
            LogisticRegressionFit.sigmoid(design.linearPredictor(design.values(rows.labelled, r, fills: design.labelledFills), beta: model.beta))
        }
        let baseline = model.baseline.map { b in
            tests.map { PartitionChurnBaseline.probability(days: rows.labelled.columns[0][$0], fit: b, mean: design.means[0], deviation: design.deviations[0]) }
        }
        try PartitionChurnTestRows.write(customers: tests.map { rows.labelled.customers[$0] }, churned: tests.map { rows.churned[$0] },
                                         model: probabilities, baseline: baseline, index: index, to: path)
    }
}
