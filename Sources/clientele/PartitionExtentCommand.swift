import ArgumentParser
import Clientele

/// `clientele partition extent`: one partition's first order day and last transaction day, the
/// days the run's default periods come from (`partition periods` resolves them for all partitions).
struct PartitionExtentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extent",
        abstract: "Read one partition's transactions and write its first order day and last transaction day.",
        discussion: """
            Rows are read as `clientele run` reads them (job file, --as-of cutoff, bad-row rule); \
            an empty partition adds nothing. Give `partition periods` every partition's file to \
            resolve the default --as-of and --calibration-end.
            """
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The extent file to write.", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError { try PartitionWorker.write(try PartitionWorker.extent(try options.configuration()), to: out) }
    }
}
