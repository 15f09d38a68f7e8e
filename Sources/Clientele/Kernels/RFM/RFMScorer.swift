import ClienteleSupport
import ClienteleStats
import ClienteleStore

/// RFM scoring: recency, frequency and monetary value to scores 1…N (N = best) and named segments.
///
/// Scores are quantile ranks with one of three documented tie rules (docs/definitions.md):
/// - `.fill` (default): `.share`, but when a measure has at least N distinct values, the score
///   rises by at most one from one distinct value to the next better one and the best value
///   scores N, so no score is left empty: over the distinct values j = 0 (worst) … d − 1 (best)
///   with share scores s_j, score_j = min(score_{j−1} + 1, max(s_j, N − (d − 1 − j))),
///   score_{−1} = 0; computed as j + max(N − d + 1, min_{k ≤ j}(s_k − k)). With d < N it is `.share`;
/// - `.share`: tied customers share a score, `1 + ⌊N × worse / n⌋`, `worse` = customers with a
///   strictly worse value (larger recency; smaller frequency or monetary);
/// - `.split`: SQL `NTILE(N)` over customers ordered from worst to best value, then by customer_id
///   ascending (pandas `qcut(rank(method="first"))` when n is a multiple of N; DuckDB `NTILE`).
public struct RFMScorer: Sendable, Equatable {
    public enum TieRule: String, Sendable, CaseIterable, Codable { case share, split, fill }
    public enum Monetary: String, Sendable, CaseIterable, Codable {
        /// Net revenue, returns included.
        case total
        /// Net revenue per order, rounded half away from zero to the cent.
        case mean
    }

    public var quantiles: Int = 5
    public var ties: TieRule = .fill
    public var monetary: Monetary = .total
    public var segments: SegmentMap = .standard
    /// Share of revenue that is profit, for historical CLV (1 = revenue), between 0 and 1.
    public var margin: Double = 1
    /// Fixed frequency breaks instead of quantiles (`[rfm] frequency_breaks`, e.g. [1, 2, 3, 5]):
    /// F = 1 + the number of breaks below the customer's order count, at most N (a break is the
    /// largest order count of its score: 1 order → 1, 2 → 2, 3 → 3, 4–5 → 4, 6 or more → 5; pandas
    /// `cut(orders, [0, *breaks, inf], labels=1…N)`). `nil`: quantile scores with `ties`.
    /// Breaks are positive, strictly ascending integers, N − 1 of them (`validateFrequencyBreaks`).
    public var frequencyBreaks: [Int]? = nil

    public init() {}

    /// Scores the active customers of `activity`.
    /// - Complexity: O(n) per score: counted (O(n + blocks × span)) or by a parallel radix sort.
    public func run(_ activity: CustomerActivity) throws(RFMError) -> RFMResult {
        try validate()
        let population = Self.activeCustomers(activity)
        let n = population.count
        guard n > 0 else { throw RFMError.noActiveCustomers(asOf: activity.asOf) }

        let columns = Self.inputColumns(activity, population: population, monetary: monetary)
        let keys = [columns[4], columns[1], columns[2]]
        // One score after the other, each sorted and scored on every thread.
        return result(activity, population: population, columns: columns, scores: scores(keys: keys, orders: columns[1]) { score(keys[$0]) })
    }

    /// Checks the settings both ways of scoring share: quantiles, segment map, margin, frequency breaks.
    public func validate() throws(RFMError) {
        guard quantiles >= 2, quantiles <= 100 else { throw RFMError.invalidQuantiles(quantiles) }
        guard segments.quantiles == quantiles else {
            throw RFMError.segmentMapSize(mapRows: segments.quantiles, quantiles: quantiles)
        }
        // Within 0…1, historical CLV is no larger than revenue, so it stays within the cents range.
        guard margin.isFinite, margin >= 0, margin <= 1 else { throw RFMError.invalidMargin(margin) }
        if let breaks = frequencyBreaks, let why = Self.frequencyBreaksProblem(breaks, quantiles: quantiles) {
            throw RFMError.invalidFrequencyBreaks(breaks, why)
        }
    }

