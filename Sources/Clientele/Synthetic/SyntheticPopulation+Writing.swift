import Dispatch
import Foundation

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
    /// so memory stays at a few blocks' bytes while the output grows to any size.
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

        let blocks = (customers + Self.blockSize - 1) / Self.blockSize
        let wave = max(1, threads)
        var first = 0
        while first < blocks {
            let last = min(blocks, first + wave)
            let slots = SyntheticChunkSlots(count: last - first)
            let firstBlock = first
            let customers = customers
            DispatchQueue.concurrentPerform(iterations: last - first) { k in
                let block = firstBlock + k
                let numbers = (block * Self.blockSize + 1)...min(customers, (block + 1) * Self.blockSize)
                slots.store(plan.chunk(numbers), at: k)
            }
            for chunk in slots.take() {
                guard let chunk else { continue }
                try transactions(chunk.transactions)
                try interactions(chunk.interactions)
                counts = counts + chunk.counts
            }
            first = last
        }
        return counts
    }

    private static func createDirectory(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue {
                throw SyntheticError.cannotCreateDirectory(path: directory.path, reason: "a file of that name exists")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SyntheticError.cannotCreateDirectory(path: directory.path, reason: Self.reason(error))
        }
    }

    private static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
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
