import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The in-memory result of `SyntheticPopulation.render()`: the three files' bytes.
public struct SyntheticFiles: Sendable, Hashable {
    /// `transactions.csv`, header included.
    public let transactions: [UInt8]
    /// `interactions.csv`, header included.
    public let interactions: [UInt8]
    /// `parameters.json`.
    public let parameters: [UInt8]
    public let summary: SyntheticSummary
}

extension SyntheticPopulation {
    /// Customers per block: a block is formatted by one thread into one pair of byte buffers.
    package static let blockSize = 16_384

    /// Writes `transactions.csv`, `interactions.csv` and `parameters.json` into `directory`,
    /// creating it if needed. Each file appears whole or not at all (temporary file, then rename;
    /// `parameters.json` last).
    ///
    /// Blocks of `blockSize` customers are generated `threads` at a time and written in order,
    /// the next wave generating while the previous one is written, so memory stays at two waves'
    /// bytes (about 5 MB a block) while the output grows to any size. In `date` row order the
    /// blocks go to day buckets in unlinked scratch files beside the output (about the size of
    /// the output, released bucket by bucket), and the buckets are then sorted and written in
    /// the same waves (see `SyntheticDayBuckets`).
    /// - Complexity: O(customers + rows); about 50 bytes a row on disk.
    /// - Throws: `SyntheticError` — `invalidSetting` (exit 64), `cannotCreateDirectory` /
    ///   `cannotCreateFile` (73), `writeFailed` (74).
    public func write(to directory: URL) throws -> SyntheticSummary {
        try validate()
        try Self.createDirectory(directory)
        let transactionsFile = try SyntheticOutputFile(directory: directory, name: Self.transactionsFileName)
        let interactionsFile = try SyntheticOutputFile(directory: directory, name: Self.interactionsFileName)
        let parametersFile = try SyntheticOutputFile(directory: directory, name: Self.parametersFileName)
        defer {
            transactionsFile.discard()
            interactionsFile.discard()
            parametersFile.discard()
        }
        var counts = try writeRows(transactions: transactionsFile.write, interactions: interactionsFile.write,
                                   scratch: .directory(directory))
        counts.customers = customers
        let summary = SyntheticSummary(population: self, counts: counts)
        try parametersFile.write(summary.parametersJSON())
        try transactionsFile.commit()
        try interactionsFile.commit()
        try parametersFile.commit()
        return summary
    }

    /// The three files in memory, for tests and small demos; the same bytes `write(to:)` writes.
    public func render() throws -> SyntheticFiles {
        try validate()
        var transactions = [UInt8]()
        var interactions = [UInt8]()
        let counts = try writeRows(transactions: { transactions.append(contentsOf: $0) },
                                   interactions: { interactions.append(contentsOf: $0) },
                                   scratch: .memory)
        let summary = SyntheticSummary(population: self, counts: counts)
        return SyntheticFiles(transactions: transactions, interactions: interactions,
                              parameters: summary.parametersJSON(), summary: summary)
    }

    /// Generates every block and hands the bytes, headers first, to the sinks in `rowOrder`.
    private func writeRows(transactions: ([UInt8]) throws -> Void,
                           interactions: ([UInt8]) throws -> Void,
                           scratch: SyntheticBucketStore.Backing) throws -> SyntheticCounts {
        let plan = SyntheticPlan(self)
        let transactionsHeader = Array((Self.transactionsHeader + "\n").utf8)
        let interactionsHeader = Array((Self.interactionsHeader + "\n").utf8)
        try transactions(transactionsHeader)
        try interactions(interactionsHeader)
        var counts = SyntheticCounts()
        let blocks = (customers + Self.blockSize - 1) / Self.blockSize
        let customers = customers
        @Sendable func numbers(_ block: Int) -> ClosedRange<Int> {
            (block * Self.blockSize + 1)...min(customers, (block + 1) * Self.blockSize)
        }

        switch rowOrder {
        case .customer:
            try syntheticWaves(count: blocks, width: threads, produce: { plan.chunk(numbers($0)) }) { chunk in
                try transactions(chunk.transactions)
                try interactions(chunk.interactions)
                counts = counts + chunk.counts
            }
        case .date:
            let buckets = SyntheticDayBuckets(self)
            let transactionBuckets = try SyntheticBucketStore(buckets: buckets.count, backing: scratch,
                                                              name: Self.transactionsFileName)
            let interactionBuckets = try SyntheticBucketStore(buckets: buckets.count, backing: scratch,
                                                              name: Self.interactionsFileName)
            try syntheticWaves(count: blocks, width: threads,
                               produce: { plan.dayChunk(numbers($0), buckets: buckets) }) { chunk in
                for bucket in 0..<buckets.count {
                    try transactionBuckets.append(chunk.transactions[bucket], to: bucket)
                    try interactionBuckets.append(chunk.interactions[bucket], to: bucket)
                }
                counts = counts + chunk.counts
            }
            try syntheticWaves(count: buckets.count, width: threads, produce: { bucket in
                (try SyntheticDayBuckets.sortedRows(transactionBuckets.take(bucket)),
                 try SyntheticDayBuckets.sortedRows(interactionBuckets.take(bucket)))
            }) { rows in
                try transactions(rows.0)
                try interactions(rows.1)
            }
        }
        counts.transactionBytes += transactionsHeader.count
        counts.interactionBytes += interactionsHeader.count
        return counts
    }

