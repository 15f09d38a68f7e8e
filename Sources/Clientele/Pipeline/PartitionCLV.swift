import Foundation
import ClienteleSupport
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The predicted-value step of a run spread over machines: the purchase models, their holdout
/// check and model choice, and Gamma-Gamma fitted on the merged `PartitionStatistics`
/// (`clientele partition clv` writes clv_model.json from them on the driver), and each
/// partition's customers predicted with that fit (`partition score`'s CLV columns).
public enum PartitionCLV {
    /// The CLV settings as `CLVStage` completes them (margin, seed); nil when the run has no CLV
    /// section (`[clv] enabled = false`, margin 0).
    static func model(_ config: JobConfiguration) -> CLVModel? {
        guard config.clv.enabled, config.rfm.margin != 0 else { return nil }
        var model = config.clv.model
        model.forecast.margin = config.rfm.margin
        model.intervals.seed = config.seed
        return model
    }

    /// The fit of all customers from their merged statistics: as `CLVModel.fit(table:…)` fits
    /// them, with the holdout errors and Gamma-Gamma from pooled rows (`PooledCLV.swift`).
    /// - Returns: nil when the run has no CLV section or the data cannot support the models (the
    ///   single run skips the section: no clv_model.json, no CLV columns).
    /// With the Gamma-Gamma rows in buckets (`statistics.clv.repeatSpendApart`), `askBuckets`
    /// answers the fit's requests from every bucket (`PartitionGammaGamma`).
    /// - Throws: `PartitionError.clvRowsOmitted` for statistics written for scoring tasks,
    ///   `.repeatSpendApart` for bucketed rows without `askBuckets`.
    public static func fit(_ config: JobConfiguration, statistics: PartitionStatistics,
                           askBuckets: ((PartitionGammaGamma.Request) throws -> [PartitionGammaGamma.Answer])? = nil) throws -> CLVPooledFit? {
        guard let model = model(config) else { return nil }
        guard !statistics.clv.omitted else { throw PartitionError.clvRowsOmitted }
        guard !statistics.clv.repeatSpendApart || askBuckets != nil else { throw PartitionError.repeatSpendApart }
        let s = statistics.settings
        let lastDay = s.asOf.adding(days: -1)
        let holdout = s.calibrationEnd.flatMap { $0 < lastDay ? $0 : nil }
        let rows = holdout == nil ? statistics.currentPatterns : statistics.calibrationPatterns
        let end = holdout ?? lastDay
        do {
            guard !rows.weight.isEmpty else { throw CLVError.emptyCalibration(calibrationEnd: end) }
            let patterns = try CalibrationPatterns(frequency: rows.frequency.map(Int.init), recency: rows.recency, age: rows.age, weight: rows.weight)
            // As CalibrationSummary: (as-of − 1 − E) / 7 days.
            let weeks = holdout.map { Double(s.asOf.daysSinceEpoch - 1 - $0.daysSinceEpoch) / 7 }
            let remote = try askBuckets.map { try PartitionGammaGamma.remoteRuns(ask: $0) }
            let fit = try Parallelism.withThreads(config.threads) {
                try model.fitPooled(patterns: patterns, holdout: weeks.map { (statistics.clv.holdout, $0) },
                                    repeatSpend: statistics.clv.repeatSpend, repeatSpendRuns: remote?.runs, calibrationEnd: end, asOf: s.asOf)
            }
            try remote?.check()
            return fit
        } catch let error as CLVError where error.exitStatus == .dataError {
            return nil
        }
    }

    /// clv_model.json of the whole run from the pooled fit; the keys that need every customer's
    /// prediction (`value_matrix`'s thresholds and quadrants, `total_predicted_clv`, `intervals`)
    /// are empty or absent (`partition report` adds them); the holdout's predictive interval is
    /// simulated here.
    public static func report(_ fit: CLVPooledFit, statistics: PartitionStatistics, config: JobConfiguration) throws -> CLVReport {
        let current = statistics.currentPatterns.weight.reduce(0, +)
        var report = CLVReport(fitted: fit, predictedCustomers: Int(current))
        if let h = try holdoutInterval(config, fit: fit, statistics: statistics) { report.addHoldoutInterval(h) }
        return report
    }

    /// The holdout total's predictive interval as `CLVModel` simulates it (with `interval_draws`
    /// and a holdout): the chosen model's draws over the calibration patterns pooled from every
    /// partition, which are the single run's in its order, so the same totals bit for bit.
    static func holdoutInterval(_ config: JobConfiguration, fit: CLVPooledFit, statistics: PartitionStatistics) throws -> HoldoutPredictiveIntervalResult? {
        let s = statistics.settings
        guard let model = model(config), model.intervals.draws > 0, let validation = fit.validation,
              let end = s.calibrationEnd, end < s.asOf.adding(days: -1) else { return nil }
        let rows = statistics.calibrationPatterns
        let patterns = try CalibrationPatterns(frequency: rows.frequency.map(Int.init), recency: rows.recency, age: rows.age, weight: rows.weight)
        let weeks = Double(s.asOf.daysSinceEpoch - 1 - end.daysSinceEpoch) / 7
        return try Parallelism.withThreads(config.threads) {
            try HoldoutPredictiveInterval(model.intervals).run(model: fit.purchaseModel, actualPurchases: validation.actualPurchases,
                                                               holdoutWeeks: weeks, patterns: patterns)
        }
    }

