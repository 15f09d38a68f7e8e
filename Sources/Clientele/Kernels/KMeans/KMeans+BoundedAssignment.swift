import ClienteleSupport
import ClienteleLinear
import ClienteleStore

extension KMeans {
    /// The bounded `.loop` assignment of one block (Hamerly 2010, see `KMeansBounds`): each row
    /// whose bounds, moved by `motion`, settle its label keeps it and gets the moved bounds;
    /// every other row is assigned exactly as `assignRows` does (same `‖c‖²/2 − x·c`, same
    /// order of operations, first minimum wins) and gets fresh bounds from its computed values.
    /// Then each row goes into the block's partial `out` as in `assignRows`: its cluster's sums
    /// and count (update) or its squared distance into the inertia (final), in row order from
    /// zero, so the partial is bit-identical; sets the changed count in `out`.
    /// Audited: sizes asserted below.
    package static func assignBoundedBlock(_ x: UnsafeBufferPointer<Double>, d: Int, centres: UnsafeBufferPointer<Double>,
                                   halfNorms: UnsafeBufferPointer<Double>, k: Int, motion: KMeansMotionTables,
                                   labels: UnsafeMutableBufferPointer<Int32>, upper: UnsafeMutableBufferPointer<Float>,
                                   lower: UnsafeMutableBufferPointer<Float>, out: UnsafeMutableBufferPointer<Double>,
                                   pass: AssignmentPass) {
        let m = labels.count
        precondition(x.count == m * d && centres.count == k * d && halfNorms.count == k && upper.count == m && lower.count == m
                     && out.count == assignmentWidth(k: k, d: d))
        let sums = pass == .update
        let changed: Int
        switch d {
        case 1: changed = assignBoundedRows(x, d: 1, centres: centres, halfNorms: halfNorms, k: k, motion: motion, labels: labels, upper: upper, lower: lower, out: out, sums: sums)
        case 2: changed = assignBoundedRows(x, d: 2, centres: centres, halfNorms: halfNorms, k: k, motion: motion, labels: labels, upper: upper, lower: lower, out: out, sums: sums)
        case 3: changed = assignBoundedRows(x, d: 3, centres: centres, halfNorms: halfNorms, k: k, motion: motion, labels: labels, upper: upper, lower: lower, out: out, sums: sums)
        case 4: changed = assignBoundedRows(x, d: 4, centres: centres, halfNorms: halfNorms, k: k, motion: motion, labels: labels, upper: upper, lower: lower, out: out, sums: sums)
        default: changed = assignBoundedRows(x, d: d, centres: centres, halfNorms: halfNorms, k: k, motion: motion, labels: labels, upper: upper, lower: lower, out: out, sums: sums)
        }
        out[k * d + k] = Double(changed)
    }

    /// `assignBoundedBlock` with d a constant inside each specialisation. Three walks over the
    /// block: the bounds of every row, moved, without a branch (a settled row keeps its label and
    /// its moved bounds; the others are listed); the listed rows, computed exactly as
    /// `assignRows` does with fresh bounds from their computed values; then the sums or the
    /// inertia of the new labels in row order, as `assignRows`'s second walk.
    @inline(__always)
    package static func assignBoundedRows(_ x: UnsafeBufferPointer<Double>, d: Int, centres: UnsafeBufferPointer<Double>,
                                  halfNorms: UnsafeBufferPointer<Double>, k: Int, motion t: KMeansMotionTables,
                                  labels: UnsafeMutableBufferPointer<Int32>, upper: UnsafeMutableBufferPointer<Float>,
                                  lower: UnsafeMutableBufferPointer<Float>, out: UnsafeMutableBufferPointer<Double>,
                                  sums: Bool) -> Int {
        let m = labels.count
        let slack = t.slack, up = t.up, down = t.down
        var changed = 0
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, m)) { pending in
            var count = 0
            if t.fresh {
                for i in 0..<m { pending[i] = Int32(truncatingIfNeeded: i) }
                count = m
            } else {
                for i in 0..<m {
                    let old = Int(labels[i])
                    let u = (Double(upper[i]) + t.grow[old]) * up
                    let l = max(max(0, Double(lower[i]) - t.shrink[old]) * down, (t.separation[old] - u) * down)
                    upper[i] = KMeansBounds.above(u)
                    lower[i] = KMeansBounds.below(l)
                    pending[count] = Int32(truncatingIfNeeded: i)
                    count &+= (l - u) * (l + u) > slack ? 0 : 1
                }
            }
            for p in 0..<count {
                let i = Int(pending[p])
                // Exactly `assignRows`: dot products left to right, first minimum wins.
                let row = i * d
                var dot = x[row] * centres[0]
                for f in 1..<d { dot += x[row + f] * centres[f] }
                var best = 0
                var bestDistance = halfNorms[0] - dot
                var second = Double.infinity
                for j in 1..<k {
                    let c = j * d
                    var dot = x[row] * centres[c]
                    for f in 1..<d { dot += x[row + f] * centres[c + f] }
                    let dist = halfNorms[j] - dot
                    let closer = dist < bestDistance
                    second = min(second, closer ? bestDistance : dist)
                    bestDistance = closer ? dist : bestDistance
                    best = closer ? j : best
                }
                // D_j² = 2 f_j + ‖x‖², widened by the slack that covers the rounding of f̂ and of this sum.
                var xx = x[row] * x[row]
                for f in 1..<d { xx += x[row + f] * x[row + f] }
                upper[i] = KMeansBounds.above(max(0, 2 * bestDistance + xx + slack).squareRoot() * up)
                lower[i] = KMeansBounds.below(max(0, 2 * second + xx - slack).squareRoot() * down)
                let label = Int32(truncatingIfNeeded: best)
                changed &+= labels[i] != label ? 1 : 0
                labels[i] = label
            }
        }
        if sums {
            for i in 0..<m {
                let best = Int(labels[i]), row = i * d
                out[k * d + best] += 1
                for f in 0..<d { out[best * d + f] += x[row + f] }
            }
        } else {
            var inertia = 0.0
            for i in 0..<m { inertia += Matrix.squaredDistance(x, row: i, centres, centre: Int(labels[i]), d: d) }
            out[k * d + k + 1] = inertia
        }
        return changed
    }
}

