import ClienteleSupport
import ClienteleLinear

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension KMeans {
    /// Greedy k-means++ seeding (scikit-learn `_kmeans_plusplus`, unit weights).
    ///
    /// The first centre is a uniform random row. Then, k − 1 times: draw `2 + ⌊ln k⌋` candidate
    /// rows, each the first row whose running sum of D² (squared distance to the nearest chosen
    /// centre) reaches `u × ΣD²`, u uniform on [0, 1); keep the candidate whose addition gives
    /// the smallest ΣD². Unchecked: assumes validated x and 1 ≤ k ≤ n.
    ///
    /// One walk over the rows a step, not two: the new D² after a step, `min(D², ‖x − chosen‖²)`,
    /// is what the step's walk already summed for the chosen candidate, so its block sums are the
    /// next step's block totals as they are (same values, same order), and the D² array itself
    /// is brought up to date at the start of the next step's walk (and, for the one block the
    /// next draws land in, by the draw itself). The last step's update, never read, is not made.
    /// - Complexity: O(n d k (2 + ln k)); k walks over the rows.
    package func seedCentres(_ x: Matrix, k: Int, layout: KMeansLayout, random: inout RandomSource) -> Matrix {
        let n = x.rows, d = x.columns
        var centres = Matrix(rows: k, columns: d)
        let first = random.index(below: n)
        for f in 0..<d { centres[0, f] = x[first, f] }
        var closest = [Double](repeating: 0, count: n)
        // D² to the first centre, and each block's total.
        var totals = x.elements.withUnsafeBufferPointer { xp in
            closest.withUnsafeMutableBufferPointer { cp in
                let out = UncheckedSendable(cp)
                let c0 = Array(xp[(first * d)..<((first + 1) * d)])
                return layout.blockPartials(width: 1) { rows, total in
                    c0.withUnsafeBufferPointer { c in
                        var s = 0.0
                        for i in rows {
                            let dist = Matrix.squaredDistance(xp, row: i, c, centre: 0, d: d)
                            out.value[i] = dist
                            s += dist
                        }
                        total[0] = s
                    }
                }
            }
        }
        var potential = totals.reduce(0, +)
        let trials = 2 + Int(log(Double(k)))
        guard k > 1 else { return centres }
        // The last chosen centre, not yet folded into `closest` (empty before the first step).
        var pending: [Double] = []
        for c in 1..<k {
            var candidates = [Int](repeating: 0, count: trials)
            for t in 0..<trials {
                candidates[t] = KMeans.sampleIndex(target: random.uniform() * potential, x: x, weights: closest, pending: pending,
                                                   blockTotals: totals, blocks: layout.blocks)
            }
            // Potential after adding each candidate, by blocks, folding the pending centre in first.
            let candidateRows = candidates.flatMap { x.row($0) }
            let partials = x.elements.withUnsafeBufferPointer { xp in
                closest.withUnsafeMutableBufferPointer { cp in
                    let shared = UncheckedSendable(cp)
                    return candidateRows.withUnsafeBufferPointer { cand in
                        pending.withUnsafeBufferPointer { p in
                            layout.blockPartials(width: trials) { rows, out in
                                if !p.isEmpty {
                                    for i in rows { shared.value[i] = min(shared.value[i], Matrix.squaredDistance(xp, row: i, p, centre: 0, d: d)) }
                                }
                                KMeans.candidatePotentials(xp, d: d, rows: rows, closest: UnsafeBufferPointer(shared.value), candidates: cand, out: out)
                            }
                        }
                    }
                }
            }
            let pots = layout.reduce(partials, width: trials)
            var best = 0
            for t in 1..<trials where pots[t] < pots[best] { best = t }
            let chosen = candidates[best]
            for f in 0..<d { centres[c, f] = x[chosen, f] }
            // The chosen candidate's block sums are the new D²'s block totals.
            totals = (0..<layout.blocks.count).map { partials[$0 * trials + best] }
            potential = totals.reduce(0, +)
            pending = x.row(chosen)
        }
        return centres
    }

    /// For each candidate t (rows of `candidates`, d each): `out[t] = Σ_{i ∈ rows} min(closest[i], ‖xᵢ − cand_t‖²)`,
    /// each sum taken in row order. Up to four candidates share one walk over the rows, each
    /// with its own accumulator, so their additions overlap instead of running one pass per
    /// candidate. Audited: sizes asserted below.
    package static func candidatePotentials(_ x: UnsafeBufferPointer<Double>, d: Int, rows: Range<Int>, closest: UnsafeBufferPointer<Double>,
                                    candidates: UnsafeBufferPointer<Double>, out: UnsafeMutableBufferPointer<Double>) {
        let trials = out.count
        precondition(candidates.count == trials * d && rows.upperBound <= closest.count && x.count >= rows.upperBound * d)
        var first = 0
        while first < trials {
            let group = min(4, trials - first)
            let c = UnsafeBufferPointer(rebasing: candidates[(first * d)..<((first + group) * d)])
            let sums: (Double, Double, Double, Double)
            switch d {
            case 1: sums = potentialGroup(x, d: 1, rows: rows, closest: closest, candidates: c, group: group)
            case 2: sums = potentialGroup(x, d: 2, rows: rows, closest: closest, candidates: c, group: group)
            case 3: sums = potentialGroup(x, d: 3, rows: rows, closest: closest, candidates: c, group: group)
            case 4: sums = potentialGroup(x, d: 4, rows: rows, closest: closest, candidates: c, group: group)
            default: sums = potentialGroup(x, d: d, rows: rows, closest: closest, candidates: c, group: group)
            }
            let values = [sums.0, sums.1, sums.2, sums.3]
            for g in 0..<group { out[first + g] = values[g] }
            first += group
        }
    }

    /// `candidatePotentials` for one group of 1…4 candidates (same contract).
    @inline(__always)
    package static func potentialGroup(_ x: UnsafeBufferPointer<Double>, d: Int, rows: Range<Int>, closest: UnsafeBufferPointer<Double>,
                               candidates c: UnsafeBufferPointer<Double>, group: Int) -> (Double, Double, Double, Double) {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        for i in rows {
            let nearest = closest[i]
            s0 += min(nearest, Matrix.squaredDistance(x, row: i, c, centre: 0, d: d))
            if group > 1 { s1 += min(nearest, Matrix.squaredDistance(x, row: i, c, centre: 1, d: d)) }
            if group > 2 { s2 += min(nearest, Matrix.squaredDistance(x, row: i, c, centre: 2, d: d)) }
            if group > 3 { s3 += min(nearest, Matrix.squaredDistance(x, row: i, c, centre: 3, d: d)) }
        }
        return (s0, s1, s2, s3)
    }

    /// The first index whose running sum of the weights reaches `target` (numpy
    /// `searchsorted(cumsum(weights), target)`), walking block totals first; the last index
    /// when rounding leaves the target out of reach. Row i weighs `weights[i]`, or
    /// `min(weights[i], ‖xᵢ − pending‖²)` when a pending centre is given (the D² update the
    /// seeding has not yet written).
    package static func sampleIndex(target: Double, x: Matrix, weights: [Double], pending: [Double], blockTotals: [Double],
                            blocks: [Range<Int>]) -> Int {
        let d = x.columns
        return x.elements.withUnsafeBufferPointer { xp in
            pending.withUnsafeBufferPointer { p in
                var running = 0.0
                for (b, rows) in blocks.enumerated() {
                    if running + blockTotals[b] >= target {
                        var r = running
                        for i in rows {
                            r += p.isEmpty ? weights[i] : min(weights[i], Matrix.squaredDistance(xp, row: i, p, centre: 0, d: d))
                            if r >= target { return i }
                        }
                    }
                    running += blockTotals[b]
                }
                return weights.count - 1
            }
        }
    }
}
