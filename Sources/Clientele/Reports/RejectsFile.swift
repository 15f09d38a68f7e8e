import Foundation
import ClienteleSupport

/// `OUT.rejects.csv`: the rejected rows of a run that failed because of them, kept beside the
/// report folder (the folder itself is not replaced by a failed run).
///
/// Written like the report: into a staged file opened with `O_EXCL | O_NOFOLLOW`, then renamed
/// into place, so a symbolic link at the path is never followed. Only a regular file that starts
/// with the rejects header is ever replaced or removed: anything else at the path is left alone.
package struct RejectsFile {
    package static let header = "file,line,column,reason,raw_line"
    package let path: String

    /// The rejects file that belongs beside the report folder `out`.
    package init(out: String) {
        var folder = out.isEmpty ? "." : out
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        path = folder + ".rejects.csv"
    }

    /// The staged file of process `pid`, beside the final path.
    package func stagingPath(pid: Int32 = getpid()) -> String {
        let parent = folder(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return (parent.isEmpty ? "" : parent + "/") + ".\(name).staging-\(pid)"
    }

    /// Writes `bytes` as the whole file, atomically. Throws `.cannotCreate` when the path holds
    /// something that is not a rejects file (a symbolic link, a folder, another file).
    package func write(_ bytes: [UInt8]) throws(ReportError) {
        if Self.exists(path), !Self.isRejectsFile(path) {
            throw .cannotCreate(path: path, reason: "exists and is not a Clientele rejects file; left unchanged")
        }
        let staged = stagingPath()
        unlink(staged)  // our own leftover, if any: same pid
        try FileSink.write(bytes, to: staged)
        if rename(staged, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(staged)
            throw .writeFailed(path: path, reason: reason)
        }
    }

    /// Removes the rejects file of an earlier failed run (after a run that succeeded), and staged
    /// rejects of killed runs; nothing else.
    package func removeStale() {
        if Self.isRejectsFile(path) { unlink(path) }
        let parent = folder(of: path)
        let prefix = (stagingPath(pid: 0).split(separator: "/").last.map(String.init) ?? "").dropLast(1)
        guard let siblings = try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent) else { return }
        for entry in siblings where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let staged = (parent.isEmpty ? "" : parent + "/") + entry
            if Self.isRejectsFile(staged) { unlink(staged) }
        }
    }

    package static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// A regular file (not a link) whose first line is the rejects header.
    package static func isRejectsFile(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: header.utf8.count)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n == head.count && head == Array(header.utf8)
    }
}
