import Foundation
import Testing
@testable import Clientele

/// Fixtures/kmeans: 2,000 generated customers and scikit-learn 1.9.1's results on their default
/// features (Benchmarks/kmeans/kmeans_reference.py). Python is not needed here.
enum KMeansReference {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/kmeans")

    /// recency_days, frequency, monetary columns of customers-2000.csv.
    static func customers() throws -> (recency: [Double], frequency: [Double], monetary: [Double]) {
        let text = try String(contentsOf: directory.appendingPathComponent("customers-2000.csv"), encoding: .utf8)
        var r: [Double] = [], f: [Double] = [], m: [Double] = []
        for line in text.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",").map { Double($0)! }
            r.append(cells[0]); f.append(cells[1]); m.append(cells[2])
        }
        return (r, f, m)
    }

    static func json() throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("sklearn_reference.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func features() throws -> KMeansFeatures {
        let c = try customers()
        return try KMeansFeatures.rfm(recencyDays: c.recency, frequency: c.frequency, monetary: c.monetary)
    }

    static func matrix(_ value: Any?) -> Matrix { Matrix(rowArrays: (value as! [[Any]]).map { $0.map { ($0 as! NSNumber).doubleValue } }) }
    static func ints(_ value: Any?) -> [Int] { (value as! [Any]).map { ($0 as! NSNumber).intValue } }
    static func double(_ value: Any?) -> Double { (value as! NSNumber).doubleValue }
}

/// Our labels and scikit-learn's describe the same partition: a bijection between cluster numbers.
func kmeansSamePartition(_ a: [Int32], _ b: [Int]) -> Bool {
    guard a.count == b.count else { return false }
    var forward = [Int32: Int](), backward = [Int: Int32]()
    for (x, y) in zip(a, b) {
        if let f = forward[x], f != y { return false }
        if let g = backward[y], g != x { return false }
        forward[x] = y; backward[y] = x
    }
    return true
}

@Suite("KMeans against scikit-learn")
struct KMeansSklearnTests {
    @Test("default RFM features equal numpy's log1p and population-sd standardisation")
    func featuresMatchNumpy() throws {
        let features = try KMeansReference.features()
        let ref = try KMeansReference.json()["features"] as! [String: Any]
        let first = KMeansReference.matrix(ref["first_rows"])
        for i in 0..<first.rows { for j in 0..<3 { #expect(abs(features.matrix[i, j] - first[i, j]) <= 1e-12) } }
        let squares = (ref["column_sums_of_squares"] as! [NSNumber]).map(\.doubleValue)
        for j in 0..<3 {
            let s = (0..<features.matrix.rows).reduce(0.0) { $0 + features.matrix[$1, j] * features.matrix[$1, j] }
            #expect(abs(s - squares[j]) <= 1e-9 * squares[j])
            #expect(abs(s - 2_000) <= 1e-9)  // population sd 1
        }
        #expect(features.names == ["log1p_recency_days", "log1p_frequency", "log1p_monetary"])
    }

    @Test("from the same initial centres, labels and inertia equal scikit-learn's Lloyd", arguments: ["lloyd_from_centres", "lloyd_empty_cluster"])
    func sameAsSklearnFromCentres(case name: String) throws {
        let features = try KMeansReference.features()
        let ref = try KMeansReference.json()[name] as! [String: Any]
        let initial = KMeansReference.matrix(ref["initial_centres"])
        for method in KMeans.DistanceMethod.allCases {
            var kmeans = KMeans(clusters: initial.rows)
            kmeans.distances = method
            let fit = try kmeans.fit(features.matrix, initialCentres: initial)
            let run = fit.restarts[0]
            let inertia = KMeansReference.double(ref["inertia"])
            #expect(abs(run.inertia - inertia) <= 1e-9 * inertia, "\(method): \(run.inertia) vs \(inertia)")
            #expect(run.labels.map(Int.init) == KMeansReference.ints(ref["labels"]), "\(method) labels differ")
            #expect(run.iterations == KMeansReference.ints([ref["n_iter"]!])[0])
            let centres = KMeansReference.matrix(ref["centres"])
            for e in 0..<centres.elements.count { #expect(abs(run.centres.elements[e] - centres.elements[e]) <= 1e-9) }
            #expect(run.converged)
            if name == "lloyd_empty_cluster" { #expect(run.emptyClusterRepairs > 0) }
        }
    }

    @Test("best of 4 seeded restarts is within 0.5% of scikit-learn's n_init=4 inertia")
    func bestOfRestartsInertia() throws {
        let features = try KMeansReference.features()
        let ref = try KMeansReference.json()["best_of_restarts"] as! [String: Any]
        let reference = KMeansReference.double(ref["inertia"])
        for seed: UInt64 in [0, 1, 2] {
            var kmeans = KMeans(clusters: 5)
            kmeans.seed = seed
            let fit = try kmeans.fit(features.matrix)
            #expect(fit.restarts.count == 4)
            #expect(fit.inertia <= reference * 1.005, "seed \(seed): \(fit.inertia) vs scikit-learn \(reference)")
            #expect(fit.inertia == fit.restarts.map(\.inertia).min())
        }
    }

    @Test("silhouette equals scikit-learn's silhouette_score on every labeling")
    func silhouetteMatches() throws {
        let features = try KMeansReference.features()
        let ref = try KMeansReference.json()["silhouette"] as! [String: Any]
        let byK = ref["by_k"] as! [[String: Any]]
        let labelings = byK.map { KMeansReference.ints($0["labels"]).map(Int32.init) }
        let ks = byK.map { KMeansReference.ints([$0["k"]!])[0] }
        let scores = Parallelism.withThreads(2) {
            KMeans.silhouetteScores(features.matrix, sample: Array(0..<features.matrix.rows), labelings: labelings, clusterCounts: ks)
        }
        for (score, entry) in zip(scores, byK) {
            let expected = KMeansReference.double(entry["silhouette"])
            #expect(abs(score - expected) <= 1e-10, "k=\(entry["k"]!): \(score) vs \(expected)")
        }
    }

    @Test("k chosen by silhouette is the candidate with the highest score, profiles in original units")
    func chooseK() throws {
        let features = try KMeansReference.features()
        var kmeans = KMeans()
        kmeans.clusters = .silhouette(2...5)
        kmeans.restarts = 2
        let fit = try kmeans.fit(features)
        let selection = try #require(fit.selection)
        #expect(selection.candidates == [2, 3, 4, 5])
        #expect(selection.sampleSize == 2_000)
        let best = selection.silhouettes.indices.max { selection.silhouettes[$0] < selection.silhouettes[$1] }!
        #expect(fit.k == selection.candidates[best])
        let profiles = try #require(fit.profiles)
        #expect(fit.profileNames == ["recency_days", "frequency", "monetary"])
        #expect(profiles.map(\.customers).reduce(0, +) == 2_000)
        // The size-weighted mean of the profile means is the overall mean.
        let c = try KMeansReference.customers()
        let overall = c.frequency.reduce(0, +) / 2_000
        var weighted = 0.0
        for profile in profiles { weighted += profile.means[1]! * Double(profile.customers) }
        weighted /= 2_000
        #expect(abs(weighted - overall) <= 1e-9 * overall)
    }
}
