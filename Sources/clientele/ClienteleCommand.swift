import ArgumentParser
import Clientele

@main
struct ClienteleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clientele",
        abstract: "Analytical CRM batch engine: RFM segments, customer value, clusters, churn.",
        subcommands: [RunCommand.self, GenerateCommand.self, DemoCommand.self]
    )
}
