import Foundation
import ClienteleStats
import ClienteleKernels

/// The value matrix's thresholds over a run spread on partitions: the medians of historical and
/// predicted CLV over every customer that has both (as `ValueMatrix` splits them), each found
/// exactly by `PartitionedMedian`, one pass over the partitions at a time. Travels as JSON
/// between the driver (`partition value-medians`) and the partitions (`partition value-counts`).
/// The same passes find the order statistics of every customer's predicted CLV that fix the CLV
/// distribution's figures and bins (`distribution`, `CLVDistribution.ranks`), which `score` then
/// counts its customers into (`PartitionTotals.clvBins`).
public struct ValueMatrixMedians: Sendable, Equatable, Codable {
    public var current = PartitionedMedian()
    public var future = PartitionedMedian()
    public var distribution = PartitionedSelection()

    public init() {}

    /// One partition's counts for this pass (or several partitions', merged).
    public struct Counts: Sendable, Equatable, Codable {
        public var current: PartitionedMedian.Counts
        public var future: PartitionedMedian.Counts
        public var distribution: PartitionedSelection.Counts

        public func merged(with other: Counts) -> Counts {
            Counts(current: current.merged(with: other.current), future: future.merged(with: other.future),
                   distribution: distribution.merged(with: other.distribution))
        }
    }

    /// This pass's counts of a partition's customers with both values (`historical` and
    /// `predicted` per customer, NaN where none).
    public func counts(historical: [Double], predicted: [Double]) -> Counts {
        precondition(historical.count == predicted.count, "ValueMatrixMedians: columns of different customers")
        let usable = historical.indices.filter { !historical[$0].isNaN && !predicted[$0].isNaN }
        return Counts(current: current.counts(usable.lazy.map { historical[$0] }), future: future.counts(usable.lazy.map { predicted[$0] }),
                      distribution: distribution.counts(predicted.lazy.filter(\.isFinite)))
    }

    /// The next pass, from every partition's counts merged.
    public mutating func advance(_ merged: Counts) {
        current.advance(merged.current)
        future.advance(merged.future)
        distribution.advance(merged.distribution, ranks: CLVDistribution.ranks)
    }

    public var isComplete: Bool { current.isComplete && future.isComplete && distribution.isComplete }

    /// The CLV distribution's figures and bins, once complete (nil without a predicted CLV).
    public var distributionPlan: CLVDistribution.Plan? {
        guard let values = distribution.values, values.count >= 4 else { return nil }
        return CLVDistribution.Plan(values: values)
    }

    /// The medians, once complete. With no customer that has both values they are NaN and split
    /// nobody; the thresholds then stand at 0, which splits nobody either.
    public var thresholds: (current: Double, future: Double)? {
        guard let c = current.median, let f = future.median else { return nil }
        return c.isNaN || f.isNaN ? (0, 0) : (c, f)
    }

    public static func read(_ path: String) throws -> ValueMatrixMedians {
        try PartitionWorker.readJSON(ValueMatrixMedians.self, from: path)
    }

    public static func readCounts(_ path: String) throws -> Counts {
        try PartitionWorker.readJSON(Counts.self, from: path)
    }
}

extension PartitionWorker {
    /// This pass's value-matrix counts of one partition's customers, scored and predicted as
    /// `score` does them.
    public static func valueCounts(_ config: JobConfiguration, statistics: PartitionStatistics, medians: ValueMatrixMedians,
                                   clvFit: CLVScoringFit? = nil) throws -> ValueMatrixMedians.Counts {
        let scoring = try Scoring(config, statistics: statistics, clvFit: clvFit)
        guard scoring.clv != nil else { throw PartitionError.noCLVModel }
        return try Parallelism.withThreads(config.threads) {
            guard let partition = try scoring.partition(),
                  let clv = try PartitionCLV.predict(config, fit: scoring.clv, table: partition.table) else {
                return medians.counts(historical: [], predicted: [])
            }
            return medians.counts(historical: partition.historicalValue, predicted: clv.predictions.predictedCLV)
        }
    }
}
