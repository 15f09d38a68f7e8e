import ClienteleSupport
import ClienteleStats

/// Kendall's τ-b for one pair of complete samples, with ties in x, in y and in both, computed in
/// O(n log n) by Knight's algorithm, and the p-value `scipy.stats.kendalltau(variant="b")` reports.
///
/// Algorithm (Knight 1966, "A computer method for calculating Kendall's tau with ungrouped
/// data", JASA 61(314), 436–439): sort the pairs by x, then by y within tied x; the discordant
/// pairs are then exactly the inversions of the y sequence, counted while merge-sorting it.
/// Here both sorts are radix/counting sorts on dense ranks, and the merge sort starts from the
/// runs of tied x (each already sorted in y), so survey data with a handful of distinct answers
/// needs only ⌈log₂(distinct x)⌉ merge levels.
///
/// With N₀ = n(n−1)/2, N₁ = Σ t(t−1)/2 over tie groups in x, N₂ likewise in y, N₃ over groups
/// tied in both, and D discordant pairs: C − D = N₀ − N₁ − N₂ + N₃ − 2D and
/// τ-b = (C − D) / √((N₀ − N₁)(N₀ − N₂)).
///
/// p-value (two-sided), as scipy's default `method="auto"`: the exact permutation distribution
/// when there are no ties and n ≤ 33 (or D or C ≤ 1); otherwise the normal approximation
/// z = (C − D)/√v with the tie-corrected variance (Kendall 1970, eq. 4.3)
/// v = (n(n−1)(2n+5) − Σ_x t(t−1)(2t+5) − Σ_y u(u−1)(2u+5))/18
///   + (Σ_x t(t−1)(t−2))(Σ_y u(u−1)(u−2)) / (9n(n−1)(n−2)) + 2 N₁ N₂ / (n(n−1)).
public enum KendallTauB {
    public static let minimumPairs = 3

    /// Which p-value to compute.
    public enum Method: String, Sendable, Equatable, CaseIterable, Codable {
        /// scipy's default: exact without ties for n ≤ 33 (or when D or C ≤ 1), else asymptotic.
        case auto
        /// Always the tie-corrected normal approximation (scipy `method="asymptotic"`).
        case asymptotic
    }

    /// τ-b and its p-value for complete samples `x`, `y` (no NaN, equal length).
    /// - Complexity: O(n log d) for d distinct x values after O(n) radix sorts; O(n) memory.
    public static func estimate(x: [Double], y: [Double], xName: String = "x", yName: String = "y",
                                method: Method = .auto) -> Estimate<KendallEstimate> {
        precondition(x.count == y.count, "kendall: x has \(x.count) values, y has \(y.count)")
        let n = x.count
        if n < minimumPairs { return .notDefined(.tooFewPairs(n: n, minimum: minimumPairs)) }
        // Dense ranks of x and y, one per core.
        var ranks: [(ranks: [Int32], distinct: Int)] = [([], 0), ([], 0)]
        parallelEach(&ranks) { i, out in out = Ranks.dense(i == 0 ? x : y) }
        let (rx, mx) = ranks[0], (ry, my) = ranks[1]
        if mx == 1 { return .notDefined(.constant(variable: xName, value: x[0])) }
        if my == 1 { return .notDefined(.constant(variable: yName, value: y[0])) }
        let counts = pairCounts(xRanks: rx, xDistinct: mx, yRanks: ry, yDistinct: my)
        return .defined(summary(counts, n: n, method: method))
    }

    /// Pair counts behind τ-b.
    public struct PairCounts: Sendable, Equatable {
        public var discordant: Int64
        public var tiesX: Ranks.TieStatistics
        public var tiesY: Ranks.TieStatistics
        public var tiedBoth: Int64
    }

