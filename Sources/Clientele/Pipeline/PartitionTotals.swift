import Foundation
import ClienteleKernels
import ClienteleReports

/// What report.json's RFM section and segments.csv add up over a partition's scored customers
/// (`partition score --totals`): per segment the customers and the integer sums behind the means
/// (`RFMSegmentSums`), and the customers per score value. Integers: any split, merged in any
/// order, gives the whole run's, so the report built from them (`PartitionReport`) holds the
/// single run's figures.
public struct PartitionTotals: Sendable, Equatable, Codable {
    public var segments: RFMSegmentSums
    /// Customers per score value 1…quantiles.
    public var r: [Int]
    public var f: [Int]
    public var m: [Int]

    /// No scored customer.
    public init(segments: Int, quantiles: Int) {
        self.segments = RFMSegmentSums(segments: segments)
        let zero = [Int](repeating: 0, count: quantiles)
        r = zero; f = zero; m = zero
    }

    /// The totals of a partition's scored customers.
    public init(_ rfm: RFMResult) {
        segments = RFMSegmentSums(rfm)
        let counts = RunReport.ScoreCounts(r: rfm.r, f: rfm.f, m: rfm.m, quantiles: rfm.scorer.quantiles)
        r = counts.r; f = counts.f; m = counts.m
    }

    public func merged(with other: PartitionTotals) -> PartitionTotals {
        precondition(r.count == other.r.count, "PartitionTotals: different quantiles")
        var out = self
        out.segments = segments.merged(with: other.segments)
        out.r = zip(r, other.r).map { $0 + $1 }
        out.f = zip(f, other.f).map { $0 + $1 }
        out.m = zip(m, other.m).map { $0 + $1 }
        return out
    }

    public static func read(_ path: String) throws -> PartitionTotals {
        try PartitionWorker.readJSON(PartitionTotals.self, from: path)
    }

    /// Scored customers.
    public var scored: Int { Int(segments.customers.reduce(0, +)) }
}
