import ClienteleSupport
import ClienteleLinear

/// K-means clustering of customers: k-means++ seeding, several restarts, Lloyd iterations with
/// squared distances from BLAS in row blocks spread over the cores; seeded and reproducible
/// whatever the thread count; k fixed or chosen by silhouette.
///
/// Objective (inertia), for points xᵢ in the standardised feature space and centres c_j:
/// `Σᵢ min_j ‖xᵢ − c_j‖²`. Each restart:
/// 1. **Seeding** — greedy k-means++ (Arthur & Vassilvitskii 2007, "k-means++: the advantages
///    of careful seeding", SODA): the first centre is a uniform random point; each next one is
///    the best, by resulting inertia, of `2 + ⌊ln k⌋` candidates drawn with probability ∝ D(x)²
///    (scikit-learn's `_kmeans_plusplus`). The run seeds from `KMeansSeedingSample`'s rows: all
///    customers up to 32,768, else that many chosen by a seeded hash of their ids, the same
///    rows in one process or spread over Spark's partitions. Seeds drawn from such a sample are
///    first refined by Lloyd's iterations on the sample alone (`startingCentres`).
/// 2. **Lloyd** (Lloyd 1982) — assign each point to its nearest centre, with
///    ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖² whose middle term is one GEMM per row block (‖x‖² is the
///    same for every centre and is left out of the argmin), then move each centre to its
///    points' mean. An empty cluster takes the point farthest from its centre (scikit-learn's
///    repair). Stop when the labels repeat ("strict convergence"), or when
///    Σ_j ‖c_j^new − c_j^old‖² ≤ tol × mean feature variance (scikit-learn's tolerance), or
///    after `maxIterations`; without strict convergence the points are assigned once more so
///    labels match the final centres.
///
/// The restart with the lowest inertia wins (ties: the earlier one). Clusters are then
/// renumbered by size, largest first (label 0; reports show `label + 1`).
///
/// Reproducibility: restart r draws from `RandomSource(seed: seed, stream: r)`; rows are cut
/// into fixed blocks whose partial sums are added in block order, whichever thread computed
/// each block, so the same seed gives the same bytes on any number of threads.
///
/// - Complexity: per Lloyd iteration O(n k d) flops and one pass over the rows; seeding
///   O(n d k (2 + ln k)) in k walks over the rows; silhouette selection O(s² (d + K)) on a
///   sample of s rows for K candidate k. Memory: 12 bytes a row (labels, k-means++ distances).
public struct KMeans: Sendable, Equatable {
    /// How k is set.
    public enum ClusterCount: Sendable, Equatable {
        /// Exactly this many clusters.
        case fixed(Int)
        /// The k in the range with the highest mean silhouette on a seeded sample (ties: smaller k).
        case silhouette(ClosedRange<Int>)
    }

    /// How squared distances are computed in the assignment step; both give the same labels up
    /// to rounding.
    public enum DistanceMethod: String, Sendable, Equatable, CaseIterable, Codable {
        /// `‖c‖² − 2 X Cᵀ` by `dgemm` on row blocks (one thread per block).
        case gemm
        /// The same formula in a plain Swift loop (fastest for d ≤ 4 on this project's machines).
        case loop
    }

    /// k, or the range to choose it from (default: 5). Choosing by silhouette fits every
    /// candidate with all its restarts: over 2…8 on 10^6 customers that is about 10× the time of
    /// one k (Benchmarks/results/kmeans-1000000.md), and RFM features tend to score k = 2 best.
    public var clusters: ClusterCount = .fixed(5)
    /// Restarts from independent seedings (scikit-learn `n_init`; default 4).
    public var restarts: Int = 4
    /// Lloyd iterations per restart at most (scikit-learn `max_iter`).
    public var maxIterations: Int = 300
    /// Relative tolerance on the centre shift (scikit-learn `tol`); absolute = tol × mean variance.
    public var tolerance: Double = 1e-4
    /// Seed of all random choices (seeding and the silhouette sample).
    public var seed: UInt64 = 0
    /// Rows in the silhouette sample when n is larger: 10,000 by default. The sample's s² pairwise
    /// distances are computed once and shared by all candidate k (O(s² (d + candidates)) work).
    public var silhouetteSampleSize: Int = 10_000
    /// Distance computation in the assignment step.
    public var distances: DistanceMethod = .loop

