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

    /// Group "all": every row.
    package static func all(rows: Int, ranks: [MissingRanks]) -> CorrelationTableRows {
        CorrelationTableRows(rows: nil, count: rows, orders: ranks.map { $0.order[...] })
    }

    /// One table per group, in group order.
    /// - Complexity: O(rows × variables), the variables spread over the threads.
    package static func groups(_ groups: CorrelationGroups, ranks: [MissingRanks]) -> [CorrelationTableRows] {
        let k = groups.names.count
        let labels = groups.labels
        var members = [[Int32]](repeating: [], count: k)
        for (i, g) in labels.enumerated() { members[Int(g)].append(Int32(i)) }
        // Per variable: the order split by group into one flat array, group g at offsets[g]..<offsets[g + 1].
        var split = [(flat: [Int32], offsets: [Int])](repeating: ([], []), count: ranks.count)
        parallelEach(&split) { v, out in
            let order = ranks[v].order
            var offsets = [Int](repeating: 0, count: k + 1)
            for row in order { offsets[Int(labels[Int(row)]) + 1] += 1 }
            for g in 0..<k { offsets[g + 1] += offsets[g] }
            var next = Array(offsets.prefix(k))
            var flat = [Int32](repeating: 0, count: order.count)
            for row in order {
                let g = Int(labels[Int(row)])
                flat[next[g]] = row
                next[g] += 1
            }
            out = (flat, offsets)
        }
        return (0..<k).map { g in
            CorrelationTableRows(rows: members[g], count: members[g].count,
                                 orders: split.map { $0.flat[$0.offsets[g]..<$0.offsets[g + 1]] })
        }
    }

    /// The table's values of a column (the column itself for "all").
    package func values(_ column: [Double]) -> [Double] {
        guard let rows else { return column }
        return rows.map { column[Int($0)] }
    }
}
