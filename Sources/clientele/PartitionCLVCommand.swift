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

    @Option(name: .customLong("report-fit"),
            help: ArgumentHelp("Also write the fit as partition report --clv-report reads it (must not exist; written, as \"no fit\", when there is no CLV section).", valueName: "file"))
    var reportFit: String?

    @Flag(name: .customLong("gamma-gamma-passes"),
          help: "The statistics' Gamma-Gamma rows are in buckets (summarise --repeat-spend-buckets): write each request of the fit as a line of JSON on standard output, and read the paths of every bucket's answer (gamma-gamma-pass) as a JSON array on a line of standard input.")
    var gammaGammaPasses = false

    /// One request out on standard output, the paths of the buckets' answers in on standard input.
    static func askBuckets(_ request: PartitionGammaGamma.Request) throws -> [PartitionGammaGamma.Answer] {
        FileHandle.standardOutput.write(Data((try PartitionGammaGamma.line(request) + "\n").utf8))
        guard let reply = readLine(),
              let paths = try? JSONDecoder().decode([String].self, from: Data(reply.utf8)) else {
            throw PartitionIOError.unreadable(path: "standard input", reason: "expected a JSON array of answer files for each Gamma-Gamma request")
        }
        return try paths.map(PartitionGammaGamma.readAnswer)
    }

    func run() throws {
        try exitOnError { try execute() }
    }

    private func execute() throws {
        let statistics = try PartitionWorker.read(statistics)
        var ask: ((PartitionGammaGamma.Request) throws -> [PartitionGammaGamma.Answer])?
        if gammaGammaPasses { ask = { request in try Self.askBuckets(request) } }
        let config = try options.configuration()
        let fit = try PartitionCLV.fit(config, statistics: statistics, askBuckets: ask)
        let report = try fit.map { try PartitionCLV.report($0, statistics: statistics, config: config) }
        if let reportFit {
            try PartitionCLV.writeReportFit(.init(report: report, charts: try fit.flatMap { try PartitionCLV.charts($0, statistics: statistics) }), to: reportFit)
        }
        guard let fit, let report else { return }
        try PartitionCLV.write(report, to: out)
        if let scoringFit { try PartitionCLV.writeScoringFit(fit, to: scoringFit) }
    }
}
