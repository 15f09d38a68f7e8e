import ClienteleSupport
import ClienteleStats

/// The calibration summary compressed into its distinct purchase patterns (x, t_x, T), each with
/// the number of customers who share it.
///
/// The BG/NBD likelihood and every BG/NBD prediction depend on a customer only through
/// (x, t_x, T), so they are computed once per pattern and broadcast through
/// `patternOfCustomer` — the compression Fader & Hardie use in their spreadsheets and that
/// lifetimes exposes as `weights`. Patterns are sorted by (x, T, t_x), so the patterns sharing
/// (x, T) — the part of the conditional expectation that needs a hypergeometric series — are
/// contiguous. Distinct x, t_x and T values are kept in small tables: a likelihood evaluation
/// takes one logarithm per distinct value, not per pattern.
/// - Complexity: building is O(customers) with a radix sort of packed keys.
public struct CalibrationPatterns: Sendable {
    /// x per pattern.
    public let frequency: [Int32]
    /// t_x in weeks per pattern.
    public let recency: [Double]
    /// T in weeks per pattern.
    public let age: [Double]
    /// Customers (or input weight) per pattern.
    public let weight: [Double]
    /// The pattern of each summary customer; −1 for customers without a calibration order.
    /// Empty when the patterns were built from weighted rows.
    public let patternOfCustomer: [Int32]

    /// Distinct x values, ascending, and each pattern's index into them.
    package let frequencyValues: [Int32]
    package let frequencyIndex: [Int32]
    /// Distinct t_x values and each pattern's index into them.
    package let recencyValues: [Double]
    package let recencyIndex: [Int32]
    /// Distinct T values and each pattern's index into them.
    package let ageValues: [Double]
    package let ageIndex: [Int32]

    public var count: Int { frequency.count }
    /// Σ weight.
    public let totalWeight: Double
    /// Σ weight over patterns with x > 0.
    public let repeatWeight: Double

    /// Compresses a summary; customers without a calibration order are left out.
    public init(_ summary: CalibrationSummary) {
        // Rows are the summary's customers; x = −1 marks those without a calibration order.
        // The ranks of x, t_x and T are independent passes over the customers: one task each.
        let x = summary.frequency, days = summary.days
        let ranks = parallelBlocks(3, size: 1) { part -> (index: [Int32], values: [Double]) in
            switch (part.lowerBound, days) {
            case (0, _):
                let (index, values) = Self.rankIntegers(x, where: x)
                return (index, values.map(Double.init))  // Int32 values round-trip through Double exactly
            case (1, let days?): return Self.rankDays(days.recency, where: x)
            case (1, nil): return Self.rankValues(summary.recency, where: x)
            case (_, let days?): return Self.rankDays(days.age, where: x)
            case (_, nil): return Self.rankValues(summary.age, where: x)
            }
        }
        self.init(x: x, xRanks: (ranks[0].index, ranks[0].values.map { Int32($0) }), t: ranks[1], T: ranks[2],
                  weights: nil, mapsCustomers: true)
    }

    /// Patterns from already weighted rows (lifetimes' `weights`): equal rows are merged.
    /// - Throws: `CLVError.invalidSummary` for a row outside the model's domain or a weight that
    ///   is not finite and > 0; `CLVError.lengthMismatch` for columns of different lengths.
    public init(frequency: [Int], recency: [Double], age: [Double], weight: [Double]) throws {
        let summary = try CalibrationSummary(frequency: frequency, recency: recency, age: age)
        guard weight.count == frequency.count else {
            throw CLVError.lengthMismatch(name: "weight", count: weight.count, expected: frequency.count)
        }
        for (c, w) in weight.enumerated() where !(w > 0 && w.isFinite) {
            throw CLVError.invalidSummary(customer: c, field: "weight", value: "\(w)", requirement: "should be finite and > 0")
        }
        let x = summary.frequency
        self.init(x: x, xRanks: Self.rankIntegers(x, where: x), t: Self.rankValues(recency, where: x),
                  T: Self.rankValues(age, where: x), weights: weight, mapsCustomers: false)
    }

