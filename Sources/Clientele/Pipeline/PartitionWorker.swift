import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleStore
import ClienteleReports
import ClienteleKernels

/// The per-partition steps of a run spread over machines (`clientele partition …`, driven by
/// Spark): each reads or writes `PartitionStatistics` files, whole or not at all.
public enum PartitionWorker {
    /// Reads one partition's transactions (every row of each of its customers) and returns its
    /// statistics. The periods come from the configuration and must be set (`--as-of`).
    /// With `repeatSpendBuckets`, the Gamma-Gamma rows go to `bucketsOut` instead (x mod the
    /// count: `PartitionGammaGamma.buckets`) and the statistics are marked `repeatSpendApart`.
    public static func summarise(_ config: JobConfiguration, repeatSpendBuckets: Int? = nil,
                                 bucketsOut: (Int, RepeatSpendCounts) throws -> Void = { _, _ in }) throws -> PartitionStatistics {
        var statistics = try summarise(config)
        if let repeatSpendBuckets {
            for (b, counts) in PartitionGammaGamma.buckets(statistics.clv.repeatSpend, buckets: repeatSpendBuckets).sorted(by: { $0.key < $1.key }) {
                try bucketsOut(b, counts)
            }
            statistics.clv.repeatSpend = RepeatSpendCounts()
            statistics.clv.repeatSpendApart = true
        }
        return statistics
    }

