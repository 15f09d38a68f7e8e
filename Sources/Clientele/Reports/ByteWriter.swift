import ClienteleSupport
import ClienteleStore

#if canImport(Glibc)
import Glibc
#endif

/// CSV values formatted straight into bytes — integers, cents, dates and doubles digit by digit,
/// never through `String`. Hand-written because the per-customer files format several values
/// for every customer; conformers only say where the bytes go.
package protocol ByteSink {
    /// Calls `body` with room for at least `capacity` bytes; `body` returns how many it wrote.
    mutating func write(upTo capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int)
    mutating func byte(_ b: UInt8)
    mutating func append(_ raw: UnsafeRawBufferPointer)
}

extension ByteSink {
    @inline(__always) package mutating func comma() { byte(44) }
    @inline(__always) package mutating func newline() { byte(10) }

    /// The string's UTF-8 bytes, copied in one piece from its contiguous storage.
    package mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Bytes prepared earlier (a formatted segment name, for instance).
    @inline(__always) package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// A CSV field, quoted (RFC 4180) only when it holds a delimiter, quote or line break.
    package mutating func field(_ raw: UnsafeRawBufferPointer) {
        var needsQuotes = false
        for c in raw where c == 44 || c == 34 || c == 10 || c == 13 { needsQuotes = true; break }
        if !needsQuotes { append(raw); return }
        byte(34)
        for c in raw { if c == 34 { byte(34) }; byte(c) }
        byte(34)
    }

    package mutating func field(_ s: String) {
        var s = s
        s.withUTF8 { field(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always) package mutating func int<T: BinaryInteger>(_ value: T) {
        write(upTo: 20) { out in
            var v = Int64(value), n = 0
            if v < 0 { out[0] = 45; n = 1; v = -v }
            var digits = 1, rest = v / 10
            while rest > 0 { digits += 1; rest /= 10 }
            var i = n + digits
            repeat { i -= 1; out[i] = UInt8(48 + v % 10); v /= 10 } while v > 0
            return n + digits
        }
    }

    /// Cents as a decimal with exactly 2 places: `-12.05`.
    @inline(__always) package mutating func cents(_ value: Int64) {
        if value < 0 { byte(45) }
        let magnitude = value.magnitude
        int(Int64(magnitude / 100))
        let c = UInt8(magnitude % 100)
        write(upTo: 3) { out in
            out[0] = 46; out[1] = 48 + c / 10; out[2] = 48 + c % 10
            return 3
        }
    }

    /// `YYYY-MM-DD`.
    @inline(__always) package mutating func day(_ d: Int32) {
        write(upTo: 10) { CalendarDay(daysSinceEpoch: d).writeISO(into: $0) }
    }

    /// The shortest decimal that round-trips (`ShortestDecimal`, as `description`); nothing for
    /// NaN or ±∞, so a value that is not defined is an empty field, never "nan".
    @inline(__always) package mutating func double(_ x: Double) {
        guard x.isFinite else { return }
        write(upTo: ShortestDecimal.maxLength) { ShortestDecimal.write(x, to: $0) }
    }

    /// Money with exactly 2 decimals, rounded half away from zero; nothing when not finite.
    package mutating func money(_ x: Double) {
        guard x.isFinite, abs(x) < 9e15 else { return }
        cents(Int64((x * 100).rounded(.toNearestOrAwayFromZero)))
    }
}

/// A growable byte array for the small files (segments, clusters, rejects, headers).
package struct ByteBuffer: ByteSink {
    package var bytes: [UInt8] = []

    package init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    @inline(__always) package mutating func byte(_ b: UInt8) { bytes.append(b) }
    package mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    package mutating func write(upTo capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: capacity))
        let written = bytes.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
        bytes.removeLast(capacity - written)
    }
}

/// Writes into memory laid out beforehand for a chunk of rows (`FileSink.writeRows`): one bounds
/// check per value instead of an array's capacity and uniqueness checks per byte.
package struct RowCursor: ByteSink {
    package private(set) var position: UnsafeMutablePointer<UInt8>
    package let end: UnsafeMutablePointer<UInt8>

    package init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        position = buffer.baseAddress!
        end = buffer.baseAddress! + buffer.count
    }

    @inline(__always) package mutating func byte(_ b: UInt8) {
        precondition(position < end, "RowCursor: a row is longer than its writer's maxRowBytes")
        position.pointee = b
        position += 1
    }

    @inline(__always) package mutating func append(_ raw: UnsafeRawBufferPointer) {
        precondition(end - position >= raw.count, "RowCursor: a row is longer than its writer's maxRowBytes")
        let n = raw.count
        if n >= 8 && n <= 16 {
            // Keys and names are short: two overlapping 8-byte moves instead of a call to memmove.
            let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            UnsafeMutableRawPointer(position).storeBytes(of: head, as: UInt64.self)
            UnsafeMutableRawPointer(position + n - 8).storeBytes(of: tail, as: UInt64.self)
        } else if n < 8 {
            for i in 0..<n { position[i] = raw[i] }
        } else {
            position.update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        }
        position += n
    }

    @inline(__always) package mutating func write(upTo capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        precondition(end - position >= capacity, "RowCursor: a row is longer than its writer's maxRowBytes")
        position += body(position)
    }
}

/// Writes whole byte chunks to a new file; any failure is a `ReportError.writeFailed`.
package struct FileSink {
    package let path: String
    private let fd: Int32

    /// Creates `path`, which must not exist yet: report files go into a fresh staging folder, so
    /// `O_EXCL | O_NOFOLLOW` guarantees that no symbolic link planted there is followed.
    package init(path: String) throws(ReportError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    }

    package func write(_ bytes: [UInt8]) throws(ReportError) {
        let failure = bytes.withUnsafeBytes { raw -> ReportError? in
            do throws(ReportError) { try write(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws(ReportError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Writes `bytes` at byte `offset` of the file (pwrite: threads may write disjoint ranges at once).
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(ReportError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    /// Closes the file. No fsync: the atomic folder swap protects readers from a crashed run;
    /// durability across power loss is the file system's job, and fsync would double write time.
    package func close() throws(ReportError) {
        if Glibc.close(fd) != 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        trace("wrote " + (path.split(separator: "/").last.map(String.init) ?? path))
    }

    /// Writes `bytes` as the whole file.
    package static func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        let sink = try FileSink(path: path)
        try sink.write(bytes)
        try sink.close()
    }
}
