extension ClusterReport {
    /// The report of a k-means fit (a mapping of its values; nothing is recomputed).
    init(_ fit: KMeansFit) {
        k = fit.k
        features = ["log1p(recency_days)", "log1p(frequency)", "log1p(max(monetary, 0))"]
        profileNames = fit.profileNames ?? []
        inertia = finite(fit.inertia)
        iterations = fit.iterations
        converged = fit.converged
        restarts = fit.restarts.count
        if let s = fit.selection {
            silhouette = Dictionary(uniqueKeysWithValues: zip(s.candidates, s.silhouettes).compactMap { k, v in
                finite(v).map { (String(k), $0) }
            })
        }
        profiles = (fit.profiles ?? []).map {
            Profile(cluster: $0.cluster + 1, customers: $0.customers, share: $0.share, means: $0.means.map { finite($0) })
        }
    }
}
