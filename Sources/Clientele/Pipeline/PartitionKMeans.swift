import ClienteleSupport
import ClienteleLinear
import ClienteleKernels
import ClienteleReports

#if canImport(Glibc)
import Glibc
#endif

/// Where k-means stands in a run spread over machines (`clientele partition kmeans-seed` and
/// `kmeans-step`'s JSON): the standardisation, every restart's centres, and the next pass the
/// partitions should compute; when done, the fit that labels them and the clusters report.
///
/// The fit is `KMeans`'s, pass by pass: the features are standardised with means and population
/// standard deviations taken from the merged RFM value counts (`PartitionKMeansScale`); the
/// restarts are seeded on the driver from `KMeansSeedingSample`'s customers, which every
/// partition offers its smallest keys of (`PartitionKMeansSample`), so the seeds are the single
/// run's; each Lloyd iteration of every running restart is one pass in which each partition
/// assigns its customers and returns per-centre coordinate sums and counts (`PartitionKMeansPass`),
/// added in partition order; a restart stops as `KMeans.lloyd` does (labels that repeat: centres
/// that come back bit for bit; the shift within the tolerance; `maxIterations`). A last pass
/// returns each restart's inertia, sizes and profile sums; the best restart (lowest inertia, ties
/// the earlier) is renumbered by size. Sums added in another order differ from the single run's
/// by rounding only: the inertia agrees to about 1e-12 relative, and the labels unless a customer
/// is equidistant from two centres to the last bits.
public struct PartitionKMeansState: Codable, Sendable {
    public enum Phase: String, Codable, Sendable {
        /// Every partition runs `kmeans-pass` (update sums for the running restarts).
        case lloyd
        /// Every partition runs `kmeans-pass` for the inertia, sizes and profile sums.
        case final
        /// `centres` label the customers; `report` is report.json's clusters section.
        case done
        /// No clusters section; `reason` says why.
        case skipped
    }

    /// One restart's progress.
    public struct Restart: Codable, Sendable, Equatable {
        /// k × d, row-major, in the restart's own numbering.
        public var centres: [Double]
        public var iterations = 0
        public var converged = false
        public var running = true
    }

    public var phase: Phase
    public var reason: String?
    public var k = 0
    public var scale: PartitionKMeansScale?
    public var absoluteTolerance = 0.0
    public var maxIterations = 0
    public var distances = KMeans.DistanceMethod.loop
    public var restarts: [Restart] = []
    /// When done: the best restart's centres (its own numbering, so ties between centres break
    /// as in the single run) and each old number's new one (0 = the largest cluster).
    public var centres: [Double]?
    public var renumber: [Int32]?
    public var report: ClusterReport?

    public static func skipped(_ reason: String) -> PartitionKMeansState { PartitionKMeansState(phase: .skipped, reason: reason) }

    /// Why the run has no distributed clusters section, or nil when k-means runs.
    public static func skipReason(_ config: JobConfiguration, customers: Int64) -> String? {
        let settings = config.clusters
        guard settings.enabled else { return "disabled in the job file ([clusters] enabled = false)" }
        guard settings.features == ClusterFeatureSet() else {
            return "in a run spread over partitions k-means clusters on the default features only (log1p recency_days, frequency, monetary)"
        }
        guard case .fixed(let k) = settings.model.clusters else {
            return "in a run spread over partitions k is fixed ([clusters] k); choosing it by silhouette (k_range) is not distributed"
        }
        var model = settings.model
        model.seed = config.seed
        do { try model.validateSettings() } catch { return error.description }
        guard customers >= Int64(k) else { return KMeansError.tooFewSamples(samples: Int(customers), clusters: k).description }
        return nil
    }

    /// The first state: every restart seeded from the merged sample (`sample` holds every
    /// partition's smallest keys) and, when the sample is not every one of the `customers`
    /// clustered, refined on it, as `KMeans.bestOfRestarts` starts them.
    public static func seeded(_ config: JobConfiguration, scale: PartitionKMeansScale, sample: PartitionKMeansSample,
                              customers: Int64) -> PartitionKMeansState {
        var model = config.clusters.model
        model.seed = config.seed
        guard case .fixed(let k) = model.clusters else { preconditionFailure("skipReason admits a fixed k only") }
        let rows = sample.smallest(KMeansSeedingSample.defaultSize)
        let x = Matrix(rows: rows.ids.count, columns: scale.means.count, elements: rows.features)
        let layout = KMeansLayout(x, k: k)
        var state = PartitionKMeansState(phase: .lloyd)
        state.k = k
        state.scale = scale
        state.absoluteTolerance = model.tolerance * scale.meanVariance
        state.maxIterations = model.maxIterations
        state.distances = model.distances
        state.restarts = (0..<model.restarts).map { r in
            var random = RandomSource(seed: model.seed, stream: UInt64(r))
            return Restart(centres: model.startingCentres(x, k: k, layout: layout, random: &random, refine: Int64(x.rows) < customers,
                                                          absoluteTolerance: state.absoluteTolerance).elements)
        }
        return state
    }

