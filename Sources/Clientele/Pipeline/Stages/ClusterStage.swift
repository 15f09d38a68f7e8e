/// K-means on the job's cluster features (standardised log recency, frequency and monetary by
/// default), seeded by the run's seed. Features the data cannot support skip the section.
struct ClusterStage: SideStage {
    var name: String? { "clusters" }

    func run(_ state: inout RunState) throws {
        let config = state.configuration.clusters
        guard config.enabled else {
            state.skipped.append(.init(section: "clusters", reason: "disabled in the job file ([clusters] enabled = false)"))
            return
        }
        state.logger.info("clustering", metadata: ["k": "\(config.model.clusters)"])
        var kmeans = config.model
        kmeans.seed = state.configuration.seed
        do {
            let features = try config.features.matrix(rfm: state.rfm, table: state.table)
            let seeding = KMeansSeedingSample(seed: kmeans.seed).rows(customers: state.rfm.customers, index: state.transactions.customers)
            state.clusters = try kmeans.fit(features, seedingRows: seeding)
        } catch {
            state.skipped.append(.init(section: "clusters", reason: error.description))
        }
    }

    func adopt(_ branch: RunState, into state: inout RunState) { state.clusters = branch.clusters }
}
