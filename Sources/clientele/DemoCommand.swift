import ArgumentParser
import Clientele
import Foundation

/// `clientele demo`: generate a synthetic data set, then run the whole job on it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate demo exports with known parameters, then run the job on them.")

    @Option(help: "Number of synthetic customers.")
    var customers: Int = 100_000

    @Option(help: ArgumentHelp("Folder for the demo data and its report.", valueName: "dir"))
    var out: String = "demo"

    @Option(help: "Random seed for the data.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Row order of the data: date (as exports come) or customer.",
                               valueName: "date|customer"))
    var rowOrder: SyntheticRowOrder = .date

    func run() throws {
        try exitOnError {
            let data = out + "/data"
            let population = SyntheticPopulation(customers: customers, seed: seed, rowOrder: rowOrder)
            let summary = try population.write(to: URL(fileURLWithPath: data, isDirectory: true))
            print("generated \(summary.counts.customers) customers, \(summary.counts.lines) transaction lines and "
                  + "\(summary.counts.interactions) interactions in \(data) (\(rowOrder.rawValue) order)")
            var config = JobConfiguration()
            config.transactions = CSVSource(path: data + "/" + SyntheticPopulation.transactionsFileName)
            config.interactions = CSVSource(path: data + "/" + SyntheticPopulation.interactionsFileName)
            config.out = out + "/report"
            config.asOf = population.asOf
            config.calibrationEnd = population.calibrationEnd
            let outcome = try execute(config)
            try printSummary(outcome, format: .text)
        }
    }
}