    /// Groups rows by (x, T, t_x). Rows with x < 0 are left out; `t` and `T` are each row's
    /// dense rank (−1 when left out) and the distinct values (`xRanks` likewise for x). With `mapsCustomers`, rows are
    /// customers and `patternOfCustomer` is filled.
    private init(x: [Int32], xRanks: ([Int32], [Int32]), t: (index: [Int32], values: [Double]),
                 T: (index: [Int32], values: [Double]), weights: [Double]?, mapsCustomers: Bool) {
        let rows = x.count
        let (xIndex, xValues) = xRanks
        let (tIndex, tValues) = t, (TIndex, TValues) = T
        let nt = UInt64(max(tValues.count, 1)), nT = UInt64(max(TValues.count, 1))
        let keyLimit = UInt64(max(xValues.count, 1)).multipliedReportingOverflow(by: nT * nt)
        @inline(__always) func key(_ i: Int) -> UInt64 { (UInt64(xIndex[i]) * nT + UInt64(TIndex[i])) * nt + UInt64(tIndex[i]) }
        var pf = [Int32](), pt = [Double](), pT = [Double](), pw = [Double]()
        var pfi = [Int32](), pti = [Int32](), pTi = [Int32]()
        var ofCustomer = mapsCustomers ? [Int32](repeating: -1, count: rows) : []
        if !keyLimit.overflow && keyLimit.partialValue <= 1 << 32 && rows < 1 << 32 {
            // Radix sort of (key << 32 | row) when the key fits 32 bits (always, for day-resolution
            // summaries of real data); the key is decoded only where it changes. Rows being the
            // customers themselves, the customer map is written without another indirection.
            var packed = [UInt64]()
            packed.reserveCapacity(rows)
            for i in 0..<rows where x[i] >= 0 { packed.append(key(i) << 32 | UInt64(i)) }
            let bits = 64 - (keyLimit.partialValue - 1).leadingZeroBitCount
            radixSortPacked(&packed, keyBits: 32..<(32 + max(bits, 1)))
            var distinct = 0, previous = UInt64.max
            for v in packed where v >> 32 != previous { distinct += 1; previous = v >> 32 }
            pf.reserveCapacity(distinct); pt.reserveCapacity(distinct); pT.reserveCapacity(distinct)
            pw.reserveCapacity(distinct); pfi.reserveCapacity(distinct); pti.reserveCapacity(distinct)
            pTi.reserveCapacity(distinct)
            previous = UInt64.max
            for v in packed {
                let k = v >> 32, i = Int(v & 0xFFFF_FFFF)
                if k != previous {
                    previous = k
                    let tr = Int(k % nt), rest = k / nt, Tr = Int(rest % nT), xr = Int(rest / nT)
                    pf.append(xValues[xr]); pt.append(tValues[tr]); pT.append(TValues[Tr])
                    pfi.append(Int32(xr)); pti.append(Int32(tr)); pTi.append(Int32(Tr))
                    pw.append(0)
                }
                pw[pw.count - 1] += weights?[i] ?? 1
                if mapsCustomers { ofCustomer[i] = Int32(pw.count - 1) }
            }
        } else {
            // Keys beyond 32 bits (millions of distinct non-integer times): a comparison sort.
            let order = (0..<rows).filter { x[$0] >= 0 }.sorted {
                (xIndex[$0], TIndex[$0], tIndex[$0], $0) < (xIndex[$1], TIndex[$1], tIndex[$1], $1)
            }
            var previous: (Int32, Int32, Int32) = (-1, -1, -1)
            for i in order {
                let k = (xIndex[i], TIndex[i], tIndex[i])
                if k != previous {
                    previous = k
                    pf.append(xValues[Int(k.0)]); pt.append(tValues[Int(k.2)]); pT.append(TValues[Int(k.1)])
                    pfi.append(k.0); pti.append(k.2); pTi.append(k.1)
                    pw.append(0)
                }
                pw[pw.count - 1] += weights?[i] ?? 1
                if mapsCustomers { ofCustomer[i] = Int32(pw.count - 1) }
            }
        }
        frequency = pf; recency = pt; age = pT; weight = pw
        patternOfCustomer = ofCustomer
        frequencyValues = xValues
        frequencyIndex = pfi
        recencyValues = tValues; recencyIndex = pti
        ageValues = TValues; ageIndex = pTi
        var total = 0.0, repeats = 0.0
        for k in 0..<pw.count { total += pw[k]; if pf[k] > 0 { repeats += pw[k] } }
        totalWeight = total
        repeatWeight = repeats
    }

    /// Dense ranks of the non-negative integers (days, frequencies) in rows where `x` ≥ 0: a
    /// presence table when they are small, a sort of the distinct values otherwise. Returns each
    /// row's rank (−1 where x < 0) and the distinct values, ascending.
    private static func rankIntegers(_ v: [Int32], where x: [Int32]) -> ([Int32], [Int32]) {
        var hi: Int32 = -1
        for i in v.indices where x[i] >= 0 { hi = max(hi, v[i]) }
        if hi > 1 << 24 {
            let values = Array(Set(v.indices.lazy.filter { x[$0] >= 0 }.map { v[$0] })).sorted()
            var rank = [Int32: Int32](minimumCapacity: values.count)
            for (k, value) in values.enumerated() { rank[value] = Int32(k) }
            return (v.indices.map { x[$0] >= 0 ? rank[v[$0]]! : -1 }, values)
        }
        var rank = [Int32](repeating: -1, count: Int(hi) + 1)
        for i in v.indices where x[i] >= 0 { rank[Int(v[i])] = 0 }
        var values = [Int32](), next: Int32 = 0
        for d in 0..<rank.count where rank[d] == 0 { rank[d] = next; next += 1; values.append(Int32(d)) }
        return (v.indices.map { x[$0] >= 0 ? rank[Int(v[$0])] : -1 }, values)
    }

    /// Ranks of whole days, with the distinct values converted to weeks.
    private static func rankDays(_ v: [Int32], where x: [Int32]) -> (index: [Int32], values: [Double]) {
        let (rank, values) = rankIntegers(v, where: x)
        return (rank, values.map { Double($0) / 7 })
    }

    /// Dense ranks of arbitrary finite values in rows where `x` ≥ 0, by sorting the distinct ones.
    private static func rankValues(_ v: [Double], where x: [Int32]) -> (index: [Int32], values: [Double]) {
        let values = Array(Set(v.indices.lazy.filter { x[$0] >= 0 }.map { v[$0] })).sorted()
        var rank = [Double: Int32](minimumCapacity: values.count)
        for (k, value) in values.enumerated() { rank[value] = Int32(k) }
        return (v.indices.map { x[$0] >= 0 ? rank[v[$0]]! : -1 }, values)
    }
}