    /// Counts from dense ranks (0-based, `distinct` values each).
    package static func pairCounts(xRanks rx: [Int32], xDistinct mx: Int, yRanks ry: [Int32], yDistinct my: Int) -> PairCounts {
        let n = rx.count
        let xSizes = Ranks.groupSizes(denseRanks: rx, distinct: mx)
        let tiesX = Ranks.TieStatistics(groupSizes: xSizes)
        let tiesY = Ranks.TieStatistics(groupSizes: Ranks.groupSizes(denseRanks: ry, distinct: my))
        // Order by (x, y): LSD counting sorts, y first, then x. Runs of equal x start at the
        // prefix sums of the x group sizes (dense ranks: no group is empty).
        var ids = [Int32](repeating: 0, count: n)
        for i in 0..<n { ids[i] = Int32(i) }
        ids = Ranks.countingOrder(ids, by: ry, range: my)
        ids = Ranks.countingOrder(ids, by: rx, range: mx)
        var sequence = [Int32](repeating: 0, count: n)
        for p in 0..<n { sequence[p] = ry[Int(ids[p])] }
        var runStarts = [Int](repeating: 0, count: mx)
        for g in 1..<max(1, mx) { runStarts[g] = runStarts[g - 1] + xSizes[g - 1] }
        // Pairs tied in both: equal neighbours within a run (each run is sorted by y).
        var tiedBoth: Int64 = 0
        for g in 0..<mx {
            let lo = runStarts[g], hi = lo + xSizes[g]
            var joint: Int64 = 1
            var p = lo + 1
            while p < hi {
                if sequence[p] == sequence[p - 1] { joint += 1 } else { tiedBoth += joint * (joint - 1) / 2; joint = 1 }
                p += 1
            }
            tiedBoth += joint * (joint - 1) / 2
        }
        let discordant = countInversions(&sequence, runStarts: runStarts)
        return PairCounts(discordant: discordant, tiesX: tiesX, tiesY: tiesY, tiedBoth: tiedBoth)
    }

    /// τ-b and p-value from the pair counts of `n ≥ 3` observations (not constant in x or y).
    public static func summary(_ c: PairCounts, n: Int, method: Method) -> KendallEstimate {
        let total = Int64(n) * Int64(n - 1) / 2
        let xtie = c.tiesX.pairs, ytie = c.tiesY.pairs
        let cmd = total - xtie - ytie + c.tiedBoth - 2 * c.discordant
        var tau = Double(cmd) / Double(total - xtie).squareRoot() / Double(total - ytie).squareRoot()
        tau = min(1, max(-1, tau))
        let exact = method == .auto && xtie == 0 && ytie == 0
            && (n <= 33 || min(c.discordant, total - c.discordant) <= 1)
        let p: Double
        if exact {
            p = exactPValue(n: n, concordant: total - c.discordant)
        } else {
            let nn = Double(n)
            let m = nn * (nn - 1)
            let variance = (m * (2 * nn + 5) - c.tiesX.v2 - c.tiesY.v2) / 18
                + (2 * Double(xtie) * Double(ytie)) / m
                + c.tiesX.v1 * c.tiesY.v1 / (9 * m * (nn - 2))
            let z = Double(cmd) / variance.squareRoot()
            p = 2 * Distributions.normalSurvival(abs(z))
        }
        return KendallEstimate(tauB: tau, pValue: p, method: exact ? .exact : .asymptotic, concordantMinusDiscordant: cmd,
                               discordant: c.discordant, tiedX: xtie, tiedY: ytie, tiedBoth: c.tiedBoth)
    }

    /// Two-sided exact p-value without ties (Kendall 1970, ch. 4; scipy `_kendall_p_exact`):
    /// twice the probability, under random permutation, of at most `min(C, N₀ − C)` concordant
    /// pairs, from the recursion for the number of permutations with c inversions.
    package static func exactPValue(n: Int, concordant: Int64) -> Double {
        let total = Int64(n) * Int64(n - 1) / 2
        let c = Int(min(concordant, total - concordant))
        let prob: Double
        if n <= 2 {
            prob = 1
        } else if c == 0 {
            prob = n < 171 ? 2 / factorial(n) : 0
        } else if c == 1 {
            prob = n < 172 ? 2 / factorial(n - 1) : 0
        } else if 4 * Int64(c) == Int64(n) * Int64(n - 1) {
            prob = 1
        } else {
            // counts[k] = permutations of j elements with k inversions, k ≤ c (Mahonian numbers);
            // scaled by 1/j each step beyond n = 170 to stay finite.
            var counts = [Double](repeating: 0, count: c + 1)
            counts[0] = 1; counts[1] = 1
            let scaled = n >= 171
            if n >= 3 {
                for j in 3...n {
                    var running = 0.0
                    for k in 0...c { running += counts[k]; counts[k] = scaled ? running / Double(j) : running }
                    if j <= c {
                        for k in stride(from: c, through: j, by: -1) { counts[k] -= counts[k - j] }
                    }
                }
            }
            let sum = counts.reduce(0, +)
            prob = scaled ? sum : 2 * sum / factorial(n)
        }
        return min(1, max(0, prob))
    }

    package static func factorial(_ n: Int) -> Double {
        var f = 1.0
        if n >= 2 { for k in 2...n { f *= Double(k) } }
        return f
    }

