import Foundation
import Testing
@testable import Clientele

/// Timing harness for Benchmarks/correlation/bench_kendall.sh: runs only when
/// CLIENTELE_KENDALL_BENCH names a raw float64 file of n x values followed by n y values, and
/// writes τ-b, its p-value and the timings as JSON to CLIENTELE_KENDALL_BENCH_OUT.
@Suite("Correlation benchmark harness")
struct CorrelationBenchmarkTests {
    static let input = ProcessInfo.processInfo.environment["CLIENTELE_KENDALL_BENCH"]

    @Test("Kendall tau-b on the benchmark pairs",
          .enabled(if: input != nil, "set CLIENTELE_KENDALL_BENCH to a pairs file (Benchmarks/correlation/bench_kendall.sh)"))
    func timeKendall() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.input!))
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        let n = values.count / 2
        let x = Array(values[0..<n]), y = Array(values[n...])
        let reps = Int(ProcessInfo.processInfo.environment["CLIENTELE_KENDALL_BENCH_REPS"] ?? "5") ?? 5
        var times: [Double] = []
        var estimate: KendallEstimate?
        for _ in 0..<reps {
            let start = ContinuousClock.now
            estimate = KendallTauB.estimate(x: x, y: y).value
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        let e = try #require(estimate)
        #expect(abs(e.tauB) <= 1)
        let out = ProcessInfo.processInfo.environment["CLIENTELE_KENDALL_BENCH_OUT"] ?? "/dev/stdout"
        let json = try JSONSerialization.data(withJSONObject: [
            "n": n, "tau_b": e.tauB, "p_value": e.pValue, "method": e.method.rawValue,
            "seconds": times.sorted()[times.count / 2], "min_seconds": times.min()!,
        ], options: [.prettyPrinted, .sortedKeys])
        try json.write(to: URL(fileURLWithPath: out))
    }
}
