import Foundation
import Testing
@testable import Clientele

/// `groups` tight blobs of `size` points around well-separated centres (seeded).
func kmeansBlobs(groups: [(centre: [Double], size: Int)], spread: Double = 0.05, seed: UInt64 = 1) -> Matrix {
    var random = RandomSource(seed: seed)
    var rows: [[Double]] = []
    for g in groups { for _ in 0..<g.size { rows.append(g.centre.map { $0 + spread * (random.uniform() - 0.5) }) } }
    return Matrix(rowArrays: rows)
}

@Suite("KMeans properties")
struct KMeansPropertyTests {
    @Test("hand-worked toy: two pairs of points, centres at the pair means, inertia 4 × 0.5²")
    func toy() throws {
        let x = Matrix(rowArrays: [[0, 0], [0, 1], [10, 0], [10, 1]])
        let fit = try KMeans(clusters: 2).fit(x, initialCentres: Matrix(rowArrays: [[0, 0], [10, 0]]))
        #expect(fit.inertia == 1)
        #expect(fit.labels[0] == fit.labels[1] && fit.labels[2] == fit.labels[3] && fit.labels[0] != fit.labels[2])
        #expect(Set([fit.centres.row(0), fit.centres.row(1)]) == Set([[0, 0.5], [10, 0.5]]))
        #expect(fit.converged && fit.iterations == 2)  // the second pass repeats the labels
    }

    @Test("clusters are numbered by size, largest first, and seeded restarts find well-separated blobs")
    func numberedBySize() throws {
        let x = kmeansBlobs(groups: [([0, 0, 0], 10), ([5, 5, 5], 40), ([-5, 5, 0], 25)])
        let fit = try KMeans(clusters: 3).fit(x)
        #expect(fit.sizes == [40, 25, 10])
        #expect(fit.labels[0..<10].allSatisfy { $0 == 2 })
        #expect(fit.labels[10..<50].allSatisfy { $0 == 0 })
        #expect(fit.labels[50..<75].allSatisfy { $0 == 1 })
        let expectedShares: [Double] = [40.0 / 75, 25.0 / 75, 10.0 / 75]
        #expect(fit.shares == expectedShares)
        #expect(abs(fit.centres[0, 0] - 5) < 0.05)
    }

    @Test("the same seed gives the same bytes on 1 and 2 threads; another seed may not")
    func reproducible() throws {
        let features = try KMeansReference.features()
        var one = KMeans(clusters: 4); one.seed = 11
        let two = one
        let a = try Parallelism.withThreads(1) { try one.fit(features.matrix) }
        let b = try Parallelism.withThreads(2) { try two.fit(features.matrix) }
        #expect(a.labels == b.labels)
        #expect(a.inertia.bitPattern == b.inertia.bitPattern)
        #expect(a.centres == b.centres)
        #expect(a.restarts.map(\.inertia) == b.restarts.map(\.inertia))
        var other = two; other.seed = 12
        #expect(try other.fit(features.matrix).restarts.map(\.inertia) != a.restarts.map(\.inertia))
    }

    @Test("over many row blocks spread over 1, 2, 3 or 8 threads, the same seed gives the same bytes", arguments: [1, 2, 3, 8])
    func reproducibleOverBlocks(threads: Int) throws {
        // 24,000 rows: 12 blocks of 2,048, so the blocks really are spread over the threads.
        let x = kmeansBlobs(groups: [([0, 0], 6_000), ([3, 1], 8_000), ([1, 4], 4_000), ([5, 5], 6_000)], spread: 4, seed: 5)
        var reference = KMeans(clusters: 6); reference.seed = 21
        let other = reference
        let a = try Parallelism.withThreads(1) { try reference.fit(x) }
        let b = try Parallelism.withThreads(threads) { try other.fit(x) }
        #expect(a.labels == b.labels)
        #expect(a.centres == b.centres)
        #expect(a.restarts.map(\.inertia.bitPattern) == b.restarts.map(\.inertia.bitPattern))
        #expect(a.restarts.map(\.iterations) == b.restarts.map(\.iterations))
        #expect(a.bestRestart == b.bestRestart)
        // Each restart is the seeded Lloyd run on its own.
        let layout = KMeansLayout(x, k: 6, threads: threads)
        for r in 0..<reference.restarts {
            var random = RandomSource(seed: 21, stream: UInt64(r))
            let centres = reference.seedCentres(x, k: 6, layout: layout, random: &random)
            let run = try reference.fit(x, initialCentres: centres).restarts[0]
            #expect(run == b.restarts[r])
        }
    }

    @Test("GEMM and loop distances give the same clustering")
    func methodsAgree() throws {
        let features = try KMeansReference.features()
        var loop = KMeans(clusters: 5); loop.distances = .loop
        var gemm = KMeans(clusters: 5); gemm.distances = .gemm
        let a = try loop.fit(features.matrix), b = try gemm.fit(features.matrix)
        #expect(a.labels == b.labels)
        #expect(abs(a.inertia - b.inertia) <= 1e-10 * a.inertia)
    }

