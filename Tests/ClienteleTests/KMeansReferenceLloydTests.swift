import Foundation
import Testing
@testable import Clientele
@testable import ClienteleKernels

/// Plain Lloyd, written out as the specification the kernel's passes must reproduce bit for bit:
/// every row's k values `‖c‖²/2 − x·c` (dot products left to right, first minimum wins), block
/// partials (2,048 rows, rows added in order from zero) added in block order, scikit-learn's
/// empty-cluster repair, stop on repeated labels or a centre shift within the tolerance, and a
/// last assignment with the inertia when the labels did not repeat. One thread.
enum PlainLloyd {
    static func run(_ x: Matrix, from initial: Matrix, maxIterations: Int, absoluteTolerance: Double) -> KMeansRun {
        let n = x.rows, d = x.columns, k = initial.rows
        let blocks = KMeansLayout(x, k: k, threads: 1).blocks
        var centres = initial.elements
        var labels = [Int32](repeating: -1, count: n)
        var iterations = 0, converged = false, strict = false, repairs = 0

        /// Labels for `centres`; per block: k·d sums, k counts, changes, inertia of the new labels.
        func assign() -> [[Double]] {
            var halfNorms = [Double](repeating: 0, count: k)
            for j in 0..<k {
                var s = 0.0
                for f in 0..<d { s += centres[j * d + f] * centres[j * d + f] }
                halfNorms[j] = s * 0.5
            }
            return blocks.map { rows in
                var out = [Double](repeating: 0, count: k * d + k + 2)
                for i in rows {
                    var best = 0, bestValue = Double.infinity
                    for j in 0..<k {
                        var dot = x[i, 0] * centres[j * d]
                        for f in 1..<d { dot += x[i, f] * centres[j * d + f] }
                        let value = halfNorms[j] - dot
                        if j == 0 || value < bestValue { best = j; bestValue = value }
                    }
                    if labels[i] != Int32(best) { out[k * d + k] += 1 }
                    labels[i] = Int32(best)
                }
                for i in rows {
                    let j = Int(labels[i])
                    out[k * d + j] += 1
                    for f in 0..<d { out[j * d + f] += x[i, f] }
                }
                for i in rows {
                    var s = 0.0
                    for f in 0..<d { let t = x[i, f] - centres[Int(labels[i]) * d + f]; s += t * t }
                    out[k * d + k + 1] += s
                }
                return out
            }
        }
        func total(_ partials: [[Double]]) -> [Double] {
            var t = [Double](repeating: 0, count: k * d + k + 2)
            for p in partials { for e in t.indices { t[e] += p[e] } }
            return t
        }
        for iteration in 0..<maxIterations {
            let step = total(assign())
            var sums = Array(step[0..<(k * d)])
            var counts = step[(k * d)..<(k * d + k)].map { Int($0) }
            let empty = (0..<k).filter { counts[$0] == 0 }
            if !empty.isEmpty {
                repairs += KMeans.relocateEmpty(empty, x: x, centres: centres, labels: labels, sums: &sums, counts: &counts)
            }
            let next = KMeans.averaged(sums: sums, counts: counts, k: k, d: d)
            var shift = 0.0
            for e in 0..<(k * d) { let t = next[e] - centres[e]; shift += t * t }
            centres = next
            iterations = iteration + 1
            if step[k * d + k] == 0 { strict = true; converged = true; break }
            if shift <= absoluteTolerance { converged = true; break }
        }
        let inertia: Double
        if strict {
            var s = 0.0
            for rows in blocks {
                var b = 0.0
                for i in rows {
                    var r = 0.0
                    for f in 0..<d { let t = x[i, f] - centres[Int(labels[i]) * d + f]; r += t * t }
                    b += r
                }
                s += b
            }
            inertia = s
        } else {
            inertia = total(assign())[k * d + k + 1]
        }
        return KMeansRun(centres: Matrix(rows: k, columns: d, elements: centres), labels: labels, inertia: inertia,
                         iterations: iterations, converged: converged, emptyClusterRepairs: repairs)
    }
}

