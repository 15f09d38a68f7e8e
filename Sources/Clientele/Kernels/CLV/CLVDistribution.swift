import ClienteleStats

/// The distribution of predicted CLV over customers (docs/definitions.md, "CLV distribution"):
/// customers and summed predicted CLV per bin, bins log-spaced on the 1–2–5 series in money units
/// (…, 1, 2, 5, 10, 20, 50, …), a first bin "≤ 0" when some values are not positive, and a few
/// quantiles. NaN values (customers without a prediction) are left out.
///
/// Bin k holds lowerᵏ < v ≤ upperᵏ. The edges start at the largest series value ≤ the 1st
/// percentile of the positive values (e₀), and a first positive bin 0 < v ≤ e₀ holds the smallest
/// values, so a long thin tail near zero does not take a row per decade. When the values span more
/// than `maximumBins` steps of the 1–2–5 series, the edges are powers of ten.
public struct CLVDistribution: Sendable {
    public struct Bin: Sendable, Hashable {
        /// `nil` for the "≤ 0" bin.
        public let lower: Double?
        public let upper: Double
        public let customers: Int
        /// Σ predicted CLV of the bin's customers (money units).
        public let value: Double
    }

    public static let maximumBins = 14

    public let customers: Int
    public let total: Double
    public let mean: Double
    /// The 50th, 90th and 99th percentiles (nearest rank: the ⌈p·n⌉-th smallest value).
    public let median: Double
    public let percentile90: Double
    public let percentile99: Double
    public let bins: [Bin]

    public init(predictedCLV: [Double]) {
        let values = Self.sortedFinite(predictedCLV)
        let n = values.count
        customers = n
        var sum = 0.0
        for v in values { sum += v }
        total = sum
        mean = n > 0 ? sum / Double(n) : .nan
        func rank(_ p: Double) -> Double { n > 0 ? values[max(0, min(n - 1, Int((p * Double(n)).rounded(.up)) - 1))] : .nan }
        median = rank(0.5); percentile90 = rank(0.9); percentile99 = rank(0.99)
        var bins = [Bin]()
        var i = 0
        var nonPositive = 0, nonPositiveValue = 0.0
        while i < n && values[i] <= 0 { nonPositive += 1; nonPositiveValue += values[i]; i += 1 }
        if nonPositive > 0 { bins.append(Bin(lower: nil, upper: 0, customers: nonPositive, value: nonPositiveValue)) }
        if i < n {
            let positive = n - i
            let low = values[i + max(0, Int((0.01 * Double(positive)).rounded(.up)) - 1)]
            let edges = Self.edges(low: low, high: values[n - 1])
            var count = 0, value = 0.0
            while i < n && values[i] <= edges[0] { count += 1; value += values[i]; i += 1 }
            if count > 0 { bins.append(Bin(lower: 0, upper: edges[0], customers: count, value: value)) }
            for k in 1..<edges.count {
                var count = 0, value = 0.0
                while i < n && values[i] <= edges[k] { count += 1; value += values[i]; i += 1 }
                bins.append(Bin(lower: edges[k - 1], upper: edges[k], customers: count, value: value))
            }
        }
        self.bins = bins
    }

    /// The ranks (0-based, ascending order) whose values fix the distribution's figures and bins,
    /// for `n` finite values of which `nonPositive` are ≤ 0: the median, 90th and 99th
    /// percentiles, the largest value, and (with a positive value) the 1st percentile of the
    /// positive values. A run spread over machines finds exactly these values
    /// (`PartitionedSelection`), then counts its values into the bins they give (`Plan`).
    public static func ranks(count n: Int, nonPositive: Int) -> [Int] {
        func rank(_ p: Double) -> Int { max(0, min(n - 1, Int((p * Double(n)).rounded(.up)) - 1)) }
        let positive = n - nonPositive
        return [rank(0.5), rank(0.9), rank(0.99), n - 1]
            + (positive > 0 ? [nonPositive + max(0, Int((0.01 * Double(positive)).rounded(.up)) - 1)] : [])
    }

