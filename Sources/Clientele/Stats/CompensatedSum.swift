/// A running sum with Neumaier's compensation (Neumaier 1974; the improved Kahan–Babuška
/// algorithm): the rounding error of every addition is kept and added back at the end, so a
/// sum of n terms is within about one ulp of the exact sum instead of √n–n ulps.
///
/// A likelihood pass adds some 10⁵–10⁶ terms; the quasi-Newton line search then compares
/// values that differ by 10⁻¹⁵ relative near the optimum, where a plain sum's rounding would
/// look like noise in the objective.
@usableFromInline package struct CompensatedSum {
    @usableFromInline var sum = 0.0
    @usableFromInline var compensation = 0.0

    package init() {}

    @inlinable @inline(__always)
    package mutating func add(_ x: Double) {
        let t = sum + x
        compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
        sum = t
    }

    package var value: Double { sum + compensation }
}
