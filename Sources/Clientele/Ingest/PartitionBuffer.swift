/// One lane's rows for one partition: fixed-size headers, each followed by its key bytes, back
/// to back in the order the lane converted them.
///
/// A class over one manually grown allocation (like `RecordBatch`): appending a record is one
/// bounds check and a few stores on the scan's hot path.
package final class PartitionBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes in use.
    private(set) var used = 0
    /// Records appended.
    private(set) var records = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Room for one record of `bytes` bytes, counted as appended; the caller fills all of it.
    @inline(__always)
    func append(_ bytes: Int) -> UnsafeMutableRawPointer {
        if used + bytes > capacity { grow(to: used + bytes) }
        let p = base + used
        used += bytes
        records += 1
        return p
    }

    /// Calls `body` with the bytes appended so far.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base, count: used))
    }

    /// Frees the storage (after the partition was aggregated).
    func release() {
        base.deallocate()
        capacity = 64
        base = .allocate(byteCount: capacity, alignment: 16)
        used = 0
        records = 0
    }

    @inline(never)
    private func grow(to minimum: Int) {
        var size = capacity * 2
        while size < minimum { size *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        bigger.copyMemory(from: base, byteCount: used)
        base.deallocate()
        base = bigger
        capacity = size
    }
}

/// Copies `key` into `p` (the tail of a record being appended).
@inline(__always)
func storeKey(_ key: UnsafeRawBufferPointer, at p: UnsafeMutableRawPointer) {
    if key.count > 0 { p.copyMemory(from: key.baseAddress!, byteCount: key.count) }
}

/// A lane's buffers, one per partition. Appends go through unretained references (the array
/// owns the buffers): a retain/release pair per row on the scan's hot path cost a tenth of the
/// conversion's time with two lanes.
package struct PartitionBuffers {
    private let buffers: [PartitionBuffer]
    private let unretained: [Unmanaged<PartitionBuffer>]

    init(count: Int, capacity: Int) {
        buffers = (0..<count).map { _ in PartitionBuffer(capacity: capacity) }
        unretained = buffers.map { Unmanaged.passUnretained($0) }
    }

    package var count: Int { buffers.count }

    package subscript(partition: Int) -> PartitionBuffer { buffers[partition] }

    /// Room for one record of `bytes` bytes in `partition`'s buffer (`PartitionBuffer.append`).
    @inline(__always)
    func append(_ bytes: Int, to partition: Int) -> UnsafeMutableRawPointer {
        unretained[partition]._withUnsafeGuaranteedRef { $0.append(bytes) }
    }
}
