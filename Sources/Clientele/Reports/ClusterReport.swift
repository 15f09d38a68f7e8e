/// The k-means part of the report: cluster sizes and profiles in original units.
public struct ClusterReport: Codable, Sendable {
    public struct Profile: Codable, Sendable {
        /// 1-based, 1 = largest cluster.
        public var cluster: Int
        public var customers: Int
        public var share: Double
        /// Mean of each profile feature (names in `profileNames`), in original units; nil for an empty cluster.
        public var means: [Double?]
        /// A name from the profile (`ClusterReport.name(standardizedMeans:features:)`), e.g.
        /// "High value, recent"; nil in reports written before clusters had names.
        public var name: String? = nil

        package init(cluster: Int, customers: Int, share: Double, means: [Double?], name: String? = nil) {
            self.cluster = cluster; self.customers = customers; self.share = share; self.means = means; self.name = name
        }
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

    package init(k: Int, features: [String], profileNames: [String], inertia: Double?, iterations: Int, converged: Bool,
                 restarts: Int, silhouette: [String: Double]?, profiles: [Profile]) {
        self.k = k; self.features = features; self.profileNames = profileNames; self.inertia = inertia
        self.iterations = iterations; self.converged = converged; self.restarts = restarts; self.silhouette = silhouette
        self.profiles = profiles
    }
}

extension ClusterReport {
    /// z = (mean_k − m) / s per cluster and feature, where m = Σ_k n_k·mean_k / Σ_k n_k is the
    /// feature's mean over all clustered customers and s = √(Σ_k n_k·(mean_k − m)² / Σ_k n_k) the
    /// spread of the cluster means around it (z = 0 when s = 0; NaN for an empty cluster).
    package static func standardizedMeans(_ profiles: [Profile], features j: Int) -> [[Double]] {
        var overall = [Double](repeating: 0, count: j), spread = [Double](repeating: 0, count: j), weight = [Double](repeating: 0, count: j)
        for p in profiles {
            for f in 0..<min(j, p.means.count) { if let m = p.means[f], m.isFinite { overall[f] += Double(p.customers) * m; weight[f] += Double(p.customers) } }
        }
        for f in 0..<j { overall[f] = weight[f] > 0 ? overall[f] / weight[f] : .nan }
        for p in profiles {
            for f in 0..<min(j, p.means.count) { if let m = p.means[f], m.isFinite { spread[f] += Double(p.customers) * (m - overall[f]) * (m - overall[f]) } }
        }
        for f in 0..<j { spread[f] = weight[f] > 0 ? (spread[f] / weight[f]).squareRoot() : .nan }
        return profiles.map { p in
            (0..<j).map { f -> Double in
                guard f < p.means.count, let m = p.means[f], m.isFinite, spread[f].isFinite else { return .nan }
                return spread[f] > 0 ? (m - overall[f]) / spread[f] : 0
            }
        }
    }

    /// +1 when a higher value of the feature is better for the business (frequency, spend,
    /// satisfaction), −1 when lower is better (recency in days, complaints); +1 for other names.
    package static func direction(of feature: String) -> Double {
        switch feature {
        case "recency_days", "complaints": return -1
        default: return 1
        }
    }

    /// The words for a feature well above (good) or below (bad) the average, in the business's direction.
    private static func words(_ feature: String) -> (good: String, bad: String) {
        switch feature {
        case "recency_days": return ("recent", "lapsed")
        case "frequency": return ("frequent", "infrequent")
        case "monetary": return ("high spend", "low spend")
        case "tenure_days": return ("long-standing", "newer")
        case "mean_order_value": return ("large orders", "small orders")
        case "repeat_rate": return ("repeat buyers", "few repeats")
        case "complaints": return ("few complaints", "complaining")
        case "mean_satisfaction": return ("satisfied", "dissatisfied")
        case "mean_recommend": return ("recommending", "not recommending")
        default: return ("high " + feature, "low " + feature)
        }
    }

    /// |z| at which a feature describes a cluster.
    package static let namingThreshold = 0.5

    /// A cluster's name from its standardised means: the features with |z| ≥ 0.5, strongest first
    /// (ties in feature order), at most three, in the business's direction ("recent", "lapsed");
    /// frequency and spend on the same side read "high value" / "low value". "Average" when none
    /// stands out. Deterministic: the same profile always gets the same name.
    package static func name(standardizedMeans z: [Double], features: [String]) -> String {
        let strong = z.indices.filter { $0 < features.count && z[$0].isFinite && abs(z[$0]) >= namingThreshold }
            .sorted { abs(z[$0]) > abs(z[$1]) || (abs(z[$0]) == abs(z[$1]) && $0 < $1) }
        var parts: [String] = []
        let good = { (k: Int) in z[k] * direction(of: features[k]) > 0 }
        let f = features.firstIndex(of: "frequency"), m = features.firstIndex(of: "monetary")
        var merged: Set<Int> = []
        if let f, let m, strong.contains(f), strong.contains(m), good(f) == good(m) { merged = [f, m] }
        for k in strong {
            if merged.contains(k) {
                if parts.contains("high value") || parts.contains("low value") { continue }
                parts.append(good(k) ? "high value" : "low value")
            } else {
                let w = words(features[k])
                parts.append(good(k) ? w.good : w.bad)
            }
            if parts.count == 3 { break }
        }
        guard let first = parts.first else { return "Average" }
        parts[0] = first.prefix(1).uppercased() + first.dropFirst()
        return parts.joined(separator: ", ")
    }

    /// Sets every profile's `name`; a name two clusters share gets " (cluster k)" on each.
    package mutating func assignNames() {
        let z = Self.standardizedMeans(profiles, features: profileNames.count)
        let names = z.map { Self.name(standardizedMeans: $0, features: profileNames) }
        for k in profiles.indices {
            let shared = names.filter { $0 == names[k] }.count > 1
            profiles[k].name = shared ? "\(names[k]) (cluster \(profiles[k].cluster))" : names[k]
        }
    }
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
