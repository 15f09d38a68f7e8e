import ClienteleKernels

#if canImport(Glibc)
import Glibc
#endif

/// The standardisation of k-means' default features over every partition's customers, from the
/// merged RFM value counts: each feature's mean and population standard deviation (1 for a
/// constant feature, as `KMeansFeatures` scales), and the mean variance of the standardised
/// features (`KMeans.meanVariance`, the tolerance's scale). The features are those of
/// `KMeansFeatures.rfm`: log1p(recency_days), log1p(frequency), log1p(max(monetary, 0)), computed
/// with the same operations, so they differ from the single run's only by the order the sums add in.
public struct PartitionKMeansScale: Codable, Sendable, Equatable {
    /// clusters.csv's profile columns (original units).
    public static let profileNames = ["recency_days", "frequency", "monetary"]

    public var means: [Double]
    public var scales: [Double]
    public var meanVariance: Double

    /// From the merged value counts (keys: negated recency days, orders, monetary cents).
    public init(_ rfm: RFMValueCounts) {
        var means: [Double] = [], scales: [Double] = []
        var varianceSum = 0.0
        for (j, column) in rfm.columns.enumerated() {
            let values = column.keys.map { Self.transformed(Self.original(key: $0, feature: j)) }
            let counts = column.counts.map(Double.init)
            let n = counts.reduce(0, +)
            var s = 0.0
            for (v, c) in zip(values, counts) { s += c * v }
            let mean = n > 0 ? s / n : 0
            var ss = 0.0
            for (v, c) in zip(values, counts) { ss += c * (v - mean) * (v - mean) }
            let sd = n > 0 ? (ss / n).squareRoot() : 0
            let scale = sd > 0 ? sd : 1
            means.append(mean)
            scales.append(scale)
            // The standardised feature's own mean and variance, as KMeans.meanVariance takes them.
            var zs = 0.0
            for (v, c) in zip(values, counts) { zs += c * ((v - mean) / scale) }
            let zMean = n > 0 ? zs / n : 0
            var zss = 0.0
            for (v, c) in zip(values, counts) { let t = (v - mean) / scale - zMean; zss += c * t * t }
            varianceSum += n > 0 ? zss / n : 0
        }
        self.means = means
        self.scales = scales
        self.meanVariance = varianceSum / Double(max(1, rfm.columns.count))
    }

    /// A customer's value in original units from its value-count key.
    static func original(key: Int64, feature: Int) -> Double {
        switch feature {
        case 0: return Double(-key)
        case 1: return Double(key)
        default: return Double(key) / 100
        }
    }

    /// log1p(max(v, 0)), as `KMeansFeatures.rfm` (recency and frequency are never negative).
    @inline(__always)
    static func transformed(_ v: Double) -> Double { log1p(max(v, 0)) }

    /// The standardised features (row-major, 3 a customer) and the original-unit profile values of
    /// RFM-scored customers.
    public func rows(recencyDays: [Int32], frequency: [Int32], monetaryCents: [Int64]) -> (standardised: [Double], profile: [Double]) {
        let n = recencyDays.count
        var z = [Double](repeating: 0, count: n * 3), profile = [Double](repeating: 0, count: n * 3)
        for i in 0..<n {
            let recency = Double(recencyDays[i]), orders = Double(frequency[i]), monetary = Double(monetaryCents[i]) / 100
            profile[i * 3] = recency
            profile[i * 3 + 1] = orders
            profile[i * 3 + 2] = monetary
            z[i * 3] = (Self.transformed(recency) - means[0]) / scales[0]
            z[i * 3 + 1] = (Self.transformed(orders) - means[1]) / scales[1]
            z[i * 3 + 2] = (Self.transformed(monetary) - means[2]) / scales[2]
        }
        return (z, profile)
    }
}
