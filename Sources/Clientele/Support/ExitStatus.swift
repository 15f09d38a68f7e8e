/// Process exit statuses from sysexits.h, so cron jobs and shells can branch on them.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// EX_USAGE: bad flags, bad job file, invalid configuration.
    case usage = 64
    /// EX_DATAERR: bad input data, including a reject share over the threshold.
    case dataError = 65
    /// EX_NOINPUT: an input file is missing or unreadable.
    case noInput = 66
    /// EX_UNAVAILABLE: the processor lacks the instructions this build was compiled for
    /// (x86-64-v3 release builds; exited with before any Swift code runs, Sources/CSupport/cpu_check.c).
    case unavailable = 69
    /// EX_SOFTWARE: an internal error.
    case software = 70
    /// EX_CANTCREAT: the output cannot be created.
    case cantCreate = 73
    /// EX_IOERR: an I/O error while writing.
    case ioError = 74
}

/// An error that knows which exit status it maps to; its `description` is the one-line message
/// printed after `error: `.
public protocol ClienteleError: Error, CustomStringConvertible, Sendable {
    var exitStatus: ExitStatus { get }
}
