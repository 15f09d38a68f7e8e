/// A dense matrix of `Double` in row-major order: element (i, j) is `elements[i × columns + j]`.
///
/// The storage is one contiguous array, so a matrix hands BLAS a pointer and a leading dimension
/// (`columns`) without copying. Shapes are checked by preconditions: a wrong shape is a
/// programming error, not a data error (kernels validate data before they build matrices).
public struct Matrix: Sendable, Equatable {
    /// Number of rows (observations, for a feature matrix).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// Row-major elements; `count == rows × columns`.
    public package(set) var elements: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape \(rows)×\(columns) must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over row-major `elements`; `elements.count` must be `rows × columns`.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape \(rows)×\(columns) must not be negative")
        precondition(elements.count == rows * columns,
                     "Matrix \(rows)×\(columns) needs \(rows * columns) elements, got \(elements.count)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from equal-length rows.
    public init(rowArrays: [[Double]]) {
        let c = rowArrays.first?.count ?? 0
        for (i, row) in rowArrays.enumerated() {
            precondition(row.count == c, "row \(i) has \(row.count) elements, row 0 has \(c)")
        }
        self.init(rows: rowArrays.count, columns: c, elements: rowArrays.flatMap { $0 })
    }

    /// A matrix whose column `j` is `columnArrays[j]` (all of equal length).
    public init(columnArrays: [[Double]]) {
        let r = columnArrays.first?.count ?? 0
        for (j, column) in columnArrays.enumerated() {
            precondition(column.count == r, "column \(j) has \(column.count) elements, column 0 has \(r)")
        }
        var m = Matrix(rows: r, columns: columnArrays.count)
        for (j, column) in columnArrays.enumerated() {
            for i in 0..<r { m.elements[i * m.columns + j] = column[i] }
        }
        self = m
    }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Double {
        get {
            assert(row >= 0 && row < rows && column >= 0 && column < columns, "(\(row), \(column)) outside \(rows)×\(columns)")
            return elements[row * columns + column]
        }
        set {
            assert(row >= 0 && row < rows && column >= 0 && column < columns, "(\(row), \(column)) outside \(rows)×\(columns)")
            elements[row * columns + column] = newValue
        }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "row \(i) outside 0..<\(rows)")
        return Array(elements[(i * columns)..<((i + 1) * columns)])
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < columns, "column \(j) outside 0..<\(columns)")
        return (0..<rows).map { elements[$0 * columns + j] }
    }

    /// The transpose (a copy).
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t.elements[j * rows + i] = elements[i * columns + j] } }
        return t
    }

    /// The rows whose indices are listed, in that order.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var m = Matrix(rows: indices.count, columns: columns)
        for (k, i) in indices.enumerated() {
            precondition(i >= 0 && i < rows, "row \(i) outside 0..<\(rows)")
            for j in 0..<columns { m.elements[k * columns + j] = elements[i * columns + j] }
        }
        return m
    }
}
