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
        var discordant: Int64 = 0, tiedBoth: Int64 = 0
        var fenwick = [Int32](repeating: 0, count: d + 1)
        var joint = [Int32](repeating: 0, count: d)
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
        if d <= denseSweepLimit {
            return denseSweepCounts(sequence, tieSizes: sweep.tieSizes, domain: d)
        }
        fenwick.withUnsafeMutableBufferPointer { fenwick in
            joint.withUnsafeMutableBufferPointer { joint in
                sequence.withUnsafeBufferPointer { sequence in
                    var passed: Int64 = 0
                    var p = 0
                    for t in sweep.tieSizes {
                        let end = p + t
                        for q in p..<end {
                            let a = Int(sequence[q])
                            var atMost: Int64 = 0
                            var i = a + 1
                            while i > 0 { atMost &+= Int64(fenwick[i]); i &= i &- 1 }
                            discordant &+= passed &- atMost
                            tiedBoth &+= Int64(joint[a])
                            joint[a] &+= 1
                        }
                        for q in p..<end {
                            let a = Int(sequence[q])
                            joint[a] = 0
                            var i = a + 1
                            while i <= d { fenwick[i] &+= 1; i &+= i & -i }
                        }
                        passed &+= Int64(t)
                        p = end
                    }
                }
            }
        }
        return (discordant, tiedBoth)
    }

    /// The largest `tree` domain for which `sweepCounts` keeps the counts as a running prefix
    /// array instead of a Fenwick tree: survey variables (a few dozen values) fit many times.
    package static let denseSweepLimit = 256

    /// `sweepCounts` with `atMost[v]` = passed rows with `tree` rank ≤ v kept outright: a row's
    /// count is one read, and each passed row adds 1 to the contiguous tail atMost[a...], a loop
    /// the compiler vectorises. For small domains this beats the Fenwick tree's chains of
    /// dependent reads and read-modify-writes; the counts are the same integers.
    private static func denseSweepCounts(_ sequence: [Int32], tieSizes: [Int], domain d: Int) -> (discordant: Int64, tiedBoth: Int64) {
        var discordant: Int64 = 0, tiedBoth: Int64 = 0
        var atMost = [Int32](repeating: 0, count: d)
        var joint = [Int32](repeating: 0, count: d)
        atMost.withUnsafeMutableBufferPointer { atMost in
            joint.withUnsafeMutableBufferPointer { joint in
                sequence.withUnsafeBufferPointer { sequence in
                    var passed: Int64 = 0
                    var p = 0
                    for t in tieSizes {
                        let end = p + t
                        for q in p..<end {
                            let a = Int(sequence[q])
                            discordant &+= passed &- Int64(atMost[a])
                            tiedBoth &+= Int64(joint[a])
                            joint[a] &+= 1
                        }
                        for q in p..<end {
                            let a = Int(sequence[q])
                            joint[a] = 0
                            for v in a..<d { atMost[v] &+= 1 }
                        }
                        passed &+= Int64(t)
                        p = end
                    }
                }
            }
        }
        return (discordant, tiedBoth)
    }
}
