import ArgumentParser
import Clientele
import Foundation

@main
struct ClienteleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clientele",
        abstract: "Analytical CRM batch engine: RFM segments, customer value, clusters, churn.",
        discussion: """
            Exit status (sysexits.h): 0 success; 64 usage or configuration error; 65 bad input \
            data; 66 input file missing or unreadable; 69 processor lacks x86-64-v3 (this build); \
            70 internal error; 73 output cannot be \
            created; 74 I/O error while writing. Every failure prints one line starting with "error:".
            """,
        version: ClienteleVersion.current,
        subcommands: [RunCommand.self, GenerateCommand.self, DemoCommand.self, HistoryCommand.self, PartitionCommand.self, ManualCommand.self]
    )

    /// Parses and runs, keeping the stderr contract for parse errors too: one `error:` line, exit 64.
    static func main() {
        MallocPolicy.apply()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)  // the message was printed where the error was raised
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let text = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: "; ")
            printErrorLine("\(text) (see clientele --help)")
            Foundation.exit(code == .validationFailure || code.rawValue == 1 ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}
