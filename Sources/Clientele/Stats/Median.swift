/// The median by selection instead of a full sort: Hoare's quickselect (median-of-three pivot,
/// three-way partition so runs of equal values cannot make it quadratic), O(n) expected; after
/// 2 log₂ n rounds it sorts what is left (introselect), so no input costs more than a sort.
/// Written by hand because the standard library has no nth-element; a sort of 10^6 values costs
/// about ten times as much.
package enum Median {
    /// The median of `values` (mean of the two middle values for an even count); NaN when empty.
    /// - Precondition: no NaN in `values`.
    package static func of(_ values: [Double]) -> Double {
        var v = values
        let n = v.count
        guard n > 0 else { return .nan }
        let m = n / 2
        let upper = select(&v, m)
        guard n % 2 == 0 else { return upper }
        // After selection every value left of m is ≤ v[m]: the lower middle is their maximum.
        var lower = -Double.infinity
        for i in 0..<m where v[i] > lower { lower = v[i] }
        return 0.5 * (lower + upper)
    }

    /// Rearranges `v` so that `v[k]` is the value a sort would put there, with no larger value
    /// before it and no smaller one after it; returns `v[k]`.
    package static func select(_ v: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < v.count, "select: k = \(k) outside 0..<\(v.count)")
        var lo = 0, hi = v.count - 1
        var rounds = 2 * (Int.bitWidth - v.count.leadingZeroBitCount)
        while lo < hi {
            rounds -= 1
            if rounds < 0 {
                v[lo...hi].sort()
                return v[k]
            }
            let mid = lo + (hi - lo) / 2
            let pivot = medianOfThree(v[lo], v[mid], v[hi])
            // Dutch-flag partition of lo...hi into < pivot, == pivot, > pivot.
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                if v[i] < pivot { v.swapAt(lt, i); lt += 1; i += 1 }
                else if v[i] > pivot { v.swapAt(i, gt); gt -= 1 }
                else { i += 1 }
            }
            if k < lt { hi = lt - 1 } else if k > gt { lo = gt + 1 } else { return v[k] }
        }
        return v[k]
    }

    @inline(__always)
    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}
