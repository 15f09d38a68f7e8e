#if canImport(Glibc)
import Glibc
#endif

/// Formats rows straight into bytes and writes them to a file in large chunks.
///
/// Hand-written because `customers.csv` is one row per customer: integers, cents and dates are
/// formatted digit by digit, never through `String`.
struct ByteBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }
    /// The string's UTF-8 bytes, copied in one piece from its contiguous storage.
    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }
    @inline(__always) mutating func comma() { bytes.append(44) }
    @inline(__always) mutating func newline() { bytes.append(10) }

    /// A CSV field, quoted (RFC 4180) only when it holds a delimiter, quote or line break.
    mutating func field(_ raw: UnsafeRawBufferPointer) {
        var needsQuotes = false
        for c in raw where c == 44 || c == 34 || c == 10 || c == 13 { needsQuotes = true; break }
        if !needsQuotes { bytes.append(contentsOf: raw); return }
        bytes.append(34)
        for c in raw { if c == 34 { bytes.append(34) }; bytes.append(c) }
        bytes.append(34)
    }

    mutating func field(_ s: String) {
        var s = s
        s.withUTF8 { field(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always) mutating func int<T: BinaryInteger>(_ value: T) {
        var v = Int64(value)
        if v < 0 { bytes.append(45); v = -v }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(48 + v % 10); v /= 10; n += 1 } while v > 0
            while n > 0 { n -= 1; bytes.append(d[n]) }
        }
    }

    /// Cents as a decimal with exactly 2 places: `-12.05`.
    @inline(__always) mutating func cents(_ value: Int64) {
        if value < 0 { bytes.append(45) }
        let magnitude = value.magnitude
        int(Int64(magnitude / 100))
        bytes.append(46)
        let c = Int(magnitude % 100)
        bytes.append(UInt8(48 + c / 10)); bytes.append(UInt8(48 + c % 10))
    }

    /// `YYYY-MM-DD`.
    @inline(__always) mutating func day(_ d: Int32) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 10))
        bytes.withUnsafeMutableBufferPointer { _ = CalendarDay(daysSinceEpoch: d).writeISO(into: $0.baseAddress! + start) }
    }

    /// The shortest decimal that round-trips (Swift's `description`); nothing for NaN or ±∞,
    /// so a value that is not defined is an empty field, never "nan".
    mutating func double(_ x: Double) {
        guard x.isFinite else { return }
        text(x.description)
    }

    /// Money with exactly 2 decimals, rounded half away from zero; nothing when not finite.
    mutating func money(_ x: Double) {
        guard x.isFinite, abs(x) < 9e15 else { return }
        cents(Int64((x * 100).rounded(.toNearestOrAwayFromZero)))
    }
}

/// Writes whole byte chunks to a new file; any failure is a `ReportError.writeFailed`.
struct FileSink {
    let path: String
    private let fd: Int32

    init(path: String) throws(ReportError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    }

    func write(_ bytes: [UInt8]) throws(ReportError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Closes the file. No fsync: the atomic folder swap protects readers from a crashed run;
    /// durability across power loss is the file system's job, and fsync would double write time.
    func close() throws(ReportError) {
        if Glibc.close(fd) != 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        trace("wrote " + (path.split(separator: "/").last.map(String.init) ?? path))
    }

    /// Writes `bytes` as the whole file.
    static func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        let sink = try FileSink(path: path)
        try sink.write(bytes)
        try sink.close()
    }
}
