import ClienteleStats

/// The Gamma-Gamma input: per repeat customer, x (repeat purchases) and m (mean repeat order
/// value), grouped by x so that the likelihood takes its Γ terms once per distinct x.
public struct RepeatSpendSample: Sendable {
    /// x per row, ascending.
    public let frequency: [Int32]
    /// m per row (money units), > 0.
    public let spend: [Double]
    /// Weight per row (1 per customer).
    public let weight: [Double]
    /// Summary customer of each row; empty when built from columns.
    public let customer: [Int32]
    /// Distinct x values and the row range of each.
    package let frequencyValues: [Int32]
    package let runStart: [Int]
    public let totalWeight: Double
    public var count: Int { spend.count }

    /// The customers of the summary with x > 0 and mean repeat spend > 0 (docs/definitions.md), grouped by
    /// x, by ascending m within one x (customer order among equal m): a counting sort straight
    /// into the columns when the largest x is no more than the number of customers (always, for
    /// summaries built from orders), a radix sort of the ids otherwise, then a sort of each x's m.
    /// Ordering by value makes the rows — and so every sum over them, and the warm start's strided
    /// subsample — depend on the customers' (x, m) only, not on their order: a run spread over
    /// machines rebuilds the same rows from pooled counts (`RepeatSpendCounts.sample`).
    public init(_ summary: CalibrationSummary) {
        let largest = summary.frequency.max() ?? 0
        guard Int(largest) <= summary.count else {
            var ids = [Int32]()
            for c in 0..<summary.count where summary.hasPositiveRepeatSpend(c) { ids.append(Int32(c)) }
            let order = stableOrder(byKeys: ids.map { Int64(summary.frequency[Int($0)]) }).map { ids[Int($0)] }
            var spend = order.map { summary.repeatSpend[Int($0)] }, customer = order
            let frequency = order.map { summary.frequency[Int($0)] }
            Self.sortRuns(frequency, &spend, &customer)
            self.init(frequency: frequency, spend: spend, weight: [Double](repeating: 1, count: order.count), customer: customer)
            return
        }
        // next[x]: the row where the next customer with frequency x goes.
        var next = [Int](repeating: 0, count: Int(max(largest, 0)) + 1)
        for c in 0..<summary.count where summary.hasPositiveRepeatSpend(c) { next[Int(summary.frequency[c])] += 1 }
        var rows = 0
        for x in next.indices { (next[x], rows) = (rows, rows + next[x]) }
        var frequency = [Int32](repeating: 0, count: rows), spend = [Double](repeating: 0, count: rows)
        var customer = [Int32](repeating: 0, count: rows)
        for c in 0..<summary.count where summary.hasPositiveRepeatSpend(c) {
            let x = Int(summary.frequency[c]), row = next[x]
            next[x] += 1
            frequency[row] = Int32(x); spend[row] = summary.repeatSpend[c]; customer[row] = Int32(c)
        }
        Self.sortRuns(frequency, &spend, &customer)
        self.init(frequency: frequency, spend: spend, weight: [Double](repeating: 1, count: rows), customer: customer)
    }

    /// Sorts each run of equal x by (m, customer). The runs come in customer order, so a stable
    /// radix sort by m alone does it; m > 0 and finite, so its bits order as its values.
    private static func sortRuns(_ frequency: [Int32], _ spend: inout [Double], _ customer: inout [Int32]) {
        var start = 0
        while start < frequency.count {
            var end = start + 1
            while end < frequency.count && frequency[end] == frequency[start] { end += 1 }
            if end - start > 1 {
                let order = stableOrder(byKeys: spend[start..<end].map { Int64(bitPattern: $0.bitPattern) }).map { start + Int($0) }
                let m = order.map { spend[$0] }, c = order.map { customer[$0] }
                spend.replaceSubrange(start..<end, with: m)
                customer.replaceSubrange(start..<end, with: c)
            }
            start = end
        }
    }

    /// Rows from columns (lifetimes' frequency, monetary_value and weights).
    /// - Throws: `CLVError.invalidSummary` for x < 1, m not finite and > 0, or a bad weight;
    ///   `CLVError.lengthMismatch`.
    public init(frequency: [Int], spend: [Double], weight: [Double]? = nil) throws {
        let n = frequency.count
        if spend.count != n { throw CLVError.lengthMismatch(name: "spend", count: spend.count, expected: n) }
        if let weight, weight.count != n { throw CLVError.lengthMismatch(name: "weight", count: weight.count, expected: n) }
        for c in 0..<n {
            if frequency[c] < 1 || frequency[c] > Int(Int32.max) {
                throw CLVError.invalidSummary(customer: c, field: "frequency", value: "\(frequency[c])", requirement: "should be >= 1 for Gamma-Gamma")
            }
            if !(spend[c] > 0 && spend[c].isFinite) {
                throw CLVError.invalidSummary(customer: c, field: "monetary_value", value: "\(spend[c])", requirement: "should be finite and > 0")
            }
            if let w = weight?[c], !(w > 0 && w.isFinite) {
                throw CLVError.invalidSummary(customer: c, field: "weight", value: "\(w)", requirement: "should be finite and > 0")
            }
        }
        let order = stableOrder(byKeys: frequency.map { Int64($0) }).map(Int.init)
        self.init(frequency: order.map { Int32(frequency[$0]) }, spend: order.map { spend[$0] },
                  weight: order.map { weight?[$0] ?? 1 }, customer: [])
    }

    /// Every `step`-th row: a systematic subsample for warm starts.
    package func strided(_ step: Int) -> RepeatSpendSample {
        let rows = Array(Swift.stride(from: 0, to: count, by: max(step, 1)))
        return RepeatSpendSample(frequency: rows.map { frequency[$0] }, spend: rows.map { spend[$0] },
                                 weight: rows.map { weight[$0] }, customer: [])
    }

    private init(frequency: [Int32], spend: [Double], weight: [Double], customer: [Int32]) {
        self.frequency = frequency
        self.spend = spend
        self.weight = weight
        self.customer = customer
        var values = [Int32](), starts = [Int]()
        for (i, x) in frequency.enumerated() where i == 0 || x != frequency[i - 1] {
            values.append(x); starts.append(i)
        }
        starts.append(frequency.count)
        frequencyValues = values
        runStart = starts
        totalWeight = weight.reduce(0, +)
    }

    /// Pearson's correlation between x and m over the rows (weighted). The Gamma-Gamma model
    /// assumes spend is independent of the purchase process (Fader, Hardie & Lee 2005, "RFM and
    /// CLV", JMR 42(4), §"Adding monetary value"), so it should be near 0. NaN when either
    /// column is constant. Summed per run of equal x, then over the runs (`GammaGammaRuns`), so
    /// that rows spread over machines give the same bits.
    public var frequencySpendCorrelation: Double { GammaGammaRuns(self).frequencySpendCorrelation }
}
