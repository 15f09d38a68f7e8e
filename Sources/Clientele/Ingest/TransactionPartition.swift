import ClienteleStore

/// One partition's customers and orders, aggregated from every lane's records for it (phase 2 of
/// the partitioned ingest).
///
/// Each partition holds about `IngestPartitioning.customersPerPartition` customers, so its customer
/// table, order directory and accumulators stay in cache while the records stream past: the
/// per-line cost is a few cache hits, whatever the row order of the file. Customer ids are
/// partition-local (first seen); `TransactionLoader` maps them to the global sorted index.
package struct TransactionPartition {
    package var customers: KeyInterner
    /// Indexed by partition-local order id; `customer` is partition-local.
    package var orders: [OrderAccumulator] = []
    /// Orders whose exact total left the `Int64` range (carry ≠ 0), by order id, with their keys
    /// (rare: the loader refuses the file and names one of them).
    package var overflowing: [(order: Int32, key: [UInt8])] = []

    /// One order as it accumulates: partition-local customer, first and last line day, lines, net cents.
    package struct OrderAccumulator {
        package var customer: Int32
        package var firstDay: Int32
        package var lastDay: Int32
        package var lines: Int32
        package var cents: Int64
    }

    /// Aggregates `buffers` (one per lane, in lane order) and releases them.
    ///
    /// Totals are exact in any order of addition (`ExactCents`), so the lanes' split of the file
    /// and the order of the records change nothing.
    /// - Complexity: O(records + key bytes), expected; memory O(customers + orders) of the partition.
    package static func aggregate(_ buffers: [PartitionBuffer]) -> TransactionPartition {
        let records = buffers.reduce(0) { $0 + $1.records }
        // About 2.7 orders a customer in retail exports; the tables grow if there are more customers.
        var customers = KeyInterner(capacity: max(16, records / 2))
        var directory = OrderDirectory(capacity: records)
        var orders: [OrderAccumulator] = []
        orders.reserveCapacity(records)
        var carries: [Int32: Int64] = [:]
        for buffer in buffers {
            buffer.withBytes { bytes in
                var at = 0
                while at < bytes.count {
                    let p = bytes.baseAddress! + at
                    let hash = p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                    let cents = p.loadUnaligned(fromByteOffset: 8, as: Int64.self)
                    let firstDay = p.loadUnaligned(fromByteOffset: 16, as: Int32.self)
                    let lastDay = p.loadUnaligned(fromByteOffset: 20, as: Int32.self)
                    let lines = p.loadUnaligned(fromByteOffset: 24, as: Int32.self)
                    let customerLength = Int(p.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
                    let orderLength = Int(p.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
                    at += OrderRecord.header + customerLength + orderLength
                    assert(at <= bytes.count, "a record runs past its buffer")
                    let customerKey = UnsafeRawBufferPointer(start: p + OrderRecord.header, count: customerLength)
                    let customer = customers.intern(customerKey, hash: hash).id
                    if orderLength == 0 { continue }  // seen only on or after the cutoff
                    let orderKey = UnsafeRawBufferPointer(start: p + OrderRecord.header + customerLength, count: orderLength)
                    if let o = directory.find(customer: customer, key: orderKey) {
                        orders.withUnsafeMutableBufferPointer { orders in
                            let k = Int(o)
                            if firstDay < orders[k].firstDay { orders[k].firstDay = firstDay }
                            if lastDay > orders[k].lastDay { orders[k].lastDay = lastDay }
                            let (sum, overflow) = orders[k].cents.addingReportingOverflow(cents)
                            orders[k].cents = sum
                            orders[k].lines &+= lines
                            if overflow { carries[o, default: 0] += cents > 0 ? 1 : -1 }
                        }
                    } else {
                        _ = directory.add(customer: customer, key: orderKey)
                        orders.append(OrderAccumulator(customer: customer, firstDay: firstDay, lastDay: lastDay, lines: lines, cents: cents))
                    }
                }
            }
            buffer.release()
        }
        var partition = TransactionPartition(customers: customers, orders: orders)
        for (o, carry) in carries.sorted(by: { $0.key < $1.key }) where carry != 0 {
            partition.overflowing.append((o, directory.withKey(o) { Array($0) }))
        }
        return partition
    }
}
