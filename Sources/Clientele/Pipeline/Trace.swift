import Foundation

/// Stage timings on stderr when `CLIENTELE_TRACE=1`: a developer's profiling aid, off by default.
let traceEnabled = ProcessInfo.processInfo.environment["CLIENTELE_TRACE"] == "1"
nonisolated(unsafe) private var traceLast = ContinuousClock.now

func trace(_ stage: @autoclosure () -> String) {
    guard traceEnabled else { return }
    let now = ContinuousClock.now
    let d = now - traceLast
    traceLast = now
    FileHandle.standardError.write(Data("trace: \(stage()) +\(d)\n".utf8))
}
