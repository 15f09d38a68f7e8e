import ClienteleStats

extension SyntheticDayBuckets {
    /// The CSV rows of one bucket's records (`length << 32 | key` headers, each followed by
    /// `length` bytes), ordered by key and, for equal keys, by their place in `records`; headers
    /// dropped.
    ///
    /// Each record becomes `key << 32 | index`, sorted by the key bits with the stable
    /// `radixSortPacked` (3 passes), then the rows are copied out in that order.
    /// - Complexity: O(n + bytes) for n records; 16 bytes a record beside the output.
    package static func sortedRows(_ records: [UInt8]) -> [UInt8] {
        var packed = [UInt64]()
        var starts = [Int]()
        var rowBytes = 0
        packed.reserveCapacity(records.count / 48)  // interaction records are about 50 bytes, orders 100
        starts.reserveCapacity(records.count / 48)
        records.withUnsafeBytes { raw in
            var at = 0
            while at < raw.count {
                let header = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                let length = Int(header >> 32)
                precondition(at + 8 + length <= raw.count, "truncated record at \(at) of \(raw.count) bytes")
                packed.append(header << 32 | UInt64(starts.count))
                starts.append(at + 8)
                rowBytes += length
                at += 8 + length
            }
        }
        precondition(starts.count <= Int(UInt32.max), "\(starts.count) records in one bucket")
        radixSortPacked(&packed, keyBits: 32..<64)
        return gather(records, starts: starts, order: packed, count: rowBytes)
    }

    /// Copies each record's row bytes, in `order` (record index in the low 32 bits), into `count`
    /// bytes. Assumes `starts` and the headers came from a walk of `records`.
    private static func gather(_ records: [UInt8], starts: [Int], order: [UInt64], count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            records.withUnsafeBytes { raw in
                var n = 0
                for value in order {
                    let start = starts[Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: value))]
                    let length = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start - 8, as: UInt64.self)) >> 32)
                    precondition(n + length <= count && start + length <= raw.count, "record overruns the output")
                    UnsafeMutableRawPointer(out.baseAddress! + n).copyMemory(from: raw.baseAddress! + start, byteCount: length)
                    n += length
                }
                precondition(n == count, "gathered \(n) of \(count) bytes")
            }
            initialized = count
        }
    }
}
