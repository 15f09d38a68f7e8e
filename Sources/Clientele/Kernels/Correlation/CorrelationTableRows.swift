import ClienteleSupport

/// The rows of each table of a correlation run and, per variable, the table's present rows in
/// value order: group "all" reads the whole columns (`MissingRanks.order`); each group gets its
/// share of every column's order by one stable distribution pass per variable (no sort).
package struct CorrelationTableRows: Sendable {
    /// The table's rows, ascending; nil for "all" (every row).
    package let rows: [Int32]?
    /// Rows in the table.
    package let count: Int
    /// Per variable: the table's present rows in ascending (value, row) order.
    package let orders: [ArraySlice<Int32>]
    /// Per variable: the dense rank (over the whole column) of each row of `orders`, beside it.
    package let orderRanks: [ArraySlice<Int32>]

    /// Group "all": every row.
    package static func all(rows: Int, ranks: [MissingRanks]) -> CorrelationTableRows {
        CorrelationTableRows(rows: nil, count: rows, orders: ranks.map { $0.order[...] }, orderRanks: ranks.map { $0.orderRanks[...] })
    }

    /// One table per group, in group order.
    /// - Complexity: O(rows × variables), the variables spread over the threads.
    package static func groups(_ groups: CorrelationGroups, ranks: [MissingRanks]) -> [CorrelationTableRows] {
        let k = groups.names.count
        let labels = groups.labels
        let members = Self.members(labels, groups: k)
        // Per variable: the order (and its ranks) split by group into one flat array, group g at
        // offsets[g]..<offsets[g + 1]; each row's group looked up once.
        var split = [(flat: [Int32], flatRanks: [Int32], offsets: [Int])](repeating: ([], [], []), count: ranks.count)
        parallelEach(&split) { v, out in
            let order = ranks[v].order, orderRanks = ranks[v].orderRanks
            let groupOf = order.map { labels[Int($0)] }
            var offsets = [Int](repeating: 0, count: k + 1)
            for g in groupOf { offsets[Int(g) + 1] += 1 }
            for g in 0..<k { offsets[g + 1] += offsets[g] }
            var next = Array(offsets.prefix(k))
            var flat = [Int32](repeating: 0, count: order.count)
            var flatRanks = [Int32](repeating: 0, count: order.count)
            for p in order.indices {
                let g = Int(groupOf[p])
                flat[next[g]] = order[p]
                flatRanks[next[g]] = orderRanks[p]
                next[g] += 1
            }
            out = (flat, flatRanks, offsets)
        }
        return (0..<k).map { g in
            CorrelationTableRows(rows: members[g], count: members[g].count,
                                 orders: split.map { $0.flat[$0.offsets[g]..<$0.offsets[g + 1]] },
                                 orderRanks: split.map { $0.flatRanks[$0.offsets[g]..<$0.offsets[g + 1]] })
        }
    }

    /// Each group's rows, ascending: blocks of rows over the threads count their rows per group,
    /// then write them from the prefix sums of the counts (block order, so the same on any
    /// number of threads).
    package static func members(_ labels: [Int32], groups k: Int) -> [[Int32]] {
        let n = labels.count, size = Correlation.rowBlock
        return labels.withUnsafeBufferPointer { labels in
            let shared = UncheckedSendable(labels)
            let counts = parallelBlocks(n, size: size) { range -> [Int] in
                var c = [Int](repeating: 0, count: k)
                for i in range { c[Int(shared.value[i])] += 1 }
                return c
            }
            // Where each block's rows of each group go in one flat array, group by group.
            var groupStart = [Int](repeating: 0, count: k + 1)
            for c in counts { for g in 0..<k { groupStart[g + 1] += c[g] } }
            for g in 0..<k { groupStart[g + 1] += groupStart[g] }
            var next = Array(groupStart.prefix(k))
            let blockStart = counts.map { c -> [Int] in
                defer { for g in 0..<k { next[g] += c[g] } }
                return next
            }
            let flat = [Int32](unsafeUninitializedCapacity: n) { flat, initialized in
                let out = UncheckedSendable(flat)
                parallelRanges(n, size: size) { range in
                    var at = blockStart[range.lowerBound / size]
                    for i in range {
                        let g = Int(shared.value[i])
                        out.value[at[g]] = Int32(i)
                        at[g] += 1
                    }
                }
                initialized = n
            }
            return (0..<k).map { Array(flat[groupStart[$0]..<groupStart[$0 + 1]]) }
        }
    }
}