    @Test("k-means++ picks distinct rows as centres and the first is a uniform draw of the seed")
    func seeding() throws {
        let x = kmeansBlobs(groups: [([0, 0], 30), ([9, 9], 30), ([0, 9], 30), ([9, 0], 30)])
        let kmeans = KMeans(clusters: 4)
        var random = RandomSource(seed: 3, stream: 0)
        let centres = kmeans.seedCentres(x, k: 4, layout: KMeansLayout(x, k: 4, threads: 2), random: &random)
        // One centre per blob: greedy D² sampling does not put two in the same tight blob.
        let blobs = (0..<4).map { j -> Int in (centres[j, 0] > 4.5 ? 2 : 0) + (centres[j, 1] > 4.5 ? 1 : 0) }
        #expect(Set(blobs).count == 4)
        var check = RandomSource(seed: 3, stream: 0)
        let first = check.index(below: x.rows)
        #expect(centres.row(0) == x.row(first))
    }

    @Test("more clusters than distinct points: no repair is possible, the fit still finishes with zero inertia")
    func duplicates() throws {
        let x = Matrix(rowArrays: [[1, 1], [1, 1], [2, 2], [2, 2]])
        let fit = try KMeans(clusters: 3).fit(x)
        #expect(fit.inertia == 0)
        #expect(fit.sizes.reduce(0, +) == 4)
    }

    @Test("errors quote the numbers, scikit-learn style", arguments: [
        (KMeansError.tooFewSamples(samples: 3, clusters: 5), "k-means: n_samples=3 should be >= n_clusters=5; choose a smaller k"),
        (.invalidSilhouetteRange(lower: 1, upper: 4), "k-means: k range 1-4: silhouette needs k >= 2; start the range at 2 or more"),
        (.nonFiniteValue(row: 7, column: 2, value: .nan), "k-means: feature 2 of row 7 is nan; features must be finite"),
    ])
    func messages(error: KMeansError, message: String) { #expect(error.description == message) }

    @Test("invalid settings and data throw before any work")
    func validation() {
        let x = Matrix(rowArrays: [[0], [1], [2]])
        #expect(throws: KMeansError.tooFewSamples(samples: 3, clusters: 4)) { try KMeans(clusters: 4).fit(x) }
        #expect(throws: KMeansError.invalidClusterCount(0)) { try KMeans(clusters: 0).fit(x) }
        var k = KMeans(clusters: 2); k.restarts = 0
        #expect(throws: KMeansError.invalidRestarts(0)) { try k.fit(x) }
        var s = KMeans(); s.clusters = .silhouette(2...3)
        #expect(throws: KMeansError.tooFewSamplesForSilhouette(samples: 3, largestK: 3)) { try s.fit(x) }
        #expect(throws: KMeansError.nonFiniteValue(row: 1, column: 0, value: .infinity)) {
            try KMeans(clusters: 1).fit(Matrix(rowArrays: [[0], [.infinity]]))
        }
        #expect(throws: KMeansError.initialCentresShape(rows: 1, columns: 2, features: 1)) {
            try KMeans(clusters: 1).fit(x, initialCentres: Matrix(rowArrays: [[0, 0]]))
        }
        #expect(throws: KMeansError.featureLength(name: "frequency", count: 1, expected: 2)) {
            try KMeansFeatures.rfm(recencyDays: [1, 2], frequency: [1], monetary: [1, 2])
        }
    }

    @Test("default features: log1p of recency, frequency and non-negative monetary, mean 0 and population sd 1")
    func features() throws {
        let f = try KMeansFeatures.rfm(recencyDays: [0, 9, 99], frequency: [1, 1, 1], monetary: [-5, 0, 20])
        #expect(abs(f.means[0] - (log1p(0) + log1p(9) + log1p(99)) / 3) <= 1e-15)
        #expect(f.standardDeviations[1] == 0)             // constant frequency: centred, not scaled
        #expect(f.matrix.column(1) == [0, 0, 0])
        #expect(f.matrix[0, 2] == f.matrix[1, 2])         // max(monetary, 0): a refund counts as 0
        let z = f.matrix.column(0)
        #expect(abs(z.reduce(0, +)) <= 1e-15 && abs(z.map { $0 * $0 }.reduce(0, +) - 3) <= 1e-14)
        #expect(f.profileColumns[2] == [-5, 0, 20])       // profiles keep original units
    }

    @Test("defaults: k = 5, scikit-learn's n_init = 4, max_iter = 300, tol = 1e-4, loop distances, 10,000-row silhouette sample")
    func defaults() {
        let k = KMeans()
        #expect(k.clusters == .fixed(5))
        #expect(k.restarts == 4 && k.maxIterations == 300 && k.tolerance == 1e-4)
        #expect(k.distances == .loop && k.silhouetteSampleSize == 10_000 && k.seed == 0)
    }

    @Test("the silhouette sample is seeded, sorted, without repeats, and all rows when n is small")
    func silhouetteSample() {
        var k = KMeans(); k.silhouetteSampleSize = 100
        let s = k.silhouetteSample(rows: 1_000)
        #expect(s.count == 100 && Set(s).count == 100 && s == s.sorted())
        #expect(k.silhouetteSample(rows: 1_000) == s)
        #expect(k.silhouetteSample(rows: 50) == Array(0..<50))
    }
}
