import ClienteleSupport
import ClienteleLinear

/// One seeded run of Lloyd's algorithm (before clusters are renumbered by size).
public struct KMeansRun: Sendable, Equatable {
    /// Final centres, k × d, in the feature space.
    public let centres: Matrix
    /// Cluster of each row, 0..<k, in the run's own numbering.
    public let labels: [Int32]
    /// Σ squared distance of each row to its centre.
    public let inertia: Double
    /// Lloyd iterations run.
    public let iterations: Int
    /// Whether the labels repeated or the centre shift fell within the tolerance before `maxIterations`.
    public let converged: Bool
    /// Empty clusters repaired by taking the farthest rows, over all iterations.
    public let emptyClusterRepairs: Int
}

/// A fitted clustering: the best restart's clusters numbered by size (0 = largest), with the
/// diagnostics of every restart and, when k was chosen, the silhouette of each candidate.
public struct KMeansFit: Sendable, Equatable {
    public let settings: KMeans
    /// Number of clusters.
    public let k: Int
    /// Centres in the standardised feature space, k × d, row = cluster number.
    public let centres: Matrix
    /// Cluster of each row, 0..<k, 0 the largest (reports show `label + 1`).
    public let labels: [Int32]
    /// Rows per cluster, non-increasing.
    public let sizes: [Int]
    /// Σ squared distance of each row to its centre, in the standardised space.
    public let inertia: Double
    /// Lloyd iterations of the best restart.
    public let iterations: Int
    /// Whether the best restart converged before `maxIterations`.
    public let converged: Bool
    /// Every restart, in seed-stream order (labels in their own numbering).
    public let restarts: [KMeansRun]
    /// Index of the best restart in `restarts`.
    public let bestRestart: Int
    /// The silhouette of each candidate k when k was chosen by silhouette; nil for a fixed k.
    public package(set) var selection: KMeansSelection?
    /// Per-cluster profiles in original units, when fitted on `KMeansFeatures`.
    public package(set) var profiles: [KMeansClusterProfile]?
    /// Names of the profile columns (e.g. recency_days, frequency, monetary).
    public package(set) var profileNames: [String]?

    package init(settings: KMeans, runs: [KMeansRun], best: Int) {
        let run = runs[best]
        let k = run.centres.rows, d = run.centres.columns
        var counts = [Int](repeating: 0, count: k)
        for l in run.labels { counts[Int(l)] += 1 }
        // New number of old cluster c: rank by size, larger first, ties by old number.
        let order = (0..<k).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        var renumber = [Int32](repeating: 0, count: k)
        for (new, old) in order.enumerated() { renumber[old] = Int32(new) }
        var centres = Matrix(rows: k, columns: d)
        for (new, old) in order.enumerated() { for f in 0..<d { centres[new, f] = run.centres[old, f] } }
        self.settings = settings
        self.k = k
        self.centres = centres
        let old = run.labels
        self.labels = [Int32](unsafeUninitializedCapacity: old.count) { out, count in
            parallelRanges(old.count, size: 65_536) { rows in for i in rows { out[i] = renumber[Int(old[i])] } }
            count = old.count
        }
        self.sizes = order.map { counts[$0] }
        self.inertia = run.inertia
        self.iterations = run.iterations
        self.converged = run.converged
        self.restarts = runs
        self.bestRestart = best
    }

    /// Share of rows in each cluster.
    public var shares: [Double] {
        let n = Double(labels.count)
        return sizes.map { n > 0 ? Double($0) / n : 0 }
    }

    package mutating func attachProfiles(_ features: KMeansFeatures) {
        let p = features.profileColumns.count
        var sums = [Double](repeating: 0, count: k * p)
        for (i, l) in labels.enumerated() {
            for c in 0..<p { sums[Int(l) * p + c] += features.profileColumns[c][i] }
        }
        let shares = self.shares
        profiles = (0..<k).map { j in
            KMeansClusterProfile(cluster: j, customers: sizes[j], share: shares[j],
                                 means: (0..<p).map { c in sizes[j] > 0 ? sums[j * p + c] / Double(sizes[j]) : nil },
                                 centre: centres.row(j))
        }
        profileNames = features.profileNames
    }
}

/// One row of `clusters.csv`: a cluster's size and its mean of each profile column.
public struct KMeansClusterProfile: Sendable, Equatable {
    /// 0-based cluster number (0 = largest); reports show `cluster + 1`.
    public let cluster: Int
    public let customers: Int
    public let share: Double
    /// Mean of each profile column (original units), in `KMeansFit.profileNames` order; nil for
    /// an empty cluster (possible only with more clusters than distinct rows).
    public let means: [Double?]
    /// The centre in the standardised feature space.
    public let centre: [Double]
}

/// How k was chosen: the silhouette of each candidate on the sample.
public struct KMeansSelection: Sendable, Equatable {
    public let candidates: [Int]
    /// Mean silhouette per candidate, in `candidates` order.
    public let silhouettes: [Double]
    /// Rows the silhouettes were computed on (all rows when n ≤ `silhouetteSampleSize`).
    public let sampleSize: Int
    /// Best-of-restarts inertia per candidate.
    public let inertias: [Double]
}