    /// The R, F, M scores of `keys` (recency, frequency, monetary goodness): `measure` for each,
    /// except F from `frequencyBreaks` when they are set.
    private func scores(keys: [[Int64]], orders: [Int64], measure: (Int) -> [UInt8]) -> [[UInt8]] {
        keys.indices.map { k in
            if k == 1, let breaks = frequencyBreaks { return Self.breakScores(orders, breaks: breaks, quantiles: quantiles) }
            return measure(k)
        }
    }

    /// Scores the active customers of `activity` with score tables built from the value counts of
    /// a larger population (every partition of a run spread over machines; `RFMValueCounts`), so
    /// a customer scores as in that population.
    /// - Throws: as `run(_:)`; `RFMError.notCounted` for a customer whose value the tables did
    ///   not count (statistics from other customers, or from only some of a customer's rows).
    public func run(_ activity: CustomerActivity, tables: [RFMScoreTable]) throws(RFMError) -> RFMResult {
        precondition(tables.count == 3, "one table per measure: recency, frequency, monetary")
        try validate()
        let population = Self.activeCustomers(activity)
        let columns = Self.inputColumns(activity, population: population, monetary: monetary)
        let keys = [columns[4], columns[1], columns[2]]
        let scores = scores(keys: keys, orders: columns[1]) { s in
            writeOnceColumns(of: UInt8.self, 1, length: population.count) { out in
                parallelRanges(population.count, size: Self.blockSize) { block in
                    for k in block { out[0][k] = tables[s].score(keys[s][k]) }
                }
            }[0]
        }
        for (s, measure) in ["recency", "frequency", "monetary"].enumerated() {
            if let k = scores[s].firstIndex(of: 0) {
                throw .notCounted(measure: measure, customer: Int(population[k]), value: keys[s][k])
            }
        }
        return result(activity, population: population, columns: columns, scores: scores)
    }

    /// The result from the customers' input columns (`inputColumns`) and their R, F, M scores.
    private func result(_ activity: CustomerActivity, population: [Int32], columns: [[Int64]], scores: [[UInt8]]) -> RFMResult {
        let n = population.count
        let recency = columns[0], frequency = columns[1], monetaryCents = columns[2], revenue = columns[3]
        let r = scores[0], f = scores[1], m = scores[2]
        let narrow = writeOnceColumns(of: Int32.self, 2, length: n) { out in
            parallelRanges(n, size: Self.blockSize) { block in
                for k in block { out[0][k] = Int32(recency[k]); out[1][k] = Int32(frequency[k]) }
            }
        }
        let segments = self.segments
        let segment = writeOnceColumns(of: UInt8.self, 1, length: n) { out in
            parallelRanges(n, size: Self.blockSize) { block in
                for k in block { out[0][k] = UInt8(segments.segment(r: Int(r[k]), f: Int(f[k]))) }
            }
        }[0]
        let margin = self.margin
        let clv = writeOnceColumns(1, length: n) { out in
            parallelRanges(n, size: Self.blockSize) { block in
                for k in block { out[0][k] = CentsLimit.bounded((Double(revenue[k]) * margin).rounded(.toNearestOrAwayFromZero)) }
            }
        }[0]
        return RFMResult(scorer: self, asOf: activity.asOf, customers: population, recencyDays: narrow[0],
                         frequency: narrow[1], monetaryCents: monetaryCents, revenueCents: revenue,
                         historicalCLVCents: clv, r: r, f: f, m: m, segment: segment)
    }

    /// Each scored customer's recency, frequency, monetary (cents) and revenue (cents), then the
    /// recency "goodness" key (negated, so larger is better), in blocks on every thread.
    package static func inputColumns(_ activity: CustomerActivity, population: [Int32], monetary: Monetary) -> [[Int64]] {
        let totalMonetary = monetary == .total
        return writeOnceColumns(of: Int64.self, 5, length: population.count) { out in
            population.withUnsafeBufferPointer { population in
                parallelRanges(population.count, size: Self.blockSize) { block in
                    for k in block {
                        let c = Int(population[k])
                        let recency = Int64(activity.recencyDays(c)), frequency = Int64(activity.frequency[c])
                        let revenue = activity.netCents[c]
                        let monetary = totalMonetary ? revenue : roundedDivision(revenue, frequency)
                        out[0][k] = recency; out[1][k] = frequency; out[2][k] = monetary; out[3][k] = revenue
                        out[4][k] = -recency
                    }
                }
            }
        }
    }

