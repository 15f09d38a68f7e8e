import ArgumentParser
import Clientele
import Foundation

/// `clientele partition correlate` and `correlations`: the second pass of the satisfaction–loyalty
/// correlations over partitions, and the correlations from the merged statistics and sums.
enum PartitionSatisfactionCommands {
    static let all: [ParsableCommand.Type] = [PartitionCorrelateCommand.self, PartitionMergeSumsCommand.self, PartitionCorrelationsCommand.self]
}

/// `clientele partition correlate`: one partition's satisfaction–loyalty cross sums.
struct PartitionCorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Write one partition's satisfaction-loyalty cross sums, from the merged statistics of all partitions (summarised with --interactions).",
        discussion: """
            Sums files merge exactly. The second pass (without --segment-counts) writes the group-all \
            sums and each RFM segment's value counts; the third pass, given those merged (merge-sums), \
            writes the segments' sums. Pass every partition's files of both to `partition correlations`.
            """
    )

    @Option(name: .customLong("segment-counts"),
            help: ArgumentHelp("The merged second-pass sums of every partition (merge-sums): write the segments' sums.", valueName: "file"))
    var segmentCounts: String?

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The sums file to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let sums = try PartitionWorker.correlate(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                                     segmentCounts: try segmentCounts.map(PartitionWorker.readSums))
            try PartitionWorker.writeSums(sums, to: out)
        }
    }
}

/// `clientele partition correlations`: satisfaction.json from the merged statistics and every partition's sums.
struct PartitionCorrelationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlations",
        abstract: "Write satisfaction.json: the interactions' accounting, quadrants, NPS and the satisfaction-loyalty correlations (overall and per segment) of all partitions.",
        discussion: "Pearson and Spearman are those of all customers; Kendall's tau-b is estimated on a sample of customers (exact: false)."
    )

    @Argument(help: ArgumentHelp("Sums files written by partition correlate, one per partition.", valueName: "file"))
    var sums: [String]

    @Option(help: ArgumentHelp("A TOML job file, as for clientele run (the satisfaction settings).", valueName: "job.toml"))
    var job: String?

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func validate() throws {
        guard !sums.isEmpty else { throw ValidationError("give at least one sums file") }
    }

    func run() throws {
        try exitOnError {
            let merged = try PartitionWorker.mergedSums(sums)
            let options = try PartitionRunOptions.parse((job.map { [$0] } ?? []) + ["--transactions", "-"])
            let report = try PartitionWorker.satisfactionReport(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                                                sums: merged)
            try PartitionWorker.writeSatisfactionReport(report, to: out)
        }
    }
}

/// `clientele partition merge-sums`: several partitions' sums files as one.
struct PartitionMergeSumsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-sums",
        abstract: "Add satisfaction sums files (partition correlate) into one."
    )

    @Argument(help: ArgumentHelp("Sums files written by correlate or merge-sums.", valueName: "file"))
    var inputs: [String]

    @Option(help: ArgumentHelp("The merged sums file to write (must not exist).", valueName: "file"))
    var out: String

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one sums file") }
    }

    func run() throws {
        try exitOnError {
            let merged = try PartitionWorker.mergedSums(inputs)
            try PartitionWorker.writeSums(merged, to: out)
        }
    }
}
