import CSupport
import Foundation

/// A report folder written whole or not at all.
///
/// Files are written into a hidden staging sibling (same file system, so the final step is a
/// rename); `commit()` swaps it into place atomically with `renameat2(RENAME_EXCHANGE)` and then
/// removes the previous report. A failed run calls `abandon()` (or dies): the previous good report
/// is untouched, and the only leftover is a hidden `.NAME.staging-PID` folder, never a half report.
struct OutputFolder {
    let finalPath: String
    let stagingPath: String

    /// Creates the staging folder beside `finalPath`.
    init(_ finalPath: String) throws(ReportError) {
        var final = finalPath
        while final.count > 1 && final.hasSuffix("/") { final.removeLast() }
        self.finalPath = final
        let parent = folder(of: final)
        let name = final.split(separator: "/").last.map(String.init) ?? final
        stagingPath = (parent.isEmpty ? "" : parent + "/") + ".\(name).staging-\(getpid())"
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: final, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .cannotCreate(path: final, reason: "exists and is not a folder")
        }
        try? fm.removeItem(atPath: stagingPath)
        do {
            if !parent.isEmpty { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            try fm.createDirectory(atPath: stagingPath, withIntermediateDirectories: false)
        } catch {
            throw .cannotCreate(path: final, reason: Self.reason(error))
        }
    }

    /// Path of `file` inside the staging folder.
    func path(_ file: String) -> String { stagingPath + "/" + file }

    /// Puts the staged report in place of the previous one.
    func commit() throws(ReportError) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: finalPath) {
            if rename(stagingPath, finalPath) != 0 { throw .cannotCreate(path: finalPath, reason: String(cString: strerror(errno))) }
            return
        }
        if clientele_exchange_paths(stagingPath, finalPath) == 0 {
            try? fm.removeItem(atPath: stagingPath)  // now holds the previous report
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
        try? fm.removeItem(atPath: aside)
    }

    /// Removes the staging folder after a failure.
    func abandon() { try? FileManager.default.removeItem(atPath: stagingPath) }

    static func reason(_ error: Error) -> String {
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

    public var exitStatus: ExitStatus {
        switch self {
        case .cannotCreate: return .cantCreate
        case .writeFailed: return .ioError
        }
    }

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "\(path): cannot create the report folder: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): write failed: \(reason)"
        }
    }
}