    /// The keys `score` ranks, larger is better: negated recency, frequency, monetary.
    package static func goodnessKeys(_ activity: CustomerActivity, population: [Int32], monetary: Monetary) -> [[Int64]] {
        let columns = inputColumns(activity, population: population, monetary: monetary)
        return [columns[4], columns[1], columns[2]]
    }

    /// Why `breaks` cannot score N = `quantiles` frequency scores, or `nil` when they can.
    public static func frequencyBreaksProblem(_ breaks: [Int], quantiles: Int) -> String? {
        if breaks.count != quantiles - 1 { return "give \(quantiles - 1) breaks for \(quantiles) scores (quantiles − 1), not \(breaks.count)" }
        if let b = breaks.first(where: { $0 < 1 }) { return "breaks are order counts, at least 1 (not \(b))" }
        if zip(breaks, breaks.dropFirst()).contains(where: { $0 >= $1 }) { return "breaks must be strictly ascending" }
        return nil
    }

    /// F = min(N, 1 + #{breaks < orders}) per customer.
    package static func breakScores(_ orders: [Int64], breaks: [Int], quantiles: Int) -> [UInt8] {
        let limits = breaks.map(Int64.init)
        return writeOnceColumns(of: UInt8.self, 1, length: orders.count) { out in
            orders.withUnsafeBufferPointer { orders in
                parallelRanges(orders.count, size: Self.blockSize) { block in
                    for k in block {
                        var f = 1
                        for b in limits where b < orders[k] { f += 1 }
                        out[0][k] = UInt8(min(quantiles, f))
                    }
                }
            }
        }[0]
    }

    /// Customers per block of the per-customer passes (a size that depends on nothing else).
    package static let blockSize = 65_536

    /// The ids of the active customers, ascending: counted, then listed, in blocks on every thread.
    package static func activeCustomers(_ activity: CustomerActivity) -> [Int32] {
        let counts = parallelBlocks(activity.count, size: blockSize) { block in
            block.reduce(0) { $0 + (activity.isActive($1) ? 1 : 0) }
        }
        var start = [Int](repeating: 0, count: counts.count + 1)
        for b in counts.indices { start[b + 1] = start[b] + counts[b] }
        let blocks = splitBlocks(activity.count, size: blockSize)
        return writeOnceColumns(of: Int32.self, 1, length: start[counts.count]) { out in
            parallelFor(blocks.count) { b in
                var at = start[b]
                for c in blocks[b] where activity.isActive(c) { out[0][at] = Int32(c); at += 1 }
            }
        }[0]
    }

    /// Scores 1…N for keys where larger is better, from the keys' stable order (ascending key,
    /// then row): counted when the keys span few values (recency days, order counts), sorted
    /// otherwise (cents). Both give the same scores; counting reads the keys twice and moves none.
    package func score(_ keys: [Int64]) -> [UInt8] {
        let bounds = keys.withUnsafeBufferPointer { keys in
            parallelBlocks(keys.count, size: Self.blockSize) { block -> (low: Int64, high: Int64) in
                var low = Int64.max, high = Int64.min
                for i in block { low = min(low, keys[i]); high = max(high, keys[i]) }
                return (low, high)
            }
        }
        guard let low = bounds.map(\.low).min(), let high = bounds.map(\.high).max() else { return [] }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        if !overflow, span < Self.countingSpan(customers: keys.count) {
            return scoreByCounting(keys, low: low, values: Int(span) + 1)
        }
        return scoreBySorting(keys)
    }

    /// The widest key span scored by counting: the per-block counters (blocks × span) stay
    /// smaller than the keys themselves, and at most 2¹⁶ values (256 KiB a block).
    package static func countingSpan(customers n: Int) -> Int64 {
        Int64(max(256, min(1 << 16, n / 16)))
    }

