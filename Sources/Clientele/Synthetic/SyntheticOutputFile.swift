import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One output file written atomically: bytes go to a hidden temporary file in the same
/// directory, and `commit()` renames it over the final name. Until then — and whenever writing
/// fails — the final path is untouched; `discard()` (also run by `deinit`) removes the temporary.
///
/// Used from one thread at a time.
package final class SyntheticOutputFile {
    package let path: String
    package let temporaryPath: String
    private var file: UnsafeMutablePointer<FILE>?
    private var finished = false

    /// Opens `directory/name`'s temporary file for writing.
    package init(directory: URL, name: String) throws {
        path = directory.appendingPathComponent(name).path
        let token = UInt32.random(in: 0...UInt32.max)
        temporaryPath = directory.appendingPathComponent(
            ".\(name).\(ProcessInfo.processInfo.processIdentifier).\(token).tmp").path
        guard let handle = fopen(temporaryPath, "wb") else {
            throw SyntheticError.cannotCreateFile(path: temporaryPath, reason: Self.lastError())
        }
        file = handle
    }

    deinit { discard() }

    /// Appends bytes; throws `SyntheticError.writeFailed` on a short write.
    package func write(_ bytes: [UInt8]) throws {
        guard let file else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != bytes.count {
            throw SyntheticError.writeFailed(path: path, reason: Self.lastError())
        }
    }

    /// Flushes, closes and renames the temporary file to `path`.
    package func commit() throws {
        guard let handle = file else { return }
        file = nil
        if fflush(handle) != 0 || ferror(handle) != 0 {
            let reason = Self.lastError()
            fclose(handle)
            throw SyntheticError.writeFailed(path: path, reason: reason)
        }
        if fclose(handle) != 0 { throw SyntheticError.writeFailed(path: path, reason: Self.lastError()) }
        if rename(temporaryPath, path) != 0 {
            throw SyntheticError.cannotCreateFile(path: path, reason: Self.lastError())
        }
        finished = true
    }

    /// Closes and deletes the temporary file unless committed.
    package func discard() {
        if let handle = file { fclose(handle); file = nil }
        if !finished { unlink(temporaryPath) }
        finished = true
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
