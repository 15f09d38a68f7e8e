import ClienteleSupport
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
/// Default (docs/definitions.md): log1p(recency_days), log1p(frequency), log1p(max(monetary, 0)),
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
        // Element-wise, so spread over the threads in fixed row blocks: the same values on any count.
        let transformed = writeOnceColumns(3, length: n) { out in
            recencyDays.withUnsafeBufferPointer { r in
                frequency.withUnsafeBufferPointer { f in
                    monetary.withUnsafeBufferPointer { m in
                        parallelRanges(n, size: featureBlock) { rows in
                            for i in rows {
                                out[0][i] = log1p(r[i])
                                out[1][i] = log1p(f[i])
                                out[2][i] = log1p(max(m[i], 0))
                            }
                        }
                    }
                }
            }
        }
        return try KMeansFeatures(names: ["log1p_recency_days", "log1p_frequency", "log1p_monetary"], columns: transformed,
                                  profileNames: ["recency_days", "frequency", "monetary"],
                                  profileColumns: [recencyDays, frequency, monetary])
    }

    /// Rows per block of the element-wise passes spread over the threads (a size only, so the
    /// blocks never depend on the thread count).
    package static let featureBlock = 32_768

    /// `values.map(transform)` with the elements spread over the threads in fixed row blocks:
    /// element-wise, so the same values on any thread count.
    package static func map(_ values: [Double], _ transform: (Double) -> Double) -> [Double] {
        let n = values.count
        return [Double](unsafeUninitializedCapacity: n) { out, count in
            values.withUnsafeBufferPointer { v in
                parallelRanges(n, size: featureBlock) { rows in
                    for i in rows { out[i] = transform(v[i]) }
                }
            }
            count = n
        }
    }

    /// Standardises `columns` (already transformed) into the feature matrix.
    public init(names: [String], columns: [[Double]], profileNames: [String], profileColumns: [[Double]]) throws(KMeansError) {
        precondition(names.count == columns.count && profileNames.count == profileColumns.count, "one name per column")
        guard !columns.isEmpty else { throw .noFeatures }
        let n = columns[0].count
        for (name, c) in zip(names, columns) where c.count != n { throw .featureLength(name: name, count: c.count, expected: n) }
        for (name, c) in zip(profileNames, profileColumns) where c.count != n { throw .featureLength(name: name, count: c.count, expected: n) }
        // Each column's sums run serially in row order, as they always have (they reach the
        // outputs); a finite sum proves the column finite (a NaN or an infinity would make it
        // NaN or infinite), so the rows are searched for the culprit only when it is not.
        // The columns are independent: one at a time on each thread.
        let d = columns.count
        var sums = [(s: Double, ss: Double)](repeating: (0, 0), count: d)
        parallelEach(&sums) { j, sums in
            sums = columns[j].withUnsafeBufferPointer { v -> (Double, Double) in
                var s = 0.0
                for i in 0..<n { s += v[i] }
                let mean = n > 0 ? s / Double(n) : 0
                var ss = 0.0
                for i in 0..<n { ss += (v[i] - mean) * (v[i] - mean) }
                return (s, ss)
            }
        }
        var means: [Double] = [], sds: [Double] = [], scales: [Double] = []
        for (j, c) in columns.enumerated() {
            let (s, ss) = sums[j]
            if !s.isFinite, let i = c.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: i, column: j, value: c[i]) }
            let mean = n > 0 ? s / Double(n) : 0
            let sd = n > 0 ? (ss / Double(n)).squareRoot() : 0
            means.append(mean); sds.append(sd); scales.append(sd > 0 ? sd : 1)
        }
        // The standardised values, written straight into the row-major matrix in fixed row
        // blocks on every thread (element-wise: the same bytes on any thread count).
        let elements = [Double](unsafeUninitializedCapacity: n * d) { out, count in
            parallelRanges(n, size: KMeansFeatures.featureBlock) { rows in
                for j in 0..<d {
                    let mean = means[j], scale = scales[j]
                    columns[j].withUnsafeBufferPointer { v in
                        for i in rows { out[i * d + j] = (v[i] - mean) / scale }
                    }
                }
            }
            count = n * d
        }
        self.names = names
        self.matrix = Matrix(rows: n, columns: d, elements: elements)
        self.means = means
        self.standardDeviations = sds
        self.profileNames = profileNames
        self.profileColumns = profileColumns
    }
}
