import ClienteleSupport
import ClienteleStats
import ClienteleStore

/// The customers k-means++ draws its seeds from: every clustered customer up to `size` of them,
/// else the `size` whose seeded id hash is smallest (a bottom-k sample). A customer's key
/// depends only on its id and the seed, never on the row order, the thread count or how the
/// customers are split over machines, so Spark's driver, merging each partition's smallest
/// keys, holds the same sample and draws the same seeds (`clientele partition kmeans-seed`).
///
/// key = mix(FNV-1a-64(customer_id bytes) ⊕ mix(seed ⊕ salt)), `ChurnSplit`'s hash with its own
/// salt so the sample does not follow the train/test split; ties (none expected in 64 bits) go to
/// the smaller id. The sample's rows keep customer-id order, the order k-means++ walks them in.
/// 32,768 customers seed k ≤ a few dozen clusters as well as all of them would (k-means++'s
/// guarantee is in expectation over the draws, which a uniform sample preserves), in a
/// fraction of the walks over the rows.
public struct KMeansSeedingSample: Sendable, Equatable {
    /// Customers in the sample at most (default 32,768).
    public var size: Int
    /// The run's seed.
    public var seed: UInt64

    public static let defaultSize = 32_768
    /// Keeps the sample's hash apart from the churn split's.
    static let salt: UInt64 = 0x6B6D_6561_6E73_2B2B

    public init(seed: UInt64, size: Int = KMeansSeedingSample.defaultSize) {
        self.seed = seed
        self.size = size
    }

    /// The sampling key of customer_id bytes `id`: the smallest `size` keys are the sample.
    public func key(_ id: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return ChurnSplit.mix(h ^ ChurnSplit.mix(seed ^ Self.salt))
    }

    /// The rows (ascending) of the sample among `customers` (the clustered customers, ids into
    /// `index`, in ascending id order); nil when every row is in it (n ≤ size).
    /// - Complexity: O(n) for the keys and a cut at twice the expected threshold, then a sort of
    ///   the ~2·size rows under it (all n rows in the unlikely case that fewer than size are).
    public func rows(customers: [Int32], index: CustomerIndex) -> [Int]? {
        let n = customers.count
        guard n > size else { return nil }
        let keys = [UInt64](unsafeUninitializedCapacity: n) { out, count in
            customers.withUnsafeBufferPointer { c in
                parallelRanges(n, size: 65_536) { range in
                    for r in range { out[r] = index.withKey(c[r]) { key($0) } }
                }
            }
            count = n
        }
        return Self.smallest(keys, count: size)
    }

    /// The positions of the `count` smallest keys (ties: the earlier position), ascending.
    package static func smallest(_ keys: [UInt64], count: Int) -> [Int] {
        let n = keys.count
        guard n > count else { return Array(0..<n) }
        // Under twice the expected threshold lie about 2·count uniform keys; fewer than count
        // there (a vanishing chance) falls back to every row.
        let cut = UInt64(min(Double(UInt64.max), 2 * Double(count) / Double(n) * 0x1p64))
        var candidates = parallelIndices(n) { keys[$0] < cut }
        if candidates.count < count { candidates = Array(0..<n) }
        // By key, then position: a stable radix sort of positions in ascending order.
        var sorted = candidates.map { keys[$0] }, positions = candidates.map { Int32($0) }
        ParallelRadixSort.sort(keys: &sorted, ids: &positions)
        return positions[0..<count].map { Int($0) }.sorted()
    }
}
