import ClienteleLinear

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standardised feature matrix k-means clusters, with the original-unit columns its
/// cluster profiles are reported in.
///
/// Default (DESIGN, Definitions): log1p(recency_days), log1p(frequency), log1p(max(monetary, 0)),
/// each standardised to mean 0 and population standard deviation 1. A constant feature (sd 0)
/// is centred and left unscaled, as scikit-learn's `StandardScaler` does.
public struct KMeansFeatures: Sendable, Equatable {
    /// Feature names, one per matrix column.
    public let names: [String]
    /// n × d standardised features.
    public let matrix: Matrix
    /// Mean and population sd of each transformed feature before standardising.
    public let means: [Double]
    public let standardDeviations: [Double]
    /// Columns averaged per cluster for the profiles (original units), and their names.
    public let profileNames: [String]
    public let profileColumns: [[Double]]

    /// The default RFM features of n customers; profiles are recency_days, frequency, monetary.
    /// - Throws: `KMeansError.featureLength` when the arrays differ in length,
    ///   `.nonFiniteValue` for a non-finite input.
    public static func rfm(recencyDays: [Double], frequency: [Double], monetary: [Double]) throws(KMeansError) -> KMeansFeatures {
        let n = recencyDays.count
        guard frequency.count == n else { throw .featureLength(name: "frequency", count: frequency.count, expected: n) }
        guard monetary.count == n else { throw .featureLength(name: "monetary", count: monetary.count, expected: n) }
        let transformed = [recencyDays.map { log1p($0) }, frequency.map { log1p($0) }, monetary.map { log1p(max($0, 0)) }]
        return try KMeansFeatures(names: ["log1p_recency_days", "log1p_frequency", "log1p_monetary"], columns: transformed,
                                  profileNames: ["recency_days", "frequency", "monetary"],
                                  profileColumns: [recencyDays, frequency, monetary])
    }

    /// Standardises `columns` (already transformed) into the feature matrix.
    public init(names: [String], columns: [[Double]], profileNames: [String], profileColumns: [[Double]]) throws(KMeansError) {
        precondition(names.count == columns.count && profileNames.count == profileColumns.count, "one name per column")
        guard !columns.isEmpty else { throw .noFeatures }
        let n = columns[0].count
        for (name, c) in zip(names, columns) where c.count != n { throw .featureLength(name: name, count: c.count, expected: n) }
        for (name, c) in zip(profileNames, profileColumns) where c.count != n { throw .featureLength(name: name, count: c.count, expected: n) }
        for (j, c) in columns.enumerated() {
            if let i = c.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: i, column: j, value: c[i]) }
        }
        var means: [Double] = [], sds: [Double] = []
        var standardised: [[Double]] = []
        for c in columns {
            var s = 0.0
            for v in c { s += v }
            let mean = n > 0 ? s / Double(n) : 0
            var ss = 0.0
            for v in c { ss += (v - mean) * (v - mean) }
            let sd = n > 0 ? (ss / Double(n)).squareRoot() : 0
            let scale = sd > 0 ? sd : 1
            means.append(mean); sds.append(sd)
            standardised.append(c.map { ($0 - mean) / scale })
        }
        self.names = names
        self.matrix = Matrix(columnArrays: standardised)
        self.means = means
        self.standardDeviations = sds
        self.profileNames = profileNames
        self.profileColumns = profileColumns
    }
}
