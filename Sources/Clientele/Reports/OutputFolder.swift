import CSupport
import Foundation
import ClienteleSupport

/// A report folder written whole or not at all, that replaces only a Clientele report.
///
/// Files are written into a hidden staging sibling `.NAME.staging-PID` (same file system, so the
/// final step is a rename) that carries the `ReportMarker` with this run's token; `commit()` swaps
/// it into place atomically with `renameat2(RENAME_EXCHANGE)` and then removes the previous report.
/// A failed run calls `abandon()` (or dies: the next run removes staging folders of processes that
/// no longer exist). The folder named by `--out` is replaced only when it is a Clientele report or
/// empty, and never when it holds an input, the job file or the history database.
package struct OutputFolder {
    package let finalPath: String
    package let stagingPath: String
    /// This run's token, in the staged marker.
    package let token: String

    /// A file the report folder must never contain: `role` names it in messages.
    package struct ProtectedPath: Sendable {
        package var role: String
        package var path: String

        package init(role: String, path: String) {
            self.role = role
            self.path = path
        }
    }

    /// Checks that `finalPath` may be replaced, removes stale staging folders of dead runs beside
    /// it, and creates this run's staging folder with its marker.
    package init(_ finalPath: String, protecting protected: [ProtectedPath] = [], token: String = ReportMarker.newToken()) throws(ReportError) {
        var final = finalPath.isEmpty ? "." : finalPath
        while final.count > 1 && final.hasSuffix("/") { final.removeLast() }
        self.token = token
        let resolved = Self.resolve(final)
        // Report to the resolved name: "." or ".." cannot be renamed.
        if final.split(separator: "/").last.map({ $0 == "." || $0 == ".." }) ?? true { final = resolved }
        self.finalPath = final
        let parent = folder(of: final)
        let name = final.split(separator: "/").last.map(String.init) ?? final
        stagingPath = (parent.isEmpty ? "" : parent + "/") + ".\(name).staging-\(getpid())"

        let inside = resolved == "/" ? "/" : resolved + "/"
        for p in protected where !p.path.isEmpty {
            let target = Self.resolve(p.path)
            if target == resolved || target.hasPrefix(inside) {
                throw .holdsProtectedFile(path: final, role: p.role, file: p.path)
            }
        }
        try Self.checkReplaceable(final)
        Self.removeStaleStaging(parent: parent, name: name)
        let fm = FileManager.default
        // A leftover of our own pid is removed only when it holds nothing but report files;
        // anything else makes mkdir below fail (EEXIST) and the run stop with 73.
        if let names = try? fm.contentsOfDirectory(atPath: stagingPath), names.allSatisfy(ReportMarker.reportFileNames.contains) {
            Self.removeReport(at: stagingPath)
        }
        do {
            if !parent.isEmpty { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            if mkdir(stagingPath, 0o755) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            throw .cannotCreate(path: final, reason: Self.reason(error))
        }
        do {
            try FileSink.write(ReportMarker.contents(token: token), to: path(ReportMarker.fileName))
        } catch {
            abandon()
            throw error
        }
    }

    /// Path of `file` inside the staging folder.
    package func path(_ file: String) -> String { stagingPath + "/" + file }

    /// Puts the staged report in place of the previous one (checked again: something may have
    /// been put in the folder while the run computed).
    package func commit() throws(ReportError) {
        try Self.checkReplaceable(finalPath)
        var status = stat()
        if lstat(finalPath, &status) != 0 {
            if rename(stagingPath, finalPath) != 0 { throw .cannotCreate(path: finalPath, reason: String(cString: strerror(errno))) }
            return
        }
        if clientele_exchange_paths(stagingPath, finalPath) == 0 {
            Self.removeReport(at: stagingPath)  // now holds the previous report
            return
        }
        // No atomic exchange on this file system: move the old report aside, then rename.
        let aside = stagingPath + ".previous"
        if rename(finalPath, aside) != 0 { throw .cannotCreate(path: finalPath, reason: String(cString: strerror(errno))) }
        if rename(stagingPath, finalPath) != 0 {
            let reason = String(cString: strerror(errno))
            _ = rename(aside, finalPath)
            throw .cannotCreate(path: finalPath, reason: reason)
        }
        Self.removeReport(at: aside)
    }

    /// Removes the staging folder after a failure.
    package func abandon() { Self.removeReport(at: stagingPath) }

    /// Removes a report folder with its marker last, so that a removal cut short (a failing disk,
    /// a kill) leaves a folder that is still recognisably a report, which the next run removes.
    package static func removeReport(at path: String) {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: path)) ?? [] where entry != ReportMarker.fileName {
            try? fm.removeItem(atPath: path + "/" + entry)
        }
        try? fm.removeItem(atPath: path)
    }

    /// Throws unless `path` is missing, an empty folder, or a Clientele report.
    package static func checkReplaceable(_ path: String) throws(ReportError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFLNK {
            throw .cannotCreate(path: path, reason: "it is a symbolic link; give the real folder as --out")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { throw .cannotCreate(path: path, reason: "exists and is not a folder") }
        let ownership: ReportMarker.Ownership
        do { ownership = try ReportMarker.ownership(of: path) } catch { throw .cannotCreate(path: path, reason: reason(error)) }
        if case .foreign(let entries, let examples) = ownership {
            throw .notAReport(path: path, entries: entries, examples: examples)
        }
    }

    /// Removes `.NAME.staging-PID` folders (and `.previous` ones) left beside the report by runs
    /// that were killed: only when that process no longer exists and the folder is a report.
    package static func removeStaleStaging(parent: String, name: String) {
        let fm = FileManager.default
        let prefix = ".\(name).staging-"
        guard let siblings = try? fm.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent) else { return }
        for entry in siblings where entry.hasPrefix(prefix) {
            var rest = entry.dropFirst(prefix.count)
            if rest.hasSuffix(".previous") { rest = rest.dropLast(".previous".count) }
            guard let pid = Int32(rest), pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = (parent.isEmpty ? "" : parent + "/") + entry
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
            // A staging folder holds the marker until its removal ends, and only report files.
            let names = (try? fm.contentsOfDirectory(atPath: path)) ?? [ReportMarker.fileName + "?"]
            guard names.allSatisfy(ReportMarker.reportFileNames.contains) else { continue }
            removeReport(at: path)
        }
    }

    /// `path` made absolute, with symbolic links resolved as far as the path exists; the rest is
    /// appended lexically (`.` and `..` collapsed).
    package static func resolve(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        var tail: [Substring] = []
        while true {
            let head = "/" + parts.joined(separator: "/")
            if let real = realpath(head, nil) {
                defer { free(real) }
                var base = String(cString: real)
                for part in tail.reversed() { base += (base.hasSuffix("/") ? "" : "/") + part }
                return base
            }
            guard let last = parts.popLast() else { return "/" + tail.reversed().joined(separator: "/") }
            tail.append(last)
        }
    }

    package static func reason(_ error: Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}

/// Why a report could not be written.
public enum ReportError: ClienteleError, Equatable {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    /// `--out` names a folder that is not a Clientele report: replacing it would delete its files.
    case notAReport(path: String, entries: Int, examples: [String])
    /// `--out` names a folder that holds (or is) an input, the job file or the history database.
    case holdsProtectedFile(path: String, role: String, file: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .cannotCreate, .notAReport, .holdsProtectedFile: return .cantCreate
        case .writeFailed: return .ioError
        }
    }

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "\(path): cannot create the report folder: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): write failed: \(reason)"
        case .notAReport(let path, let entries, let examples):
            let list = examples.map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(path): refusing to replace a folder that is not a Clientele report (it holds \(entries) "
                + "entr\(entries == 1 ? "y" : "ies"), e.g. \(list), and no \(ReportMarker.fileName) marker); "
                + "choose a new folder for --out, or empty this one"
        case .holdsProtectedFile(let path, let role, let file):
            return "\(path): refusing to use this folder for the report: replacing it would delete the \(role) \(file); "
                + "choose a folder of its own for --out"
        }
    }
}
