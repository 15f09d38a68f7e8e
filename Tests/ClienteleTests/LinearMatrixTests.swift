import Testing
@testable import Clientele

/// A plain triple loop, the reference the BLAS wrappers must agree with.
func linearNaiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows { for j in 0..<b.columns { for k in 0..<a.columns { c[i, j] += a[i, k] * b[k, j] } } }
    return c
}

func linearRandomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
    var random = RandomSource(seed: seed)
    return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in random.uniform() * 2 - 1 })
}

@Suite("Matrix and BLAS wrappers")
struct LinearMatrixTests {
    @Test("row-major layout: element (i, j) is elements[i × columns + j], rows and columns round-trip")
    func layout() {
        let m = Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(2) == [3, 6])
        #expect(Matrix(columnArrays: [[1, 4], [2, 5], [3, 6]]) == m)
        #expect(m.transposed.transposed == m)
        #expect(m.transposed.row(0) == [1, 4])
        #expect(m.selectingRows([1, 1, 0]).elements == [4, 5, 6, 4, 5, 6, 1, 2, 3])
    }

    @Test("gemm with and without transposes equals the triple loop", arguments: [(1, 1, 1), (3, 5, 2), (17, 4, 9), (64, 3, 5)])
    func gemmAgrees(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = linearRandomMatrix(m, k, seed: 1), b = linearRandomMatrix(k, n, seed: 2)
        let expected = linearNaiveProduct(a, b)
        let products = [a.multiplied(by: b), a.transposed.multiplied(by: b, transposingSelf: true),
                        a.multiplied(by: b.transposed, transposingOther: true),
                        a.transposed.multiplied(by: b.transposed, transposingSelf: true, transposingOther: true)]
        for p in products {
            #expect(p.rows == m && p.columns == n)
            for e in 0..<p.elements.count { #expect(abs(p.elements[e] - expected.elements[e]) <= 1e-13) }
        }
    }

    @Test("gemm accumulates into C with alpha and beta, and leaves C scaled by beta when k = 0")
    func gemmAlphaBeta() {
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [1, 0, 0, 1]
        var c: [Double] = [10, 10, 10, 10]
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
            BLAS.gemm(m: 2, n: 2, k: 2, alpha: -2, a: a, lda: 2, b: b, ldb: 2, beta: 1, c: c, ldc: 2)
        } } }
        #expect(c == [8, 6, 4, 2])
        var d: [Double] = [3, 3]
        let empty: [Double] = []
        empty.withUnsafeBufferPointer { e in d.withUnsafeMutableBufferPointer { d in
            BLAS.gemm(m: 1, n: 2, k: 0, a: e, lda: 1, b: e, ldb: 2, beta: 0.5, c: d, ldc: 2)
        } }
        #expect(d == [1.5, 1.5])
    }

    @Test("the Gram matrix from syrk is symmetric and equals AᵀA")
    func gram() {
        let a = linearRandomMatrix(50, 4, seed: 3)
        let g = a.gram(), expected = linearNaiveProduct(a.transposed, a)
        for i in 0..<4 { for j in 0..<4 {
            #expect(g[i, j] == g[j, i])
            #expect(abs(g[i, j] - expected[i, j]) <= 1e-12)
        } }
    }

    @Test("gemv equals the matrix product with a one-column matrix")
    func gemv() {
        let a = linearRandomMatrix(7, 3, seed: 4)
        let x: [Double] = [0.5, -1, 2]
        let y = a.multiplied(by: x)
        let expected = linearNaiveProduct(a, Matrix(rows: 3, columns: 1, elements: x))
        for i in 0..<7 { #expect(abs(y[i] - expected.elements[i]) <= 1e-14) }
    }

    @Test("single-threaded blocks keep m × n × k within OpenBLAS's one-thread volume")
    func blockRows() {
        for (inner, outer) in [(3, 5), (12, 18), (1, 1), (1000, 1000)] {
            let rows = BLAS.singleThreadedRows(inner: inner, outer: outer, cap: 1 << 30)
            #expect(rows >= 1)
            #expect(rows == 1 || rows * inner * outer <= BLAS.singleThreadedVolume)
        }
        #expect(BLAS.singleThreadedRows(inner: 3, outer: 5, cap: 2_048) == 2_048)
    }
}