/// Greedy k-means++ as the seeding did with two walks a step (candidates, then the D² update),
/// written out plainly on one thread: block sums in row order, added in block order.
enum PlainSeeding {
    static func run(_ x: Matrix, k: Int, random: inout RandomSource) -> Matrix {
        let n = x.rows, d = x.columns
        let blocks = KMeansLayout(x, k: k, threads: 1).blocks
        func distance(_ i: Int, _ c: [Double]) -> Double {
            var s = 0.0
            for f in 0..<d { let t = x[i, f] - c[f]; s += t * t }
            return s
        }
        var centres = Matrix(rows: k, columns: d)
        let first = random.index(below: n)
        for f in 0..<d { centres[0, f] = x[first, f] }
        var closest = (0..<n).map { distance($0, x.row(first)) }
        func blockTotals() -> [Double] { blocks.map { rows in var s = 0.0; for i in rows { s += closest[i] }; return s } }
        var totals = blockTotals()
        guard k > 1 else { return centres }
        let trials = 2 + Int(log(Double(k)))
        for c in 1..<k {
            let potential = totals.reduce(0, +)
            var candidates: [Int] = []
            for _ in 0..<trials {
                let target = random.uniform() * potential
                var running = 0.0, found = n - 1
                search: for (b, rows) in blocks.enumerated() {
                    if running + totals[b] >= target {
                        var r = running
                        for i in rows { r += closest[i]; if r >= target { found = i; break search } }
                    }
                    running += totals[b]
                }
                candidates.append(found)
            }
            let pots = candidates.map { cand -> Double in
                var total = 0.0
                for rows in blocks {
                    var s = 0.0
                    for i in rows { s += min(closest[i], distance(i, x.row(cand))) }
                    total += s
                }
                return total
            }
            var best = 0
            for t in 1..<trials where pots[t] < pots[best] { best = t }
            let chosen = x.row(candidates[best])
            for f in 0..<d { centres[c, f] = chosen[f] }
            for i in 0..<n { closest[i] = min(closest[i], distance(i, chosen)) }
            totals = blockTotals()
        }
        return centres
    }
}

@Suite("KMeans against written-out Lloyd and seeding")
struct KMeansReferenceLloydTests {
    /// Every restart of `kmeans.fit(x)` on `threads` threads equals plain Lloyd from the same
    /// seeding, bit for bit (labels, centres, inertia, iterations, convergence, repairs).
    func expectPlain(_ x: Matrix, _ settings: KMeans, threads: Int) throws {
        let kmeans = settings
        let k: Int
        if case .fixed(let fixed) = kmeans.clusters { k = fixed } else { k = 0 }
        let fit = try Parallelism.withThreads(threads) { try kmeans.fit(x) }
        let layout = KMeansLayout(x, k: k, threads: 1)
        for r in 0..<kmeans.restarts {
            var random = RandomSource(seed: kmeans.seed, stream: UInt64(r))
            let centres = kmeans.seedCentres(x, k: k, layout: layout, random: &random)
            let plain = PlainLloyd.run(x, from: centres, maxIterations: kmeans.maxIterations,
                                       absoluteTolerance: kmeans.tolerance * KMeans.meanVariance(x))
            let run = fit.restarts[r]
            #expect(run.labels == plain.labels)
            #expect(run.centres.elements.map(\.bitPattern) == plain.centres.elements.map(\.bitPattern))
            #expect(run.inertia.bitPattern == plain.inertia.bitPattern)
            #expect(run.iterations == plain.iterations)
            #expect(run.converged == plain.converged)
            #expect(run.emptyClusterRepairs == plain.emptyClusterRepairs)
        }
    }

    @Test("overlapping random blobs over many blocks: every restart equals plain Lloyd bit for bit on 1 to 4 threads",
          arguments: [1, 2, 3, 4])
    func randomBlobs(threads: Int) throws {
        // 30,000 rows (15 blocks), blobs wide enough to overlap so labels keep changing for many iterations.
        let x = kmeansBlobs(groups: [([0, 0, 0], 9_000), ([2, 1, 0], 8_000), ([1, 3, 1], 7_000), ([3, 3, 3], 6_000)],
                            spread: 3, seed: 9)
        var kmeans = KMeans(clusters: 5); kmeans.seed = 4
        try expectPlain(x, kmeans, threads: threads)
    }

    @Test("a tolerance of zero and few iterations: the runs stop unconverged or on repeated labels, still bit for bit",
          arguments: [1, 2])
    func strictAndCapped(threads: Int) throws {
        let x = kmeansBlobs(groups: [([0, 0], 5_000), ([1, 0], 5_000), ([0, 1], 5_000)], spread: 2, seed: 2)
        var strict = KMeans(clusters: 6); strict.tolerance = 0; strict.seed = 1
        try expectPlain(x, strict, threads: threads)
        var capped = KMeans(clusters: 6); capped.maxIterations = 3; capped.seed = 1
        try expectPlain(x, capped, threads: threads)
    }

