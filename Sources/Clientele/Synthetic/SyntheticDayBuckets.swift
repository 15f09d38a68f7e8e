import ClienteleSupport

/// How `date` row order splits the window's days into buckets, and the sort key of a row.
///
/// `date` order is an external distribution sort: while customers are generated (in customer
/// order, in parallel blocks) every order — all its lines — and every interaction row goes, as one
/// record, to the bucket of its day; a bucket is a contiguous run of `daysPerBucket` days. Each
/// bucket is then sorted on its own, by the 32-bit key (day within the bucket, 12 bits; time of
/// day, 20 bits) and, for equal keys, by arrival (customer order), and written out bucket by
/// bucket. Memory holds a few buckets, never the whole file.
///
/// A record is an 8-byte little-endian header, `length << 32 | key`, then `length` bytes of CSV
/// rows.
package struct SyntheticDayBuckets: Sendable, Hashable {
    /// Days in the window, 7 · weeks.
    package let days: Int
    /// Days per bucket, 1…`maximumDaysPerBucket`.
    package let daysPerBucket: Int

    /// Bits of the key that hold the time of day; the day within the bucket is above them.
    package static let timeBits = 20
    /// The day within a bucket must fit the key's top 12 bits.
    package static let maximumDaysPerBucket = 1 << (32 - timeBits)
    /// Upper bound on the bucket count: each is an open scratch file per output file.
    package static let maximumBuckets = 256
    /// Customers per bucket aimed at: about 16 MB of transaction rows with the default settings.
    package static let customersPerBucket = 65_536

    /// Buckets for `population`: about one per `customersPerBucket` customers, at most
    /// `maximumBuckets` and `days`, and few enough days each for the key.
    package init(_ population: SyntheticPopulation) {
        self.init(days: 7 * population.weeks,
                  buckets: (population.customers + Self.customersPerBucket - 1) / Self.customersPerBucket)
    }

    /// `buckets` clamped to 1…min(`maximumBuckets`, `days`) and to at least ⌈days / maximumDaysPerBucket⌉.
    package init(days: Int, buckets: Int) {
        precondition(days >= 1, "days=\(days) should be >= 1")
        let fewest = (days + Self.maximumDaysPerBucket - 1) / Self.maximumDaysPerBucket
        let wanted = max(fewest, min(buckets, Self.maximumBuckets, days))
        self.days = days
        daysPerBucket = (days + wanted - 1) / wanted
    }

    /// Number of buckets, ⌈days / daysPerBucket⌉.
    package var count: Int { (days + daysPerBucket - 1) / daysPerBucket }

    /// The bucket of day `offset` (days since the window start, 0..<days) and the record key
    /// `(offset mod daysPerBucket) << timeBits | time`, with `time` < 2^timeBits.
    @inline(__always)
    package func place(day offset: Int, time: UInt32) -> (bucket: Int, key: UInt32) {
        assert(offset >= 0 && offset < days && time < 1 << Self.timeBits, "day \(offset), time \(time)")
        let bucket = offset / daysPerBucket
        return (bucket, UInt32(offset - bucket * daysPerBucket) << UInt32(Self.timeBits) | time)
    }

    /// An order's time of day: the fraction of the day at its purchase time (7 · week, in days),
    /// in units of 2^−20 days (about 0.08 s), so rows come out in purchase-time order.
    @inline(__always)
    package static func orderTime(week: Double) -> UInt32 {
        let days = week * 7
        let fraction = days - days.rounded(.down)
        return UInt32(min(Double((1 << timeBits) - 1), max(0, fraction * Double(1 << timeBits))))
    }

    /// An interaction's stand-in time of day: 20 bits of a SplitMix64 hash of the seed, the id
    /// (customer number, orphan or not) and the row's place among that id's rows. The generator
    /// draws no time for a contact, and a draw would change the customers' random streams.
    @inline(__always)
    package static func interactionTime(seed: UInt64, number: Int, orphan: Bool, index: Int) -> UInt32 {
        let id = SplitMix64.mix(UInt64(number) << 1 | (orphan ? 1 : 0))
        let hash = SplitMix64.mix((seed ^ id) &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        return UInt32(truncatingIfNeeded: hash >> UInt64(64 - timeBits))
    }
}
