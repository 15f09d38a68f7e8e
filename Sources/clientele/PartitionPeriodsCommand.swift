import ArgumentParser
import Clientele
import Foundation

/// `clientele partition periods`: the run's as-of and calibration end from every partition's
/// extent, by `clientele run`'s rules, so the driver passes them explicitly to every later step.
struct PartitionPeriodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "periods",
        abstract: "Merge partition extents and print the run's periods as JSON (as_of, calibration_end).",
        discussion: """
            Prints {"as_of": …, "as_of_defaulted": …, "calibration_end": … or null, \
            "calibration_end_defaulted": …}, report.json's values for the whole export; with no \
            holdout, calibration_skip_reason says why. Give the job file and --as-of the extents \
            were read with.
            """
    )

    @Argument(help: ArgumentHelp("A TOML job file, as for clientele run.", valueName: "job.toml"))
    var job: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Analysis date of the whole run (default: the day after the last transaction).", valueName: "yyyy-mm-dd"))
    var asOf: String?

    @Option(name: .customLong("calibration-end"), help: ArgumentHelp("Last day of the calibration period (default: the default holdout).", valueName: "yyyy-mm-dd"))
    var calibrationEnd: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Extent files written by partition extent, one per partition.", valueName: "file"))
    var extents: [String] = []

    @Option(name: .customLong("run-interactions"), help: ArgumentHelp("The whole run's interactions export: the job is checked as that run's. Not read.", valueName: "path"))
    var runInteractions: String?

    /// The periods as printed.
    struct Resolved: Encodable {
        var asOf: String
        var asOfDefaulted: Bool
        var calibrationEnd: String?
        var calibrationEndDefaulted: Bool
        var calibrationSkipReason: String?

        enum CodingKeys: String, CodingKey {
            case asOf = "as_of", asOfDefaulted = "as_of_defaulted", calibrationEnd = "calibration_end"
            case calibrationEndDefaulted = "calibration_end_defaulted", calibrationSkipReason = "calibration_skip_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(asOf, forKey: .asOf)
            try c.encode(asOfDefaulted, forKey: .asOfDefaulted)
            try c.encode(calibrationEnd, forKey: .calibrationEnd)
            try c.encode(calibrationEndDefaulted, forKey: .calibrationEndDefaulted)
            try c.encodeIfPresent(calibrationSkipReason, forKey: .calibrationSkipReason)
        }
    }

    func run() throws {
        try exitOnError {
            var arguments = [String]()
            if let job { arguments.append(job) }
            for (flag, value) in [("--as-of", asOf), ("--calibration-end", calibrationEnd), ("--interactions", runInteractions)] {
                if let value { arguments += [flag, value] }
            }
            let config = try RunCommand.parse(arguments).configuration()
            var extent = PartitionExtent(asOf: config.asOf)
            for path in extents { extent = try extent.merged(with: PartitionWorker.readExtent(path)) }
            let periods = try extent.periods(asOf: config.asOf, calibrationEnd: config.calibrationEnd)
            let resolved = Resolved(asOf: periods.asOf.description, asOfDefaulted: periods.asOfDefaulted,
                                    calibrationEnd: periods.calibrationEnd?.description,
                                    calibrationEndDefaulted: periods.calibrationEndDefaulted,
                                    calibrationSkipReason: periods.calibrationSkipReason)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(resolved), as: UTF8.self))
        }
    }
}
