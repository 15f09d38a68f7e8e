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
    var line = "trace: \(stage()) +\(seconds) seconds, cpu +\(cpu - traceLastCPU) seconds (cpu so far \(cpu) seconds)"
    if traceParallelCPU > 0 {
        line += ", in one-thread parallel loops \(traceParallelCPU) seconds"
        traceParallelCPU = 0
    }
    line += "\n"
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

/// With `--threads 1` and tracing on, the CPU seconds spent inside parallel loops since the last
/// trace line: the rest of a stage's CPU is the serial part that a second thread cannot shorten.
nonisolated(unsafe) private var traceParallelCPU = 0.0
nonisolated(unsafe) private var traceParallelDepth = 0

/// Marks the start of a parallel loop run on one thread; returns the CPU clock to pass to
/// `traceParallelLeave` (nested loops count once). Only the main thread counts, so the figure is
/// race-free and means what it says at `--threads 1`, where every loop runs there.
@usableFromInline package func traceParallelEnter() -> Double {
    guard traceEnabled, Thread.isMainThread else { return 0 }
    traceParallelDepth += 1
    return traceParallelDepth == 1 ? processCPUSeconds() : 0
}

@usableFromInline package func traceParallelLeave(_ started: Double) {
    guard traceEnabled, Thread.isMainThread else { return }
    traceParallelDepth -= 1
    if traceParallelDepth == 0 { traceParallelCPU += processCPUSeconds() - started }
}
