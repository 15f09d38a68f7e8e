/// The range of money Clientele holds: whole cents in an `Int64`, kept symmetric around zero.
///
/// Every amount and every total is exact integer cents. The range is ±(2⁶³ − 1) cents =
/// ±92,233,720,368,547,758.07 rather than the full `Int64` range, so that negating an amount or
/// taking its magnitude never overflows.
///
/// `TransactionLoader` refuses (`IngestError`, exit 65) a file in which an order total, or the
/// purchases or the returns of one customer or of all customers, leave this range; what it loads
/// satisfies the `OrderTable` invariant, under which every later sum of cents fits (see there).
public enum CentsLimit {
    /// The largest total, 2⁶³ − 1 cents; the smallest is its negation.
    public static let maximum: Int64 = .max

    /// `92,233,720,368,547,758.07`: `maximum` as money, for messages.
    public static let maximumText = "92,233,720,368,547,758.07"

    /// The largest `Double` below 2⁶³ (2⁶³ − 1024): `Double(maximum)` rounds up to 2⁶³, which
    /// `Int64(_:)` cannot take, so a cents value held as a `Double` is kept within ± this.
    public static let largestDouble: Double = 9_223_372_036_854_774_784

    /// `x` limited to ±`largestDouble`, so that `Int64(x)` cannot trap; NaN stays NaN.
    @inlinable @inline(__always)
    public static func bounded(_ x: Double) -> Double {
        x > largestDouble ? largestDouble : (x < -largestDouble ? -largestDouble : x)
    }

    /// Whole cents of an amount in money units held as a `Double` (for example `12.5` → 1250),
    /// rounded half away from zero and clamped to ±`maximum`; `nil` when `units` is not finite.
    ///
    /// For writers that print a `Double` amount as exact cents: `Int64((units * 100).rounded())`
    /// traps when the product reaches 2⁶³, which a total at the limit does (`Double(maximum)` is
    /// 2⁶³); clamping gives back `maximum` there.
    public static func cents(units: Double) -> Int64? {
        guard units.isFinite else { return nil }
        let c = (units * 100).rounded(.toNearestOrAwayFromZero)
        if c >= 9_223_372_036_854_775_808 { return maximum }  // 2⁶³
        if c <= -9_223_372_036_854_775_808 { return -maximum }
        return Int64(c)
    }
}
