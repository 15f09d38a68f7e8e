extension KMeans {
    /// The vector type `labelRows` evaluates rows in: one lane a row. Four lanes measured best
    /// on the baseline x86-64 build (SSE2, so each is two registers): at d = 3, k = 5 a pass
    /// over 10^6 rows took 0.23 s per 32 passes against 0.33 s with two lanes, 0.42 s for the
    /// row-at-a-time loop, and 1.0 s with eight lanes, which spill.
    package typealias RowLanes = SIMD4<Double>

    /// Labels each row of a block with the first j minimising `halfNorms[j] − (x₀c_j₀ + x₁c_j₁ + …)`
    /// and returns how many labels changed.
    ///
    /// Four consecutive rows go through the distance loop together, one in each lane of a
    /// `RowLanes`; rows left over when the block's length is not a multiple of four go through
    /// the same formula one at a time. Every lane performs, for its row and each centre, the very
    /// operations of the row-at-a-time loop in the same order (products, then sums left to right,
    /// then the subtraction; no fused multiply-add, which the baseline target does not have and
    /// Swift does not contract to), and the running minimum keeps the earlier centre on ties
    /// (`.<` then a select, as `dist < best ? dist : best`), so the labels are the same bits
    /// whichever path a row takes. Up to four features are held in registers; more go through a
    /// small stack buffer of columns.
    ///
    /// `x` is the block's rows (row-major, `labels.count × d`), `centres` k × d.
    /// Audited: callers (`assignRows`) check the sizes; indices below stay inside them.
    @inline(__always)
    package static func labelRows<W: KMeansFeatureCount>(_: W.Type, _ x: UnsafeBufferPointer<Double>, d: Int, centres: UnsafeBufferPointer<Double>,
                                  halfNorms: UnsafeBufferPointer<Double>, k: Int,
                                  labels: UnsafeMutableBufferPointer<Int32>) -> Int {
        let d = W.resolve(d)
        let m = labels.count
        let lanes = RowLanes.scalarCount
        let whole = m &- m % lanes
        var changed = 0
        guard let xp = x.baseAddress, let lp = labels.baseAddress else { return 0 }
        // Per centre: its half norm, then its d coordinates, each repeated across the lanes.
        let stride = d &+ 1
        withUnsafeTemporaryAllocation(of: RowLanes.self, capacity: k &* stride) { splat in
            for j in 0..<k {
                splat[j &* stride] = RowLanes(repeating: halfNorms[j])
                for f in 0..<d { splat[j &* stride &+ 1 &+ f] = RowLanes(repeating: centres[j &* d &+ f]) }
            }
            let sp = UnsafePointer(splat.baseAddress!)
            if d <= 4 {
                changed = labelGroupsInRegisters(W.self, xp, d: d, splat: sp, k: k, labels: lp, rows: whole)
            } else {
                changed = labelGroupsBuffered(W.self, xp, d: d, splat: sp, k: k, labels: lp, rows: whole)
            }
        }
        for i in whole..<m {
            let label = Int32(truncatingIfNeeded: nearest(W.self, xp + i &* d, d: d, centres: centres, halfNorms: halfNorms, k: k))
            changed &+= lp[i] != label ? 1 : 0
            lp[i] = label
        }
        return changed
    }

    /// One row at a time: the first j minimising `halfNorms[j] − x·c_j`, the dot product summed
    /// left to right. The reference every lane of `labelRows` reproduces.
    @inline(__always)
    package static func nearest<W: KMeansFeatureCount>(_: W.Type, _ row: UnsafePointer<Double>, d: Int, centres: UnsafeBufferPointer<Double>,
                                halfNorms: UnsafeBufferPointer<Double>, k: Int) -> Int {
        let d = W.resolve(d)
        var dot = row[0] * centres[0]
        for f in 1..<d { dot += row[f] * centres[f] }
        var best = 0
        var bestDistance = halfNorms[0] - dot
        for j in 1..<k {
            let c = j &* d
            var dot = row[0] * centres[c]
            for f in 1..<d { dot += row[f] * centres[c &+ f] }
            let dist = halfNorms[j] - dot
            let closer = dist < bestDistance  // branch-free select; ties keep the first
            bestDistance = closer ? dist : bestDistance
            best = closer ? j : best
        }
        return best
    }

    /// Feature f of rows `first ..< first + 4`, one row a lane.
    @inline(__always)
    static func column(_ x: UnsafePointer<Double>, d: Int, first: Int, feature f: Int) -> RowLanes {
        let p = x + (first &* d &+ f)
        return RowLanes(p[0], p[d], p[d &* 2], p[d &* 3])
    }

    /// Nearest centre of each lane's row, given the row's value of `½‖c_j‖² − x·c_j` per centre
    /// through `distance(j)`: a running minimum whose ties keep the earlier centre.
    @inline(__always)
    static func nearestLanes(k: Int, _ distance: (Int) -> RowLanes) -> RowLanes {
        var bestDistance = distance(0)
        var best = RowLanes()
        for j in 1..<k {
            let dist = distance(j)
            let closer = dist .< bestDistance
            bestDistance.replace(with: dist, where: closer)
            best.replace(with: RowLanes(repeating: Double(j)), where: closer)
        }
        return best
    }

    /// Writes the four labels of a group and returns how many changed.
    @inline(__always)
    static func store(_ best: RowLanes, labels: UnsafeMutablePointer<Int32>, first: Int) -> Int {
        var changed = 0
        for l in 0..<RowLanes.scalarCount {
            let label = Int32(best[l])
            changed &+= labels[first &+ l] != label ? 1 : 0
            labels[first &+ l] = label
        }
        return changed
    }

    /// `labelRows`' groups for d ≤ 4: the group's columns stay in registers across the centres.
    @inline(__always)
    static func labelGroupsInRegisters<W: KMeansFeatureCount>(_: W.Type, _ x: UnsafePointer<Double>, d: Int, splat: UnsafePointer<RowLanes>, k: Int,
                                       labels: UnsafeMutablePointer<Int32>, rows: Int) -> Int {
        let d = W.resolve(d)
        var changed = 0
        var first = 0
        while first < rows {
            let x0 = column(x, d: d, first: first, feature: 0)
            let x1 = d > 1 ? column(x, d: d, first: first, feature: 1) : RowLanes()
            let x2 = d > 2 ? column(x, d: d, first: first, feature: 2) : RowLanes()
            let x3 = d > 3 ? column(x, d: d, first: first, feature: 3) : RowLanes()
            let best = nearestLanes(k: k) { j in
                let s = splat + j &* (d &+ 1)
                var dot = x0 * s[1]
                if d > 1 { dot += x1 * s[2] }
                if d > 2 { dot += x2 * s[3] }
                if d > 3 { dot += x3 * s[4] }
                return s[0] - dot
            }
            changed &+= store(best, labels: labels, first: first)
            first &+= RowLanes.scalarCount
        }
        return changed
    }

    /// `labelRows`' groups for any d: each group's d columns are gathered into a stack buffer first.
    @inline(__always)
    static func labelGroupsBuffered<W: KMeansFeatureCount>(_: W.Type, _ x: UnsafePointer<Double>, d: Int, splat: UnsafePointer<RowLanes>, k: Int,
                                    labels: UnsafeMutablePointer<Int32>, rows: Int) -> Int {
        let d = W.resolve(d)
        return withUnsafeTemporaryAllocation(of: RowLanes.self, capacity: d) { columns in
            var changed = 0
            var first = 0
            while first < rows {
                for f in 0..<d { columns[f] = column(x, d: d, first: first, feature: f) }
                let best = nearestLanes(k: k) { j in
                    let s = splat + j &* (d &+ 1)
                    var dot = columns[0] * s[1]
                    for f in 1..<d { dot += columns[f] * s[1 &+ f] }
                    return s[0] - dot
                }
                changed &+= store(best, labels: labels, first: first)
                first &+= RowLanes.scalarCount
            }
            return changed
        }
    }

    /// Adds each row of a block into its cluster's coordinate sums and count, in row order, into
    /// `out` (k·d sums, then k counts), which must hold zeros. For d ≤ 3 a row and its count
    /// travel as one vector `(x₀, …, x_{d−1}, 1, 0…)` into a per-cluster vector accumulator,
    /// whose lanes see the same additions in the same order as the scalar sums (from +0, and
    /// the unused lanes add +0 to +0), and the totals are then added to the zeros of `out`.
    @inline(__always)
    package static func clusterSums<W: KMeansFeatureCount>(_: W.Type, _ x: UnsafeBufferPointer<Double>, d: Int, k: Int,
                                    labels: UnsafeMutableBufferPointer<Int32>, out: UnsafeMutableBufferPointer<Double>) {
        let d = W.resolve(d)
        let m = labels.count
        guard let xp = x.baseAddress else { return }
        if d <= 3 {
            withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: k) { acc in
                acc.initialize(repeating: .zero)
                for i in 0..<m {
                    let row = xp + i &* d
                    var v = SIMD4<Double>.zero
                    for f in 0..<d { v[f] = row[f] }
                    v[d] = 1
                    acc[Int(labels[i])] += v
                }
                for j in 0..<k {
                    for f in 0..<d { out[j &* d &+ f] += acc[j][f] }
                    out[k &* d &+ j] += acc[j][d]
                }
            }
            return
        }
        for i in 0..<m {
            let best = Int(labels[i]), row = i &* d
            out[k &* d &+ best] += 1
            for f in 0..<d { out[best &* d &+ f] += xp[row &+ f] }
        }
    }
}

/// A feature count fixed at compile time, so that the assignment kernels, specialised for each
/// conforming type, unroll their loops over the features and keep a row's columns in registers.
/// `resolve(d)` returns the fixed count (equal to `d` at every call) or, for `AnyFeatureCount`,
/// `d` itself.
package protocol KMeansFeatureCount { static func resolve(_ d: Int) -> Int }

extension KMeans {
    package enum OneFeature: KMeansFeatureCount { @inline(__always) package static func resolve(_: Int) -> Int { 1 } }
    package enum TwoFeatures: KMeansFeatureCount { @inline(__always) package static func resolve(_: Int) -> Int { 2 } }
    package enum ThreeFeatures: KMeansFeatureCount { @inline(__always) package static func resolve(_: Int) -> Int { 3 } }
    package enum FourFeatures: KMeansFeatureCount { @inline(__always) package static func resolve(_: Int) -> Int { 4 } }
    package enum AnyFeatureCount: KMeansFeatureCount { @inline(__always) package static func resolve(_ d: Int) -> Int { d } }
}
