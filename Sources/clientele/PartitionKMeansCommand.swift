import ArgumentParser
import Clientele
import Foundation

/// `clientele partition kmeans-features`, `kmeans-seed`, `kmeans-pass` and `kmeans-step`: k-means
/// over partitions (`PartitionKMeansState`), for `partition score --clusters` and `partition report --clusters`.
enum PartitionKMeansCommands {
    static let all: [any ParsableCommand.Type] = [PartitionKMeansFeaturesCommand.self, PartitionKMeansSeedCommand.self,
                                                  PartitionKMeansPassCommand.self, PartitionKMeansStepCommand.self]

    /// Prints the state's phase as JSON: lloyd, final, done or skipped (or sample: run kmeans-features first).
    static func printPhase(_ phase: String) { print("{\"phase\": \"\(phase)\"}") }
}

/// `clientele partition kmeans-features`: one partition's standardised features and seeding candidates.
struct PartitionKMeansFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans-features",
        abstract: "Write one partition's k-means features (standardised with the merged statistics) and its candidates for the seeding sample.",
        discussion: "The features file feeds every kmeans-pass of the partition; the sample file goes to kmeans-seed on the driver."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The features file to write.", valueName: "file"))
    var out: String

    @Option(name: .customLong("sample-out"), help: ArgumentHelp("The seeding candidates file to write.", valueName: "file"))
    var sampleOut: String

    func run() throws {
        try exitOnError {
            let result = try PartitionWorker.kmeansFeatures(try options.configuration(), statistics: try PartitionWorker.read(statistics))
            try PartitionWorker.write(result.features, sample: result.sample, to: out, sampleTo: sampleOut)
        }
    }
}

/// `clientele partition kmeans-seed`: the first state, on the driver.
struct PartitionKMeansSeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans-seed",
        abstract: "Seed every k-means restart from the partitions' samples merged, or say why the run has no clusters (JSON state).",
        discussion: "Prints {\"phase\": …}: lloyd (run kmeans-pass), skipped (no clusters section; the state says why), or sample (no samples given: run kmeans-features on every partition, then kmeans-seed with their samples; nothing is written)."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(name: .customLong("sample"), help: ArgumentHelp("A partition's sample file (kmeans-features --sample-out); once per partition.", valueName: "file"))
    var samples: [String] = []

    @Option(help: ArgumentHelp("The JSON state to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let samples = try samples.map(PartitionWorker.readKMeansSample)
            guard let state = PartitionWorker.kmeansSeed(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                                             samples: samples) else {
                PartitionKMeansCommands.printPhase("sample")
                return
            }
            try PartitionWorker.writeJSON(state, to: out)
            PartitionKMeansCommands.printPhase(state.phase.rawValue)
        }
    }
}

/// `clientele partition kmeans-pass`: one partition's sums for the current state.
struct PartitionKMeansPassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans-pass",
        abstract: "Assign one partition's customers to the state's centres and write the sums the next k-means step needs (JSON)."
    )

    @Option(help: ArgumentHelp("The partition's features (kmeans-features).", valueName: "file"))
    var features: String

    @Option(help: ArgumentHelp("The current state (kmeans-seed or kmeans-step).", valueName: "file"))
    var state: String

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    @Option(help: "Threads (1 on an executor).")
    var threads = 1

    func run() throws {
        try exitOnError {
            let features = try PartitionWorker.readKMeansFeatures(features)
            let state = try PartitionWorker.readJSON(PartitionKMeansState.self, from: state)
            let pass = try Parallelism.withThreads(threads) { try PartitionKMeansPass(features, state: state) }
            try PartitionWorker.writeJSON(pass, to: out)
        }
    }
}

/// `clientele partition kmeans-step`: the next state from every partition's pass, on the driver.
struct PartitionKMeansStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans-step",
        abstract: "Add every partition's pass (in partition order) and advance the k-means state (JSON); prints {\"phase\": …}.",
        discussion: "lloyd or final: run kmeans-pass on every partition with the new state; done: partition score --clusters labels the customers and partition report --clusters writes clusters.csv; skipped: the state says why."
    )

    @Option(help: ArgumentHelp("The state the passes were computed for.", valueName: "file"))
    var state: String

    @Argument(help: ArgumentHelp("Every partition's pass, in partition order.", valueName: "file"))
    var passes: [String]

    @Option(help: ArgumentHelp("The JSON state to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let current = try PartitionWorker.readJSON(PartitionKMeansState.self, from: state)
            let passes = try passes.map { try PartitionWorker.readJSON(PartitionKMeansPass.self, from: $0) }
            let next = try current.advanced(by: passes)
            try PartitionWorker.writeJSON(next, to: out)
            PartitionKMeansCommands.printPhase(next.phase.rawValue)
        }
    }
}
