#if canImport(Glibc)
import Glibc
#endif

/// A file's bytes read front to back, for inputs that cannot be read at offsets in parallel:
/// standard input, gzip-compressed files and files converted from another encoding.
package protocol ByteStream: AnyObject {
    /// Fills the front of `buffer`; returns how many bytes it wrote, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int
}

/// The bytes of an open file descriptor (a pipe, a device, or a file read sequentially).
package final class DescriptorStream: ByteStream {
    let fd: Int32
    let path: String

    package init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
