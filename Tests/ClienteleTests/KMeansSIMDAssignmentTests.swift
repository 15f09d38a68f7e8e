import Testing
@testable import Clientele
@testable import ClienteleKernels

/// The assignment step written out one row at a time, as the specification the vectorised
/// kernel (`KMeans.labelRows`, four rows a vector) must reproduce bit for bit: per row, the k
/// values `‖c_j‖²/2 − x·c_j` (dot products left to right from the first feature, no fused
/// multiply-add), the first minimum wins; then, in row order from zero, each row into its
/// cluster's sums and count (update pass) or its squared distance into the inertia (final pass).
enum PlainAssignment {
    /// One block: the new labels and the block's partial (k·d sums, k counts, changes, inertia).
    static func block(_ x: [Double], d: Int, centres: [Double], k: Int, labels: [Int32],
                      pass: KMeans.AssignmentPass) -> (labels: [Int32], out: [Double]) {
        let m = x.count / d
        var halfNorms = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var s = 0.0
            for f in 0..<d { s += centres[j * d + f] * centres[j * d + f] }
            halfNorms[j] = s * 0.5
        }
        var labels = labels
        var out = [Double](repeating: 0, count: k * d + k + 2)
        for i in 0..<m {
            var best = 0, bestValue = 0.0
            for j in 0..<k {
                var dot = x[i * d] * centres[j * d]
                for f in 1..<d { dot += x[i * d + f] * centres[j * d + f] }
                let value = halfNorms[j] - dot
                if j == 0 || value < bestValue { best = j; bestValue = value }
            }
            if labels[i] != Int32(best) { out[k * d + k] += 1 }
            labels[i] = Int32(best)
        }
        switch pass {
        case .update:
            for i in 0..<m {
                let j = Int(labels[i])
                out[k * d + j] += 1
                for f in 0..<d { out[j * d + f] += x[i * d + f] }
            }
        case .final:
            for i in 0..<m {
                var s = 0.0
                for f in 0..<d { let t = x[i * d + f] - centres[Int(labels[i]) * d + f]; s += t * t }
                out[k * d + k + 1] += s
            }
        }
        return (labels, out)
    }
}

