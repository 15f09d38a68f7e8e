import ClienteleLinear

/// Hamerly's distance bounds for Lloyd's assignment step (G. Hamerly, "Making k-means even
/// faster", SIAM SDM 2010), made conservative enough that skipping a row never changes a label.
///
/// Each row keeps an upper bound `u ≥ ‖x − c_a‖` to its own centre a and a lower bound
/// `l ≤ min_{j≠a} ‖x − c_j‖` to every other centre. When the centres move by δ_j, the triangle
/// inequality keeps them valid as `u + δ_a` and `l − max_{j≠a} δ_j`; and `‖c_a − c_j‖ − u` is a
/// second lower bound (Hamerly's `s(a)` test). A row whose bounds leave no doubt keeps its label
/// without its k distances being computed.
///
/// **Exactness.** Lloyd's labels are the first minimum of the *computed* `f_j = ‖c_j‖²/2 − x·c_j`
/// (`KMeans.assignRows`), not of the true distances, so a bound only decides when the true gap
/// exceeds what rounding can do to `f`. With `u` the unit roundoff (2⁻⁵³), X ≥ max ‖xᵢ‖ and
/// M ≥ max ‖c_j‖, the standard bound on a d-term dot product (Higham, *Accuracy and Stability of
/// Numerical Algorithms*, §3.1) gives `|f̂_j − f_j| ≤ E = 1.01 (d + 1) u (M + X)²`, and since
/// `D_j² = 2 f_j + ‖x‖²`, `D_j² − D_a² > 4E` for every j ≠ a implies `f̂_a < f̂_j`: the computed
/// argmin (and its tie rule) is certainly a. The pass therefore skips a row only when
/// `l² − u² > slack`, with `slack = 16 (d + 4) u (M + X)² + 2⁻¹⁰⁰⁰ ≥ 4E` (the absolute term
/// covers underflow); every bound is rounded outwards (`relative = 8 (d + 4) u` per step, far
/// above the few ulps each sqrt, sum or product can lose), and bounds made from a row's computed
/// `f̂` are widened by the same slack. A row not settled is computed exactly as plain Lloyd does.
///
/// Memory: two `Float`s a row (8 bytes), each rounded outwards from the `Double` it stores (up
/// for u, down for l), so the narrowing only loosens the bounds; the scale of the data cannot
/// make it unsafe (a bound beyond `Float`'s range becomes ∞ or the largest float, both valid).
package struct KMeansBounds {
    /// Upper bound to the row's own centre, per row (∞ before the first pass).
    package var upper: [Float]
    /// Lower bound to every other centre, per row (0 before the first pass).
    package var lower: [Float]
    /// The centres (k × d) the bounds refer to: those of the last assignment pass.
    package var reference: [Double]
    /// X: at least the largest ‖xᵢ‖.
    package let radius: Double
    /// Whether no pass has made bounds yet.
    package var fresh = true
    package let k: Int
    package let d: Int

    package init(rows n: Int, initial centres: [Double], k: Int, d: Int, radius: Double) {
        upper = [Float](repeating: .infinity, count: n)
        lower = [Float](repeating: 0, count: n)
        reference = centres
        self.radius = radius
        self.k = k
        self.d = d
    }

    /// Outward rounding per arithmetic step: 8 (d + 4) u.
    package static func relative(d: Int) -> Double { Double(8 * (d + 4)) * 0x1p-53 }

    /// How the centres moved since the bounds were made, and the tests' slack, for a pass
    /// against `centres` (k × d); `halfNorms` are the pass's computed ‖c_j‖²/2.
    package func motion(to centres: [Double], halfNorms: [Double]) -> KMeansMotion {
        let rel = KMeansBounds.relative(d: d)
        let up = 1 + rel, down = 1 - rel
        func distance(_ a: [Double], _ i: Int, _ b: [Double], _ j: Int) -> Double {
            var s = 0.0
            for f in 0..<d { let t = a[i * d + f] - b[j * d + f]; s += t * t }
            return s.squareRoot()
        }
        let moved = (0..<k).map { distance(centres, $0, reference, $0) * up }
        var grow = [Double](repeating: 0, count: k)
        var shrink = [Double](repeating: 0, count: k)
        var separation = [Double](repeating: .infinity, count: k)
        var largest = 0.0
        for j in 0..<k {
            grow[j] = moved[j]
            for i in 0..<k where i != j {
                shrink[j] = max(shrink[j], moved[i])
                separation[j] = min(separation[j], distance(centres, j, centres, i) * down)
            }
            largest = max(largest, (2 * halfNorms[j]).squareRoot() * up)
        }
        let scale = (largest + radius) * up
        let slack = 2 * rel * scale * scale * up + 0x1p-1000
        return KMeansMotion(grow: grow, shrink: shrink, separation: separation, slack: slack, up: up, down: down, fresh: fresh)
    }

    /// X = max ‖xᵢ‖, rounded up; blocks in parallel (a maximum does not depend on the order).
    package static func radius(_ x: Matrix, layout: KMeansLayout) -> Double {
        let d = x.columns
        let partials = x.elements.withUnsafeBufferPointer { xp in
            layout.blockPartials(width: 1) { rows, out in
                var m = 0.0
                for i in rows {
                    var s = 0.0
                    for f in 0..<d { s += xp[i * d + f] * xp[i * d + f] }
                    m = max(m, s)
                }
                out[0] = m
            }
        }
        return (partials.max() ?? 0).squareRoot() * (1 + relative(d: d))
    }

    /// The nearest `Float` at or above `v ≥ 0` (an upper bound stays an upper bound). Without a
    /// branch: rounding to nearest goes the wrong way about half the time, which no predictor
    /// learns. For a non-negative finite float, the next one up is the next bit pattern; ∞ and
    /// NaN never compare below `v`.
    @inline(__always)
    package static func above(_ v: Double) -> Float {
        let f = Float(v)
        return Float(bitPattern: f.bitPattern &+ (Double(f) < v ? 1 : 0))
    }

    /// The nearest `Float` at or below `v ≥ 0` (a lower bound stays a lower bound), without a
    /// branch: for a positive float the next one down is the previous bit pattern; 0 is never
    /// above a non-negative `v`.
    @inline(__always)
    package static func below(_ v: Double) -> Float {
        let f = Float(v)
        return Float(bitPattern: f.bitPattern &- (Double(f) > v ? 1 : 0))
    }
}

/// Per-centre tables of one bounded pass (see `KMeansBounds`), all rounded outwards: how far
/// each row's upper bound grows (`grow[a] ≥ δ_a`) and lower bound shrinks
/// (`shrink[a] ≥ max_{j≠a} δ_j`), the distance from each centre to its nearest other centre
/// (`separation[a] ≤ min_{j≠a} ‖c_a − c_j‖`, ∞ for k = 1), and the decision slack.
package struct KMeansMotion {
    package let grow: [Double]
    package let shrink: [Double]
    package let separation: [Double]
    package let slack: Double
    package let up: Double
    package let down: Double
    /// No row has bounds yet: the pass computes every row.
    package let fresh: Bool
}
