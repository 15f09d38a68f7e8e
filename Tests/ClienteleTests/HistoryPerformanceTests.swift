import Foundation
import Testing
@testable import Clientele

@Suite("HistoryDatabase at scale", .serialized)
struct HistoryPerformanceTests {
    /// Rows for the scale test: 10⁶ by default; `CLIENTELE_HISTORY_ROWS` overrides it.
    static let rows = Int(ProcessInfo.processInfo.environment["CLIENTELE_HISTORY_ROWS"] ?? "") ?? 1_000_000

    @Test("a run of 10⁶ customers is recorded in one transaction, and the migration reads it back")
    func millionRows() throws {
        try withHistoryFolder { folder in
            let path = folder.join("big.db")
            let n = Self.rows
            let names = SegmentMap.standard.names
            let ids = (0..<n).map { String(format: "C%09d", $0) }
            func run(shift: Int, asOf: String) throws -> HistoryRun {
                let segments = (0..<n).map { names[($0 &* 2_654_435_761 &+ shift) % names.count] }
                let snapshots = try CustomerSnapshots(
                    customerIDs: ids, segments: segments, r: [UInt8](repeating: 3, count: n), f: [UInt8](repeating: 2, count: n),
                    m: [UInt8](repeating: 4, count: n), recencyDays: [Int32](repeating: 30, count: n), frequency: [Int32](repeating: 2, count: n),
                    monetaryCents: (0..<n).map { Int64($0 % 100_000) }, predictedCLV: (0..<n).map { Double($0 % 1000) / 7 },
                    churnProbability: (0..<n).map { Double($0 % 997) / 997 })
                return HistoryRun(startedAt: asOf + "T00:00:00Z", asOf: CalendarDay(iso: asOf)!, settingsJSON: "{}", inputs: [],
                                  counts: .init(customers: n, customersInTransactions: n, orders: n, netRevenue: 0), segments: [],
                                  customers: snapshots)
            }
            let db = try HistoryDatabase(path: path)
            let first = try run(shift: 0, asOf: "2024-01-01"), second = try run(shift: 1, asOf: "2024-02-01")
            let clock = ContinuousClock()
            var started = clock.now
            let cpuStarted = Self.threadCPUSeconds()
            try db.record(first)
            let insert = clock.now - started
            let insertCPU = Self.threadCPUSeconds() - cpuStarted
            try db.record(second)
            started = clock.now
            let m = try db.migration()
            let read = clock.now - started
            print("history: recorded \(n) snapshot rows in \(insert) (\(Int(Double(n) / (Double(insert.components.seconds) + Double(insert.components.attoseconds) * 1e-18))) rows/s), \(insertCPU) s of CPU on this thread; migration read in \(read)")
            #expect(try db.snapshotCount(run: 1) == n)
            #expect(m.matched == n && m.stayed == 0)
            #expect(m.newCustomers.allSatisfy { $0 == 0 } && m.goneCustomers.allSatisfy { $0 == 0 })
            // Generous bound for a debug build on two shared cores; release is several times faster.
            #expect(insert < .seconds(60))
        }
    }

    /// CPU time of the calling thread (wall time on two shared cores says little about the code).
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