    public init() {}

    /// A configuration with a fixed k.
    public init(clusters k: Int) { self.clusters = .fixed(k) }

    /// Clusters the rows of `features` (standardised, finite), profiles in original units.
    /// `seedingRows` (ascending; `KMeansSeedingSample`) are the rows k-means++ seeds from; nil: all.
    public func fit(_ features: KMeansFeatures, seedingRows: [Int]? = nil) throws(KMeansError) -> KMeansFit {
        var fit = try fit(features.matrix, seedingRows: seedingRows)
        fit.attachProfiles(features)
        return fit
    }

    /// Clusters the rows of `x` (n × d, finite), seeding from the rows `seedingRows` (ascending;
    /// nil or fewer than k rows: all rows).
    /// - Throws: `KMeansError` for invalid settings, non-finite values, or `n_samples < k`.
    public func fit(_ x: Matrix, seedingRows: [Int]? = nil) throws(KMeansError) -> KMeansFit {
        try validateSettings()
        try KMeans.validate(x)
        switch clusters {
        case .fixed(let k):
            guard x.rows >= k else { throw .tooFewSamples(samples: x.rows, clusters: k) }
            return bestOfRestarts(x, k: k, seedingRows: seedingRows)
        case .silhouette(let range):
            guard x.rows > range.upperBound else { throw .tooFewSamplesForSilhouette(samples: x.rows, largestK: range.upperBound) }
            let fits = range.map { bestOfRestarts(x, k: $0, seedingRows: seedingRows) }
            let sample = silhouetteSample(rows: x.rows)
            let scores = KMeans.silhouetteScores(x, sample: sample, labelings: fits.map(\.labels), clusterCounts: Array(range))
            var best = 0
            for i in scores.indices where scores[i] > scores[best] { best = i }
            var chosen = fits[best]
            chosen.selection = KMeansSelection(candidates: Array(range), silhouettes: scores, sampleSize: sample.count,
                                               inertias: fits.map(\.inertia))
            return chosen
        }
    }

    /// One Lloyd run from the given initial centres (k × d), no seeding and no restarts: the
    /// counterpart of scikit-learn `KMeans(init=centres, n_init=1, algorithm="lloyd")`.
    public func fit(_ x: Matrix, initialCentres: Matrix) throws(KMeansError) -> KMeansFit {
        try validateSettings()
        try KMeans.validate(x)
        guard initialCentres.columns == x.columns, initialCentres.rows >= 1 else {
            throw .initialCentresShape(rows: initialCentres.rows, columns: initialCentres.columns, features: x.columns)
        }
        guard x.rows >= initialCentres.rows else { throw .tooFewSamples(samples: x.rows, clusters: initialCentres.rows) }
        try KMeans.validate(initialCentres)
        let layout = KMeansLayout(x, k: initialCentres.rows)
        let run = lloyd(x, from: initialCentres, layout: layout, absoluteTolerance: tolerance * KMeans.meanVariance(x),
                        progress: RunProgress.current)
        return KMeansFit(settings: self, runs: [run], best: 0)
    }

