import Foundation
import Synchronization

/// The progress of a run for a person at a terminal: one status line on stderr, redrawn in place.
///
/// It shows the current stage ("reading transactions"), what is known of its progress — bytes
/// read of the file's size with the rate for ingest, the step and iteration of a model fit
/// ("restart 2 of 4 · iteration 13") — and the stage's elapsed time. The line is redrawn with
/// `\r` at most once per `interval` (default 0.1 s: at most ten times a second), and cleared by
/// `finish()`.
///
/// Off unless someone binds one: the library reports to `RunProgress.current`, which is `nil`
/// unless the caller binds it with `RunProgress.$current.withValue(progress) { … }` around the
/// run. The command-line tool does so only when stderr is a terminal and `--quiet` is not set;
/// tests and cron jobs see nothing.
///
/// The hot paths only touch atomics: `advance(bytes:)` is one relaxed atomic add per block read
/// (8 MiB), `iteration(_:)` one relaxed store per iteration. Stage and step changes and redraws
/// take a mutex. Drawing is driven by `tick()`: a ticker thread (`startTicking()`) calls it
/// every `interval`; tests call it with an injected clock and sink instead.
public final class RunProgress: Sendable {
    /// The run's progress reporter on this thread, `nil` (silent) unless bound.
    @TaskLocal public static var current: RunProgress?

    /// Seconds on a monotonic clock.
    public typealias Clock = @Sendable () -> Double
    /// Receives the bytes to write to the terminal.
    public typealias Sink = @Sendable (String) -> Void

    /// Least seconds between two redraws.
    public let interval: Double
    private let clock: Clock
    private let sink: Sink
    private let bytesRead = Atomic<Int>(0)
    private let iteration = Atomic<Int>(0)
    private let state: Mutex<State>

    private struct State {
        var stage = ""
        var detail = ""
        var totalBytes: Int?
        var stageStart = 0.0
        var lastDraw = -Double.infinity
        /// A status line is on the terminal.
        var shown = false
        var finished = false
        var ticking = false
    }

    /// - Parameters:
    ///   - interval: least seconds between redraws (> 0).
    ///   - clock: monotonic seconds; default the system's monotonic clock.
    ///   - sink: where the terminal bytes go; default stderr, unbuffered.
    public init(interval: Double = 0.1, clock: @escaping Clock = RunProgress.monotonicSeconds,
                sink: @escaping Sink = RunProgress.standardError) {
        precondition(interval > 0, "RunProgress: interval \(interval) must be > 0")
        self.interval = interval
        self.clock = clock
        self.sink = sink
        state = Mutex(State())
    }

    // MARK: - Reporting

    /// Starts a stage: its name, and the bytes it will read when it reads a file.
    public func begin(_ stage: String, totalBytes: Int? = nil) {
        let now = clock()
        bytesRead.store(0, ordering: .relaxed)
        iteration.store(0, ordering: .relaxed)
        state.withLock {
            $0.stage = stage
            $0.detail = ""
            $0.totalBytes = totalBytes
            $0.stageStart = now
        }
    }

    /// Sets the size of what the current stage reads (the file is opened after the stage begins).
    public func expect(totalBytes: Int) {
        bytesRead.store(0, ordering: .relaxed)
        state.withLock { $0.totalBytes = totalBytes }
    }

    /// Counts `bytes` more read by the current stage: one relaxed atomic add.
    public func advance(bytes: Int) {
        bytesRead.add(bytes, ordering: .relaxed)
    }

    /// Where the current stage is: "restart 2 of 4", "BG/NBD". Resets the iteration.
    public func step(_ detail: String) {
        iteration.store(0, ordering: .relaxed)
        state.withLock { $0.detail = detail }
    }

    /// The iteration of the current step's fit (1, 2, …): one relaxed atomic store.
    public func iteration(_ n: Int) {
        iteration.store(n, ordering: .relaxed)
    }

    // MARK: - Drawing

    /// Redraws the status line if `interval` has passed since the last redraw.
    public func tick() {
        let now = clock()
        let text: String? = state.withLock { s in
            guard !s.finished, !s.stage.isEmpty, now - s.lastDraw >= interval else { return nil }
            s.lastDraw = now
            s.shown = true
            return "\r" + Self.line(s, bytes: bytesRead.load(ordering: .relaxed), iteration: iteration.load(ordering: .relaxed), now: now) + Self.eraseToEnd
        }
        if let text { sink(text) }
    }

    /// Writes `message` as a line of its own above the status line, which is redrawn below it.
    public func log(_ message: String) {
        let now = clock()
        let text: String = state.withLock { s in
            var text = (s.shown ? "\r" + Self.eraseToEnd : "") + message + "\n"
            if s.shown && !s.finished {
                text += Self.line(s, bytes: bytesRead.load(ordering: .relaxed), iteration: iteration.load(ordering: .relaxed), now: now) + Self.eraseToEnd
                s.lastDraw = now
            }
            return text
        }
        sink(text)
    }

    /// Clears the status line; nothing is drawn after it.
    public func finish() {
        let wasShown: Bool = state.withLock { s in
            defer { s.finished = true; s.shown = false }
            return s.shown && !s.finished
        }
        if wasShown { sink("\r" + Self.eraseToEnd) }
    }

    /// Calls `tick()` every `interval` on a thread of its own until `finish()`.
    public func startTicking() {
        let start = state.withLock { s in
            defer { s.ticking = true }
            return !s.ticking && !s.finished
        }
        guard start else { return }
        let thread = Thread { [self] in
            while !state.withLock({ $0.finished }) {
                tick()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "clientele progress"
        thread.start()
    }

    // MARK: - Formatting

    /// ANSI "erase to end of line": removes what a longer previous line left behind.
    package static let eraseToEnd = "\u{1B}[K"

    /// The status line: stage, then bytes of total with percentage and rate, the step and its
    /// iteration, then the stage's elapsed seconds, separated by " · ".
    private static func line(_ s: State, bytes: Int, iteration: Int, now: Double) -> String {
        let elapsed = max(0, now - s.stageStart)
        var parts = [s.stage]
        if let total = s.totalBytes, total > 0 {
            let done = min(bytes, total)
            parts.append("\(mebibytes(done)) of \(mebibytes(total)) MiB (\(done * 100 / total) %)")
            if elapsed > 0 { parts.append("\(mebibytes(Int(Double(done) / elapsed))) MiB/s") }
        } else if bytes > 0 {
            parts.append("\(mebibytes(bytes)) MiB")
        }
        if !s.detail.isEmpty { parts.append(s.detail) }
        if iteration > 0 { parts.append("iteration \(iteration)") }
        parts.append(seconds(elapsed))
        return parts.joined(separator: " · ")
    }

    /// Mebibytes with one decimal, locale-independent: "242.2".
    package static func mebibytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Seconds with one decimal: "3.4 s".
    package static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    // MARK: - Defaults

    public static let monotonicSeconds: Clock = {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    public static let standardError: Sink = { text in
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}
