import Synchronization
import Testing
@testable import Clientele

/// A clock the test moves by hand and a sink that keeps what would reach the terminal.
private final class Terminal: Sendable {
    private let clock = Mutex(0.0)
    private let written = Mutex<[String]>([])

    func progress(interval: Double = 0.125) -> RunProgress {
        RunProgress(interval: interval, clock: { self.clock.withLock { $0 } }, sink: { text in self.written.withLock { $0.append(text) } })
    }

    func wait(_ seconds: Double) { clock.withLock { $0 += seconds } }
    var writes: [String] { written.withLock { $0 } }
}

private let erase = "\u{1B}[K"
private let mebibyte = 1 << 20

@Suite("Run progress")
struct RunProgressTests {
    @Test("silent until a stage begins, and finishing a silent progress writes nothing")
    func silentByDefault() {
        let terminal = Terminal()
        let progress = terminal.progress()
        progress.tick()
        progress.advance(bytes: 1_000)
        progress.tick()
        progress.finish()
        #expect(terminal.writes.isEmpty)
        #expect(RunProgress.current == nil, "the library reports to nobody unless the caller binds a progress")
    }

    @Test("reading a file shows bytes of the total, the share, the rate and the stage's time")
    func bytes() {
        let terminal = Terminal()
        let progress = terminal.progress()
        progress.begin("reading transactions")
        progress.expect(totalBytes: 200 * mebibyte)
        progress.advance(bytes: 30 * mebibyte)
        progress.advance(bytes: 20 * mebibyte)
        terminal.wait(2)
        progress.tick()
        #expect(terminal.writes == ["\rreading transactions · 50.0 of 200.0 MiB (25 %) · 25.0 MiB/s · 2.0 s" + erase])
    }

    @Test("a fit shows its step and iteration; a new step or stage starts the count again")
    func iterations() {
        let terminal = Terminal()
        let progress = terminal.progress()
        progress.begin("clustering")
        progress.step("k = 5, restart 2 of 4")
        progress.iteration(13)
        terminal.wait(1)
        progress.tick()
        progress.step("k = 5, restart 3 of 4")
        terminal.wait(0.5)
        progress.tick()
        progress.begin("fitting the churn model")
        terminal.wait(0.5)
        progress.tick()
        #expect(terminal.writes == ["\rclustering · k = 5, restart 2 of 4 · iteration 13 · 1.0 s" + erase,
                                    "\rclustering · k = 5, restart 3 of 4 · 1.5 s" + erase,
                                    "\rfitting the churn model · 0.5 s" + erase])
    }

    @Test("ticks redraw at most once per interval: 128 ticks over 2 s at 0.125 s give 16 lines")
    func throttled() {
        let terminal = Terminal()
        let progress = terminal.progress(interval: 0.125)
        progress.begin("scoring RFM")
        for _ in 0..<128 {
            progress.tick()
            terminal.wait(1.0 / 64)
        }
        #expect(terminal.writes.count == 16)
        #expect(terminal.writes.allSatisfy { $0.hasPrefix("\r") && $0.hasSuffix(erase) && !$0.contains("\n") }, "redrawn in place")
    }

    @Test("a log line goes above the status line, which is redrawn below it")
    func logAbove() {
        let terminal = Terminal()
        let progress = terminal.progress()
        progress.log("info: before any status line")
        progress.begin("clustering")
        progress.tick()
        progress.log("warning: BG/NBD did not converge")
        #expect(terminal.writes == ["info: before any status line\n",
                                    "\rclustering · 0.0 s" + erase,
                                    "\r" + erase + "warning: BG/NBD did not converge\n" + "clustering · 0.0 s" + erase])
    }

    @Test("finish clears the line once, and nothing is drawn after it")
    func finish() {
        let terminal = Terminal()
        let progress = terminal.progress()
        progress.begin("writing the report")
        progress.tick()
        progress.finish()
        progress.finish()
        terminal.wait(1)
        progress.tick()
        progress.log("error: disk full")
        #expect(terminal.writes == ["\rwriting the report · 0.0 s" + erase, "\r" + erase, "error: disk full\n"])
    }

    @Test("ingest reports every byte of the file to the bound progress, and k-means its restarts and iterations")
    func hooks() throws {
        let terminal = Terminal()
        let progress = terminal.progress()
        let path = Package.fixture("rfm/transactions.csv")
        try RunProgress.$current.withValue(progress) {
            progress.begin("reading transactions")
            _ = try TransactionLoader(source: CSVSource(path: path)).load()
            progress.tick()
            progress.begin("clustering")
            var kmeans = KMeans(clusters: 2)
            kmeans.restarts = 3
            _ = try kmeans.fit(Matrix(rows: 6, columns: 1, elements: [0, 0.1, 0.2, 5, 5.1, 5.2]))
            terminal.wait(0.5)
            progress.tick()
        }
        #expect(terminal.writes.first?.contains("(100 %)") == true, "\(terminal.writes)")
        #expect(terminal.writes.last?.contains("restart 3 of 3 · iteration ") == true, "\(terminal.writes)")
    }
}
