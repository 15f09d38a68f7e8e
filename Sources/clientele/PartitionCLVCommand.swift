import ArgumentParser
import Clientele
import Foundation

/// `clientele partition clv`: the driver's predicted-value step, clv_model.json from the merged statistics.
struct PartitionCLVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Fit the purchase models, choose one on the holdout and fit Gamma-Gamma on the merged statistics of all partitions; write clv_model.json.",
        discussion: """
            The estimates, holdout errors, model choice and Gamma-Gamma are `clientele run`'s, bit \
            for bit. Keys that need every customer's prediction \
            (value_matrix, total_predicted_clv, intervals) are empty. Writes nothing, exit 0, when the \
            run has no CLV section ([clv] enabled = false, margin 0, or data the models cannot be fitted on).
            """
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The clv_model.json to write (must not exist).", valueName: "file"))
    var out: String

    @Option(name: .customLong("scoring-fit"),
            help: ArgumentHelp("Also write the fit scoring tasks predict with (must not exist; score and value-counts --clv-fit).", valueName: "file"))
    var scoringFit: String?

    func run() throws {
        try exitOnError {
            let statistics = try PartitionWorker.read(statistics)
            guard let fit = try PartitionCLV.fit(try options.configuration(), statistics: statistics) else { return }
            try PartitionCLV.write(PartitionCLV.report(fit, statistics: statistics), to: out)
            try scoringFit.map { try PartitionCLV.writeScoringFit(fit, to: $0) }
        }
    }
}
