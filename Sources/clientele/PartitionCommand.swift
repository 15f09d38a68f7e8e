import ArgumentParser
import Clientele
import Foundation

/// `clientele partition …`: the per-partition steps of a run spread over machines by Spark
/// (spark/ and scripts/spark-run), with statistics that merge exactly.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Worker steps for runs spread over machines: summarise a partition, merge statistics, score a partition.",
        discussion: """
            A partition holds every row of each of its customers (rows routed by a hash of the \
            customer id). `summarise` writes its statistics; `merge` adds any number of them; `score` \
            writes a partition's rows of customers.csv (RFM and CLV columns so far) from the merged statistics; \
            `fit` fits the purchase models on the merged patterns; `churn-summary`, `churn-pass`, \
            `churn-merge` and `churn-fit` fit the churn regression (score --churn-state adds its column); \
            `kmeans-features`, `kmeans-seed`, `kmeans-pass` and `kmeans-step` fit k-means (score --clusters \
            adds the cluster column). \
            The statistics of any split of the customers, merged, equal those of all customers \
            summarised together. Exit status as `clientele run`.
            """,
        subcommands: [PartitionSummariseCommand.self, PartitionMergeCommand.self, PartitionFitCommand.self, PartitionScoreCommand.self,
                      PartitionExtentCommand.self, PartitionPeriodsCommand.self, PartitionCLVCommand.self]
            + PartitionValueMatrixCommands.all + [PartitionReportCommand.self, PartitionCheckCommand.self]
            + PartitionSatisfactionCommands.all + PartitionChurnCommands.all + PartitionKMeansCommands.all + PartitionGammaGammaCommands.all
    )
}

/// `clientele partition summarise`: one partition's statistics.
struct PartitionSummariseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarise",
        abstract: "Read one partition's transactions and write its statistics.",
        discussion: "--as-of is required (and --calibration-end for a holdout): their defaults depend on every partition's rows."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The statistics file to write.", valueName: "file"))
    var out: String

    @Flag(name: .customLong("omit-clv-rows"),
          help: "Leave out the CLV step's pooled rows (they grow with the customers), for steps that do not fit the CLV models.")
    var omitCLVRows = false

    @Option(name: .customLong("repeat-spend-buckets"),
            help: ArgumentHelp("Write the Gamma-Gamma rows apart, in this many buckets of x (x mod N), to --repeat-spend-out: the driver then fits Gamma-Gamma by passes (partition clv --gamma-gamma-passes).", valueName: "n"))
    var repeatSpendBuckets: Int?

    @Option(name: .customLong("repeat-spend-out"),
            help: ArgumentHelp("With --repeat-spend-buckets: write bucket b to PREFIX-b.bin (non-empty buckets only; must not exist).", valueName: "prefix"))
    var repeatSpendOut: String?

    func validate() throws {
        guard (repeatSpendBuckets == nil) == (repeatSpendOut == nil) else { throw ValidationError("give --repeat-spend-buckets and --repeat-spend-out together") }
        if let n = repeatSpendBuckets, n < 1 { throw ValidationError("--repeat-spend-buckets should be at least 1") }
    }

    func run() throws {
        try exitOnError {
            let statistics = try PartitionWorker.summarise(try options.configuration(), repeatSpendBuckets: repeatSpendBuckets) { bucket, counts in
                try PartitionGammaGamma.write(counts, to: "\(repeatSpendOut!)-\(bucket).bin")
            }
            try PartitionWorker.write(omitCLVRows ? statistics.withoutCLVRows : statistics, to: out)
        }
    }
}

/// `clientele partition merge`: the statistics of several partitions together.
struct PartitionMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Add partition statistics files into one."
    )

    @Argument(help: ArgumentHelp("Statistics files written by summarise or merge.", valueName: "file"))
    var inputs: [String]

    @Option(help: ArgumentHelp("The merged statistics file to write.", valueName: "file"))
    var out: String

    @Flag(name: .customLong("omit-clv-rows"),
          help: "Leave out the CLV step's pooled rows (they grow with the customers): statistics for scoring tasks, which then take the driver's fit (--clv-fit).")
    var omitCLVRows = false

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one statistics file") }
    }

    func run() throws {
        try exitOnError {
            var merged = try PartitionWorker.read(inputs[0])
            for path in inputs.dropFirst() { merged = try merged.merged(with: PartitionWorker.read(path)) }
            try PartitionWorker.write(omitCLVRows ? merged.withoutCLVRows : merged, to: out)
        }
    }
}

