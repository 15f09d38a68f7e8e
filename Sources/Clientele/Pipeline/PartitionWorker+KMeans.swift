import ClienteleSupport
import ClienteleLinear
import ClienteleKernels

/// The per-partition k-means steps (`PartitionKMeansState` says how they fit together).
extension PartitionWorker {
    /// One partition's k-means features, standardised with the merged scale, and its candidates
    /// for the seeding sample. An empty partition has none.
    public static func kmeansFeatures(_ config: JobConfiguration, statistics: PartitionStatistics) throws
        -> (features: PartitionKMeansFeatures, sample: PartitionKMeansSample) {
        let scoring = try Scoring(config, statistics: statistics, fitCLV: false)
        let scale = PartitionKMeansScale(statistics.rfm)
        return try Parallelism.withThreads(config.threads) {
            guard let partition = try scoring.partition() else {
                return (PartitionKMeansFeatures(standardised: Matrix(rows: 0, columns: 3), profile: []), PartitionKMeansSample())
            }
            let features = kmeansFeatures(partition, scale: scale)
            let seeding = KMeansSeedingSample(seed: config.seed)
            let index = partition.loaded.customers
            let customers = partition.rfm.customers
            let keys = customers.map { c in index.withKey(c) { seeding.key($0) } }
            let sample = PartitionKMeansSample(keys: keys, id: { i in index.withKey(customers[i]) { String(decoding: $0, as: UTF8.self) } },
                                               rows: features.standardised.elements, features: 3, size: seeding.size)
            return (features, sample)
        }
    }

    /// The features of a scored partition with the state's scale.
    static func kmeansFeatures(_ partition: Scoring.Partition, state: PartitionKMeansState) throws -> PartitionKMeansFeatures {
        guard let scale = state.scale else { throw PartitionKMeansError.notDone }
        return kmeansFeatures(partition, scale: scale)
    }

    static func kmeansFeatures(_ partition: Scoring.Partition, scale: PartitionKMeansScale) -> PartitionKMeansFeatures {
        let rfm = partition.rfm
        let rows = scale.rows(recencyDays: rfm.recencyDays, frequency: rfm.frequency, monetaryCents: rfm.monetaryCents)
        return PartitionKMeansFeatures(standardised: Matrix(rows: rfm.recencyDays.count, columns: 3, elements: rows.standardised),
                                       profile: rows.profile)
    }

    /// The first k-means state of a spread run: skipped (with the single run's reason), or every
    /// restart seeded from the partitions' samples merged. Without samples and not skipped, nil:
    /// the caller must run `kmeans-features` on every partition first.
    public static func kmeansSeed(_ config: JobConfiguration, statistics: PartitionStatistics, samples: [PartitionKMeansSample])
        -> PartitionKMeansState? {
        if let reason = PartitionKMeansState.skipReason(config, customers: statistics.rfm.customers) { return .skipped(reason) }
        guard !samples.isEmpty else { return nil }
        let merged = samples.dropFirst().reduce(samples[0]) { $0.merged(with: $1) }
        return Parallelism.withThreads(config.threads) {
            PartitionKMeansState.seeded(config, scale: PartitionKMeansScale(statistics.rfm), sample: merged, customers: statistics.rfm.customers)
        }
    }
}

extension PartitionWorker {
    /// A partition's k-means features file (`kmeans-features --out`).
    public static func readKMeansFeatures(_ path: String) throws -> PartitionKMeansFeatures {
        try PartitionKMeansFeatures(decoding: contents(path), path: path)
    }

    /// A partition's seeding candidates file (`kmeans-features --sample-out`).
    public static func readKMeansSample(_ path: String) throws -> PartitionKMeansSample {
        try PartitionKMeansSample(decoding: contents(path), path: path)
    }

    /// Writes both files of `kmeansFeatures`, each whole or not at all.
    public static func write(_ features: PartitionKMeansFeatures, sample: PartitionKMeansSample, to path: String, sampleTo samplePath: String) throws {
        try write(features.encoded(), magic: PartitionKMeansFeatures.magic, to: path)
        try write(sample.encoded(), magic: PartitionKMeansSample.magic, to: samplePath)
    }
}
