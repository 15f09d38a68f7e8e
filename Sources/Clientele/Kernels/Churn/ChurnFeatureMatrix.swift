import ClienteleSupport

/// Named feature columns over rows, stored row-major in one contiguous buffer.
///
/// Row `i`, feature `j` is `values[i * columns + j]`: the layout BLAS reads as an `rows × columns`
/// matrix with leading dimension `columns`. 8 bytes per cell.
public struct ChurnFeatureMatrix: Sendable, Equatable {
    /// Feature names, one per column.
    public let names: [String]
    /// Number of rows.
    public let rows: Int
    /// Row-major values, `rows × names.count`.
    public let values: [Double]

    /// Wraps row-major `values`; `values.count` must equal `rows × names.count`.
    /// - Throws: `ChurnError.lengthMismatch` when it does not.
    public init(names: [String], rows: Int, values: [Double]) throws(ChurnError) {
        guard rows >= 0, values.count == rows * names.count else {
            throw .lengthMismatch(name: "feature matrix values", count: values.count, expected: max(0, rows) * names.count)
        }
        self.names = names
        self.rows = rows
        self.values = values
    }

    /// Builds the matrix from columns of equal length.
    /// - Throws: `ChurnError.lengthMismatch` when a column's length differs from the first one's.
    public init(columns: [(name: String, values: [Double])]) throws(ChurnError) {
        let rows = columns.first?.values.count ?? 0
        let width = columns.count
        for column in columns where column.values.count != rows {
            throw .lengthMismatch(name: "feature \(column.name)", count: column.values.count, expected: rows)
        }
        // Interleaving the columns in fixed row blocks on every thread (a plain copy), into
        // memory written once: no serial zeroing first, and the pages are touched on every thread.
        let values = [Double](unsafeUninitializedCapacity: rows * width) { out, count in
            parallelRanges(rows, size: 32_768) { range in
                for (j, column) in columns.enumerated() {
                    column.values.withUnsafeBufferPointer { v in
                        for i in range { out[i * width + j] = v[i] }
                    }
                }
            }
            count = rows * width
        }
        self.names = columns.map(\.name)
        self.rows = rows
        self.values = values
    }

    /// Number of feature columns.
    public var columns: Int { names.count }

    /// The value of feature `column` in row `row`.
    @inline(__always)
    public subscript(row: Int, column: Int) -> Double { values[row * names.count + column] }

    /// One feature column as an array.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < columns, "column \(j) out of 0..<\(columns)")
        return (0..<rows).map { values[$0 * columns + j] }
    }

    /// The column named `name`, or `nil`.
    public func column(named name: String) -> [Double]? {
        names.firstIndex(of: name).map { column($0) }
    }

    /// The rows at `indices`, in that order.
    public func selecting(rows indices: [Int]) -> ChurnFeatureMatrix {
        let width = columns
        let out = [Double](unsafeUninitializedCapacity: indices.count * width) { out, count in
            values.withUnsafeBufferPointer { values in
                parallelRanges(indices.count, size: 32_768) { range in
                    for r in range {
                        let i = indices[r]
                        precondition(i >= 0 && i < rows, "row \(i) out of 0..<\(rows)")
                        for j in 0..<width { out[r * width + j] = values[i * width + j] }
                    }
                }
            }
            count = indices.count * width
        }
        return ChurnFeatureMatrix(unchecked: names, rows: indices.count, values: out)
    }

    /// The columns named `keep`, in that order (each must exist).
    public func selecting(columns keep: [String]) -> ChurnFeatureMatrix {
        let from = keep.map { name -> Int in
            guard let j = names.firstIndex(of: name) else { preconditionFailure("no feature named \(name)") }
            return j
        }
        let width = columns, kept = from.count
        let out = [Double](unsafeUninitializedCapacity: rows * kept) { out, count in
            values.withUnsafeBufferPointer { values in
                parallelRanges(rows, size: 32_768) { range in
                    for i in range { for (k, j) in from.enumerated() { out[i * kept + k] = values[i * width + j] } }
                }
            }
            count = rows * kept
        }
        return ChurnFeatureMatrix(unchecked: keep, rows: rows, values: out)
    }

    /// Wraps values whose count the caller guarantees.
    package init(unchecked names: [String], rows: Int, values: [Double]) {
        assert(values.count == rows * names.count, "feature matrix \(rows)×\(names.count) has \(values.count) values")
        self.names = names
        self.rows = rows
        self.values = values
    }
}
