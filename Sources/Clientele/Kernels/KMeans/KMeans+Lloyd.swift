import ClienteleSupport
import ClienteleLinear
import ClienteleStore

extension KMeans {
    /// Lloyd's iterations from `initial` centres, as scikit-learn's `_kmeans_single_lloyd`.
    /// `absoluteTolerance` is `tolerance × meanVariance(x)`, computed once per fit; `progress`
    /// (the caller's `RunProgress.current`, which worker threads do not inherit) sees each iteration.
    /// Unchecked: assumes validated x, initial centres k × d with 1 ≤ k ≤ n.
    /// - Complexity: O(n k d) per iteration; one pass over x per iteration, and one more for
    ///   the inertia (with the final labels when the labels did not repeat).
    package func lloyd(_ x: Matrix, from initial: Matrix, layout: KMeansLayout, absoluteTolerance: Double,
                       progress: RunProgress?) -> KMeansRun {
        let n = x.rows, d = x.columns, k = initial.rows
        var centres = initial.elements
        var labels = [Int32](repeating: -1, count: n)
        var iterations = 0
        var converged = false
        var strict = false
        var emptyRepairs = 0
        for iteration in 0..<maxIterations {
            progress?.iteration(iteration + 1)
            let step = assign(x, centres: centres, k: k, labels: &labels, layout: layout, pass: .update)
            var sums = step.sums, counts = step.counts
            let empty = (0..<k).filter { counts[$0] == 0 }
            if !empty.isEmpty {
                emptyRepairs += KMeans.relocateEmpty(empty, x: x, centres: centres, labels: labels, sums: &sums, counts: &counts)
            }
            let next = KMeans.averaged(sums: sums, counts: counts, k: k, d: d)
            var shift = 0.0
            for e in 0..<(k * d) { let t = next[e] - centres[e]; shift += t * t }
            centres = next
            iterations = iteration + 1
            if step.changed == 0 { strict = true; converged = true; break }
            if shift <= absoluteTolerance { converged = true; break }
        }
        let inertia: Double
        if strict {
            inertia = KMeans.inertia(x, centres: centres, labels: labels, layout: layout)
        } else {
            // Labels that match the final centres, and their inertia, in one pass.
            inertia = assign(x, centres: centres, k: k, labels: &labels, layout: layout, pass: .final).inertia
        }
        return KMeansRun(centres: Matrix(rows: k, columns: d, elements: centres), labels: labels, inertia: inertia,
                         iterations: iterations, converged: converged, emptyClusterRepairs: emptyRepairs)
    }

    /// Result of one assignment pass: per-cluster coordinate sums and counts, how many labels
    /// changed, and (on the final pass) the inertia of the new labels.
    package struct Assignment {
        package var sums: [Double]
        package var counts: [Int]
        package var changed: Int
        package var inertia: Double
    }

    /// What an assignment pass gathers besides the labels.
    package enum AssignmentPass {
        /// Per-cluster sums and counts of the new clusters, for the centre update.
        case update
        /// Σ ‖xᵢ − c_label(i)‖² of the new labels, computed directly (the run's inertia).
        case final
    }

