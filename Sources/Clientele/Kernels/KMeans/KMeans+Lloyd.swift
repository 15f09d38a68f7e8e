extension KMeans {
    /// Lloyd's iterations from `initial` centres, as scikit-learn's `_kmeans_single_lloyd`.
    /// Unchecked: assumes validated x, initial centres k × d with 1 ≤ k ≤ n.
    /// - Complexity: O(n k d) per iteration.
    func lloyd(_ x: Matrix, from initial: Matrix, layout: KMeansLayout) -> KMeansRun {
        let n = x.rows, d = x.columns, k = initial.rows
        let absoluteTolerance = tolerance * KMeans.meanVariance(x)
        var centres = initial.elements
        var labels = [Int32](repeating: -1, count: n)
        var iterations = 0
        var converged = false
        var strict = false
        var emptyRepairs = 0
        let progress = RunProgress.current
        for iteration in 0..<maxIterations {
            progress?.iteration(iteration + 1)
            let step = assign(x, centres: centres, k: k, labels: &labels, layout: layout, accumulate: true)
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
        if !strict {
            // Labels that match the final centres.
            _ = assign(x, centres: centres, k: k, labels: &labels, layout: layout, accumulate: false)
        }
        let inertia = KMeans.inertia(x, centres: centres, labels: labels, layout: layout)
        return KMeansRun(centres: Matrix(rows: k, columns: d, elements: centres), labels: labels, inertia: inertia,
                         iterations: iterations, converged: converged, emptyClusterRepairs: emptyRepairs)
    }

    /// Result of one assignment pass: per-cluster coordinate sums and counts, and how many
    /// labels changed.
    struct Assignment {
        var sums: [Double]
        var counts: [Int]
        var changed: Int
    }

    /// Assigns every row to its nearest centre by `‖c‖² − 2 x·c` (first minimum wins, as
    /// scikit-learn), updating `labels`; with `accumulate`, also the sums and counts of the new
    /// clusters. Blocks run in parallel; partial sums are added in block order.
    func assign(_ x: Matrix, centres: [Double], k: Int, labels: inout [Int32], layout: KMeansLayout, accumulate: Bool) -> Assignment {
        let d = x.columns
        var norms = [Double](repeating: 0, count: k)
        for j in 0..<k { for f in 0..<d { norms[j] += centres[j * d + f] * centres[j * d + f] } }
        let width = k * d + k + 1  // sums, counts, changed
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
                                               out: out, accumulate: accumulate)
                        }
                    }
                }
            }
        }
        let total = layout.reduce(partials, width: width)
        return Assignment(sums: Array(total[0..<(k * d)]), counts: total[(k * d)..<(k * d + k)].map { Int($0) },
                          changed: Int(total[k * d + k]))
    }

    /// One block: distances, labels, and (optionally) the block's sums, counts and changes in
    /// `out` (k·d sums, k counts, 1 change count). Audited: sizes asserted below.
    static func assignBlock(_ x: UnsafeBufferPointer<Double>, d: Int, centres: UnsafeBufferPointer<Double>,
                            norms: UnsafeBufferPointer<Double>, k: Int, method: DistanceMethod,
                            labels: UnsafeMutableBufferPointer<Int32>, out: UnsafeMutableBufferPointer<Double>, accumulate: Bool) {
        let m = labels.count
        precondition(x.count == m * d && centres.count == k * d && norms.count == k && out.count == k * d + k + 1)
        var changed = 0
        if method == .loop && d == 3 {
            // The default three features: one fused pass, no distance buffer, branch-free argmin
            // (about 3× the generic loop; Benchmarks/kmeans).
            for i in 0..<m {
                let x0 = x[3 * i], x1 = x[3 * i + 1], x2 = x[3 * i + 2]
                var best = 0
                var bestDistance = norms[0] - 2 * (x0 * centres[0] + x1 * centres[1] + x2 * centres[2])
                var j = 1
                while j < k {
                    let dist = norms[j] - 2 * (x0 * centres[3 * j] + x1 * centres[3 * j + 1] + x2 * centres[3 * j + 2])
                    let closer = dist < bestDistance
                    bestDistance = closer ? dist : bestDistance
                    best = closer ? j : best
                    j += 1
                }
                if labels[i] != Int32(best) { changed += 1; labels[i] = Int32(best) }
            }
        } else {
            withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, m * k)) { dist in
                switch method {
                case .gemm:
                    for i in 0..<m { for j in 0..<k { dist[i * k + j] = norms[j] } }
                    BLAS.gemm(transposeB: true, m: m, n: k, k: d, alpha: -2, a: x, lda: d, b: centres, ldb: d,
                              beta: 1, c: dist, ldc: k)
                case .loop:
                    for i in 0..<m {
                        let row = i * d
                        for j in 0..<k {
                            let c = j * d
                            var dot = 0.0
                            for f in 0..<d { dot += x[row + f] * centres[c + f] }
                            dist[i * k + j] = norms[j] - 2 * dot
                        }
                    }
                }
                for i in 0..<m {
                    var best = 0
                    var bestDistance = dist[i * k]
                    for j in 1..<max(1, k) where dist[i * k + j] < bestDistance {
                        best = j; bestDistance = dist[i * k + j]
                    }
                    if labels[i] != Int32(best) { changed += 1; labels[i] = Int32(best) }
                }
            }
        }
        if accumulate {
            for i in 0..<m {
                let best = Int(labels[i])
                out[k * d + best] += 1
                for f in 0..<d { out[best * d + f] += x[i * d + f] }
            }
        }
        out[k * d + k] = Double(changed)
    }

    /// scikit-learn's empty-cluster repair: each empty cluster, in index order, takes the next
    /// of the rows farthest from their (old) centres, moving that row's coordinates out of its
    /// cluster's sums. Ties in distance go to the lower row index. Returns the clusters repaired
    /// (0 when every row sits on its centre: more clusters than distinct rows).
    static func relocateEmpty(_ empty: [Int], x: Matrix, centres: [Double], labels: [Int32], sums: inout [Double], counts: inout [Int]) -> Int {
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
    static func averaged(sums: [Double], counts: [Int], k: Int, d: Int) -> [Double] {
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
    static func inertia(_ x: Matrix, centres: [Double], labels: [Int32], layout: KMeansLayout) -> Double {
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

    /// Mean over features of the population variance (scikit-learn `_tolerance`'s scale).
    static func meanVariance(_ x: Matrix) -> Double {
        let n = x.rows, d = x.columns
        guard n > 0 else { return 0 }
        var total = 0.0
        for f in 0..<d {
            var s = 0.0
            for i in 0..<n { s += x[i, f] }
            let mean = s / Double(n)
            var ss = 0.0
            for i in 0..<n { let t = x[i, f] - mean; ss += t * t }
            total += ss / Double(n)
        }
        return total / Double(d)
    }
}
