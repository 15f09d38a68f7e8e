import ClienteleSupport
import ClienteleStore

/// How many active customers hold each value of the three RFM measures: everything the `.share`
/// and `.fill` tie rules need to score a customer, and a statistic that merges exactly, so
/// customers split over partitions (a Spark job's workers) score as they would together.
///
/// Each measure is held as its "goodness" key (larger is better, recency negated, as
/// `RFMScorer` sorts) with the count of customers at each distinct key, ascending. The size is
/// the number of distinct values (days, order counts, cents), never the number of customers
/// beyond that. `.split` (NTILE) also needs the customers' id order among ties, which no count
/// carries: it is not available from value counts (`RFMScoreTable` refuses it).
public struct RFMValueCounts: Sendable, Equatable {
    /// One measure's distinct keys, ascending, and the customers at each.
    public struct Column: Sendable, Equatable {
        public var keys: [Int64]
        public var counts: [Int64]

        public init(keys: [Int64] = [], counts: [Int64] = []) {
            precondition(keys.count == counts.count, "keys and counts must align")
            self.keys = keys
            self.counts = counts
        }

        /// The column of `values`: each distinct value once, ascending, with its multiplicity.
        public init(counting values: [Int64]) {
            let sorted = values.sorted()
            var keys: [Int64] = [], counts: [Int64] = []
            for v in sorted {
                if keys.last == v { counts[counts.count - 1] += 1 } else { keys.append(v); counts.append(1) }
            }
            self.init(keys: keys, counts: counts)
        }

        /// Customers counted.
        public var total: Int64 { counts.reduce(0, +) }

        /// Both columns' counts added key by key (a merge of two ascending lists).
        public func merged(with other: Column) -> Column {
            var keys: [Int64] = [], counts: [Int64] = []
            keys.reserveCapacity(self.keys.count + other.keys.count)
            counts.reserveCapacity(keys.capacity)
            var i = 0, j = 0
            while i < self.keys.count || j < other.keys.count {
                if j == other.keys.count || (i < self.keys.count && self.keys[i] < other.keys[j]) {
                    keys.append(self.keys[i]); counts.append(self.counts[i]); i += 1
                } else if i == self.keys.count || other.keys[j] < self.keys[i] {
                    keys.append(other.keys[j]); counts.append(other.counts[j]); j += 1
                } else {
                    keys.append(self.keys[i]); counts.append(self.counts[i] + other.counts[j]); i += 1; j += 1
                }
            }
            return Column(keys: keys, counts: counts)
        }
    }

    /// Recency (negated days since the last order), frequency (orders) and monetary (cents, as
    /// `RFMScorer.monetary` defines it), in that order.
    public var columns: [Column]

    public init(columns: [Column]) {
        precondition(columns.count == 3, "one column per measure: recency, frequency, monetary")
        self.columns = columns
    }

    /// The counts of the active customers of `activity`, with `scorer`'s monetary definition.
    public init(_ activity: CustomerActivity, scorer: RFMScorer) {
        let population = RFMScorer.activeCustomers(activity)
        let keys = RFMScorer.goodnessKeys(activity, population: population, monetary: scorer.monetary)
        self.init(columns: keys.map { Column(counting: $0) })
    }

    /// Active customers counted.
    public var customers: Int64 { columns[0].total }

    /// The counts of both sets of customers together (disjoint sets: each customer in one).
    public func merged(with other: RFMValueCounts) -> RFMValueCounts {
        RFMValueCounts(columns: zip(columns, other.columns).map { $0.merged(with: $1) })
    }
}

/// The score of every distinct key of one RFM measure under `.share` or `.fill`, computed from
/// the measure's value counts over all customers: what `RFMScorer.score` gives a customer with
/// that key, applied to any partition's customers by a lookup.
public struct RFMScoreTable: Sendable, Equatable {
    public let keys: [Int64]
    public let scores: [UInt8]

    /// - Throws: `RFMError.tieRuleNeedsCustomerOrder` for `.split`, whose scores depend on the
    ///   order of customer ids among tied values, not on counts alone.
    public init(_ column: RFMValueCounts.Column, quantiles N: Int, ties: RFMScorer.TieRule) throws(RFMError) {
        guard ties != .split else { throw .tieRuleNeedsCustomerOrder }
        let n = column.total, d = column.keys.count
        var scores = [UInt8](repeating: 0, count: d)
        var worse: Int64 = 0, lowest = Int.max
        for j in 0..<d {
            let share = 1 + Int(Int64(N) * worse / max(n, 1))
            if ties == .fill && d >= N {
                lowest = min(lowest, share - j)
                scores[j] = UInt8(RFMScorer.fillScore(j, lowest: lowest, quantiles: N, distinct: d))
            } else {
                scores[j] = UInt8(share)
            }
            worse += column.counts[j]
        }
        self.keys = column.keys
        self.scores = scores
    }

    /// The score of `key`, or 0 (no score) when the key was not counted.
    public func score(_ key: Int64) -> UInt8 {
        var low = 0, high = keys.count - 1
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return keys.indices.contains(low) && keys[low] == key ? scores[low] : 0
    }
}
