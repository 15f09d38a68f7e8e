import ClienteleStats

/// Row orders by a `Double` value, highest first with ties in row order, for the churn
/// evaluation (ROC, AUC, deciles, threshold at the base rate) and the value-at-risk ranking.
///
/// Equal to the stable comparison sort
/// `(0..<n).sorted { v[$0] > v[$1] || (v[$0] == v[$1] && $0 < $1) }` for values without NaN
/// (−0 and +0 are equal), but computed by an LSD radix sort on order-preserving 64-bit keys,
/// 11 bits a pass: a comparison sort through a closure cost 0.15-0.25 s CPU per 10⁶ rows.
///
/// The passes are `ParallelRadixSort`'s: fixed blocks count and scatter in parallel, exactly the
/// serial stable pass, so the order is the same for any thread count.
package enum ChurnRowOrder {
    /// Rows per block of a pass.
    package static let blockRows = ParallelRadixSort.blockRows
    /// Bits per pass (2,048 counters a block).
    package static let digitBits = 11

    /// Rows `0..<values.count` by value descending, ties by row ascending.
    /// - Precondition: no value is NaN.
    /// - Complexity: O(n × passes) work on `Parallelism.threads` threads; 2 n words of scratch.
    package static func descending(_ values: [Double]) -> [Int] {
        let keys = values.map { value -> UInt64 in
            precondition(!value.isNaN, "ChurnRowOrder: NaN value")
            return ~ascendingKey(value)
        }
        return sortedRows(keys)
    }

    /// A key whose unsigned order is the numeric order of `value` (−0 and +0 give one key).
    @inline(__always)
    package static func ascendingKey(_ value: Double) -> UInt64 {
        let bits = (value + 0.0).bitPattern  // −0 + 0 = +0
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// The value whose `ascendingKey` is `key` (+0 for the key of −0).
    @inline(__always)
    package static func value(ascendingKey key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }

    /// Rows in ascending key order, equal keys in row order.
    package static func sortedRows(_ keys: [UInt64]) -> [Int] {
        let n = keys.count
        precondition(n <= Int(Int32.max), "ChurnRowOrder: \(n) rows exceed Int32 indices")
        var ids = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = Int32(i) }
            count = n
        }
        var sortedKeys = keys
        ParallelRadixSort.sort(keys: &sortedKeys, ids: &ids, digitBits: digitBits)
        return ids.map(Int.init)
    }
}
