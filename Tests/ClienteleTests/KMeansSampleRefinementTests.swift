// Seeding from a sample of the rows (KMeansSeedingSample): k-means++ draws the seeds from the
// sample, Lloyd refines them on the sample alone, and only then do the iterations over every
// row begin (Bradley & Fayyad 1998).
import Foundation
import Testing
@testable import Clientele

@Suite("KMeans seeded from a sample: seeds refined on the sample, then Lloyd over every row")
struct KMeansSampleRefinementTests {
    /// Overlapping blobs: Lloyd needs many passes from raw k-means++ seeds.
    static let x = kmeansBlobs(groups: [([0, 0, 0], 3_000), ([2, 1, 0], 4_000), ([1, 3, 1], 2_000), ([3, 3, 2], 3_000)],
                               spread: 3, seed: 9)
    /// Every fourth row, ascending.
    static let sample = Array(stride(from: 0, to: 12_000, by: 4))

    @Test("each restart: k-means++ on the sample, Lloyd on the sample from those seeds, then Lloyd over every row")
    func restartIsSeedRefineThenFull() throws {
        var kmeans = KMeans(clusters: 4)
        kmeans.seed = 3
        kmeans.restarts = 2
        let fit = try kmeans.fit(Self.x, seedingRows: Self.sample)
        let sample = Self.x.selectingRows(Self.sample)
        let tolerance = kmeans.tolerance * KMeans.meanVariance(Self.x)
        for r in 0..<kmeans.restarts {
            var random = RandomSource(seed: 3, stream: UInt64(r))
            let seeds = kmeans.seedCentres(sample, k: 4, layout: KMeansLayout(sample, k: 4), random: &random)
            let refined = kmeans.lloyd(sample, from: seeds, layout: KMeansLayout(sample, k: 4), absoluteTolerance: tolerance, progress: nil)
            #expect(refined.iterations > 1, "the sample's own iterations move the seeds")
            let full = kmeans.lloyd(Self.x, from: refined.centres, layout: KMeansLayout(Self.x, k: 4), absoluteTolerance: tolerance,
                                    progress: nil)
            #expect(fit.restarts[r].inertia.bitPattern == full.inertia.bitPattern, "restart \(r)")
            #expect(fit.restarts[r].iterations == full.iterations, "restart \(r)")
        }
    }

    @Test("refined seeds leave fewer passes over every row than raw seeds, at no worse an inertia here")
    func refinementSavesPasses() throws {
        var kmeans = KMeans(clusters: 4)
        kmeans.seed = 3
        let refined = try kmeans.fit(Self.x, seedingRows: Self.sample)
        // The same seeds without the refinement: Lloyd over every row from k-means++'s draws.
        let sample = Self.x.selectingRows(Self.sample)
        let tolerance = kmeans.tolerance * KMeans.meanVariance(Self.x)
        var rawPasses = 0, rawBest = Double.infinity
        for r in 0..<kmeans.restarts {
            var random = RandomSource(seed: 3, stream: UInt64(r))
            let seeds = kmeans.seedCentres(sample, k: 4, layout: KMeansLayout(sample, k: 4), random: &random)
            let run = kmeans.lloyd(Self.x, from: seeds, layout: KMeansLayout(Self.x, k: 4), absoluteTolerance: tolerance, progress: nil)
            rawPasses += run.iterations
            rawBest = min(rawBest, run.inertia)
        }
        let refinedPasses = refined.restarts.reduce(0) { $0 + $1.iterations }
        #expect(refinedPasses < rawPasses, "\(refinedPasses) passes over every row against \(rawPasses)")
        #expect(refined.inertia <= rawBest * (1 + 1e-3), "inertia \(refined.inertia) against \(rawBest)")
    }

    @Test("seeding rows that are every row: no refinement, the plain k-means++ fit")
    func everyRowIsThePlainFit() throws {
        var kmeans = KMeans(clusters: 4)
        kmeans.seed = 5
        let all = try kmeans.fit(Self.x, seedingRows: Array(0..<Self.x.rows))
        let plain = try kmeans.fit(Self.x)
        #expect(all.labels == plain.labels)
        #expect(all.inertia.bitPattern == plain.inertia.bitPattern)
        #expect(all.restarts.map(\.iterations) == plain.restarts.map(\.iterations))
    }
}