    package func validateSettings() throws(KMeansError) {
        switch clusters {
        case .fixed(let k):
            guard k >= 1 else { throw .invalidClusterCount(k) }
        case .silhouette(let range):
            guard range.lowerBound >= 2 else { throw .invalidSilhouetteRange(lower: range.lowerBound, upper: range.upperBound) }
        }
        guard restarts >= 1 else { throw .invalidRestarts(restarts) }
        guard maxIterations >= 1 else { throw .invalidMaxIterations(maxIterations) }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidTolerance(tolerance) }
        guard silhouetteSampleSize >= 3 else { throw .invalidSilhouetteSampleSize(silhouetteSampleSize) }
    }

    package static func validate(_ x: Matrix) throws(KMeansError) {
        guard x.columns >= 1 else { throw .noFeatures }
        for (e, v) in x.elements.enumerated() where !v.isFinite {
            throw .nonFiniteValue(row: e / x.columns, column: e % x.columns, value: v)
        }
    }

    /// The best of `restarts` seeded runs with k clusters (lowest inertia, ties: the earlier
    /// restart). Unchecked: validated x, n ≥ k.
    ///
    /// The restarts run one after the other, each spreading every pass over the threads. Running
    /// them concurrently, one per thread, was measured too: 7% faster when the restarts take
    /// similar numbers of iterations (22, 17, 17, 10 on the benchmark matrix), 20% slower when
    /// one takes far more (18, 49, 32, 30 on a generated run), since a thread then idles.
    package func bestOfRestarts(_ x: Matrix, k: Int, seedingRows: [Int]? = nil) -> KMeansFit {
        let layout = KMeansLayout(x, k: k)
        let seeding = seedingRows.flatMap { $0.count >= k && $0.count < x.rows ? x.selectingRows($0) : nil }
        let seedingLayout = seeding.map { KMeansLayout($0, k: k) } ?? layout
        let absoluteTolerance = tolerance * KMeans.meanVariance(x)
        let progress = RunProgress.current
        var runs: [KMeansRun] = []
        var best = 0
        for r in 0..<restarts {
            progress?.step("k = \(k), restart \(r + 1) of \(restarts)")
            var random = RandomSource(seed: seed, stream: UInt64(r))
            let centres = startingCentres(seeding ?? x, k: k, layout: seedingLayout, random: &random, refine: seeding != nil,
                                          absoluteTolerance: absoluteTolerance)
            runs.append(lloyd(x, from: centres, layout: layout, absoluteTolerance: absoluteTolerance, progress: progress))
            if runs[r].inertia < runs[best].inertia { best = r }
        }
        return KMeansFit(settings: self, runs: runs, best: best)
    }

    /// A restart's first centres: k-means++ seeds drawn from `seeding`, then, when `refine` (the
    /// seeding rows are a sample, not every row), Lloyd's iterations on the sample alone from them
    /// (Bradley & Fayyad 1998, "Refining initial points for k-means clustering", ICML): the
    /// iterations over every row then start near a fixed point and take a few passes instead of
    /// tens. Spark's driver calls it on the same sample with the same tolerance, so both runs
    /// start from the same centres.
    package func startingCentres(_ seeding: Matrix, k: Int, layout: KMeansLayout, random: inout RandomSource, refine: Bool,
                                 absoluteTolerance: Double) -> Matrix {
        let seeds = seedCentres(seeding, k: k, layout: layout, random: &random)
        guard refine else { return seeds }
        return lloyd(seeding, from: seeds, layout: layout, absoluteTolerance: absoluteTolerance, progress: nil).centres
    }

    /// Sorted row indices of the silhouette sample: all rows, or a seeded uniform sample without
    /// replacement (partial Fisher–Yates on stream `silhouetteStream`).
    package func silhouetteSample(rows n: Int) -> [Int] {
        guard n > silhouetteSampleSize else { return Array(0..<n) }
        var random = RandomSource(seed: seed, stream: KMeans.silhouetteStream)
        var index = Array(0..<n)
        for i in 0..<silhouetteSampleSize {
            let j = i + random.index(below: n - i)
            index.swapAt(i, j)
        }
        return index[0..<silhouetteSampleSize].sorted()
    }

    /// The random stream of the silhouette sample (restarts use streams 0, 1, …).
    package static let silhouetteStream: UInt64 = 0x5111_0E77E
}

