extension KendallTauB {
    /// The largest number of distinct values for which `pairCounts(_:_:)` counts with a
    /// Fenwick tree over one variable's ranks (a 256 KiB tree at most); beyond it, on both
    /// variables, it falls back to Knight's merge counting.
    package static let sweepDomainLimit = 1 << 16

    /// Pair counts of two columns ranked on the same row set.
    ///
    /// Sweep (when either variable has at most `domainLimit` distinct values over its whole
    /// column): walk the rows in the value order of one variable (`sweep`, already sorted), and
    /// keep a Fenwick tree of the other's ranks (`tree`) over the rows already passed in earlier,
    /// strictly smaller, tie groups of `sweep`. A row is discordant with each of those whose
    /// `tree` value is larger: D = Σ (passed − passed with tree value ≤ its own). Rows tied in
    /// both are counted per tie group of `sweep` by a count per `tree` value. O(n log d) for d
    /// distinct values of `tree`, with one pass over the rows and no sort: the sorted order is
    /// shared by every pair of the row set. Survey variables have a few dozen values at most.
    ///
    /// Otherwise: dense ranks renumbered on the set and `pairCounts(xRanks:…)`.
    package static func pairCounts(_ x: RankedColumn, _ y: RankedColumn, domainLimit: Int = sweepDomainLimit) -> PairCounts {
        precondition(x.count == y.count, "kendall: columns on different row sets")
        guard min(x.domain, y.domain) <= domainLimit else {
            return pairCounts(xRanks: x.denseRanks(), xDistinct: x.distinct, yRanks: y.denseRanks(), yDistinct: y.distinct)
        }
        let (sweep, tree) = x.domain <= y.domain ? (y, x) : (x, y)
        let (discordant, tiedBoth) = sweepCounts(sweep: sweep, tree: tree)
        return PairCounts(discordant: discordant, tiesX: x.ties, tiesY: y.ties, tiedBoth: tiedBoth)
    }

    /// Discordant pairs and pairs tied in both, walking `sweep`'s order with a Fenwick tree over
    /// `tree`'s ranks. Hand-written loops: this is the inner loop of every Kendall pair.
    private static func sweepCounts(sweep: RankedColumn, tree: RankedColumn) -> (discordant: Int64, tiedBoth: Int64) {
        let m = sweep.count, d = tree.domain
        // `tree`'s ranks in `sweep`'s order: one gather (every element written, none zeroed
        // first), then sequential reads.
        let sequence = [Int32](unsafeUninitializedCapacity: m) { sequence, initialized in
            tree.rank.withUnsafeBufferPointer { rank in
                sweep.sorted.withUnsafeBufferPointer { sorted in
                    for p in 0..<m { sequence[p] = rank[Int(sorted[p])] }
                }
            }
            initialized = m
        }
        return d <= denseSweepLimit
            ? walk(sequence, tieSizes: sweep.tieSizes, domain: d, PrefixCounts.self)
            : walk(sequence, tieSizes: sweep.tieSizes, domain: d, FenwickCounts.self)
    }

    /// The largest `tree` domain for which `sweepCounts` keeps the counts as a running prefix
    /// array (`PrefixCounts`) instead of a Fenwick tree: survey variables (a few dozen values) fit many times.
    package static let denseSweepLimit = 256

    /// The sweep itself: rows in tie groups of `sweep` (`tieSizes`), each row discordant with the
    /// passed rows of larger `tree` rank and tied in both with the earlier rows of its group and
    /// rank; a group's rows enter `counts` when the group is done.
    @inline(__always)
    private static func walk<C: PassedCounts>(_ sequence: [Int32], tieSizes: [Int], domain d: Int, _: C.Type) -> (discordant: Int64, tiedBoth: Int64) {
        let storage = UnsafeMutableBufferPointer<Int32>.allocate(capacity: C.storage(domain: d))
        let joint = UnsafeMutableBufferPointer<Int32>.allocate(capacity: d)
        storage.initialize(repeating: 0)
        joint.initialize(repeating: 0)
        defer { storage.deallocate(); joint.deallocate() }
        let counts = C(storage, domain: d)
        var discordant: Int64 = 0, tiedBoth: Int64 = 0
        sequence.withUnsafeBufferPointer { sequence in
            var passed: Int64 = 0
            var p = 0
            for t in tieSizes {
                let end = p + t
                for q in p..<end {
                    let a = Int(sequence[q])
                    discordant &+= passed &- counts.atMost(a)
                    tiedBoth &+= Int64(joint[a])
                    joint[a] &+= 1
                }
                for q in p..<end {
                    let a = Int(sequence[q])
                    joint[a] = 0
                    counts.add(a)
                }
                passed &+= Int64(t)
                p = end
            }
        }
        return (discordant, tiedBoth)
    }
}

/// The passed rows of a sweep counted by `tree` rank (0..<domain), in `storage(domain:)` zeroed
/// counters that `walk` owns: how many are at most a rank, and one more at a rank.
private protocol PassedCounts {
    static func storage(domain: Int) -> Int
    init(_ counters: UnsafeMutableBufferPointer<Int32>, domain: Int)
    func atMost(_ a: Int) -> Int64
    func add(_ a: Int)
}

/// A Fenwick tree: O(log d) reads and writes, for large domains.
private struct FenwickCounts: PassedCounts {
    let tree: UnsafeMutableBufferPointer<Int32>
    let domain: Int

    static func storage(domain: Int) -> Int { domain + 1 }
    init(_ counters: UnsafeMutableBufferPointer<Int32>, domain: Int) { tree = counters; self.domain = domain }

    @inline(__always)
    func atMost(_ a: Int) -> Int64 {
        var sum: Int64 = 0, i = a + 1
        while i > 0 { sum &+= Int64(tree[i]); i &= i &- 1 }
        return sum
    }

    @inline(__always)
    func add(_ a: Int) {
        var i = a + 1
        while i <= domain { tree[i] &+= 1; i &+= i & -i }
    }
}

/// `atMost[v]` kept outright: a read is one load, and an added row adds 1 to the contiguous tail
/// atMost[a...], a loop the compiler vectorises. For small domains this beats the Fenwick tree's
/// chains of dependent reads and read-modify-writes; the counts are the same integers.
private struct PrefixCounts: PassedCounts {
    let counters: UnsafeMutableBufferPointer<Int32>
    let domain: Int

    static func storage(domain: Int) -> Int { domain }
    init(_ counters: UnsafeMutableBufferPointer<Int32>, domain: Int) { self.counters = counters; self.domain = domain }

    @inline(__always)
    func atMost(_ a: Int) -> Int64 { Int64(counters[a]) }

    @inline(__always)
    func add(_ a: Int) {
        for v in a..<domain { counters[v] &+= 1 }
    }
}