    @Test("integer grid points: exact ties between centres keep the first centre, as plain Lloyd", arguments: [1, 3])
    func ties(threads: Int) throws {
        // Small integers: many rows sit exactly halfway between two centres.
        var random = RandomSource(seed: 7)
        let rows = (0..<12_000).map { _ in [Double(random.index(below: 5)), Double(random.index(below: 5))] }
        var kmeans = KMeans(clusters: 4); kmeans.seed = 3
        try expectPlain(Matrix(rowArrays: rows), kmeans, threads: threads)
        var fromCentres = KMeans(clusters: 2)
        fromCentres.tolerance = 0
        let x = Matrix(rowArrays: rows)
        let centres = Matrix(rowArrays: [[1, 2], [3, 2]])  // x = 2 is equidistant
        let fit = try Parallelism.withThreads(threads) { try fromCentres.fit(x, initialCentres: centres) }
        let plain = PlainLloyd.run(x, from: centres, maxIterations: 300, absoluteTolerance: 0)
        #expect(fit.restarts[0] == plain)
    }

    @Test("duplicate rows and more clusters than distinct rows: repairs and empty clusters as plain Lloyd", arguments: [1, 2])
    func duplicates(threads: Int) throws {
        let x = Matrix(rowArrays: (0..<5_000).map { i in [Double(i % 3), Double(i % 3) * 2] })
        var kmeans = KMeans(clusters: 5); kmeans.seed = 8
        try expectPlain(x, kmeans, threads: threads)
    }

    @Test("an initial centre far away empties its cluster at once: the repair runs and the run equals plain Lloyd",
          arguments: [1, 2, 4])
    func emptyClusterRepair(threads: Int) throws {
        let x = kmeansBlobs(groups: [([0, 0, 0], 7_000), ([4, 0, 0], 7_000), ([0, 4, 0], 7_000)], spread: 3, seed: 6)
        let centres = Matrix(rowArrays: [[0, 0, 0], [4, 0, 0], [0, 4, 0], [1_000, 1_000, 1_000]])
        let kmeans = KMeans(clusters: 4)
        let fit = try Parallelism.withThreads(threads) { try kmeans.fit(x, initialCentres: centres) }
        let plain = PlainLloyd.run(x, from: centres, maxIterations: 300, absoluteTolerance: 1e-4 * KMeans.meanVariance(x))
        #expect(plain.emptyClusterRepairs > 0)
        #expect(fit.restarts[0] == plain)
        #expect(fit.restarts[0].inertia.bitPattern == plain.inertia.bitPattern)
    }

    @Test("large offsets and tiny spreads: still plain Lloyd", arguments: [1, 2])
    func badlyScaled(threads: Int) throws {
        let x = kmeansBlobs(groups: [([1e6, -1e6], 4_000), ([1e6 + 1e-3, -1e6], 4_000), ([1e6, -1e6 + 2e-3], 4_000)],
                            spread: 2e-3, seed: 12)
        var kmeans = KMeans(clusters: 3); kmeans.seed = 2
        try expectPlain(x, kmeans, threads: threads)
        let one = Matrix(rowArrays: (0..<3_000).map { i in [Double(i % 17) * 0.25] })
        var k1 = KMeans(clusters: 1); k1.seed = 5
        try expectPlain(one, k1, threads: threads)
    }

    @Test("seeding with one walk a step picks the centres of the two-walk seeding, bit for bit, on 1 to 4 threads",
          arguments: [1, 2, 4])
    func seedingOneWalk(threads: Int) throws {
        let x = kmeansBlobs(groups: [([0, 0, 0], 9_000), ([2, 1, 0], 8_000), ([1, 3, 1], 7_000), ([3, 3, 3], 6_000)],
                            spread: 3, seed: 9)
        for (k, seed) in [(1, 1), (2, 2), (5, 3), (8, 4)] as [(Int, UInt64)] {
            var a = RandomSource(seed: seed, stream: 0), b = a
            let layout = KMeansLayout(x, k: k, threads: threads)
            let centres = Parallelism.withThreads(threads) { KMeans(clusters: k).seedCentres(x, k: k, layout: layout, random: &a) }
            let plain = PlainSeeding.run(x, k: k, random: &b)
            #expect(centres.elements.map(\.bitPattern) == plain.elements.map(\.bitPattern))
            #expect(a.uniform() == b.uniform())  // the same number of draws
        }
        // Duplicate rows: equal D² sums and zero weights.
        let dup = Matrix(rowArrays: (0..<6_000).map { i in [Double(i % 4), Double(i % 2)] })
        var a = RandomSource(seed: 5, stream: 1), b = a
        let centres = Parallelism.withThreads(threads) { KMeans(clusters: 4).seedCentres(dup, k: 4, layout: KMeansLayout(dup, k: 4, threads: threads), random: &a) }
        #expect(centres == PlainSeeding.run(dup, k: 4, random: &b))
    }
}
