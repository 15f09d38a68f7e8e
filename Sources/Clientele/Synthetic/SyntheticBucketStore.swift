import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The day buckets of one output file while `date` row order is written (see
/// `SyntheticDayBuckets`): records are appended bucket by bucket in customer order, then each
/// bucket is taken back whole, once.
///
/// In memory for `render()`. For `write(to:)`, one scratch file per bucket in the output directory
/// (the disk the data is meant for, not a `/tmp` that may be memory), unlinked as soon as it is
/// opened so that nothing is left behind whatever happens, and truncated when its bucket is
/// taken, so the scratch space shrinks while the output grows. Every call holds the store's lock.
package final class SyntheticBucketStore: @unchecked Sendable {
    package enum Backing {
        case memory
        /// Scratch files in this directory.
        case directory(URL)
    }

    private let lock = NSLock()
    private var memory: [[UInt8]]
    private var files: [UnsafeMutablePointer<FILE>?]
    /// The output file the buckets belong to, for messages.
    private let path: String

    /// Opens `buckets` empty buckets for the output file `name`.
    /// - Throws: `SyntheticError.cannotCreateFile` when a scratch file cannot be created.
    package init(buckets: Int, backing: Backing, name: String) throws {
        memory = []
        files = []
        switch backing {
        case .memory:
            path = name
            memory = Array(repeating: [], count: buckets)
        case .directory(let directory):
            path = directory.appendingPathComponent(name).path
            for bucket in 0..<buckets {
                var template = Array(directory.appendingPathComponent(".\(name).bucket\(bucket).XXXXXX").path.utf8CString)
                let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
                let scratch = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard fd >= 0 else { throw SyntheticError.cannotCreateFile(path: scratch, reason: Self.lastError()) }
                unlink(scratch)
                guard let file = fdopen(fd, "w+b") else {
                    let reason = Self.lastError()
                    close(fd)
                    throw SyntheticError.cannotCreateFile(path: scratch, reason: reason)
                }
                files.append(file)
            }
        }
    }

    deinit {
        for file in files { if let file { fclose(file) } }
    }

    /// Appends records to `bucket`.
    /// - Throws: `SyntheticError.writeFailed` on a short write (disk full).
    package func append(_ bytes: [UInt8], to bucket: Int) throws {
        guard !bytes.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if files.isEmpty {
            memory[bucket].append(contentsOf: bytes)
            return
        }
        guard let file = files[bucket] else { preconditionFailure("bucket \(bucket) was already taken") }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != bytes.count {
            throw SyntheticError.writeFailed(path: path, reason: "scratch space for date order: " + Self.lastError())
        }
    }

    /// Every record of `bucket`, in the order appended; the bucket's storage is released.
    /// - Throws: `SyntheticError.writeFailed` when the scratch file cannot be read back.
    package func take(_ bucket: Int) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if files.isEmpty {
            defer { memory[bucket] = [] }
            return memory[bucket]
        }
        guard let file = files[bucket] else { preconditionFailure("bucket \(bucket) was already taken") }
        files[bucket] = nil
        defer { fclose(file) }  // the file was unlinked: closing frees its space
        func fail(_ what: String) -> SyntheticError {
            .writeFailed(path: path, reason: "scratch space for date order: \(what): " + Self.lastError())
        }
        guard fflush(file) == 0 else { throw fail("flush") }
        let size = ftello(file)
        guard size >= 0, fseeko(file, 0, SEEK_SET) == 0 else { throw fail("seek") }
        let count = Int(size)
        var read = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            read = count == 0 ? 0 : fread(buffer.baseAddress, 1, count, file)
            initialized = read
        }
        guard read == count else { throw fail("read back") }
        return bytes
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
