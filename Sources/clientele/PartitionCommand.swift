import ArgumentParser
import Clientele
import Foundation

/// `clientele partition …`: the per-partition steps of a run spread over machines by Spark
/// (spark/ and scripts/spark-run), with statistics that merge exactly.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Worker steps for runs spread over machines: summarise a partition, merge statistics.",
        discussion: """
            A partition holds every row of each of its customers (rows routed by a hash of the \
            customer id). `summarise` writes its statistics; `merge` adds any number of them. \
            The statistics of any split of the customers, merged, equal those of all customers \
            summarised together. Exit status as `clientele run`.
            """,
        subcommands: [PartitionSummariseCommand.self, PartitionMergeCommand.self]
    )
}

/// `clientele partition summarise`: one partition's statistics.
struct PartitionSummariseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarise",
        abstract: "Read one partition's transactions and write its statistics.",
        discussion: "--as-of is required (and --calibration-end for a holdout): their defaults depend on every partition's rows."
    )

    @Argument(help: ArgumentHelp("A TOML job file, as for clientele run.", valueName: "job.toml"))
    var job: String?

    @Option(help: ArgumentHelp("The partition's transactions (every row of each of its customers); - reads standard input.", valueName: "path"))
    var transactions: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Analysis date of the whole run.", valueName: "yyyy-mm-dd"))
    var asOf: String?

    @Option(name: .customLong("calibration-end"), help: ArgumentHelp("Last day of the calibration period of the whole run.", valueName: "yyyy-mm-dd"))
    var calibrationEnd: String?

    @Option(help: ArgumentHelp("Threads to use. (default: all cores)", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("The statistics file to write.", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            var arguments = [String]()
            if let job { arguments.append(job) }
            for (flag, value) in [("--transactions", transactions), ("--as-of", asOf), ("--calibration-end", calibrationEnd),
                                  ("--threads", threads.map(String.init))] {
                if let value { arguments += [flag, value] }
            }
            let config = try RunCommand.parse(arguments).configuration()
            try PartitionWorker.write(try PartitionWorker.summarise(config), to: out)
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

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one statistics file") }
    }

    func run() throws {
        try exitOnError {
            var merged = try PartitionWorker.read(inputs[0])
            for path in inputs.dropFirst() { merged = try merged.merged(with: PartitionWorker.read(path)) }
            try PartitionWorker.write(merged, to: out)
        }
    }
}