    /// Writes `report` as clv_model.json is written, whole or not at all.
    public static func write(_ report: CLVReport, to path: String) throws {
        try PartitionWorker.land(path) { try FileSink.write(try JSONReportWriter.bytes(of: report, file: path), to: $0) }
    }

    /// clv_model.json's content as the driver fitted it, or none (no CLV section): what
    /// `partition report --clv-report` reads instead of refitting. Swift's own keys and shortest
    /// round-trip digits, so it reads back to the same values.
    public struct ReportFit: Codable, Sendable {
        public var report: CLVReport?
        /// The CLV charts drawn from pooled statistics (the P(alive) matrix).
        public var charts: CLVChartsReport?
        public init(report: CLVReport?, charts: CLVChartsReport? = nil) { self.report = report; self.charts = charts }
    }

    /// The CLV charts a run spread over machines draws. The tracking plot, from the merged counts
    /// by day (`RepeatPurchaseTracking.Counts`: integers, and the expectation summed per day in
    /// day order, so the single run's bit for bit). The P(alive) matrix, from the current
    /// period's patterns (x, t_x at as-of, with their customers) and the chosen model's P(alive)
    /// of each pattern, which is every customer's of customers.csv. Cell means sum per pattern
    /// (weighted), not per customer: the same to rounding (1e-12 relative).
    public static func charts(_ fit: CLVPooledFit, statistics: PartitionStatistics) throws -> CLVChartsReport? {
        let rows = statistics.currentPatterns
        guard !rows.weight.isEmpty else { return nil }
        let patterns = try CalibrationPatterns(frequency: rows.frequency.map(Int.init), recency: rows.recency, age: rows.age, weight: rows.weight)
        let model = fit.purchaseModel
        let alive = model.patternForecast(patterns, times: [], weights: [], noPurchaseWithin: []).probabilityAlive
        let matrix = ProbabilityAliveMatrix(frequency: patterns.frequency, recency: patterns.recency, probabilityAlive: alive,
                                            customers: patterns.weight.map { Int($0) })
        let tracking = statistics.clv.tracking.flatMap {
            RepeatPurchaseTracking($0, calibrationEnd: fit.calibrationEnd, asOf: fit.asOf, model: model)
        }
        return CLVChartsReport(aliveMatrix: CLVChartsReport.AliveMatrix(matrix, model: model.kind), tracking: tracking.map(CLVChartsReport.Tracking.init))
    }

    public static func writeReportFit(_ fit: ReportFit, to path: String) throws { try PartitionWorker.writeExactJSON(fit, to: path) }

    public static func readReportFit(_ path: String) throws -> ReportFit { try PartitionWorker.readExactJSON(ReportFit.self, from: path) }

    /// Writes what scoring tasks predict with (`CLVScoringFit`), whole or not at all, every
    /// estimate to the bit (`PartitionWorker.writeExactJSON`).
    public static func writeScoringFit(_ fit: CLVPooledFit, to path: String) throws {
        try PartitionWorker.writeExactJSON(CLVScoringFit(fit), to: path)
    }

    /// The scoring fit at `path` (`writeScoringFit`).
    public static func readScoringFit(_ path: String) throws -> CLVScoringFit { try PartitionWorker.readExactJSON(CLVScoringFit.self, from: path) }

    /// The pooled fit scoring tasks predict with: the driver's (`scoringFit`) when given, which
    /// must be of the statistics' periods, else refitted from the statistics' pooled rows; nil
    /// when the run has no CLV section or the data cannot support the models.
    static func scoringFit(_ config: JobConfiguration, statistics: PartitionStatistics, scoringFit: CLVScoringFit?) throws -> CLVPooledFit? {
        guard let scoringFit else { return try fit(config, statistics: statistics) }
        guard let model = model(config) else { return nil }
        let s = statistics.settings
        let lastDay = s.asOf.adding(days: -1)
        let end = s.calibrationEnd.flatMap { $0 < lastDay ? $0 : nil } ?? lastDay
        guard scoringFit.asOf == s.asOf.daysSinceEpoch, scoringFit.calibrationEnd == end.daysSinceEpoch else { throw PartitionError.settingsDiffer }
        return scoringFit.pooledFit(settings: model)
    }

    /// The CLV columns' results for one partition's customers (`table`), predicted with `fit`.
    /// With `valueMatrix`, their quadrants too (`CLVModel.predict`).
    static func predict(_ config: JobConfiguration, fit: CLVPooledFit?, table: CustomerTable,
                        valueMatrix: (historical: [Double], revenue: [Double], current: Double, future: Double)? = nil) throws -> CLVModelFit? {
        guard let fit, let model = model(config) else { return nil }
        return try model.predict(fit, table: table, valueMatrix: valueMatrix)
    }
}

extension PartitionCLV {
    /// The CLV columns a partition's customers.csv rows carry with `fit` (none without one):
    /// customers.csv's, with `value_quadrant` when the value matrix's medians are known.
    static func columns(_ config: JobConfiguration, fit: CLVPooledFit?, valueQuadrant: Bool) -> [String] {
        guard fit != nil, let model = model(config) else { return [] }
        return CustomersCSVWriter.clvHeader.filter { valueQuadrant || $0 != "value_quadrant" }
            + (model.intervals.draws > 0 ? CustomersCSVWriter.intervalHeader : [])
            + (model.forecast.noPurchaseDays.map { [CustomersCSVWriter.noPurchaseColumn(days: $0)] } ?? [])
    }
}