    /// `score` by counting sort: per-block counts of each value, then every row's position in the
    /// stable order is (keys below its value) + (equal keys in earlier blocks) + (equal keys
    /// earlier in its block). Blocks are fixed, so the result does not depend on the thread count.
    /// - Complexity: O(n + blocks × values).
    package func scoreByCounting(_ keys: [Int64], low: Int64, values: Int) -> [UInt8] {
        let n = keys.count
        let blocks = splitBlocks(n, size: Self.blockSize)
        var counts = [Int32](repeating: 0, count: blocks.count * values)
        keys.withUnsafeBufferPointer { key in
            counts.withUnsafeMutableBufferPointer { counts in
                parallelFor(blocks.count) { b in
                    let mine = UnsafeMutableBufferPointer(rebasing: counts[(b * values)..<((b + 1) * values)])
                    for i in blocks[b] { mine[Int(key[i] &- low)] &+= 1 }
                }
                // Turn the counts into each block's first position for each value, value-then-block order.
                var position: Int32 = 0
                for v in 0..<values {
                    for b in 0..<blocks.count {
                        let c = counts[b * values + v]
                        counts[b * values + v] = position
                        position &+= c
                    }
                }
            }
        }
        let N = quantiles, ties = self.ties
        let q = n / N, extra = n % N, big = extra * (q + 1)
        // `.fill`: one score per value, from the values' first positions (block 0's row), which
        // are the customers with a worse value; with fewer than N distinct values, share's.
        let table: [UInt8] = ties != .fill ? [] : {
            var present = [Bool](repeating: false, count: values)
            var distinct = 0
            for v in 0..<values {
                let next = v + 1 < values ? Int(counts[v + 1]) : n
                present[v] = next > Int(counts[v])
                if present[v] { distinct += 1 }
            }
            var table = [UInt8](repeating: 0, count: values)
            var j = 0, lowest = Int.max
            for v in 0..<values where present[v] {
                let share = 1 + N * Int(counts[v]) / n
                lowest = min(lowest, share - j)
                table[v] = UInt8(distinct < N ? share : Self.fillScore(j, lowest: lowest, quantiles: N, distinct: distinct))
                j += 1
            }
            return table
        }()
        return [UInt8](unsafeUninitializedCapacity: n) { out, count in
            keys.withUnsafeBufferPointer { key in
                counts.withUnsafeMutableBufferPointer { counts in
                    parallelFor(blocks.count) { b in
                        let next = UnsafeMutableBufferPointer(rebasing: counts[(b * values)..<((b + 1) * values)])
                        switch ties {
                        case .fill:
                            table.withUnsafeBufferPointer { table in
                                for i in blocks[b] { out[i] = table[Int(key[i] &- low)] }
                            }
                        case .share:
                            // Block 0's first position of a value is the number of keys below it.
                            for i in blocks[b] {
                                let worse = Int(counts[Int(key[i] &- low)])
                                out[i] = UInt8(1 + N * worse / n)
                            }
                        case .split:
                            for i in blocks[b] {
                                let v = Int(key[i] &- low), p = Int(next[v])
                                next[v] = next[v] &+ 1
                                out[i] = UInt8((p < big ? p / (q + 1) : extra + (p - big) / q) + 1)
                            }
                        }
                    }
                }
            }
            count = n
        }
    }

    /// `score` by a parallel radix sort of the keys, then scored along the sorted order.
    package func scoreBySorting(_ keys: [Int64]) -> [UInt8] {
        let n = keys.count
        let (order, sorted) = parallelStableOrder(byKeys: keys)
        let N = quantiles
        // `.fill`: per block, the distinct values that start in it and the lowest s_k − k over
        // them (k counted from the block's first start); then, in block order, the distinct
        // index before each block and the running minimum before it.
        var startsBefore: [Int] = [], lowestBefore: [Int] = [], distinct = 0
        if self.ties == .fill {
            let perBlock = parallelBlocks(n, size: Self.blockSize) { block -> (starts: Int, lowest: Int) in
                var starts = 0, lowest = Int.max
                for p in block where p == 0 || sorted[p] != sorted[p - 1] {
                    lowest = min(lowest, 1 + N * p / n - starts)
                    starts += 1
                }
                return (starts, lowest)
            }
            var running = Int.max
            for block in perBlock {
                startsBefore.append(distinct); lowestBefore.append(running)
                if block.starts > 0 { running = min(running, block.lowest - distinct) }
                distinct += block.starts
            }
        }
        // With fewer distinct values than scores, `.fill` is `.share`.
        let ties = self.ties == .fill && distinct < N ? .share : self.ties
        return [UInt8](unsafeUninitializedCapacity: n) { out, count in
            parallelRanges(n, size: Self.blockSize) { block in
                switch ties {
                case .fill:
                    let b = block.lowerBound / Self.blockSize
                    var j = startsBefore[b] - 1, lowest = lowestBefore[b]
                    for p in block {
                        if p == 0 || sorted[p] != sorted[p - 1] {
                            j += 1
                            lowest = min(lowest, 1 + N * p / n - j)
                        }
                        out[Int(order[p])] = UInt8(Self.fillScore(j, lowest: lowest, quantiles: N, distinct: distinct))
                    }
                case .share:
                    // 1 + ⌊N · (keys strictly worse) / n⌋; a block starts at the first position of its first key.
                    var groupStart = Self.firstPosition(of: sorted[block.lowerBound], in: sorted, upTo: block.lowerBound)
                    for p in block {
                        if p > 0 && sorted[p] != sorted[p - 1] { groupStart = p }
                        out[Int(order[p])] = UInt8(1 + N * groupStart / n)
                    }
                case .split:
                    let q = n / N, extra = n % N
                    let big = extra * (q + 1)
                    for p in block {
                        let bucket = p < big ? p / (q + 1) : extra + (p - big) / q
                        out[Int(order[p])] = UInt8(bucket + 1)
                    }
                }
            }
            count = n
        }
    }

