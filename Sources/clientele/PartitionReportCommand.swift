import ArgumentParser
import Clientele
import Foundation

/// `clientele partition report`: report.json, report.md and segments.csv of a run spread over
/// partitions, on the driver.
struct PartitionReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.json, report.md, report.html, segments.csv and cohorts.csv from the merged statistics and every partition's totals (partition score --totals).",
        discussion: """
            --transactions and --interactions name the exports in the report (they are not read). \
            The settings, input accounting, customer counts, net revenue, segments, customers per \
            score, the purchase models and the cohort table are `clientele run`'s; sections not distributed yet are \
            listed as skipped.
            """
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    @Option(name: .customLong("totals"), help: ArgumentHelp("A partition's totals (partition score --totals); once per partition.", valueName: "file"))
    var totals: [String] = []

    @Option(name: .customLong("value-medians"), help: ArgumentHelp("The value matrix's medians (partition value-medians).", valueName: "file"))
    var valueMedians: String?

    @Flag(name: .customLong("as-of-defaulted"), help: "The as-of date was resolved by partition periods.")
    var asOfDefaulted = false

    @Flag(name: .customLong("calibration-end-defaulted"), help: "The calibration end was resolved by partition periods.")
    var calibrationEndDefaulted = false

    @Option(help: ArgumentHelp("The k-means state (kmeans-step): done adds the clusters section and clusters.csv, skipped its reason.", valueName: "file"))
    var clusters: String?

    @Option(name: .customLong("clv-report"),
            help: ArgumentHelp("The driver's CLV fit as the report reads it (partition clv --report-fit), instead of a refit from the statistics.", valueName: "file"))
    var clvReport: String?

    @Option(name: .customLong("churn-report"),
            help: ArgumentHelp("The churn model and its evaluation (partition churn-evaluate): adds report.json's churn section and the churn charts.", valueName: "file"))
    var churnReport: String?

    @Option(name: .customLong("churn-comparison"), parsing: .upToNextOption,
            help: ArgumentHelp("Every partition's share of the comparison of P(churn) with P(no purchase) (score --churn-comparison-out), with --churn-report.", valueName: "file"))
    var churnComparisons: [String] = []

    @Option(name: .customLong("satisfaction-statistics"),
            help: ArgumentHelp("The satisfaction pass's merged statistics (summarise --interactions, merged): with --satisfaction-sums, adds report.json's satisfaction section, the interactions' accounting and correlations.csv.", valueName: "file"))
    var satisfactionStatistics: String?

    @Option(name: .customLong("satisfaction-sums"), parsing: .upToNextOption,
            help: ArgumentHelp("The satisfaction pass's merged cross sums (correlate, merge-sums), as partition correlations reads them.", valueName: "file"))
    var satisfactionSums: [String] = []

    @Option(help: ArgumentHelp("Files the report folder holds besides these three, in order (report.json's outputs).", valueName: "name"))
    var output: [String] = []

    @Option(help: ArgumentHelp("The folder to write into (the three files must not exist).", valueName: "folder"))
    var out: String

    func validate() throws {
        guard !totals.isEmpty else { throw ValidationError("give every partition's totals file") }
        guard options.transactions != nil else { throw ValidationError("give --transactions: the export the report names") }
    }

    func run() throws {
        try exitOnError {
            let config = try options.configuration()
            var merged = try PartitionTotals.read(totals[0])
            for path in totals.dropFirst() { merged = merged.merged(with: try PartitionTotals.read(path)) }
            let mergedStatistics = try PartitionWorker.read(statistics)
            let report = try PartitionReport.report(
                config, statistics: mergedStatistics, totals: merged,
                medians: try valueMedians.map(ValueMatrixMedians.read),
                defaults: .init(asOf: asOfDefaulted, calibrationEnd: calibrationEndDefaulted),
                transactions: options.transactions!, interactions: options.interactions, outputs: output,
                clusters: try clusters.map { try PartitionWorker.readJSON(PartitionKMeansState.self, from: $0) },
                clvReport: try clvReport.map(PartitionCLV.readReportFit), churn: try churnReport.map(PartitionChurnEvaluation.read),
                churnComparison: churnComparisons.isEmpty ? nil : try PartitionChurnComparison.read(churnComparisons),
                satisfaction: try satisfactionStatistics.map { path in
                    let statistics = try PartitionWorker.read(path)
                    let sums = try PartitionWorker.mergedSums(satisfactionSums)
                    return (try PartitionWorker.satisfactionRunReport(config, statistics: statistics, sums: sums), statistics.satisfaction)
                })
            try PartitionReport.write(report, statistics: mergedStatistics, totals: merged, config: config, into: out)
        }
    }
}

/// `clientele partition check`: `max_reject_share` on the merged accounting, on the driver.
struct PartitionCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Hold every partition's rejected rows, merged, against max_reject_share (exit 65 when more), as clientele run holds the whole file.",
        discussion: "--transactions and --interactions name the exports in the message (they are not read)."
    )

    @OptionGroup var options: PartitionRunOptions

    @Option(help: ArgumentHelp("The merged statistics of every partition (partition merge).", valueName: "file"))
    var statistics: String

    func validate() throws {
        guard options.transactions != nil else { throw ValidationError("give --transactions: the export the message names") }
    }

    func run() throws {
        try exitOnError {
            try PartitionWorker.checkRejects(try options.configuration(), statistics: try PartitionWorker.read(statistics),
                                             transactions: options.transactions!, interactions: options.interactions)
        }
    }
}
