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
    static let blockSize = 16_384

    /// Writes `transactions.csv`, `interactions.csv` and `parameters.json` into `directory`,
    /// creating it if needed. Each file appears whole or not at all (temporary file, then rename;
    /// `parameters.json` last).
    ///
    /// Blocks of `blockSize` customers are generated `threads` at a time and written in order,
    /// the next wave generating while the previous one is written, so memory stays at two waves'
    /// bytes (about 5 MB a block) while the output grows to any size.
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
        var counts = try writeRows(transactions: transactionsFile.write, interactions: interactionsFile.write)
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
                                   interactions: { interactions.append(contentsOf: $0) })
        let summary = SyntheticSummary(population: self, counts: counts)
        return SyntheticFiles(transactions: transactions, interactions: interactions,
                              parameters: summary.parametersJSON(), summary: summary)
    }

    /// Generates every block and hands the bytes, headers first, to the sinks in block order.
    private func writeRows(transactions: ([UInt8]) throws -> Void,
                           interactions: ([UInt8]) throws -> Void) throws -> SyntheticCounts {
        let plan = SyntheticPlan(self)
        let transactionsHeader = Array((Self.transactionsHeader + "\n").utf8)
        let interactionsHeader = Array((Self.interactionsHeader + "\n").utf8)
        try transactions(transactionsHeader)
        try interactions(interactionsHeader)
        var counts = SyntheticCounts()
        counts.transactionBytes = transactionsHeader.count
        counts.interactionBytes = interactionsHeader.count

        // Waves of `threads` blocks: while this thread hands wave k to the sinks, wave k + 1 is
        // generated in the background, so disk writes overlap with generation.
        let blocks = (customers + Self.blockSize - 1) / Self.blockSize
        let wave = max(1, threads)
        let customers = customers
        func launch(_ first: Int) -> (slots: SyntheticChunkSlots, done: DispatchGroup, next: Int) {
            let last = min(blocks, first + wave)
            let slots = SyntheticChunkSlots(count: last - first)
            let done = DispatchGroup()
            done.enter()
            DispatchQueue.global().async {
                DispatchQueue.concurrentPerform(iterations: last - first) { k in
                    let block = first + k
                    let numbers = (block * Self.blockSize + 1)...min(customers, (block + 1) * Self.blockSize)
                    slots.store(plan.chunk(numbers), at: k)
                }
                done.leave()
            }
            return (slots, done, last)
        }
        var pending: (slots: SyntheticChunkSlots, done: DispatchGroup, next: Int)? = launch(0)
        defer { pending?.done.wait() }  // on a write error, let the background wave finish first
        while let current = pending {
            current.done.wait()
            pending = current.next < blocks ? launch(current.next) : nil
            for chunk in current.slots.take() {
                guard let chunk else { continue }
                try transactions(chunk.transactions)
                try interactions(chunk.interactions)
                counts = counts + chunk.counts
            }
        }
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

/// Results of one wave of blocks, filled from several threads (each index once) under a lock.
final class SyntheticChunkSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [SyntheticChunk?]

    init(count: Int) { chunks = Array(repeating: nil, count: count) }

    func store(_ chunk: SyntheticChunk, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        chunks[index] = chunk
    }

    /// The chunks in index order; call after every `store` has returned.
    func take() -> [SyntheticChunk?] {
        lock.lock()
        defer { lock.unlock() }
        return chunks
    }
}

/// The formatted rows and counts of one block of customers.
struct SyntheticChunk: Sendable {
    var transactions: [UInt8]
    var interactions: [UInt8]
    var counts: SyntheticCounts
}

extension SyntheticPlan {
    /// Simulates and formats customers `numbers` into one chunk.
    func chunk(_ numbers: ClosedRange<Int>) -> SyntheticChunk {
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
}