    /// The `.fill` score of distinct value j (0 = worst) of d ≥ N, given `lowest` = min over
    /// k ≤ j of (s_k − k), s_k the share score of value k: j + min(1, max(N − d + 1, lowest)).
    /// It is the recurrence score_j = min(score_{j−1} + 1, max(s_j, N − (d − 1 − j))),
    /// score_{−1} = 0, unrolled: score_j = min(j + 1, min_{k ≤ j}(max(s_k, N − d + 1 + k) + j − k)),
    /// and min of max(a, x_k) is max(a, min x_k). (s_0 = 1, so the min(1, …) only matters for d < N.)
    @inline(__always)
    package static func fillScore(_ j: Int, lowest: Int, quantiles N: Int, distinct d: Int) -> Int {
        j + min(1, max(N - d + 1, lowest))
    }

    /// The first position in `sorted[0...last]` that holds `value` (`sorted[last] == value`).
    package static func firstPosition(of value: Int64, in sorted: [Int64], upTo last: Int) -> Int {
        var low = 0, high = last
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// `a / b` rounded half away from zero, for b > 0.
package func roundedDivision(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b, r = a % b
    if 2 * abs(r) >= b { return a >= 0 ? q + 1 : q - 1 }
    return q
}

/// Why RFM scoring could not run.
public enum RFMError: ClienteleError, Equatable {
    case invalidQuantiles(Int)
    case segmentMapSize(mapRows: Int, quantiles: Int)
    case invalidMargin(Double)
    case noActiveCustomers(asOf: CalendarDay)
    /// `.split` scored from value counts (`RFMScoreTable`): NTILE needs the customer order among ties.
    case tieRuleNeedsCustomerOrder
    case invalidFrequencyBreaks([Int], String)
    /// Scoring from value counts (`run(_:tables:)`): a customer's value (its key: negated recency
    /// days, orders, monetary cents) is not among the counted ones. `customer` is its row.
    case notCounted(measure: String, customer: Int, value: Int64)

    public var exitStatus: ExitStatus {
        switch self {
        case .noActiveCustomers, .notCounted: return .dataError
        default: return .usage
        }
    }

    public var description: String {
        switch self {
        case .invalidQuantiles(let n): return "rfm quantiles = \(n): must be between 2 and 100"
        case .segmentMapSize(let rows, let n): return "segment map has \(rows) R rows but rfm quantiles = \(n); give one row of \(n) names per R score"
        case .invalidMargin(let m): return "margin = \(m): the profit share of revenue, between 0 and 1"
        case .noActiveCustomers(let asOf): return "no customer has an order before as-of \(asOf); choose a later --as-of"
        case .tieRuleNeedsCustomerOrder: return "rfm ties = \"split\" ranks tied customers by customer_id, which value counts cannot do; use \"fill\" or \"share\""
        case .invalidFrequencyBreaks(let breaks, let why): return "rfm frequency_breaks = \(breaks): \(why)"
        case .notCounted(let measure, _, let value):
            return "a customer's \(measure) (key \(value)) is not in the merged statistics: score each partition with the statistics "
                + "merged from every partition, each holding every row of its customers (partition summarise, partition merge)"
        }
    }
}