/// `KMeansMotion` as raw pointers for the per-row loop (valid inside `KMeansMotion.withTables`).
package struct KMeansMotionTables: @unchecked Sendable {
    package let grow: UnsafePointer<Double>
    package let shrink: UnsafePointer<Double>
    package let separation: UnsafePointer<Double>
    package let slack: Double
    package let up: Double
    package let down: Double
    /// No bounds yet (first pass): every row is computed.
    package let fresh: Bool
}

extension KMeansMotion {
    /// Calls `body` with pointers to the tables.
    package func withTables<R>(_ body: (KMeansMotionTables) -> R) -> R {
        grow.withUnsafeBufferPointer { g in
            shrink.withUnsafeBufferPointer { s in
                separation.withUnsafeBufferPointer { p in
                    body(KMeansMotionTables(grow: g.baseAddress!, shrink: s.baseAddress!, separation: p.baseAddress!,
                                            slack: slack, up: up, down: down, fresh: fresh))
                }
            }
        }
    }
}

extension KMeans {
    /// The bounded counterpart of `assign` (`.loop` distances): the same labels and, block by
    /// block, the same partials (sums and counts on an update pass, the inertia on the final
    /// pass), so the same totals. Moves `bounds` to `centres`.
    package func assignBounded(_ x: Matrix, centres: [Double], k: Int, labels: inout [Int32], bounds: inout KMeansBounds,
                       layout: KMeansLayout, pass: AssignmentPass) -> Assignment {
        let d = x.columns
        var norms = [Double](repeating: 0, count: k)
        for j in 0..<k { for f in 0..<d { norms[j] += centres[j * d + f] * centres[j * d + f] } }
        let halfNorms = norms.map { $0 * 0.5 }
        let motion = bounds.motion(to: centres, halfNorms: halfNorms)
        let width = KMeans.assignmentWidth(k: k, d: d)
        let partials = x.elements.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                halfNorms.withUnsafeBufferPointer { hp in
                    labels.withUnsafeMutableBufferPointer { lp in
                        bounds.upper.withUnsafeMutableBufferPointer { up in
                            bounds.lower.withUnsafeMutableBufferPointer { lo in
                                motion.withTables { tables in
                                    let shared = UncheckedSendable((lp, up, lo))
                                    return layout.blockPartials(width: width) { rows, out in
                                        let (lp, up, lo) = shared.value
                                        KMeans.assignBoundedBlock(
                                            UnsafeBufferPointer(rebasing: xp[(rows.lowerBound * d)..<(rows.upperBound * d)]), d: d,
                                            centres: cp, halfNorms: hp, k: k, motion: tables,
                                            labels: UnsafeMutableBufferPointer(rebasing: lp[rows]),
                                            upper: UnsafeMutableBufferPointer(rebasing: up[rows]),
                                            lower: UnsafeMutableBufferPointer(rebasing: lo[rows]), out: out, pass: pass)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        bounds.reference = centres
        bounds.fresh = false
        let total = layout.reduce(partials, width: width)
        return Assignment(sums: Array(total[0..<(k * d)]), counts: total[(k * d)..<(k * d + k)].map { Int($0) },
                          changed: Int(total[k * d + k]), inertia: total[k * d + k + 1])
    }
}
