import ClienteleSupport

/// Invalid input or settings for `KMeans`; messages quote the numbers, as scikit-learn's do.
public enum KMeansError: ClienteleError, Equatable {
    case tooFewSamples(samples: Int, clusters: Int)
    case tooFewSamplesForSilhouette(samples: Int, largestK: Int)
    case invalidClusterCount(Int)
    case invalidSilhouetteRange(lower: Int, upper: Int)
    case invalidRestarts(Int)
    case invalidMaxIterations(Int)
    case invalidTolerance(Double)
    case invalidSilhouetteSampleSize(Int)
    case invalidThreads(Int)
    case noFeatures
    case nonFiniteValue(row: Int, column: Int, value: Double)
    case initialCentresShape(rows: Int, columns: Int, features: Int)
    case featureLength(name: String, count: Int, expected: Int)

    public var exitStatus: ExitStatus {
        switch self {
        case .tooFewSamples, .tooFewSamplesForSilhouette, .nonFiniteValue: return .dataError
        case .noFeatures, .initialCentresShape, .featureLength: return .software
        default: return .usage
        }
    }

    public var description: String {
        switch self {
        case .tooFewSamples(let n, let k):
            return "k-means: n_samples=\(n) should be >= n_clusters=\(k); choose a smaller k"
        case .tooFewSamplesForSilhouette(let n, let k):
            return "k-means: n_samples=\(n) should be > largest k=\(k) of the silhouette range; narrow --k-range"
        case .invalidClusterCount(let k):
            return "k-means: k=\(k) should be >= 1"
        case .invalidSilhouetteRange(let lo, let hi):
            return "k-means: k range \(lo)-\(hi): silhouette needs k >= 2; start the range at 2 or more"
        case .invalidRestarts(let r):
            return "k-means: n_init=\(r) should be >= 1"
        case .invalidMaxIterations(let m):
            return "k-means: max_iter=\(m) should be >= 1"
        case .invalidTolerance(let t):
            return "k-means: tol=\(t) should be a finite number >= 0"
        case .invalidSilhouetteSampleSize(let s):
            return "k-means: silhouette sample size=\(s) should be >= 3"
        case .invalidThreads(let t):
            return "k-means: threads=\(t) should be >= 1"
        case .noFeatures:
            return "k-means: the feature matrix has no columns"
        case .nonFiniteValue(let row, let column, let value):
            return "k-means: feature \(column) of row \(row) is \(value); features must be finite"
        case .initialCentresShape(let rows, let columns, let features):
            return "k-means: initial centres are \(rows)×\(columns), expected k×\(features) with k >= 1"
        case .featureLength(let name, let count, let expected):
            return "k-means: feature \(name) has \(count) values, expected \(expected)"
        }
    }
}