    /// The bins of a distribution whose order statistics are known (`ranks`' values), and where
    /// each value falls: bin 0 holds the values ≤ 0, bin 1 + k the positive values ≤ `edges[k]`
    /// above the edge before (`edges[0]`'s bin starts at 0).
    public struct Plan: Sendable, Equatable, Codable {
        public var median: Double
        public var percentile90: Double
        public var percentile99: Double
        public var edges: [Double]

        /// The plan from `ranks`' values in its order.
        public init(values v: [Double]) {
            precondition(v.count >= 4, "CLVDistribution.Plan: \(v.count) order statistics")
            median = v[0]; percentile90 = v[1]; percentile99 = v[2]
            edges = v.count > 4 ? CLVDistribution.edges(low: v[4], high: v[3]) : []
        }

        /// The bin of a finite value.
        public func bin(of value: Double) -> Int {
            guard value > 0 else { return 0 }
            var lo = 0, hi = edges.count - 1
            while lo < hi {  // the first edge ≥ value
                let mid = (lo + hi) / 2
                if edges[mid] >= value { hi = mid } else { lo = mid + 1 }
            }
            return 1 + lo
        }
    }

    /// The distribution from a plan and, per bin of `plan.bin(of:)`, the customers and the sum of
    /// their predicted CLV; `total` the sum over all (the single run's bins, in its order).
    public init(plan: Plan, customers: [Int], values: [Double], total: Double) {
        let n = customers.reduce(0, +)
        self.customers = n
        self.total = total
        mean = n > 0 ? total / Double(n) : .nan
        median = n > 0 ? plan.median : .nan
        percentile90 = n > 0 ? plan.percentile90 : .nan
        percentile99 = n > 0 ? plan.percentile99 : .nan
        var bins = [Bin]()
        if customers[0] > 0 { bins.append(Bin(lower: nil, upper: 0, customers: customers[0], value: values[0])) }
        if !plan.edges.isEmpty {
            if customers[1] > 0 { bins.append(Bin(lower: 0, upper: plan.edges[0], customers: customers[1], value: values[1])) }
            for k in 1..<plan.edges.count {
                bins.append(Bin(lower: plan.edges[k - 1], upper: plan.edges[k], customers: customers[1 + k], value: values[1 + k]))
            }
        }
        self.bins = bins
    }

    /// The finite values ascending, by a parallel radix sort of order-preserving bit patterns
    /// (negative doubles have every bit flipped, the others their sign bit): a comparison sort of
    /// 10⁶ predictions took most of the report stage's serial time.
    package static func sortedFinite(_ values: [Double]) -> [Double] {
        var keys = [UInt64]()
        keys.reserveCapacity(values.count)
        for v in values where v.isFinite {
            let bits = v.bitPattern
            keys.append(bits >> 63 == 1 ? ~bits : bits | (1 << 63))
        }
        var ids = [Int32](repeating: 0, count: keys.count)
        ParallelRadixSort.sort(keys: &keys, ids: &ids)
        return keys.map { Double(bitPattern: $0 >> 63 == 1 ? $0 & ~(1 << 63) : ~$0) }
    }

    /// 1–2–5 edges (or powers of ten) from the largest edge ≤ `low` to the smallest edge ≥ `high`.
    static func edges(low: Double, high: Double) -> [Double] {
        func series(_ mantissas: [Double]) -> [Double] {
            var decade = pow10(Int((log10(low)).rounded(.down)) - 1)
            var edges = [Double]()
            while true {
                for m in mantissas {
                    let e = m * decade
                    if e <= low { edges = [e] } else { edges.append(e) }
                    if e >= high && edges.count >= 2 { return edges }
                }
                decade *= 10
            }
        }
        let fine = series([1, 2, 5])
        return fine.count - 1 <= maximumBins ? fine : series([1])
    }

    private static func pow10(_ k: Int) -> Double {
        var v = 1.0
        if k >= 0 { for _ in 0..<k { v *= 10 } } else { for _ in 0..<(-k) { v /= 10 } }
        return v
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
