import ClienteleKernels

/// One partition's candidates for k-means' seeding sample (`KMeansSeedingSample`): its customers
/// with the smallest sampling keys, at most the sample's size, with their standardised features.
/// The driver merges every partition's and keeps the smallest keys overall: the single run's
/// sample, whatever the split, because each customer's key is its own.
///
/// File (`CLNTKMS1`, little-endian): the feature count; the keys (as 64-bit patterns); the ids
/// (each as its UTF-8 bytes); the features, row-major.
public struct PartitionKMeansSample: Sendable, Equatable {
    static let magic: [UInt8] = Array("CLNTKMS1".utf8)

    public var features = 3
    public var keys: [UInt64] = []
    public var ids: [String] = []
    /// Row-major, `features` a customer.
    public var rows: [Double] = []

    public init() {}

    /// The customers among `keys` (one per row of `rows`, in ascending id order) with the `size`
    /// smallest keys; `id(i)` is row i's customer id, asked of the chosen rows only.
    init(keys: [UInt64], id: (Int) -> String, rows: [Double], features: Int, size: Int) {
        self.features = features
        for i in KMeansSeedingSample.smallest(keys, count: size) {
            self.keys.append(keys[i])
            self.ids.append(id(i))
            self.rows += rows[(i * features)..<((i + 1) * features)]
        }
    }

    /// Both samples' customers together.
    public func merged(with other: PartitionKMeansSample) -> PartitionKMeansSample {
        var m = self
        m.keys += other.keys; m.ids += other.ids; m.rows += other.rows
        return m
    }

    /// The `size` customers with the smallest keys (ties: the smaller id), in ascending id bytes:
    /// the rows `KMeansSeedingSample` hands the single run's seeding, in its order.
    public func smallest(_ size: Int) -> (ids: [String], features: [Double]) {
        let bytes = ids.map { Array($0.utf8) }
        var order = Array(keys.indices)
        order.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : bytes[$0].lexicographicallyPrecedes(bytes[$1]) }
        let chosen = order.prefix(size).sorted { bytes[$0].lexicographicallyPrecedes(bytes[$1]) }
        return (chosen.map { ids[$0] }, chosen.flatMap { rows[($0 * features)..<(($0 + 1) * features)] })
    }

    public func encoded() -> [UInt8] {
        var w = BinaryFields()
        w.bytes = Self.magic
        w.int(Int64(features))
        w.ints(keys.map { Int64(bitPattern: $0) })
        w.int(Int64(ids.count))
        for id in ids { w.ints(id.utf8.map { Int64($0) }) }
        w.doubles(rows)
        return w.bytes
    }

    public init(decoding bytes: [UInt8], path: String) throws(PartitionError) {
        guard bytes.starts(with: Self.magic) else { throw .unreadable(path: path, reason: "it does not start with CLNTKMS1") }
        var r = BinaryFields.Reader(bytes: bytes, at: Self.magic.count)
        do {
            features = Int(try r.int())
            keys = try r.ints().map { UInt64(bitPattern: $0) }
            let n = try r.count()
            for _ in 0..<n { ids.append(String(decoding: try r.ints().map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)) }
            rows = try r.doubles()
            guard r.at == bytes.count, features >= 1, ids.count == keys.count, rows.count == keys.count * features else { throw BinaryFields.Short() }
        } catch {
            throw .unreadable(path: path, reason: "it is cut short or inconsistent")
        }
    }
}