/// `clientele partition score`: one partition's rows of customers.csv, scored with merged statistics.
struct PartitionScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Write one partition's customers.csv rows (RFM, cluster, CLV, satisfaction and churn columns), scored with the merged statistics of all partitions."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(name: .customLong("value-medians"),
            help: ArgumentHelp("The value matrix's medians (partition value-medians, every pass merged): adds value_quadrant.", valueName: "file"))
    var valueMedians: String?

    @Option(help: ArgumentHelp("The CSV file to write (must not exist).", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("Also write the partition's totals for report.json and segments.csv here (JSON, must not exist).",
                               valueName: "file"))
    var totals: String?

    @Option(name: .customLong("churn-state"), help: ArgumentHelp("A fitted churn-fit state: adds churn_probability (give --interactions when the run has them).", valueName: "file"))
    var churnState: String?

    @Option(name: .customLong("churn-risk-out"), help: ArgumentHelp("With --churn-state: the partition's churn_risk.csv rows, a sort key for the rank (must not exist).", valueName: "file"))
    var churnRiskOut: String?

    @Option(name: .customLong("churn-test-out"),
            help: ArgumentHelp("With --churn-state: the partition's test rows scored by the model and the recency-only baseline, sorted (for churn-evaluate; must not exist).", valueName: "file"))
    var churnTestOut: String?

    @Option(name: .customLong("churn-comparison-out"),
            help: ArgumentHelp("With --churn-state: the partition's share of the comparison of P(churn) with P(no purchase) (JSON, must not exist).", valueName: "file"))
    var churnComparisonOut: String?

    @Option(help: ArgumentHelp("A k-means state that is done (kmeans-step): adds the cluster column.", valueName: "file"))
    var clusters: String?

    @Option(name: .customLong("clv-fit"),
            help: ArgumentHelp("The driver's CLV fit (partition clv --scoring-fit): predict with it instead of refitting from the statistics.", valueName: "file"))
    var clvFit: String?

    @Flag(name: .customLong("satisfaction-columns"),
          help: "Add mean_satisfaction, mean_recommend, complaints and loyalty_group from the partition's --interactions (when the run's satisfaction analysis ran).")
    var satisfactionColumns = false

    func run() throws {
        try exitOnError {
            let churn = try churnState.map { try PartitionWorker.readJSON(PartitionChurnState.self, from: $0) }
            try PartitionWorker.score(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                      valueMedians: try valueMedians.map(ValueMatrixMedians.read), out: out, totals: totals,
                                      churn: churn, churnRiskOut: churnRiskOut, churnTestOut: churnTestOut,
                                      churnComparisonOut: churnComparisonOut,
                                      clusters: try clusters.map { try PartitionWorker.readJSON(PartitionKMeansState.self, from: $0) },
                                      satisfactionColumns: satisfactionColumns, clvFit: try clvFit.map(PartitionCLV.readScoringFit))
        }
    }
}

/// `clientele partition fit`: the purchase models fitted on the merged statistics.
struct PartitionFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the purchase models of [clv] model on the merged statistics of all partitions (JSON, clv_model.json's model blocks)."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let models = try PartitionWorker.fit(try options.configuration(), statistics: try PartitionWorker.read(statistics))
            try PartitionWorker.writeFit(models, to: out)
        }
    }
}

/// What summarise, fit and score read: the job file and the run's fixed periods, as `clientele run` takes them.
struct PartitionRunOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A TOML job file, as for clientele run.", valueName: "job.toml"))
    var job: String?

    @Option(help: ArgumentHelp("The partition's transactions (every row of each of its customers); - reads standard input.", valueName: "path"))
    var transactions: String?

    @Option(help: ArgumentHelp("The partition's interactions (every row of each of its customers), as for clientele run.", valueName: "path"))
    var interactions: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Analysis date of the whole run.", valueName: "yyyy-mm-dd"))
    var asOf: String?

    @Option(name: .customLong("calibration-end"), help: ArgumentHelp("Last day of the calibration period of the whole run.", valueName: "yyyy-mm-dd"))
    var calibrationEnd: String?

    @Option(help: ArgumentHelp("Threads to use. (default: all cores)", valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("run-interactions"), help: ArgumentHelp("The whole run's interactions export, when this step reads the transactions alone: the job may then use features read from the interactions (other steps read them). Not read.", valueName: "path"))
    var runInteractions: String?

    @Option(name: .customLong("clv-model"), help: ArgumentHelp("Purchase model, as for clientele run. Scoring steps given the model partition clv chose (clv_model.json's purchase_model) fit that one alone: the same predictions without refitting the others in every partition.", valueName: "auto|bg-nbd|mbg-nbd|pareto-nbd"))
    var clvModel: String?

    /// The configuration `clientele run` would build from the same job file and flags. A step
    /// that reads the transactions alone of a run with interactions (`--run-interactions`) is
    /// checked as that run is (features from the interactions allowed), then reads no interactions.
    func configuration() throws -> JobConfiguration {
        var arguments = [String]()
        if let job { arguments.append(job) }
        let checkedAs = interactions ?? runInteractions
        for (flag, value) in [("--transactions", transactions), ("--interactions", checkedAs), ("--as-of", asOf), ("--calibration-end", calibrationEnd),
                              ("--threads", threads.map(String.init)), ("--clv-model", clvModel)] {
            if let value { arguments += [flag, value] }
        }
        var config = try RunCommand.parse(arguments).configuration()
        if interactions == nil, runInteractions != nil {
            config.interactions = nil
            config.interactionsElsewhere = true
        }
        return config
    }
}
