import Foundation
import Testing
@testable import Clientele

/// Timing harness for Benchmarks/kmeans/bench_kmeans.sh: runs only when CLIENTELE_KMEANS_BENCH
/// names a raw little-endian float64 file of n × 3 features (written by the script), and writes
/// its timings as JSON to CLIENTELE_KMEANS_BENCH_OUT.
@Suite("KMeans benchmark harness")
struct KMeansBenchmarkTests {
    static let input = ProcessInfo.processInfo.environment["CLIENTELE_KMEANS_BENCH"]

    @Test("k=5, 4 restarts on the benchmark features, both distance methods, 1 and 2 threads",
          .enabled(if: input != nil, "set CLIENTELE_KMEANS_BENCH to a features file (Benchmarks/kmeans/bench_kmeans.sh)"))
    func timeKMeans() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.input!))
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        let x = Matrix(rows: values.count / 3, columns: 3, elements: values)
        let reps = Int(ProcessInfo.processInfo.environment["CLIENTELE_KMEANS_BENCH_REPS"] ?? "3") ?? 3
        var rows: [[String: Any]] = []
        var inertias: [Double] = []
        for (method, threads) in [(KMeans.DistanceMethod.loop, 2), (.gemm, 2), (.loop, 1), (.gemm, 1)] {
            var kmeans = KMeans(clusters: 5)
            kmeans.distances = method
            var times: [Double] = []
            var fit: KMeansFit?
            for _ in 0..<reps {
                let start = ContinuousClock.now
                fit = try Parallelism.withThreads(threads) { try kmeans.fit(x) }
                let elapsed = ContinuousClock.now - start
                times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            let f = try #require(fit)
            inertias.append(f.inertia)
            rows.append(["method": method.rawValue, "threads": threads, "seconds": times.sorted()[times.count / 2],
                         "min_seconds": times.min()!, "inertia": f.inertia,
                         "iterations": f.restarts.map(\.iterations), "converged": f.converged])
        }
        // Same seed, same result whatever the method or thread count (to rounding between methods).
        #expect(inertias.allSatisfy { abs($0 - inertias[0]) <= 1e-9 * inertias[0] })
        // k chosen by silhouette over 2…8 (one repetition).
        var choosing = KMeans()
        choosing.clusters = .silhouette(2...8)
        let start = ContinuousClock.now
        let chosen = try choosing.fit(x)
        let elapsed = ContinuousClock.now - start
        let selection = try #require(chosen.selection)
        let selectionRow: [String: Any] = [
            "seconds": Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            "k": chosen.k, "candidates": selection.candidates, "silhouettes": selection.silhouettes,
            "sample_size": selection.sampleSize,
        ]
        let out = ProcessInfo.processInfo.environment["CLIENTELE_KMEANS_BENCH_OUT"] ?? "/dev/stdout"
        let json = try JSONSerialization.data(withJSONObject: ["n": x.rows, "runs": rows, "selection": selectionRow],
                                              options: [.prettyPrinted, .sortedKeys])
        try json.write(to: URL(fileURLWithPath: out))
    }
}