    public static func summarise(_ config: JobConfiguration) throws -> PartitionStatistics {
        try config.validate()
        guard let asOf = config.asOf else { throw PartitionError.missingAsOf }
        let settings = PartitionStatistics.Settings(asOf: asOf, calibrationEnd: config.calibrationEnd,
                                                    quantiles: config.rfm.quantiles, monetary: config.rfm.monetary)
        return try Parallelism.withThreads(config.threads) {
            do {
                let loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns,
                                                   options: config.ingestOptions).load()
                var statistics = PartitionStatistics(settings: settings, scorer: config.rfm, loaded: loaded)
                statistics.satisfaction = try satisfaction(config, settings: settings, loaded: loaded)
                return statistics
            } catch IngestError.noDataRows {
                // A hash partition can be empty: it adds nothing (but the orphans among its interactions).
                var statistics = PartitionStatistics(settings: settings, rfm: RFMValueCounts(columns: Array(repeating: .init(), count: 3)))
                statistics.satisfaction = try satisfaction(config, settings: settings, loaded: nil)
                return statistics
            }
        }
    }

    /// Writes the RFM columns of customers.csv (customer_id … historical_clv) for one partition's
    /// customers, scored with the score tables of `statistics` (all partitions merged), and its
    /// CLV columns (`PartitionCLV`), sorted by customer_id within the partition. With
    /// `valueMedians` (complete: `partition value-medians`) the CLV columns include value_quadrant.
    /// `out` must not exist; it appears whole or not at all.
    ///
    /// With `totals`, also writes there (JSON, must not exist) the partition's `PartitionTotals`
    /// for report.json and segments.csv (`partition report`). With a fitted `churn` state it adds
    /// churn_probability and writes the partition's churn_risk.csv rows to `churnRiskOut`
    /// (`scoreChurn`, PartitionWorker+Churn.swift). With a `clusters` state that is done, it adds
    /// the cluster column (`PartitionWorker+KMeans.swift`). With `satisfactionColumns` (the run's
    /// satisfaction analysis ran) and the partition's interactions, it adds mean_satisfaction,
    /// mean_recommend, complaints and loyalty_group: each is one customer's, so the single run's.
    public static func score(_ config: JobConfiguration, statistics: PartitionStatistics, valueMedians: ValueMatrixMedians? = nil,
                             out: String, totals: String? = nil, churn: PartitionChurnState? = nil, churnRiskOut: String? = nil, churnTestOut: String? = nil,
                             churnComparisonOut: String? = nil,
                             clusters: PartitionKMeansState? = nil, satisfactionColumns: Bool = false, clvFit: CLVScoringFit? = nil) throws {
        let satisfactionColumns = satisfactionColumns && config.interactions != nil && config.satisfaction.enabled
        let scoring = try Scoring(config, statistics: statistics, clvFit: clvFit)
        let clusters = clusters?.phase == .done ? clusters : nil
        let churnModel = try churn.map(ChurnModel.init)
        let thresholds = try valueMedians.map { medians throws(PartitionError) in
            guard let t = medians.thresholds else { throw PartitionError.incompleteMedians }
            return t
        }
        try land(out) { temporary in
            try Parallelism.withThreads(config.threads) {
                let partition = try scoring.partition()
                let clv = try partition.flatMap { partition in
                    try PartitionCLV.predict(config, fit: scoring.clv, table: partition.table,
                                             valueMatrix: thresholds.map { (partition.historicalValue, partition.revenue, $0.current, $0.future) })
                }
                var sums = partition.map { PartitionTotals($0.rfm) }
                    ?? PartitionTotals(segments: config.rfm.segments.names.count, quantiles: config.rfm.quantiles)
                if let clv, thresholds != nil { sums.quadrants = clv.valueMatrix.cells.map(PartitionTotals.QuadrantSums.init) }
                if let clv, let partition {
                    sums.addCLV(predictedCLV: clv.predictions.predictedCLV, expectedPurchases: clv.predictions.expectedPurchases,
                                intervals: clv.intervals, rfm: partition.rfm)
                    if let plan = valueMedians?.distributionPlan { sums.addCLVBins(predictedCLV: clv.predictions.predictedCLV, plan: plan) }
                }
                guard let partition else {
                    if let totals { try writeJSON(sums, to: totals) }
                    let header = CustomersCSVWriter.header + (clusters == nil ? [] : ["cluster"])
                        + PartitionCLV.columns(config, fit: scoring.clv, valueQuadrant: thresholds != nil)
                        + (satisfactionColumns ? CustomersCSVWriter.satisfactionHeader : [])
                        + (churnModel == nil ? [] : ["churn_probability"])
                    try FileSink.write(Array((header.joined(separator: ",") + "\n").utf8), to: temporary)
                    if churnModel != nil, let churnRiskOut {
                        try land(churnRiskOut) { try FileSink.write(Array(ChurnRiskCSVWriter.header.utf8), to: $0) }
                    }
                    if let churnModel, let churnTestOut {
                        try PartitionChurnTestRows.write(customers: [], churned: [], model: [], baseline: churnModel.baseline.map { _ in [] },
                                                         index: nil, to: churnTestOut)
                    }
                    if churnModel != nil, let churnComparisonOut { try writeExactJSON(PartitionChurnComparison(), to: churnComparisonOut) }
                    return
                }
                var writer = CustomersCSVWriter(customers: partition.loaded.customers, activity: partition.table.current, rfm: partition.rfm,
                                                cellPolicy: CSVCellPolicy(rawCSV: config.rawCSV))
                writer.clv = clv
                writer.valueQuadrant = thresholds != nil
                if let clusters { writer.clusterLabels = try PartitionKMeansPass.labels(kmeansFeatures(partition, state: clusters), state: clusters) }
                // The partition's customer table with its interactions, read once for the columns that need them.
                let withInteractions = churnModel != nil || satisfactionColumns ? try scoring.withInteractions(partition) : nil
                if satisfactionColumns, let withInteractions {
                    writer.satisfaction = try satisfactionColumnsOf(withInteractions, rfm: partition.rfm, config: config)
                }
                if let churnModel, let withInteractions {
                    sums.churn = try scoreChurn(config, partition: partition, table: withInteractions, model: churnModel, writer: &writer,
                                                riskOut: churnRiskOut, testOut: churnTestOut, comparisonOut: churnComparisonOut)
                }
                if let totals { try writeJSON(sums, to: totals) }
                try writer.write(to: temporary)
            }
        }
    }

    /// What scoring a partition needs from the merged statistics, and the partition scored.
    struct Scoring {
        let config: JobConfiguration
        let asOf: CalendarDay
        let tables: [RFMScoreTable]
        let clv: CLVPooledFit?

        /// `fitCLV`: false for a step that scores RFM only (the purchase models are then not
        /// refitted). `clvFit`: the driver's fit (`partition clv --scoring-fit`), predicted with
        /// instead of a refit from the statistics' pooled rows.
        init(_ config: JobConfiguration, statistics: PartitionStatistics, fitCLV: Bool = true, clvFit: CLVScoringFit? = nil) throws {
            try config.validate()
            guard let asOf = config.asOf else { throw PartitionError.missingAsOf }
            let settings = PartitionStatistics.Settings(asOf: asOf, calibrationEnd: config.calibrationEnd,
                                                        quantiles: config.rfm.quantiles, monetary: config.rfm.monetary)
            guard settings == statistics.settings else { throw PartitionError.settingsDiffer }
            self.config = config
            self.asOf = asOf
            tables = try statistics.rfm.columns.map { try RFMScoreTable($0, quantiles: config.rfm.quantiles, ties: config.rfm.ties) }
            clv = fitCLV ? try PartitionCLV.scoringFit(config, statistics: statistics, scoringFit: clvFit) : nil
        }

        /// One partition's customers, read and RFM-scored; nil for a partition without rows.
        struct Partition {
            let loaded: TransactionLoader.Loaded
            let table: CustomerTable
            let rfm: RFMResult

            /// Historical CLV per customer (NaN for one not scored), as `CLVStage` hands it to the value matrix.
            var historicalValue: [Double] {
                var historical = [Double](repeating: .nan, count: table.count)
                for (row, c) in rfm.customers.enumerated() { historical[Int(c)] = rfm.historicalCLVCents[row] / 100 }
                return historical
            }

            /// Net revenue per customer (NaN for one not scored), as `CLVStage` hands it to the value matrix.
            var revenue: [Double] {
                var revenue = [Double](repeating: .nan, count: table.count)
                for (row, c) in rfm.customers.enumerated() { revenue[Int(c)] = Double(rfm.revenueCents[row]) / 100 }
                return revenue
            }
        }

        /// The partition's customer table built with its interactions (those of the run, none
        /// without an interactions file), as churn and the satisfaction columns read it.
        func withInteractions(_ partition: Partition) throws -> CustomerTable {
            let interactions = try config.interactions.map {
                try InteractionLoader(source: $0, columns: config.interactionColumns, options: config.ingestOptions)
                    .load(customers: partition.loaded.customers).table
            }
            return CustomerTable(orders: partition.loaded.orders, interactions: interactions, asOf: asOf, calibrationEnd: config.calibrationEnd)
        }

        func partition() throws -> Partition? {
            let loaded: TransactionLoader.Loaded
            do {
                loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns,
                                               options: config.ingestOptions).load()
            } catch IngestError.noDataRows {
                return nil
            }
            let table = CustomerTable(orders: loaded.orders, interactions: nil, asOf: asOf, calibrationEnd: config.calibrationEnd)
            return Partition(loaded: loaded, table: table, rfm: try config.rfm.run(table.current, tables: tables))
        }
    }

    /// customers.csv's satisfaction columns of a partition, as `SatisfactionLoyaltyAnalysis` gives
    /// them: the measures from the contacts before as-of, and each scored customer's Jones & Sasser
    /// group from their mean satisfaction and frequency (the job's thresholds).
    static func satisfactionColumnsOf(_ table: CustomerTable, rfm: RFMResult, config: JobConfiguration) throws -> SatisfactionColumns {
        let measures = SatisfactionMeasures(contacts: table.currentContacts!)
        let analysis = config.satisfaction.resolved(scale: config.interactionColumns.satisfactionScale)
        let matrix = try analysis.loyaltyGroups(measures, LoyaltyMeasures(table: table), customers: rfm.customers)
        return SatisfactionColumns(measures: measures, loyaltyGroups: matrix.groups)
    }

    /// The purchase models of `[clv] model` (every available one for `auto`) fitted on the merged
    /// calibration patterns (the current period's without a calibration end), as clv_model.json's
    /// `models` blocks without the holdout errors. The patterns are those of all customers, in
    /// the same order, so the estimates are the single run's to the last bit.
    public static func fit(_ config: JobConfiguration, statistics: PartitionStatistics) throws -> [CLVReport.Model] {
        let patterns = statistics.calibrationPatterns.weight.isEmpty ? statistics.currentPatterns : statistics.calibrationPatterns
        guard !patterns.weight.isEmpty else { throw CLVError.emptyCalibration(calibrationEnd: statistics.settings.calibrationEnd ?? statistics.settings.asOf) }
        let pooled = try CalibrationPatterns(frequency: patterns.frequency.map(Int.init), recency: patterns.recency,
                                             age: patterns.age, weight: patterns.weight)
        return try Parallelism.withThreads(config.threads) {
            try config.clv.model.purchaseModel.kinds.map { kind in
                CLVReport.model(RepeatPurchaseModelCandidate(fit: try kind.fit(pooled, settings: config.clv.model), validation: nil))
            }
        }
    }

    /// Writes the fitted models as JSON (`{"models": [...]}`, clv_model.json's keys), whole or not at all.
    public static func writeFit(_ models: [CLVReport.Model], to path: String) throws {
        struct Fit: Encodable { var models: [CLVReport.Model] }
        try land(path) { try FileSink.write(try JSONReportWriter.bytes(of: Fit(models: models), file: path), to: $0) }
    }

    /// The statistics file at `path`.
    public static func read(_ path: String) throws -> PartitionStatistics {
        try PartitionStatistics(decoding: contents(path), path: path)
    }

    /// Writes `statistics` to `path` whole or not at all; an existing file that is not a statistics file is left alone.
    public static func write(_ statistics: PartitionStatistics, to path: String) throws {
        try write(statistics.encoded(), magic: PartitionStatistics.magic, to: path)
    }

    /// A JSON step file (a churn or k-means state, summary or pass, totals, medians) as `type`.
    public static func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let bytes = try contents(path)
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw PartitionError.unreadable(path: path, reason: "\(error)")
        }
    }

    /// Writes a JSON step file (must not exist; sorted keys, shortest round-trip numbers), whole or not at all.
    /// JSON that carries every double to the bit: shortest round-trip digits, and the
    /// non-finite values as strings (fits and sums that travel between the driver and the tasks).
    static func exactEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func exactDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Writes `value` (`exactEncoder`) whole or not at all; `path` must not exist.
    static func writeExactJSON(_ value: some Encodable, to path: String) throws {
        let bytes = Array(try exactEncoder().encode(value))
        try land(path) { try FileSink.write(bytes, to: $0) }
    }

    static func readExactJSON<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let bytes = try contents(path)
        do { return try exactDecoder().decode(type, from: Data(bytes)) } catch {
            throw PartitionError.unreadable(path: path, reason: "\(error)")
        }
    }

    public static func writeJSON(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array(try encoder.encode(value))
        try land(path) { try FileSink.write(bytes, to: $0) }
    }

    /// The bytes of a file a step wrote, for its decoder.
    static func contents(_ path: String) throws -> [UInt8] {
        do { return Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw PartitionIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Writes a step's binary file through a temporary file renamed into place, so a reader sees
    /// the old file or the new one. An existing file is replaced only when it starts with `magic`
    /// (an earlier output of the same step); anything else at `path` is left alone.
    static func write(_ bytes: [UInt8], magic: [UInt8], to path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: magic.count)) ?? nil
            guard let head, Array(head) == magic else { throw PartitionIOError.wouldOverwrite(path: path) }
        }
        try land(path, replacing: true) { try FileSink.write(bytes, to: $0) }
    }

    /// Writes `path` whole or not at all: `write` fills a temporary file beside it, renamed into
    /// place. An existing `path` is an error unless `replacing` (the caller has checked it is its own).
    static func land(_ path: String, replacing: Bool = false, _ write: (String) throws -> Void) throws {
        guard replacing || !FileManager.default.fileExists(atPath: path) else { throw PartitionIOError.wouldOverwrite(path: path) }
        let temporary = path + ".tmp-\(getpid())"
        do {
            try write(temporary)
            guard rename(temporary, path) == 0 else { throw PartitionIOError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// A statistics file that cannot be read or written.
public enum PartitionIOError: ClienteleError, Equatable {
    case unreadable(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case wouldOverwrite(path: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .unreadable: return .noInput
        case .cannotWrite: return .ioError
        case .wouldOverwrite: return .cantCreate
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .wouldOverwrite(let path): return "\(path) exists and is not a partition statistics file; it is left as it is"
        }
    }
}
