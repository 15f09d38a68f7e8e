import ArgumentParser
import Clientele

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Write synthetic exports with known parameters.")
    func run() throws {}
}