    /// `KMeans.relocateEmpty` over partitions: each empty cluster, in index order, takes the next
    /// of the rows farthest from their centres over all partitions (each partition's k farthest,
    /// merged by distance descending, ties to the earlier partition and row), moving that row's
    /// coordinates out of its cluster's sums; none when every row sits on its centre.
    static func relocateEmpty(_ empty: [Int], farthest: [[PartitionKMeansPass.FarRow]], d: Int, sums: inout [Double], counts: inout [Int]) {
        let candidates = farthest.flatMap { $0 }
        guard let top = candidates.map(\.distance).max(), top > 0 else { return }
        // A stable sort keeps partition and row order among equal distances.
        let far = candidates.enumerated().sorted { $0.element.distance != $1.element.distance ? $0.element.distance > $1.element.distance : $0.offset < $1.offset }
        for (e, row) in zip(empty, far.map(\.element)) {
            for f in 0..<d {
                sums[row.label * d + f] -= row.coordinates[f]
                sums[e * d + f] = row.coordinates[f]
            }
            counts[e] = 1
            counts[row.label] -= 1
        }
    }

    /// The state after a pass, from every partition's sums in partition order.
    public func advanced(by passes: [PartitionKMeansPass]) throws -> PartitionKMeansState {
        guard let scale else { throw PartitionKMeansError.noScale }
        let d = scale.means.count
        var next = self
        switch phase {
        case .lloyd:
            for (r, restart) in restarts.enumerated() where restart.running {
                var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
                for pass in passes {
                    guard pass.restarts.count == restarts.count, pass.restarts[r].sums.count == k * d else { throw PartitionKMeansError.passesDiffer }
                    for e in 0..<(k * d) { sums[e] += pass.restarts[r].sums[e] }
                    for j in 0..<k { counts[j] += pass.restarts[r].counts[j] }
                }
                let empty = (0..<k).filter { counts[$0] == 0 }
                if !empty.isEmpty {
                    Self.relocateEmpty(empty, farthest: passes.map { $0.restarts[r].farthest }, d: d, sums: &sums, counts: &counts)
                }
                let centres = KMeans.averaged(sums: sums, counts: counts, k: k, d: d)
                var shift = 0.0
                for e in 0..<(k * d) { let t = centres[e] - restart.centres[e]; shift += t * t }
                var moved = restart
                moved.iterations += 1
                // Centres that come back bit for bit are labels that repeated (KMeans.lloyd's strict convergence).
                if centres == restart.centres || shift <= absoluteTolerance { moved.converged = true; moved.running = false }
                if moved.iterations >= maxIterations { moved.running = false }
                moved.centres = centres
                next.restarts[r] = moved
            }
            if !next.restarts.contains(where: \.running) { next.phase = .final }
        case .final:
            var inertias = [Double](repeating: 0, count: restarts.count)
            var counts = [[Int]](repeating: [Int](repeating: 0, count: k), count: restarts.count)
            var profileSums = [[Double]](repeating: [Double](repeating: 0, count: k * d), count: restarts.count)
            for pass in passes {
                guard pass.restarts.count == restarts.count else { throw PartitionKMeansError.passesDiffer }
                for r in restarts.indices {
                    let p = pass.restarts[r]
                    guard p.counts.count == k, p.profileSums.count == k * d else { throw PartitionKMeansError.passesDiffer }
                    inertias[r] += p.inertia
                    for j in 0..<k { counts[r][j] += p.counts[j] }
                    for e in 0..<(k * d) { profileSums[r][e] += p.profileSums[e] }
                }
            }
            var best = 0
            for r in restarts.indices where inertias[r] < inertias[best] { best = r }
            let sizes = counts[best]
            let order = (0..<k).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
            var renumber = [Int32](repeating: 0, count: k)
            for (new, old) in order.enumerated() { renumber[old] = Int32(new) }
            let n = sizes.reduce(0, +)
            let profiles = order.enumerated().map { new, old in
                ClusterReport.Profile(cluster: new + 1, customers: sizes[old], share: n > 0 ? Double(sizes[old]) / Double(n) : 0,
                                      means: (0..<d).map { f in sizes[old] > 0 ? profileSums[best][old * d + f] / Double(sizes[old]) : nil })
            }
            var report = ClusterReport(k: k, features: ClusterFeatureSet().descriptions, profileNames: PartitionKMeansScale.profileNames,
                                       inertia: inertias[best].isFinite ? inertias[best] : nil, iterations: restarts[best].iterations,
                                       converged: restarts[best].converged, restarts: restarts.count, silhouette: nil, profiles: profiles)
            report.assignNames()
            next.phase = .done
            next.centres = restarts[best].centres
            next.renumber = renumber
            next.report = report
        case .done, .skipped:
            break
        }
        return next
    }
}

/// A k-means step file that does not fit the state it is merged into.
public enum PartitionKMeansError: ClienteleError, Equatable {
    case passesDiffer
    case notDone
    /// A state to advance that holds no standardisation (a skipped state, or one written by hand).
    case noScale

    public var exitStatus: ExitStatus { .usage }

    public var description: String {
        switch self {
        case .passesDiffer: return "the k-means pass files were computed from another state (restarts or k differ); run kmeans-pass on every partition with the state being advanced"
        case .notDone: return "the k-means state is not done: run kmeans-pass and kmeans-step until kmeans-step prints \"phase\": \"done\""
        case .noScale: return "the k-means state has no standardisation: advance the state kmeans-seed wrote (phase lloyd or final)"
        }
    }
}
