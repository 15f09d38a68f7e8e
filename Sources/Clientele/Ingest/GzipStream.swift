import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// The decompressed bytes of a gzip file (`.csv.gz`, or any file starting with gzip's magic
/// bytes 1F 8B), through zlib's `gzread`, which also reads concatenated gzip members.
package final class GzipStream: ByteStream {
    private let file: gzFile
    let path: String

    /// Takes a duplicate of `fd`; the caller still closes its own.
    package init(fd: Int32, path: String) throws(IngestError) {
        self.path = path
        let copy = dup(fd)
        guard copy >= 0, let file = gzdopen(copy, "rb") else {
            if copy >= 0 { close(copy) }
            throw IngestError.unreadable(path: path, reason: "cannot open as gzip: \(String(cString: strerror(errno)))")
        }
        gzbuffer(file, 1 << 20)
        self.file = file
    }

    deinit { gzclose(file) }

    /// Whether `fd`'s first two bytes are gzip's magic number (read at offset 0, nothing consumed).
    package static func startsWithMagic(_ fd: Int32) -> Bool {
        var magic: (UInt8, UInt8) = (0, 0)
        return withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress!, 2, 0) } == 2 && magic == (0x1F, 0x8B)
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let n = gzread(file, buffer.baseAddress!, UInt32(min(buffer.count, Int(Int32.max))))
        var code: Int32 = 0
        let message = gzerror(file, &code)
        if n < 0 || (code != Z_OK && code != Z_STREAM_END) {
            let reason = message.map { String(cString: $0) } ?? "error \(code)"
            throw IngestError.unreadable(path: path, reason: "gzip: \(reason) (is the file complete?)")
        }
        return Int(n)
    }
}
