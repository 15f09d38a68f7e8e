import Synchronization
import ClienteleSupport

/// How the partitioned ingest routes rows: by the top bits of a 64-bit hash of the customer key.
///
/// Rows of one customer always land in the same partition, whatever the lane, the block or the
/// row order, so each partition is aggregated alone, with hash tables small enough to stay in
/// cache (radix partitioning, as DuckDB's and Polars' hash aggregates do: Leis et al. 2014,
/// "Morsel-driven parallelism"; Balkesen et al. 2013 on radix-partitioned hash joins). The hash is
/// `KeyInterner.hash(key, tag: 0)`; partition tables probe with its low bits, so the top bits that
/// chose the partition cost them nothing.
@usableFromInline package struct IngestPartitioning: Sendable, Equatable {
    /// 0 ... `maximumBits`: there are `1 << bits` partitions.
    @usableFromInline package let bits: Int

    /// Up to 4,096 partitions: each lane writes to one buffer per partition, and more write
    /// heads than that stop fitting in L1/TLB.
    package static let maximumBits = 12
    /// Customers a partition is sized for: its customer table (~60 bytes a customer) and order
    /// directory and accumulators (~45 bytes an order, ~3 orders a customer) then take well under
    /// 1 MB, within a core's L2 (2 MiB a core on the benchmark machine) with room for the records
    /// streaming past (measurements: Benchmarks/results/ingest-partitioned-1000000.md).
    package static let customersPerPartition = 8 << 10

    package init(bits: Int) {
        precondition(bits >= 0 && bits <= Self.maximumBits, "partition bits \(bits) outside 0...\(Self.maximumBits)")
        self.bits = bits
    }

    /// The fewest partitions that keep about `customersPerPartition` customers each.
    package init(expectedCustomers: Int) {
        var bits = 0
        while bits < Self.maximumBits && (expectedCustomers >> bits) > Self.customersPerPartition { bits += 1 }
        self.init(bits: bits)
    }

    package var count: Int { 1 << bits }

    /// The partition of a key whose hash is `hash`.
    @inlinable @inline(__always)
    package func partition(_ hash: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: hash >> UInt64(64 - bits)) }

    @inlinable @inline(__always)
    package static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 { KeyInterner.hash(key, tag: 0) }
}

/// Hands out partition numbers 0, 1, 2, … to the workers that aggregate them (a shared counter,
/// so a worker slowed by another process on a shared core does not hold the others up). Which
/// worker takes which partition never changes a result: each partition writes only its own slot.
package final class PartitionQueue: Sendable {
    private let next = Atomic<Int>(0)
    package let count: Int

    package init(count: Int) { self.count = count }

    /// The next partition to aggregate, or `nil` when all are taken.
    package func take() -> Int? {
        let p = next.add(1, ordering: .relaxed).oldValue
        return p < count ? p : nil
    }

    /// Runs `body(p)` for every partition `p` on `workers` threads; `results[p]` is `body(p)`.
    package static func map<T>(_ count: Int, workers: Int, _ body: (Int) -> T) -> [T] {
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
