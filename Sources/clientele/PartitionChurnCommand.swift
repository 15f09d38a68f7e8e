import ArgumentParser
import Clientele
import Foundation

/// `clientele partition churn-…`: the churn regression of a run spread over machines. The
/// driver's Newton loop: `churn-summary` on every partition, `churn-merge`, then `churn-fit`,
/// which says the next coefficients to sum (`churn-pass` on every partition, `churn-merge`) until
/// the fit; `partition score --churn-state` then scores each partition, and `churn-evaluate`
/// evaluates the model and the recency-only baseline on every partition's test rows.
enum PartitionChurnCommands {
    static let all: [ParsableCommand.Type] = [PartitionChurnSummaryCommand.self, PartitionChurnPassCommand.self,
                                              PartitionChurnMergeCommand.self, PartitionChurnFitCommand.self,
                                              PartitionChurnEvaluateCommand.self]
}

/// `clientele partition churn-summary`: a partition's churn counts and exact sums.
struct PartitionChurnSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-summary",
        abstract: "Write one partition's churn summary (labelled and training counts, exact feature sums, satisfaction fills' sums; JSON).",
        discussion: "Give --interactions when the run has them: complaints and mean_satisfaction come from them."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError { try PartitionWorker.writeJSON(try PartitionWorker.churnSummary(try options.configuration()), to: out) }
    }
}

/// `clientele partition churn-pass`: a partition's IRLS sums at the coefficients churn-fit asked for.
struct PartitionChurnPassCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-pass",
        abstract: "Write one partition's Newton sums (log-likelihood, gradient, information; exact) at the coefficients of a churn-fit state."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The state written by churn-fit (status \"pass\").", valueName: "file"))
    var state: String

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let state = try PartitionWorker.readJSON(PartitionChurnState.self, from: state)
            try PartitionWorker.writeJSON(try PartitionWorker.churnPass(try options.configuration(), state: state), to: out)
        }
    }
}

/// `clientele partition churn-merge`: churn summaries, or passes at one β, added.
struct PartitionChurnMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-merge",
        abstract: "Add churn summaries, or churn passes computed at the same coefficients, into one (exact: any order, the same bytes)."
    )

    @Flag(help: "The inputs are churn-pass files (default: churn-summary files).")
    var passes = false

    @Argument(help: ArgumentHelp("Files written by churn-summary, churn-pass or churn-merge.", valueName: "file"))
    var inputs: [String]

    @Option(help: ArgumentHelp("The merged JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one churn summary or pass file") }
    }

    func run() throws {
        try exitOnError {
            if passes {
                var merged = try PartitionWorker.readJSON(PartitionChurnPass.self, from: inputs[0])
                for path in inputs.dropFirst() { merged = try merged.merged(with: PartitionWorker.readJSON(PartitionChurnPass.self, from: path)) }
                try PartitionWorker.writeJSON(merged, to: out)
            } else {
                var merged = try PartitionWorker.readJSON(PartitionChurnSummary.self, from: inputs[0])
                for path in inputs.dropFirst() { merged = try merged.merged(with: PartitionWorker.readJSON(PartitionChurnSummary.self, from: path)) }
                try PartitionWorker.writeJSON(merged, to: out)
            }
        }
    }
}

/// `clientele partition churn-fit`: the driver's Newton step, replayed over the merged passes so far.
struct PartitionChurnFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-fit",
        abstract: "Replay the churn regression's Newton iterations over the merged passes; write the next pass to compute, the fit, or the skip.",
        discussion: """
            The state (JSON) has status "pass" (run churn-pass at its beta on every partition, merge, \
            and call again with that file added to --passes), "fitted" (churn_model.csv written to \
            --model-csv; score with --churn-state) or "skipped" (the reason clientele run would give).
            """
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged churn summary of every partition.", valueName: "file"))
    var summary: String

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Merged churn passes computed so far, any order.", valueName: "file"))
    var passes: [String] = []

    @Option(name: .customLong("model-csv"), help: ArgumentHelp("Where churn_model.csv goes once fitted (must not exist).", valueName: "file"))
    var modelCSV: String

    @Option(help: ArgumentHelp("The state JSON to write (must not exist).", valueName: "file"))
    var out: String

    func run() throws {
        try exitOnError {
            let config = try options.configuration()
            let summary = try PartitionWorker.readJSON(PartitionChurnSummary.self, from: summary)
            let passes = try passes.map { try PartitionWorker.readJSON(PartitionChurnPass.self, from: $0) }
            let (state, fit) = try PartitionChurnFit.run(config, summary: summary, passes: passes)
            if let fit { try PartitionChurnFit.writeModelCSV(fit, config: config, to: modelCSV) }
            try PartitionWorker.writeJSON(state, to: out)
        }
    }
}

/// `clientele partition churn-evaluate`: the churn section of report.json, on the driver.
struct PartitionChurnEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churn-evaluate",
        abstract: "Evaluate the fitted churn model and the recency-only baseline on every partition's test rows, merged in the single run's order; write report.json's churn section (JSON).",
        discussion: "The rows are read twice through one buffered cursor per file; the driver never holds them."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged churn summary of every partition.", valueName: "file"))
    var summary: String

    @Option(parsing: .upToNextOption, help: ArgumentHelp("The merged churn passes of the fit, any order.", valueName: "file"))
    var passes: [String] = []

    @Option(help: ArgumentHelp("The fitted state (churn-fit, status \"fitted\").", valueName: "file"))
    var state: String

    @Option(name: .customLong("test-rows"), parsing: .upToNextOption,
            help: ArgumentHelp("Every partition's test rows (score --churn-test-out).", valueName: "file"))
    var testRows: [String] = []

    @Option(help: ArgumentHelp("The JSON file to write (must not exist).", valueName: "file"))
    var out: String

    func validate() throws {
        guard !testRows.isEmpty else { throw ValidationError("give every partition's test rows (--test-rows)") }
    }

    func run() throws {
        try exitOnError {
            let report = try PartitionChurnEvaluation.report(
                try options.configuration(), summary: try PartitionWorker.readJSON(PartitionChurnSummary.self, from: summary),
                passes: try passes.map { try PartitionWorker.readJSON(PartitionChurnPass.self, from: $0) },
                state: try PartitionWorker.readJSON(PartitionChurnState.self, from: state), testRows: testRows)
            try PartitionChurnEvaluation.write(report, to: out)
        }
    }
}
