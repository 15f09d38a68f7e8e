import ClienteleSupport

/// Each customer's contacts dated before one day: the interaction facts of one period of the
/// `CustomerTable`. Answers are summed as doubles; a mean is `sum / answers` (no answer: none).
///
/// - `satisfaction*`: the non-blank `satisfaction` answers of any kind of interaction
///   (customers.csv `mean_satisfaction`, the satisfaction–loyalty analysis);
/// - `survey*`: the non-blank `satisfaction` answers of kind `survey` only (the churn feature
///   `mean_satisfaction`, docs/definitions.md);
/// - `recommend*`: the non-blank likelihood-to-recommend answers (0–10, the NPS item).
public struct CustomerContacts: Sendable {
    /// The first day not counted.
    public let before: CalendarDay
    public let interactions: [Int32]
    public let complaints: [Int32]
    public let supportContacts: [Int32]
    public let satisfactionSum: [Double]
    public let satisfactionAnswers: [Int32]
    public let surveySatisfactionSum: [Double]
    public let surveyAnswers: [Int32]
    public let recommendSum: [Double]
    public let recommendAnswers: [Int32]

    public var count: Int { interactions.count }

    /// Customers per partition of the aggregation: 8,192 customers × 48 bytes of facts a period
    /// stay in a core's cache while the partition's rows are added up. At most 16 (`ContactRow.local`).
    package static let partitionBits = 13
    /// Interaction rows per block of the counting and scattering passes.
    package static let rowBlock = 65_536

    /// The facts before each day of `before`, from one radix partitioning of the rows.
    ///
    /// Rows are counted per (row block, customer partition), scattered into their partition keeping
    /// row order (a stable counting sort, both passes over row blocks in parallel), then each
    /// partition adds up its rows into its own range of customers. A customer's rows are added in
    /// table order whatever the thread count, so the sums are the same bits on any number of threads.
    /// - Complexity: O(interactions + customers × periods).
    package static func periods(_ table: InteractionTable, customerCount n: Int, before: [CalendarDay]) -> [CustomerContacts] {
        let last = before.map(\.daysSinceEpoch).max() ?? Int32.min
        let shift = partitionBits, partitions = (n >> shift) + 1
        let rowBlocks = splitBlocks(table.count, size: rowBlock)
        // Pass 1: rows per (block, partition), of rows that some period counts.
        var counts = [[Int]](repeating: [], count: rowBlocks.count)
        parallelEach(&counts) { b, count in
            count = [Int](repeating: 0, count: partitions)
            for r in rowBlocks[b] where table.day[r] < last {
                let c = Int(table.customer[r])
                if c >= 0 && c < n { count[c >> shift] += 1 }
            }
        }
        // Offsets: partition-major, then block order, so each partition's rows keep table order.
        var start = [Int](repeating: 0, count: partitions + 1)
        var offsets = [[Int]](repeating: [Int](repeating: 0, count: partitions), count: rowBlocks.count)
        var total = 0
        for p in 0..<partitions {
            start[p] = total
            for b in rowBlocks.indices { offsets[b][p] = total; total += counts[b][p] }
        }
        start[partitions] = total
        // Pass 2: scatter the rows' fields into their partitions. Copies, not row numbers: the
        // table is in date order, so reading it through row numbers partition by partition would
        // be a cache miss per field (four fifths of this step's time on exports in date order).
        let rows = [ContactRow](unsafeUninitializedCapacity: total) { rows, initialized in
            parallelFor(rowBlocks.count) { b in
                var next = offsets[b]
                for r in rowBlocks[b] where table.day[r] < last {
                    let c = Int(table.customer[r])
                    guard c >= 0 && c < n else { continue }
                    rows[next[c >> shift]] = ContactRow(day: table.day[r], satisfaction: table.satisfaction[r], recommend: table.recommend[r],
                                                        local: UInt16(truncatingIfNeeded: c & ((1 << shift) - 1)), kind: table.kind[r])
                    next[c >> shift] += 1
                }
            }
            initialized = total
        }
        // Pass 3: each partition adds up its rows for every period into its own customers.
        let k = before.count
        var sums: [[Double]] = []
        let tallies = writeOnceColumns(of: Int32.self, 6 * k, length: n) { tally in
            sums = writeOnceColumns(of: Double.self, 3 * k, length: n) { sum in
                parallelFor(partitions) { p in
                    let customers = (p << shift)..<min(n, (p + 1) << shift)
                    for column in tally { column.update(repeating: 0, in: customers) }
                    for column in sum { column.update(repeating: 0, in: customers) }
                    for i in start[p]..<start[p + 1] {
                        let row = rows[i], c = customers.lowerBound + Int(row.local), day = row.day
                        let kind = row.kind, s = row.satisfaction, answer = row.recommend
                        for period in 0..<k where day < before[period].daysSinceEpoch {
                            let t = 6 * period, m = 3 * period
                            tally[t][c] += 1
                            if kind == .complaint { tally[t + 1][c] += 1 }
                            if kind == .support { tally[t + 2][c] += 1 }
                            if !s.isNaN {
                                sum[m][c] += Double(s); tally[t + 3][c] += 1
                                if kind == .survey { sum[m + 1][c] += Double(s); tally[t + 4][c] += 1 }
                            }
                            if !answer.isNaN { sum[m + 2][c] += Double(answer); tally[t + 5][c] += 1 }
                        }
                    }
                }
            }
        }
        return before.indices.map { period in
            let t = 6 * period, m = 3 * period
            return CustomerContacts(before: before[period], interactions: tallies[t], complaints: tallies[t + 1],
                                    supportContacts: tallies[t + 2], satisfactionSum: sums[m], satisfactionAnswers: tallies[t + 3],
                                    surveySatisfactionSum: sums[m + 1], surveyAnswers: tallies[t + 4],
                                    recommendSum: sums[m + 2], recommendAnswers: tallies[t + 5])
        }
    }

    /// One interaction row as the per-partition sums read it (16 bytes): its customer as an
    /// offset in the partition, so that rows can be copied next to their partition's others.
    private struct ContactRow {
        var day: Int32
        var satisfaction: Float
        var recommend: Float
        var local: UInt16
        var kind: InteractionKind
    }

    /// The facts of contacts dated before `before`.
    public init(interactions: InteractionTable, customerCount: Int, before: CalendarDay) {
        self = Self.periods(interactions, customerCount: customerCount, before: [before])[0]
    }

    package init(before: CalendarDay, interactions: [Int32], complaints: [Int32], supportContacts: [Int32],
         satisfactionSum: [Double], satisfactionAnswers: [Int32], surveySatisfactionSum: [Double], surveyAnswers: [Int32],
         recommendSum: [Double], recommendAnswers: [Int32]) {
        self.before = before
        self.interactions = interactions
        self.complaints = complaints
        self.supportContacts = supportContacts
        self.satisfactionSum = satisfactionSum
        self.satisfactionAnswers = satisfactionAnswers
        self.surveySatisfactionSum = surveySatisfactionSum
        self.surveyAnswers = surveyAnswers
        self.recommendSum = recommendSum
        self.recommendAnswers = recommendAnswers
    }
}

private extension UnsafeMutableBufferPointer {
    /// Sets the elements at `range` (initialising plain values) to `value`.
    func update(repeating value: Element, in range: Range<Int>) {
        guard !range.isEmpty else { return }
        (baseAddress! + range.lowerBound).initialize(repeating: value, count: range.count)
    }
}
