import ClienteleSupport
import ClienteleLinear
import ClienteleKernels

/// One partition's customers as k-means sees them (`clientele partition kmeans-features`): the
/// standardised features and the profile values in original units, kept on the executor for
/// the passes (Spark caches the file's bytes), so a pass does not read the export again.
///
/// File (`CLNTKMF1`, little-endian): the feature count, then the standardised rows and the
/// profile rows, row-major, as doubles.
public struct PartitionKMeansFeatures: Sendable, Equatable {
    static let magic: [UInt8] = Array("CLNTKMF1".utf8)

    public var standardised: Matrix
    /// n × 3, recency_days, frequency, monetary.
    public var profile: [Double]

    public init(standardised: Matrix, profile: [Double]) {
        self.standardised = standardised
        self.profile = profile
    }

    public func encoded() -> [UInt8] {
        var w = BinaryFields()
        w.bytes = Self.magic
        w.int(Int64(standardised.columns))
        w.doubles(standardised.elements)
        w.doubles(profile)
        return w.bytes
    }

    public init(decoding bytes: [UInt8], path: String) throws(PartitionError) {
        guard bytes.starts(with: Self.magic) else { throw .unreadable(path: path, reason: "it does not start with CLNTKMF1") }
        var r = BinaryFields.Reader(bytes: bytes, at: Self.magic.count)
        do {
            let d = Int(try r.int())
            let z = try r.doubles(), profile = try r.doubles()
            guard r.at == bytes.count, d >= 1, z.count % d == 0, profile.count == z.count / d * PartitionKMeansScale.profileNames.count else {
                throw BinaryFields.Short()
            }
            standardised = Matrix(rows: z.count / d, columns: d, elements: z)
            self.profile = profile
        } catch {
            throw .unreadable(path: path, reason: "it is cut short or inconsistent")
        }
    }
}

/// One partition's sums for a k-means state (`clientele partition kmeans-pass`), per restart:
/// in the Lloyd phase the coordinate sums and counts of each centre's customers (running
/// restarts only); in the final phase the inertia, the counts and the profile sums (original
/// units) of each centre's customers. Each partition's sums are taken in row order; the driver
/// adds the partitions in partition order (`PartitionKMeansState.advanced`). In the Lloyd phase
/// each restart also carries the partition's k rows farthest from their centres, for the
/// driver's empty-cluster repair (scikit-learn's, as `KMeans.relocateEmpty`).
public struct PartitionKMeansPass: Codable, Sendable, Equatable {
    /// A row and its squared distance to the centre it was assigned to.
    public struct FarRow: Codable, Sendable, Equatable {
        public var distance: Double
        public var label: Int
        public var coordinates: [Double]
    }

    public struct Restart: Codable, Sendable, Equatable {
        public var sums: [Double] = []
        public var counts: [Int] = []
        public var inertia = 0.0
        public var profileSums: [Double] = []
        /// Lloyd phase: the k farthest rows, by distance descending, ties to the earlier row.
        public var farthest: [FarRow] = []
    }

    public var restarts: [Restart]

    /// The sums of `features`' customers for `state` (phase lloyd or final).
    public init(_ features: PartitionKMeansFeatures, state: PartitionKMeansState) throws {
        guard state.phase == .lloyd || state.phase == .final else { throw PartitionKMeansError.passesDiffer }
        let x = features.standardised, k = state.k
        var model = KMeans()
        model.distances = state.distances
        let layout = KMeansLayout(x, k: k)
        let p = PartitionKMeansScale.profileNames.count
        restarts = state.restarts.map { restart in
            var out = Restart()
            guard x.rows > 0 else {
                out.counts = Array(repeating: 0, count: k)
                out.sums = Array(repeating: 0, count: k * x.columns)
                out.profileSums = state.phase == .final ? Array(repeating: 0, count: k * p) : []
                return out
            }
            var labels = [Int32](repeating: -1, count: x.rows)
            switch state.phase {
            case .lloyd:
                guard restart.running else { return out }
                let step = model.assign(x, centres: restart.centres, k: k, labels: &labels, layout: layout, pass: .update)
                out.sums = step.sums
                out.counts = step.counts
                out.farthest = Self.farthest(x, centres: restart.centres, labels: labels, count: k)
            default:
                out.inertia = model.assign(x, centres: restart.centres, k: k, labels: &labels, layout: layout, pass: .final).inertia
                out.counts = Array(repeating: 0, count: k)
                out.profileSums = Array(repeating: 0, count: k * p)
                for (i, l) in labels.enumerated() {
                    out.counts[Int(l)] += 1
                    for f in 0..<p { out.profileSums[Int(l) * p + f] += features.profile[i * p + f] }
                }
            }
            return out
        }
    }

    /// The `count` rows farthest from their centres, descending, ties to the lower row: the
    /// candidates `KMeans.relocateEmpty` picks from, a partition's share of them.
    static func farthest(_ x: Matrix, centres: [Double], labels: [Int32], count: Int) -> [FarRow] {
        let d = x.columns
        var far: [(distance: Double, row: Int)] = []
        x.elements.withUnsafeBufferPointer { xp in
            centres.withUnsafeBufferPointer { cp in
                for i in 0..<x.rows {
                    let distance = Matrix.squaredDistance(xp, row: i, cp, centre: Int(labels[i]), d: d)
                    guard far.count < count || distance > far[far.count - 1].distance else { continue }
                    let at = far.firstIndex { distance > $0.distance } ?? far.count
                    far.insert((distance, i), at: at)
                    if far.count > count { far.removeLast() }
                }
            }
        }
        return far.map { row in FarRow(distance: row.distance, label: Int(labels[row.row]), coordinates: (0..<d).map { f in x[row.row, f] }) }
    }

    /// The final labels of `features`' customers (0 = the largest cluster), for a state that is done.
    public static func labels(_ features: PartitionKMeansFeatures, state: PartitionKMeansState) throws -> [Int32] {
        guard state.phase == .done, let centres = state.centres, let renumber = state.renumber else { throw PartitionKMeansError.notDone }
        let x = features.standardised
        guard x.rows > 0 else { return [] }
        var model = KMeans()
        model.distances = state.distances
        var labels = [Int32](repeating: -1, count: x.rows)
        _ = model.assign(x, centres: centres, k: state.k, labels: &labels, layout: KMeansLayout(x, k: state.k), pass: .final)
        return labels.map { renumber[Int($0)] }
    }
}
