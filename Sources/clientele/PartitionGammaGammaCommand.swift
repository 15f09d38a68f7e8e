import ArgumentParser
import Clientele
import Foundation

/// `clientele partition merge-spend` and `gamma-gamma-pass`: Gamma-Gamma's rows in buckets of x,
/// for a driver that fits it by passes (`partition clv --gamma-gamma-passes`, `PartitionGammaGamma`).
enum PartitionGammaGammaCommands {
    static let all: [ParsableCommand.Type] = [MergeSpend.self, Pass.self]

    struct MergeSpend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-spend",
            abstract: "Add the repeat-spend bucket files of several partitions (summarise --repeat-spend-out) into one."
        )

        @Argument(help: ArgumentHelp("Bucket files of the same bucket.", valueName: "file"))
        var inputs: [String]

        @Option(help: ArgumentHelp("The merged bucket file to write (must not exist).", valueName: "file"))
        var out: String

        func validate() throws {
            guard !inputs.isEmpty else { throw ValidationError("give at least one bucket file") }
        }

        func run() throws {
            try exitOnError {
                var merged = try PartitionGammaGamma.read(inputs[0])
                for path in inputs.dropFirst() { merged = merged.merged(with: try PartitionGammaGamma.read(path)) }
                try PartitionGammaGamma.write(merged, to: out)
            }
        }
    }

    struct Pass: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gamma-gamma-pass",
            abstract: "Answer one request of partition clv --gamma-gamma-passes from one merged repeat-spend bucket (JSON)."
        )

        @Option(help: ArgumentHelp("The bucket's merged repeat-spend file (merge-spend).", valueName: "file"))
        var spend: String

        @Option(help: ArgumentHelp("The request, one line of JSON as partition clv wrote it.", valueName: "json"))
        var request: String

        @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
        var out: String

        func run() throws {
            try exitOnError {
                let answer = try PartitionGammaGamma.answer(try PartitionGammaGamma.request(request), bucket: try PartitionGammaGamma.read(spend))
                try PartitionGammaGamma.writeAnswer(answer, to: out)
            }
        }
    }
}
