import ClienteleStore

/// A growable byte buffer that CSV rows are formatted into, without a `String` per field.
///
/// `appendRow` hands the row formatter a pointer to at least `maxBytes` writable bytes and
/// trusts it to report how many it wrote; the pointer never outlives the call.
package struct SyntheticByteBuffer {
    private var storage: [UInt8]
    /// Bytes written so far.
    package private(set) var count = 0

    package init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: max(capacity, 1024))
    }

    /// Runs `format` on room for `maxBytes` bytes at the end; it returns the bytes it wrote.
    @inline(__always)
    package mutating func appendRow(maxBytes: Int, _ format: (UnsafeMutablePointer<UInt8>) -> Int) {
        if count + maxBytes > storage.count {
            storage.append(contentsOf: repeatElement(0, count: max(storage.count, maxBytes)))
        }
        let start = count
        let written = storage.withUnsafeMutableBufferPointer { format($0.baseAddress! + start) }
        assert(written >= 0 && written <= maxBytes, "row formatter wrote \(written) of \(maxBytes) bytes")
        count += written
    }

    /// Appends an 8-byte record header with `key` in its low half and a zero length, and returns
    /// where it starts; `finishRecord(at:)` fills in the length once the record's bytes follow.
    @inline(__always)
    package mutating func startRecord(key: UInt32) -> Int {
        let start = count
        appendRow(maxBytes: 8) { out in
            UnsafeMutableRawPointer(out).storeBytes(of: UInt64(key).littleEndian, as: UInt64.self)
            return 8
        }
        return start
    }

    /// Sets the length half of the header at `start` to the bytes written after it.
    @inline(__always)
    package mutating func finishRecord(at start: Int) {
        let length = count - start - 8
        assert(start >= 0 && length >= 0 && length <= Int(UInt32.max), "record at \(start) of \(count) bytes")
        storage.withUnsafeMutableBytes { raw in
            let key = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
            raw.storeBytes(of: (UInt64(length) << 32 | key).littleEndian, toByteOffset: start, as: UInt64.self)
        }
    }

    /// The written bytes; the buffer is left empty.
    package mutating func take() -> [UInt8] {
        storage.removeSubrange(count...)
        defer { storage = []; count = 0 }
        return storage
    }

    /// The written bytes; the buffer is spent.
    package consuming func finish() -> [UInt8] {
        storage.removeSubrange(count...)
        return storage
    }
}

/// Hand-written ASCII formatting into raw bytes; each returns the bytes written.
package enum SyntheticBytes {
    /// Copies a static ASCII string.
    @inline(__always)
    package static func write(_ text: StaticString, at out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = text.utf8CodeUnitCount
        out.update(from: text.utf8Start, count: n)
        return n
    }

    /// A non-negative integer in decimal, at least `width` digits (zero-padded).
    @inline(__always)
    package static func write(_ value: Int, width: Int = 1, at out: UnsafeMutablePointer<UInt8>) -> Int {
        assert(value >= 0)
        var digits = 1
        var v = value / 10
        while v > 0 { digits += 1; v /= 10 }
        let n = max(digits, width)
        var rest = value
        for i in stride(from: n - 1, through: 0, by: -1) {
            out[i] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
        return n
    }

    /// A signed integer in decimal (`-1`, `3`).
    @inline(__always)
    package static func writeSigned(_ value: Int, at out: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 0 {
            out[0] = 45
            return 1 + write(-value, at: out + 1)
        }
        return write(value, at: out)
    }

    /// Cents as money with exactly two decimals: `-12.50`, `0.07`, `3.00`.
    @inline(__always)
    package static func writeCents(_ cents: Int, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        var magnitude = cents
        if cents < 0 { out[0] = 45; n = 1; magnitude = -cents }
        n += write(magnitude / 100, at: out + n)
        out[n] = 46
        n += 1
        n += write(magnitude % 100, width: 2, at: out + n)
        return n
    }
}