@Suite("KMeans vectorised assignment against the row-at-a-time specification")
struct KMeansSIMDAssignmentTests {
    /// Uniform values in [−spread, spread), or small integers (many exact ties) when `grid`.
    func values(_ count: Int, seed: UInt64, spread: Double = 3, grid: Bool = false) -> [Double] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in grid ? Double(random.index(below: 5)) - 2 : spread * (2 * random.uniform() - 1) }
    }

    /// `KMeans.assignBlock` (`.loop`) on one block equals `PlainAssignment.block`, bit for bit.
    func expectBlock(_ x: [Double], d: Int, centres: [Double], k: Int, labels: [Int32], pass: KMeans.AssignmentPass,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let plain = PlainAssignment.block(x, d: d, centres: centres, k: k, labels: labels, pass: pass)
        var norms = [Double](repeating: 0, count: k)
        for j in 0..<k { for f in 0..<d { norms[j] += centres[j * d + f] * centres[j * d + f] } }
        var got = labels
        var out = [Double](repeating: 0, count: KMeans.assignmentWidth(k: k, d: d))
        x.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                norms.withUnsafeBufferPointer { np in
                    got.withUnsafeMutableBufferPointer { lp in
                        out.withUnsafeMutableBufferPointer { op in
                            KMeans.assignBlock(xp, d: d, centres: cp, norms: np, k: k, method: .loop, labels: lp, out: op, pass: pass)
                        }
                    }
                }
            }
        }
        #expect(got == plain.labels, "labels, d = \(d), k = \(k), rows = \(labels.count)", sourceLocation: sourceLocation)
        #expect(out.map(\.bitPattern) == plain.out.map(\.bitPattern), "partial, d = \(d), k = \(k), rows = \(labels.count)",
                sourceLocation: sourceLocation)
    }

    @Test("every feature count (1–4 in registers, 5–7 through the column buffer), k from 1 to 9, and block lengths with every remainder modulo four",
          arguments: [1, 2, 3, 4, 5, 6, 7])
    func featureCounts(d: Int) {
        for k in [1, 2, 3, 5, 8, 9] {
            for m in [1, 2, 3, 4, 5, 6, 7, 8, 63, 2_045, 2_047, 2_048] {
                let x = values(m * d, seed: UInt64(1_000 * d + 10 * k + m))
                let centres = values(k * d, seed: UInt64(7 + k * d), spread: 2)
                // Previous labels cycling through the clusters: some rows keep theirs, some change.
                let previous = (0..<m).map { Int32(($0 * 7 + k) % k) }
                expectBlock(x, d: d, centres: centres, k: k, labels: previous, pass: .update)
                expectBlock(x, d: d, centres: centres, k: k, labels: previous, pass: .final)
            }
        }
    }

    @Test("exact ties keep the first centre in every lane: integer grids, duplicated centres, and a centre repeated in every slot",
          arguments: [1, 2, 3, 4, 5])
    func ties(d: Int) {
        let m = 1_027
        let x = values(m * d, seed: UInt64(40 + d), grid: true)
        // Grid centres: many rows equidistant from two of them; centre 3 repeats centre 1 exactly.
        var centres = values(5 * d, seed: UInt64(50 + d), grid: true)
        for f in 0..<d { centres[3 * d + f] = centres[1 * d + f] }
        let previous = [Int32](repeating: 3, count: m)
        expectBlock(x, d: d, centres: centres, k: 5, labels: previous, pass: .update)
        expectBlock(x, d: d, centres: centres, k: 5, labels: previous, pass: .final)
        // All centres equal: every row ties everywhere and must take centre 0.
        let same = (0..<4).flatMap { _ in Array(centres[0..<d]) }
        expectBlock(x, d: d, centres: same, k: 4, labels: previous, pass: .update)
        // Zero centres and zero rows: values of +0 and −0 compare equal and keep the first.
        let zeros = [Double](repeating: 0, count: 3 * d)
        let signed = (0..<(9 * d)).map { $0 % 2 == 0 ? 0.0 : -0.0 }
        expectBlock(signed, d: d, centres: zeros, k: 3, labels: [Int32](repeating: 2, count: 9), pass: .update)
    }

    @Test("rows whose values are far apart in magnitude: the same rounding in every lane as one row at a time")
    func badlyScaled() {
        for d in [2, 3, 5] {
            let m = 2_001
            let x = values(m * d, seed: UInt64(d)).enumerated().map { $0.offset % 3 == 0 ? 1e6 + $0.element * 1e-3 : $0.element * 1e-9 }
            let centres = values(4 * d, seed: UInt64(90 + d)).enumerated().map { $0.offset % 3 == 0 ? 1e6 + $0.element * 1e-3 : $0.element }
            expectBlock(x, d: d, centres: centres, k: 4, labels: [Int32](repeating: 0, count: m), pass: .update)
            expectBlock(x, d: d, centres: centres, k: 4, labels: [Int32](repeating: 0, count: m), pass: .final)
        }
    }

    @Test("a whole pass over many blocks and a ragged last block: labels, sums, counts, changes and inertia as block partials added in block order, on 1 to 4 threads",
          arguments: [1, 2, 3, 4])
    func wholePass(threads: Int) {
        for d in [1, 3, 4, 6] {
            let k = 5
            let n = 5 * 2_048 + 3
            let x = Matrix(rows: n, columns: d, elements: values(n * d, seed: UInt64(300 + d)))
            let centres = values(k * d, seed: UInt64(400 + d), spread: 2)
            let layout = KMeansLayout(x, k: k, threads: threads)
            #expect(layout.blocks.count > 1 && layout.blocks.last!.count % 4 != 0)
            for pass in [KMeans.AssignmentPass.update, .final] {
                let previous = (0..<n).map { Int32($0 % k) }
                var expectedLabels = previous
                var total = [Double](repeating: 0, count: KMeans.assignmentWidth(k: k, d: d))
                for rows in layout.blocks {
                    let block = PlainAssignment.block(Array(x.elements[(rows.lowerBound * d)..<(rows.upperBound * d)]), d: d,
                                                      centres: centres, k: k, labels: Array(previous[rows]), pass: pass)
                    expectedLabels.replaceSubrange(rows, with: block.labels)
                    for e in total.indices { total[e] += block.out[e] }
                }
                var labels = previous
                let step = Parallelism.withThreads(threads) {
                    KMeans().assign(x, centres: centres, k: k, labels: &labels, layout: layout, pass: pass)
                }
                #expect(labels == expectedLabels)
                #expect(step.changed == Int(total[k * d + k]))
                switch pass {
                case .update:
                    #expect(step.sums.map(\.bitPattern) == total[0..<(k * d)].map(\.bitPattern))
                    #expect(step.counts == total[(k * d)..<(k * d + k)].map { Int($0) })
                case .final:
                    #expect(step.inertia.bitPattern == total[k * d + k + 1].bitPattern)
                }
            }
        }
    }
}