    /// Creates `directory` and its missing parents (mode 0755), naming the component that fails.
    private static func createDirectory(_ directory: URL) throws {
        let target = directory.standardizedFileURL.path
        var path = target.hasPrefix("/") ? "" : "."
        for component in target.split(separator: "/") {
            path += "/" + component
            var info = stat()
            if stat(path, &info) == 0 {
                if info.st_mode & S_IFMT != S_IFDIR {
                    throw SyntheticError.cannotCreateDirectory(path: target, reason: "\(path) is not a directory")
                }
                continue
            }
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw SyntheticError.cannotCreateDirectory(
                    path: target, reason: "\(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// The formatted rows and counts of one block of customers.
package struct SyntheticChunk: Sendable {
    package var transactions: [UInt8]
    package var interactions: [UInt8]
    package var counts: SyntheticCounts
}

extension SyntheticPlan {
    /// Simulates and formats customers `numbers` into one chunk.
    package func chunk(_ numbers: ClosedRange<Int>) -> SyntheticChunk {
        let formatter = SyntheticCSVFormatter(customerWidth: population.customerIDWidth,
                                              productWidth: population.productIDWidth)
        var transactions = SyntheticByteBuffer(capacity: numbers.count * 320)
        var interactions = SyntheticByteBuffer(capacity: numbers.count * 80)
        var counts = SyntheticCounts()
        var customer = SyntheticCustomer()
        for number in numbers {
            simulate(number: number, into: &customer)
            formatter.append(customer, transactions: &transactions, interactions: &interactions)
            counts.add(customer)
        }
        counts.transactionBytes = transactions.count
        counts.interactionBytes = interactions.count
        return SyntheticChunk(transactions: transactions.finish(), interactions: interactions.finish(), counts: counts)
    }

    /// Simulates customers `numbers` and formats them as day-bucket records (`date` row order):
    /// one record per order (all its lines) and per interaction row.
    package func dayChunk(_ numbers: ClosedRange<Int>, buckets: SyntheticDayBuckets) -> SyntheticDayChunk {
        let formatter = SyntheticCSVFormatter(customerWidth: population.customerIDWidth,
                                              productWidth: population.productIDWidth)
        let share = numbers.count / buckets.count + 1
        var transactions = (0..<buckets.count).map { _ in SyntheticByteBuffer(capacity: share * 340) }
        var interactions = (0..<buckets.count).map { _ in SyntheticByteBuffer(capacity: share * 100) }
        var counts = SyntheticCounts()
        var customer = SyntheticCustomer()
        let start = Int(population.start.daysSinceEpoch)
        let seed = population.seed
        func append(_ row: SyntheticCustomer.Interaction, prefix: UInt8, number: Int, time: UInt32) {
            let (bucket, key) = buckets.place(day: Int(row.day.daysSinceEpoch) - start, time: time)
            let record = interactions[bucket].startRecord(key: key)
            formatter.appendInteraction(row, prefix: prefix, number: number, to: &interactions[bucket])
            interactions[bucket].finishRecord(at: record)
        }
        for number in numbers {
            simulate(number: number, into: &customer)
            for (ordinal, order) in customer.orders.enumerated() {
                let (bucket, key) = buckets.place(day: Int(order.day.daysSinceEpoch) - start,
                                                  time: SyntheticDayBuckets.orderTime(week: order.week))
                let record = transactions[bucket].startRecord(key: key)
                formatter.appendOrder(ordinal, of: customer, to: &transactions[bucket])
                transactions[bucket].finishRecord(at: record)
            }
            for (index, row) in customer.interactions.enumerated() {
                let time = SyntheticDayBuckets.interactionTime(seed: seed, number: number, orphan: false, index: index)
                append(row, prefix: 67, number: number, time: time)
            }
            for (index, row) in customer.orphanInteractions.enumerated() {
                let time = SyntheticDayBuckets.interactionTime(seed: seed, number: number, orphan: true, index: index)
                append(row, prefix: 80, number: number, time: time)
            }
            counts.add(customer)
        }
        // Row bytes only: every record carries an 8-byte header that the sort drops.
        let transactionRecords = transactions.map { $0.count }.reduce(0, +)
        let interactionRecords = interactions.map { $0.count }.reduce(0, +)
        counts.transactionBytes = transactionRecords - 8 * counts.orders
        counts.interactionBytes = interactionRecords - 8 * counts.interactions
        return SyntheticDayChunk(transactions: transactions.indices.map { transactions[$0].take() },
                                 interactions: interactions.indices.map { interactions[$0].take() }, counts: counts)
    }
}

/// The day-bucket records (`SyntheticDayBuckets`) and counts of one block of customers, one byte
/// array per bucket.
package struct SyntheticDayChunk: Sendable {
    package var transactions: [[UInt8]]
    package var interactions: [[UInt8]]
    package var counts: SyntheticCounts
}
