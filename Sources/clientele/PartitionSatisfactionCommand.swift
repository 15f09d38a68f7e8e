import ArgumentParser
import Clientele
import Foundation

/// `clientele partition correlate` and `correlations`: the second pass of the satisfaction–loyalty
/// correlations over partitions, and the correlations from the merged statistics and sums.
enum PartitionSatisfactionCommands {
    static let all: [ParsableCommand.Type] = [PartitionCorrelateCommand.self, PartitionCorrelationsCommand.self]
}

/// `clientele partition correlate`: one partition's satisfaction–loyalty cross sums.
struct PartitionCorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Write one partition's satisfaction-loyalty cross sums, from the merged statistics of all partitions (summarised with --interactions).",
        discussion: "Sums files merge exactly: pass every partition's to `partition correlations`."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The sums file to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let sums = try PartitionWorker.correlate(try options.configuration(), statistics: try PartitionWorker.read(statistics))
            try PartitionWorker.writeSums(sums, to: out)
        }
    }
}

/// `clientele partition correlations`: satisfaction.json from the merged statistics and every partition's sums.
struct PartitionCorrelationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlations",
        abstract: "Write satisfaction.json: the interactions' accounting and the satisfaction-loyalty correlations (group all) of all partitions.",
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
            var merged = try PartitionWorker.readSums(sums[0])
            for path in sums.dropFirst() { merged = merged.merged(with: try PartitionWorker.readSums(path)) }
            let options = try PartitionRunOptions.parse((job.map { [$0] } ?? []) + ["--transactions", "-"])
            let report = try PartitionWorker.satisfactionReport(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                                                sums: merged)
            try PartitionWorker.writeSatisfactionReport(report, to: out)
        }
    }
}