    /// Inversions (pairs i < j with v[i] > v[j]) of `values`, whose segments starting at
    /// `runStarts` (ascending, first 0) are each already ascending; sorts `values` as a side
    /// effect. Bottom-up merges of adjacent runs, the merges of one level spread over the cores.
    /// - Complexity: O(n log runs).
    package static func countInversions(_ values: inout [Int32], runStarts: [Int]) -> Int64 {
        let n = values.count
        var inversions: Int64 = 0
        // Short runs (no or few ties in x) are first gathered into blocks of at least 32 values and
        // insertion-sorted, each shift one inversion: cheaper than the first five merge levels.
        var bounds: [Int] = []
        bounds.reserveCapacity(runStarts.count + 1)
        for start in runStarts where bounds.isEmpty || start - bounds[bounds.count - 1] >= 32 { bounds.append(start) }
        bounds.append(n)
        if bounds.count - 1 < runStarts.count {
            var counts = [Int64](repeating: 0, count: bounds.count - 1)
            let b = bounds
            values.withUnsafeMutableBufferPointer { v in
                counts.withUnsafeMutableBufferPointer { out in
                    let shared = UncheckedSendable(v), outs = UncheckedSendable(out)
                    let parts = splitRange(b.count - 1, parts: n >= 1 << 16 ? 2 : 1)
                    parallelFor(parts.count) { part in
                        for m in parts[part] { outs.value[m] = insertionSortCounting(shared.value, lo: b[m], hi: b[m + 1]) }
                    }
                }
            }
            inversions += counts.reduce(0, +)
        }
        var scratch = [Int32](repeating: 0, count: n)
        while bounds.count > 2 {
            let merges = (bounds.count - 1) / 2
            var counts = [Int64](repeating: 0, count: merges)
            let b = bounds
            values.withUnsafeBufferPointer { src in
                scratch.withUnsafeMutableBufferPointer { dst in
                    counts.withUnsafeMutableBufferPointer { out in
                        let dstBase = UncheckedSendable(dst), outBase = UncheckedSendable(out)
                        let parts = splitRange(merges, parts: n >= 1 << 16 ? 2 : 1)
                        parallelFor(parts.count) { part in
                            for m in parts[part] {
                                outBase.value[m] = mergeCounting(src, lo: b[2 * m], mid: b[2 * m + 1], hi: b[2 * m + 2], into: dstBase.value)
                            }
                        }
                    }
                }
                // An odd run out is copied as it is.
                if (bounds.count - 1) % 2 == 1 {
                    let lo = b[b.count - 2], hi = b[b.count - 1]
                    for i in lo..<hi { scratch[i] = src[i] }
                }
            }
            inversions += counts.reduce(0, +)
            var next: [Int] = []
            for i in stride(from: 0, to: bounds.count - 1, by: 2) { next.append(bounds[i]) }
            next.append(n)
            bounds = next
            swap(&values, &scratch)
        }
        return inversions
    }

    /// Sorts `v[lo..<hi]` by insertion (stable), returning the inversions it removed (pairs
    /// i < j with v[i] > v[j]).
    private static func insertionSortCounting(_ v: UnsafeMutableBufferPointer<Int32>, lo: Int, hi: Int) -> Int64 {
        precondition(0 <= lo && lo <= hi && hi <= v.count)
        var count: Int64 = 0
        var i = lo + 1
        while i < hi {
            let x = v[i]
            var j = i
            while j > lo && v[j - 1] > x { v[j] = v[j - 1]; j -= 1 }
            count += Int64(i - j)
            v[j] = x
            i += 1
        }
        return count
    }

    /// Merges ascending `src[lo..<mid]` and `src[mid..<hi]` into `dst[lo..<hi]`, returning the
    /// number of pairs (left, right) with left > right. Equal values are taken from the left
    /// first, so ties are not counted.
    private static func mergeCounting(_ src: UnsafeBufferPointer<Int32>, lo: Int, mid: Int, hi: Int,
                                      into dst: UnsafeMutableBufferPointer<Int32>) -> Int64 {
        precondition(0 <= lo && lo <= mid && mid <= hi && hi <= src.count && src.count == dst.count)
        var i = lo, j = mid, k = lo
        var count: Int64 = 0
        while i < mid && j < hi {
            // Branch-free: which side moves is data-dependent and unpredictable.
            let left = src[i], right = src[j]
            let takeRight = right < left
            dst[k] = takeRight ? right : left
            count &+= takeRight ? Int64(mid - i) : 0
            j &+= takeRight ? 1 : 0
            i &+= takeRight ? 0 : 1
            k &+= 1
        }
        while i < mid { dst[k] = src[i]; i += 1; k += 1 }
        while j < hi { dst[k] = src[j]; j += 1; k += 1 }
        return count
    }
}
