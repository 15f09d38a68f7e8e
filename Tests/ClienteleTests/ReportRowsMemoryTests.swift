import Foundation
import Testing
@testable import Clientele

@Suite("Report rows and ingest lanes: memory follows the data, not the thread count", .serialized)
struct ReportRowsMemoryTests {
    @Test("blocks are sized by the rows they will hold, and only chunks with rows get a thread", arguments: [
        // count, threads, chunkRows → lanes, rows of each block of set 0, of set 1
        (0, 128, 65_536, 1, [Int](), [Int]()),
        (10, 128, 65_536, 1, [10], []),
        (300, 128, 100, 3, [100, 100, 100], []),
        (450, 4, 100, 4, [100, 100, 100, 100], [50]),
        (1_000, 4, 100, 4, [100, 100, 100, 100], [100, 100, 100, 100]),
        (1_000, 1, 1_000, 1, [1_000], []),
    ])
    func layout(count: Int, threads: Int, chunkRows: Int, lanes: Int, set0: [Int], set1: [Int]) {
        let layout = RowBlockLayout(count: count, threads: threads, chunkRows: chunkRows)
        #expect(layout.lanes == lanes)
        #expect(layout.blockRows(set: 0) == set0)
        #expect(layout.blockRows(set: 1) == set1)
    }

    @Test("every round's chunks fit the blocks they are formatted into")
    func layoutInvariant() {
        for count in [0, 1, 7, 99, 100, 101, 799, 800, 801, 2_345] {
            for threads in [1, 2, 3, 8, 128] {
                for chunkRows in [1, 7, 100] {
                    let layout = RowBlockLayout(count: count, threads: threads, chunkRows: chunkRows)
                    let sets = [layout.blockRows(set: 0), layout.blockRows(set: 1)]
                    #expect(sets.flatMap { $0 }.reduce(0, +) <= count, "blocks never hold more rows than the file")
                    var start = 0, round = 0
                    while start < count {
                        for k in 0..<layout.lanes {
                            let low = start + k * chunkRows
                            guard low < count else { break }
                            let rows = min(count, low + chunkRows) - low
                            let blocks = sets[round % 2]
                            #expect(k < blocks.count && rows <= blocks[k], "count \(count) threads \(threads) chunk \(chunkRows) round \(round) block \(k)")
                        }
                        start = min(count, start + layout.lanes * chunkRows)
                        round += 1
                    }
                }
            }
        }
    }

    @Test("rows written on 128 or 256 threads are the bytes written on one", arguments: [(0, 128), (5, 128), (1_000, 256), (70_000, 128)])
    func manyThreads(count: Int, threads: Int) throws {
        try withScratch { scratch in
            func write(_ threads: Int, _ name: String) throws -> [UInt8] {
                let path = scratch.join(name)
                try FileSink.writeRows(count, to: path, header: Array("n\n".utf8), threads: threads, maxRowBytes: 21) { range, b in
                    for i in range { b.int(i); b.newline() }
                }
                return try bytes(path)
            }
            let many = try write(threads, "many.csv"), one = try write(1, "one.csv")
            #expect(many == one)
        }
    }

    @Test("a block whose first share ends inside a quoted field falls back to one share, whatever the lanes")
    func scannerFallbackWithFewerSharesThanLanes() throws {
        // A stray quote in an unquoted field makes the split's quote parity wrong: the first split
        // lands inside the quoted field below, and no later split point is found, so the block
        // splits into two shares for eight lanes and must then be read sequentially.
        try withIngestFolder { folder in
            var text = "customer_id,order_id,order_date,amount,note\n"
            var line = 0
            func row(_ note: String) { line += 1; text += "c\(line % 97),o\(line),2024-01-01,1.00,\(note)\n" }
            row("a\"b")
            while text.utf8.count < 600_000 { row("plain") }
            row("\"quoted\nacross lines\"")
            while text.utf8.count < 3_000_000 { row("plain") }
            let path = try folder.write("t.csv", text)
            let rows = line
            for lanes in [1, 8] {
                let loaded = try ingestLoad(path, options: ingestOptions(.skip, lanes: lanes, blockSize: 8 << 20, maxRejectShare: 1))
                #expect(loaded.accounting.rowsRead == rows, "lanes \(lanes)")
            }
        }
    }

    @Test("clientele run --threads 128 under a 2 GB address-space limit exits 0 and writes the bytes of --threads 1")
    func cliUnderAddressLimit() throws {
        try withScratch { scratch in
            let binary = try CLI.executable().path
            let g = try CLI.run(["generate", "--customers", "300", "--seed", "5", "--out", "data"], in: scratch.path)
            #expect(g.status == 0, "\(g.stderr)")
            func run(_ threads: Int) throws -> (Int32, String) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", "ulimit -v 2000000; exec \"$0\" \"$@\" 2>stderr-\(threads).txt", binary, "run",
                                     "--transactions", "data/transactions.csv", "--interactions", "data/interactions.csv",
                                     "--out", "report-\(threads)", "--threads", "\(threads)", "--quiet"]
                process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
                process.standardInput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                return (process.terminationStatus, (try? text(scratch.join("stderr-\(threads).txt"))) ?? "")
            }
            let one = try run(1)
            #expect(one.0 == 0, "--threads 1: \(one.1)")
            let many = try run(128)
            #expect(many.0 == 0, "--threads 128 under ulimit -v 2000000: \(many.1.prefix(300))")
            let files = try entries(scratch.join("report-1")).filter { $0.hasSuffix(".csv") || $0 == "clv_model.json" }
            #expect(files.contains("customers.csv") && files.contains("churn_risk.csv"))
            for file in files {
                #expect(try bytes(scratch.join("report-128/" + file)) == bytes(scratch.join("report-1/" + file)), "\(file)")
            }
        }
    }
}
