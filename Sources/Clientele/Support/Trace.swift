import Foundation
import Synchronization

/// Stage timings on stderr when `CLIENTELE_TRACE=1`: a developer's profiling aid, off by default.
/// Each line gives the wall time and the process's CPU time (all threads) since the previous line,
/// and the CPU time so far: on a shared machine the CPU seconds stay put while wall time follows the load.
/// It also gives the peak resident memory so far and the page faults since the previous line: on a
/// virtual machine a first touch of a page can cost microseconds, which show as system time.
/// Stages that run side by side (`SideBySideStages`) share the deltas of the lines between them.
package let traceEnabled = ProcessInfo.processInfo.environment["CLIENTELE_TRACE"] == "1"
private let traceLast = Mutex((time: ContinuousClock.now, cpu: processCPUSeconds(), faults: 0))

package func trace(_ stage: @autoclosure () -> String) {
    guard traceEnabled else { return }
    let name = stage()
    let line = traceLast.withLock { last -> String in
        let now = ContinuousClock.now, cpu = processCPUSeconds()
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let faults = usage.ru_minflt + usage.ru_majflt
        let d = now - last.time
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        var line = "trace: \(name) +\(seconds) seconds, cpu +\(cpu - last.cpu) seconds (cpu so far \(cpu) seconds)"
        line += ", page faults +\(faults - last.faults), peak rss \(usage.ru_maxrss / 1024) MB"
        if traceParallelCPU > 0 {
            line += ", in one-thread parallel loops \(traceParallelCPU) seconds"
            traceParallelCPU = 0
        }
        last = (now, cpu, faults)
        return line + "\n"
    }
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
