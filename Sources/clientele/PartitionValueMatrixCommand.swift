import ArgumentParser
import Clientele
import Foundation

/// `clientele partition value-counts` and `value-medians`: the value matrix's medians (of
/// historical and predicted CLV over every customer with both) found exactly over partitions,
/// 16 bits of each middle value a pass, four passes, for `partition score --value-medians`.
enum PartitionValueMatrixCommands {
    static let all: [any ParsableCommand.Type] = [PartitionValueCountsCommand.self, PartitionValueMediansCommand.self]
}

/// `clientele partition value-counts`: one partition's counts for the current pass.
struct PartitionValueCountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value-counts",
        abstract: "Count one partition's customers under the value-matrix medians' current pass (JSON).",
        discussion: "The customers are scored and predicted as partition score does; the counts of every partition, merged by partition value-medians, narrow each median by 16 bits."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(help: ArgumentHelp("The medians so far (partition value-medians).", valueName: "file"))
    var medians: String

    @Option(name: .customLong("clv-fit"),
            help: ArgumentHelp("The driver's CLV fit (partition clv --scoring-fit): predict with it instead of refitting from the statistics.", valueName: "file"))
    var clvFit: String?

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let counts = try PartitionWorker.valueCounts(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                                         medians: try ValueMatrixMedians.read(medians),
                                                         clvFit: try clvFit.map(PartitionCLV.readScoringFit))
            try PartitionWorker.writeJSON(counts, to: out)
        }
    }
}

/// `clientele partition value-medians`: the next pass from every partition's counts.
struct PartitionValueMediansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value-medians",
        abstract: "Start the value-matrix medians, or merge every partition's counts into their next pass (JSON).",
        discussion: "Without --medians and counts: the first pass. Prints {\"complete\": true} once the file holds the exact medians (after \(PartitionedMedian.passes) passes at most), else {\"complete\": false}."
    )

    @Option(help: ArgumentHelp("The medians of the pass the counts were made for.", valueName: "file"))
    var medians: String?

    @Argument(help: ArgumentHelp("Every partition's counts for that pass (partition value-counts).", valueName: "file"))
    var counts: [String] = []

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func validate() throws {
        guard (medians == nil) == counts.isEmpty else { throw ValidationError("give --medians with the counts of its pass, or neither to start") }
    }

    func run() throws {
        try exitOnError {
            var next = ValueMatrixMedians()
            if let medians {
                next = try ValueMatrixMedians.read(medians)
                var merged = try ValueMatrixMedians.readCounts(counts[0])
                for path in counts.dropFirst() { merged = merged.merged(with: try ValueMatrixMedians.readCounts(path)) }
                next.advance(merged)
            }
            try PartitionWorker.writeJSON(next, to: out)
            print("{\"complete\": \(next.isComplete)}")
        }
    }
}
