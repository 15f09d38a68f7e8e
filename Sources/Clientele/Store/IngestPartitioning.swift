import Synchronization

/// How the partitioned ingest routes rows: by the top bits of a 64-bit hash of the customer key.
///
/// Rows of one customer always land in the same partition, whatever the lane, the block or the
/// row order, so each partition is aggregated alone, with hash tables small enough to stay in
/// cache (radix partitioning, as DuckDB's and Polars' hash aggregates do: Leis et al. 2014,
/// "Morsel-driven parallelism"; Balkesen et al. 2013 on radix-partitioned hash joins). The hash is
/// `KeyInterner.hash(key, tag: 0)`; partition tables probe with its low bits, so the top bits that
/// chose the partition cost them nothing.
struct IngestPartitioning: Sendable, Equatable {
    /// 0 ... `maximumBits`: there are `1 << bits` partitions.
    let bits: Int

    /// Up to 4,096 partitions: each lane writes to one buffer per partition, and more write
    /// heads than that stop fitting in L1/TLB.
    static let maximumBits = 12
    /// Customers a partition is sized for: its customer table (~60 bytes a customer) and order
    /// directory and accumulators (~45 bytes an order, ~3 orders a customer) then take well under
    /// 1 MB, within a core's L2 (2 MiB a core on the benchmark machine) with room for the records
    /// streaming past (measurements: Benchmarks/results/ingest-partitioned-1000000.md).
    static let customersPerPartition = 8 << 10

    init(bits: Int) {
        precondition(bits >= 0 && bits <= Self.maximumBits, "partition bits \(bits) outside 0...\(Self.maximumBits)")
        self.bits = bits
    }

    /// The fewest partitions that keep about `customersPerPartition` customers each.
    init(expectedCustomers: Int) {
        var bits = 0
        while bits < Self.maximumBits && (expectedCustomers >> bits) > Self.customersPerPartition { bits += 1 }
        self.init(bits: bits)
    }

    var count: Int { 1 << bits }

    /// The partition of a key whose hash is `hash`.
    @inline(__always)
    func partition(_ hash: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: hash >> UInt64(64 - bits)) }

    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 { KeyInterner.hash(key, tag: 0) }
}

/// Hands out partition numbers 0, 1, 2, … to the workers that aggregate them (a shared counter,
/// so a worker slowed by another process on a shared core does not hold the others up). Which
/// worker takes which partition never changes a result: each partition writes only its own slot.
final class PartitionQueue: Sendable {
    private let next = Atomic<Int>(0)
    let count: Int

    init(count: Int) { self.count = count }

    /// The next partition to aggregate, or `nil` when all are taken.
    func take() -> Int? {
        let p = next.add(1, ordering: .relaxed).oldValue
        return p < count ? p : nil
    }

    /// Runs `body(p)` for every partition `p` on `workers` threads; `results[p]` is `body(p)`.
    static func map<T>(_ count: Int, workers: Int, _ body: (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        let queue = PartitionQueue(count: count)
        results.withUnsafeMutableBufferPointer { out in
            let out = out
            parallelFor(max(1, min(workers, count))) { _ in
                while let p = queue.take() { out[p] = body(p) }
            }
        }
        return results.map { $0! }
    }
}

/// One lane's rows for one partition: fixed-size headers, each followed by its key bytes, back
/// to back in the order the lane converted them.
///
/// A class over one manually grown allocation (like `RecordBatch`): appending a record is one
/// bounds check and a few stores on the scan's hot path.
final class PartitionBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes in use.
    private(set) var used = 0
    /// Records appended.
    private(set) var records = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Room for one record of `bytes` bytes, counted as appended; the caller fills all of it.
    @inline(__always)
    func append(_ bytes: Int) -> UnsafeMutableRawPointer {
        if used + bytes > capacity { grow(to: used + bytes) }
        let p = base + used
        used += bytes
        records += 1
        return p
    }

    /// Calls `body` with the bytes appended so far.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base, count: used))
    }

    /// Frees the storage (after the partition was aggregated).
    func release() {
        base.deallocate()
        capacity = 64
        base = .allocate(byteCount: capacity, alignment: 16)
        used = 0
        records = 0
    }

    @inline(never)
    private func grow(to minimum: Int) {
        var size = capacity * 2
        while size < minimum { size *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        bigger.copyMemory(from: base, byteCount: used)
        base.deallocate()
        base = bigger
        capacity = size
    }
}

/// Copies `key` into `p` (the tail of a record being appended).
@inline(__always)
func storeKey(_ key: UnsafeRawBufferPointer, at p: UnsafeMutableRawPointer) {
    if key.count > 0 { p.copyMemory(from: key.baseAddress!, byteCount: key.count) }
}
