import Foundation
import ClienteleSupport
import ClienteleStore

/// The churn model's test rows of one partition (`partition score --churn-test-out`), so that the
/// driver can evaluate the model as `clientele run` does without holding them: each row's
/// probability under the model and under the recency-only baseline, its label and its
/// customer_id, in two sections, each sorted by probability descending and then customer_id in
/// byte order. The single run's evaluation reads its test rows in that order (ties in row order,
/// and rows are customers in id order), so merging every partition's sections
/// (`merged(_:section:_:)`) gives the driver the single run's sequence, a row at a time.
///
/// File form (little-endian): `CLNTCTR1`, rows, churners, the baseline section's byte offset (0:
/// no baseline); then per row of each section a 64-bit key (`ChurnRowOrder.ascendingKey` of the
/// probability, complemented, so ascending keys are descending probabilities), the label byte, the
/// customer_id's length (32 bits) and its bytes.
public enum PartitionChurnTestRows {
    static let magic: [UInt8] = Array("CLNTCTR1".utf8)
    /// Bytes before the first row.
    static let headerBytes = magic.count + 24

    public enum Section: Sendable { case model, baseline }

    /// Writes the test rows `customers` (ids into `index`, ascending) with their labels and both
    /// models' probabilities (`baseline` nil: no baseline section); `index` nil only without rows.
    static func write(customers: [Int32], churned: [Bool], model: [Double], baseline: [Double]?, index: CustomerIndex?, to path: String) throws {
        precondition(churned.count == customers.count && model.count == customers.count && (baseline?.count ?? customers.count) == customers.count)
        precondition(index != nil || customers.isEmpty, "test rows need the customer index")
        var bytes = magic
        func int(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        int(UInt64(customers.count))
        int(UInt64(churned.reduce(0) { $0 + ($1 ? 1 : 0) }))
        int(0)
        func section(_ probabilities: [Double]) {
            for r in ChurnRowOrder.descending(probabilities) {
                int(~ChurnRowOrder.ascendingKey(probabilities[r]))
                bytes.append(churned[r] ? 1 : 0)
                index!.withKey(customers[r]) { key in
                    withUnsafeBytes(of: UInt32(key.count).littleEndian) { bytes += $0 }
                    bytes += key
                }
            }
        }
        section(model)
        if let baseline {
            let offset = UInt64(bytes.count)
            withUnsafeBytes(of: offset.littleEndian) { raw in
                for k in 0..<8 { bytes[magic.count + 16 + k] = raw[k] }
            }
            section(baseline)
        }
        try PartitionWorker.land(path) { try FileSink.write(bytes, to: $0) }
    }

    /// Rows and churners over `paths` (their headers), and whether every file has a baseline section.
    public static func counts(_ paths: [String]) throws -> (rows: Int, churners: Int, baseline: Bool) {
        var rows = 0, churners = 0, baseline = true
        for path in paths {
            let cursor = try Cursor(path: path, section: .model)
            rows += cursor.rows; churners += cursor.churners
            baseline = baseline && cursor.baselineOffset > 0
        }
        return (rows, churners, baseline)
    }

    /// Calls `body` with every row of `section` of every file, merged: probability descending,
    /// then customer_id in byte order (a binary heap over one buffered cursor per file).
    /// - Throws: `PartitionIOError.unreadable` for a file that is not of this form, is cut
    ///   short or is out of order; and whatever `body` throws.
    public static func merged(_ paths: [String], section: Section, _ body: (_ probability: Double, _ churned: Bool) throws -> Void) throws {
        var cursors: [Cursor] = []
        for path in paths {
            let cursor = try Cursor(path: path, section: section)
            if try cursor.advance() { cursors.append(cursor) }
        }
        func before(_ a: Cursor, _ b: Cursor) -> Bool {
            a.key != b.key ? a.key < b.key : a.id.lexicographicallyPrecedes(b.id)
        }
        // A min-heap of the cursors by their current row.
        var heap = cursors
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, before(heap[l], heap[m]) { m = l }
                if r < heap.count, before(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        while let top = heap.first {
            try body(ChurnRowOrder.value(ascendingKey: ~top.key), top.churned)
            if try top.advance() { siftDown(0) } else {
                heap.swapAt(0, heap.count - 1)
                heap.removeLast()
                if !heap.isEmpty { siftDown(0) }
            }
        }
    }

    /// One file's section, read forward through a 256 KiB buffer.
    final class Cursor {
        let path: String
        let rows: Int
        let churners: Int
        let baselineOffset: Int
        private let handle: FileHandle
        private var buffer: [UInt8] = []
        private var at = 0
        private var left: Int
        private(set) var key: UInt64 = 0
        private(set) var churned = false
        /// The current row's customer_id: a slice of the buffer (no copy per row).
        private(set) var id: ArraySlice<UInt8> = []

        init(path: String, section: Section) throws {
            self.path = path
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw PartitionIOError.unreadable(path: path, reason: "it cannot be opened")
            }
            self.handle = handle
            let header = (try? handle.read(upToCount: PartitionChurnTestRows.headerBytes)).map { Array($0) } ?? []
            guard header.count == PartitionChurnTestRows.headerBytes, header.starts(with: PartitionChurnTestRows.magic) else {
                throw PartitionIOError.unreadable(path: path, reason: "it is not a churn test-rows file (CLNTCTR1)")
            }
            func int(_ k: Int) -> Int {
                var v: UInt64 = 0
                for b in 0..<8 { v |= UInt64(header[PartitionChurnTestRows.magic.count + 8 * k + b]) << (8 * UInt64(b)) }
                return Int(truncatingIfNeeded: v)
            }
            rows = int(0); churners = int(1); baselineOffset = int(2)
            left = rows
            if section == .baseline {
                guard baselineOffset > 0 else { throw PartitionIOError.unreadable(path: path, reason: "it has no baseline section") }
                try handle.seek(toOffset: UInt64(baselineOffset))
            }
        }

        deinit { try? handle.close() }

        /// Moves to the next row; false after the section's last.
        func advance() throws -> Bool {
            guard left > 0 else { return false }
            let previous = (key, id)
            let head = try take(13), h = head.startIndex
            key = 0
            for b in 0..<8 { key |= UInt64(head[h + b]) << (8 * UInt64(b)) }
            churned = head[h + 8] != 0
            var length = 0
            for b in 0..<4 { length |= Int(head[h + 9 + b]) << (8 * b) }
            id = try take(length)
            left -= 1
            if left < rows - 1, previous.0 > key || (previous.0 == key && !previous.1.lexicographicallyPrecedes(id)) {
                throw PartitionIOError.unreadable(path: path, reason: "its rows are out of order")
            }
            return true
        }

        private func take(_ count: Int) throws -> ArraySlice<UInt8> {
            while buffer.count - at < count {
                let more = (try? handle.read(upToCount: 1 << 18)).map { Array($0) } ?? []
                guard !more.isEmpty else { throw PartitionIOError.unreadable(path: path, reason: "it is cut short") }
                buffer = Array(buffer[at...]) + more
                at = 0
            }
            defer { at += count }
            return buffer[at..<(at + count)]
        }
    }
}
