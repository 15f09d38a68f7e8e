/// Ranks of real values: orders, average ranks (ties share the mean of their positions), dense
/// ranks and tie statistics — the inputs of Spearman's ρ and Kendall's τ-b.
///
/// Orders come from a stable LSD radix sort over the IEEE-754 bit patterns (mapped so that
/// unsigned order is numeric order; −0 and +0 are one value). Byte passes in which every key
/// has the same digit are skipped, so small-range data such as survey answers (1…5, 0…10) sort
/// in two passes. Values must not be NaN: callers drop missing values first.
public enum Ranks {
    /// Indices `0..<values.count` in ascending value order; equal values keep index order.
    /// - Precondition: no NaN.
    /// - Complexity: O(n × passes), passes ≤ 8.
    public static func order(_ values: [Double]) -> [Int32] {
        radixOrder(values.map(sortKey))
    }

    /// 1-based average ranks (scipy `rankdata(method="average")`): tied values get the mean
    /// of the positions they occupy.
    /// - Complexity: O(n) after the sort.
    public static func average(_ values: [Double]) -> [Double] {
        let n = values.count
        let (order, keys) = radixSort(values.map(sortKey))
        var ranks = [Double](repeating: 0, count: n)
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && keys[end] == keys[start] { end += 1 }
            let rank = Double(start + 1 + end) / 2  // mean of start+1 … end
            for p in start..<end { ranks[Int(order[p])] = rank }
            start = end
        }
        return ranks
    }

    /// 0-based dense ranks (equal values share a rank, ranks are consecutive) and the number of
    /// distinct values.
    public static func dense(_ values: [Double]) -> (ranks: [Int32], distinct: Int) {
        let n = values.count
        let (order, keys) = radixSort(values.map(sortKey))
        var ranks = [Int32](repeating: 0, count: n)
        var rank: Int32 = -1
        for p in 0..<n {
            if p == 0 || keys[p] != keys[p - 1] { rank += 1 }
            ranks[Int(order[p])] = rank
        }
        return (ranks, Int(rank + 1))
    }

    /// Tie statistics of tie groups of sizes `t` (Kendall 1970, ch. 3; scipy `kendalltau`):
    /// `pairs = Σ t(t−1)/2`, `v1 = Σ t(t−1)(t−2)`, `v2 = Σ t(t−1)(2t+5)`.
    public struct TieStatistics: Sendable, Equatable {
        public var pairs: Int64 = 0
        public var v1: Double = 0
        public var v2: Double = 0

        /// Statistics of the given group sizes.
        @inlinable public init<S: Sequence>(groupSizes: S) where S.Element == Int {
            for t in groupSizes where t > 1 {
                let d = Double(t)
                pairs += Int64(t) * Int64(t - 1) / 2
                v1 += d * (d - 1) * (d - 2)
                v2 += d * (d - 1) * (2 * d + 5)
            }
        }
    }

    /// Sizes of the groups of equal dense ranks `0..<distinct`.
    public static func groupSizes(denseRanks: [Int32], distinct: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: distinct)
        for r in denseRanks { counts[Int(r)] += 1 }
        return counts
    }

    /// The order-preserving unsigned key of a double: flip all bits of negatives, the sign bit of
    /// the rest; −0 becomes +0 first so that the two compare equal, as they do numerically.
    @inlinable @inline(__always)
    package static func sortKey(_ x: Double) -> UInt64 {
        precondition(!x.isNaN, "Ranks: NaN has no rank; drop missing values first")
        let bits = (x == 0 ? 0.0 : x).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
}
