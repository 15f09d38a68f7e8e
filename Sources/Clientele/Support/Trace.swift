import Foundation

/// Stage timings on stderr when `CLIENTELE_TRACE=1`: a developer's profiling aid, off by default.
/// Each line gives the wall time and the process's CPU time (all threads) since the previous line,
/// and the CPU time so far: on a shared machine the CPU seconds stay put while wall time follows the load.
package let traceEnabled = ProcessInfo.processInfo.environment["CLIENTELE_TRACE"] == "1"
nonisolated(unsafe) private var traceLast = ContinuousClock.now
nonisolated(unsafe) private var traceLastCPU = processCPUSeconds()

package func trace(_ stage: @autoclosure () -> String) {
    guard traceEnabled else { return }
    let now = ContinuousClock.now, cpu = processCPUSeconds()
    let d = now - traceLast
    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    let line = "trace: \(stage()) +\(seconds) seconds, cpu +\(cpu - traceLastCPU) seconds (cpu so far \(cpu) seconds)\n"
    traceLast = now
    traceLastCPU = cpu
    FileHandle.standardError.write(Data(line.utf8))
}

/// CPU seconds used by every thread of this process.
package func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