    /// Assigns every row to its nearest centre by `‖c‖² − 2 x·c` (first minimum wins, as
    /// scikit-learn), updating `labels`, and gathers what `pass` asks for. Blocks run in
    /// parallel; partial results are added in block order.
    package func assign(_ x: Matrix, centres: [Double], k: Int, labels: inout [Int32], layout: KMeansLayout, pass: AssignmentPass) -> Assignment {
        let d = x.columns
        var norms = [Double](repeating: 0, count: k)
        for j in 0..<k { for f in 0..<d { norms[j] += centres[j * d + f] * centres[j * d + f] } }
        let width = KMeans.assignmentWidth(k: k, d: d)
        let method = distances
        let partials = x.elements.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                norms.withUnsafeBufferPointer { np in
                    labels.withUnsafeMutableBufferPointer { lp in
                        let shared = UncheckedSendable(lp)
                        return layout.blockPartials(width: width) { rows, out in
                            let block = UnsafeMutableBufferPointer(rebasing: shared.value[rows])
                            let xBlock = UnsafeBufferPointer(rebasing: xp[(rows.lowerBound * d)..<(rows.upperBound * d)])
                            KMeans.assignBlock(xBlock, d: d, centres: cp, norms: np, k: k, method: method, labels: block,
                                               out: out, pass: pass)
                        }
                    }
                }
            }
        }
        let total = layout.reduce(partials, width: width)
        return Assignment(sums: Array(total[0..<(k * d)]), counts: total[(k * d)..<(k * d + k)].map { Int($0) },
                          changed: Int(total[k * d + k]), inertia: total[k * d + k + 1])
    }

    /// Doubles per block partial of an assignment pass: k·d sums, k counts, changes, inertia.
    package static func assignmentWidth(k: Int, d: Int) -> Int { k * d + k + 2 }

    /// One block: labels, and the block's partial in `out` (k·d sums and k counts on an update
    /// pass, the inertia on the final pass, and the number of changed labels on both), each
    /// added in row order. Audited: sizes asserted below.
    package static func assignBlock(_ x: UnsafeBufferPointer<Double>, d: Int, centres: UnsafeBufferPointer<Double>,
                            norms: UnsafeBufferPointer<Double>, k: Int, method: DistanceMethod,
                            labels: UnsafeMutableBufferPointer<Int32>, out: UnsafeMutableBufferPointer<Double>, pass: AssignmentPass) {
        let m = labels.count
        precondition(x.count == m * d && centres.count == k * d && norms.count == k && out.count == assignmentWidth(k: k, d: d))
        if method == .loop {
            // Distances, argmin, labels and sums in one pass over the block, no distance buffer;
            // the feature count is a type inside each case (the kernels are specialised for
            // it, which a constant argument did not achieve through their closures), so the
            // loops over it unroll.
            switch d {
            case 1: assignRows(OneFeature.self, x, d: 1, centres: centres, norms: norms, k: k, labels: labels, out: out, pass: pass)
            case 2: assignRows(TwoFeatures.self, x, d: 2, centres: centres, norms: norms, k: k, labels: labels, out: out, pass: pass)
            case 3: assignRows(ThreeFeatures.self, x, d: 3, centres: centres, norms: norms, k: k, labels: labels, out: out, pass: pass)
            case 4: assignRows(FourFeatures.self, x, d: 4, centres: centres, norms: norms, k: k, labels: labels, out: out, pass: pass)
            default: assignRows(AnyFeatureCount.self, x, d: d, centres: centres, norms: norms, k: k, labels: labels, out: out, pass: pass)
            }
            return
        }
        var changed = 0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, m * k)) { dist in
            for i in 0..<m { for j in 0..<k { dist[i * k + j] = norms[j] } }
            BLAS.gemm(transposeB: true, m: m, n: k, k: d, alpha: -2, a: x, lda: d, b: centres, ldb: d,
                      beta: 1, c: dist, ldc: k)
            for i in 0..<m {
                var best = 0
                var bestDistance = dist[i * k]
                for j in 1..<max(1, k) where dist[i * k + j] < bestDistance {
                    best = j; bestDistance = dist[i * k + j]
                }
                if labels[i] != Int32(best) { changed += 1; labels[i] = Int32(best) }
            }
        }
        switch pass {
        case .update:
            for i in 0..<m {
                let best = Int(labels[i])
                out[k * d + best] += 1
                for f in 0..<d { out[best * d + f] += x[i * d + f] }
            }
        case .final:
            var s = 0.0
            for i in 0..<m { s += Matrix.squaredDistance(x, row: i, centres, centre: Int(labels[i]), d: d) }
            out[k * d + k + 1] = s
        }
        out[k * d + k] = Double(changed)
    }

    /// The `.loop` kernel of `assignBlock` (same contract): for each row, the first j minimising
    /// ‖c_j‖² − 2 (x₀c_j₀ + x₁c_j₁ + …), summed left to right as the GEMM-free formula always
    /// was, so labels do not depend on d being specialised (`labelRows`, four rows at a time);
    /// then the rows go into their clusters' sums (update, `clusterSums`) or their squared
    /// distances into the inertia (final), in row order.
    package static func assignRows<W: KMeansFeatureCount>(_: W.Type, _ x: UnsafeBufferPointer<Double>, d: Int,
                           centres: UnsafeBufferPointer<Double>, norms: UnsafeBufferPointer<Double>, k: Int,
                           labels: UnsafeMutableBufferPointer<Int32>, out: UnsafeMutableBufferPointer<Double>,
                           pass: AssignmentPass) {
        let d = W.resolve(d)
        let m = labels.count
        // ‖c‖²/2 − x·c is exactly half of ‖c‖² − 2 x·c (halving and doubling are exact in
        // binary floating point), so it orders the centres the same, one multiplication fewer.
        let changed = withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { halfNorms in
            for j in 0..<k { halfNorms[j] = norms[j] * 0.5 }
            return labelRows(W.self, x, d: d, centres: centres, halfNorms: UnsafeBufferPointer(halfNorms), k: k, labels: labels)
        }
        out[k * d + k] = Double(changed)
        // A second walk over the block (now in cache) keeps the scattered additions out of the
        // distance loop, whose rows then overlap freely.
        switch pass {
        case .update:
            clusterSums(W.self, x, d: d, k: k, labels: labels, out: out)
        case .final:
            var inertia = 0.0
            for i in 0..<m { inertia += Matrix.squaredDistance(x, row: i, centres, centre: Int(labels[i]), d: d) }
            out[k * d + k + 1] = inertia
        }
    }

    /// scikit-learn's empty-cluster repair: each empty cluster, in index order, takes the next
    /// of the rows farthest from their (old) centres, moving that row's coordinates out of its
    /// cluster's sums. Ties in distance go to the lower row index. Returns the clusters repaired
    /// (0 when every row sits on its centre: more clusters than distinct rows).
    package static func relocateEmpty(_ empty: [Int], x: Matrix, centres: [Double], labels: [Int32], sums: inout [Double], counts: inout [Int]) -> Int {
        let n = x.rows, d = x.columns
        var distance = [Double](repeating: 0, count: n)
        x.elements.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                for i in 0..<n { distance[i] = Matrix.squaredDistance(xp, row: i, cp, centre: Int(labels[i]), d: d) }
            }
        }
        guard let top = distance.max(), top > 0 else { return 0 }
        // The empty.count farthest rows, descending, ties by lower index: O(n × empty.count).
        var far: [Int] = []
        for i in 0..<n where far.count < empty.count || distance[i] > distance[far[far.count - 1]] {
            let at = far.firstIndex { distance[i] > distance[$0] } ?? far.count
            far.insert(i, at: at)
            if far.count > empty.count { far.removeLast() }
        }
        for (e, row) in zip(empty, far) {
            let old = Int(labels[row])
            for f in 0..<d {
                sums[old * d + f] -= x[row, f]
                sums[e * d + f] = x[row, f]
            }
            counts[e] = 1
            counts[old] -= 1
        }
        return empty.count
    }

    /// Centres = sums × (1/count); a cluster still empty takes the largest cluster's centre.
    package static func averaged(sums: [Double], counts: [Int], k: Int, d: Int) -> [Double] {
        var centres = sums
        var largest = 0
        for j in 0..<k where counts[j] > counts[largest] { largest = j }
        for j in 0..<k where counts[j] > 0 {
            let alpha = 1 / Double(counts[j])
            for f in 0..<d { centres[j * d + f] = sums[j * d + f] * alpha }
        }
        for j in 0..<k where counts[j] == 0 {
            for f in 0..<d { centres[j * d + f] = centres[largest * d + f] }
        }
        return centres
    }

    /// Σᵢ ‖xᵢ − c_label(i)‖², computed directly, block partials added in order.
    package static func inertia(_ x: Matrix, centres: [Double], labels: [Int32], layout: KMeansLayout) -> Double {
        let d = x.columns
        let partials = x.elements.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                labels.withUnsafeBufferPointer { lp in
                    layout.blockPartials(width: 1) { rows, out in
                        var s = 0.0
                        for i in rows { s += Matrix.squaredDistance(xp, row: i, cp, centre: Int(lp[i]), d: d) }
                        out[0] = s
                    }
                }
            }
        }
        return partials.reduce(0, +)
    }

    /// Mean over features of the population variance (scikit-learn `_tolerance`'s scale). Each
    /// feature's sums run in row order, the features on every thread (the same bits on any count).
    package static func meanVariance(_ x: Matrix) -> Double {
        let n = x.rows, d = x.columns
        guard n > 0 else { return 0 }
        var squares = [Double](repeating: 0, count: d)
        x.elements.withUnsafeBufferPointer { xp in
            parallelEach(&squares) { f, square in
                var sum = 0.0
                for i in 0..<n { sum += xp[i * d + f] }
                let mean = sum / Double(n)
                var s = 0.0
                for i in 0..<n { let t = xp[i * d + f] - mean; s += t * t }
                square = s
            }
        }
        var total = 0.0
        for f in 0..<d { total += squares[f] / Double(n) }
        return total / Double(d)
    }
}
