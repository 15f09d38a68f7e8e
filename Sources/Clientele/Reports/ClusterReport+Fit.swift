import ClienteleKernels

extension ClusterReport {
    /// The report of a k-means fit (a mapping of its values; nothing is recomputed).
    package init(_ fit: KMeansFit, features: [String]) {
        let silhouette = fit.selection.map { s in
            Dictionary(uniqueKeysWithValues: zip(s.candidates, s.silhouettes).compactMap { k, v in finite(v).map { (String(k), $0) } })
        }
        self.init(k: fit.k, features: features, profileNames: fit.profileNames ?? [], inertia: finite(fit.inertia),
                  iterations: fit.iterations, converged: fit.converged, restarts: fit.restarts.count, silhouette: silhouette,
                  profiles: (fit.profiles ?? []).map {
                      Profile(cluster: $0.cluster + 1, customers: $0.customers, share: $0.share, means: $0.means.map { finite($0) })
                  })
        assignNames()
    }
}
