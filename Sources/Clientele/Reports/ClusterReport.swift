/// The k-means part of the report: cluster sizes and profiles in original units.
public struct ClusterReport: Codable, Sendable {
    public struct Profile: Codable, Sendable {
        /// 1-based, 1 = largest cluster.
        public var cluster: Int
        public var customers: Int
        public var share: Double
        /// Mean of each profile feature (names in `profileNames`), in original units; nil for an empty cluster.
        public var means: [Double?]
    }

    public var k: Int
    public var features: [String]
    public var profileNames: [String]
    public var inertia: Double?
    public var iterations: Int
    public var converged: Bool
    public var restarts: Int
    /// Silhouette per candidate k when k was chosen by silhouette.
    public var silhouette: [String: Double]?
    public var profiles: [Profile]
}

/// `clusters.csv`: `cluster, customers, share` and each feature's mean in original units.
package struct ClustersCSVWriter {
    package let report: ClusterReport

    package init(report: ClusterReport) {
        self.report = report
    }

    package func bytes() -> [UInt8] {
        var b = ByteBuffer()
        b.text((["cluster", "customers", "share"] + report.profileNames.map { "mean_" + $0 }).joined(separator: ","))
        b.newline()
        for p in report.profiles {
            b.int(p.cluster); b.comma(); b.int(p.customers); b.comma(); b.double(p.share)
            for m in p.means { b.comma(); if let m { b.double(m) } }
            b.newline()
        }
        return b.bytes
    }
}
