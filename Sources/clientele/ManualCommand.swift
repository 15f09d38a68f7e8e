import ArgumentParser
import Clientele
import Foundation

/// `clientele manual DIR` (hidden): one man page per command — clientele.1, clientele-run.1, … —
/// whose text is the argument parser's own help for that command, so the pages never drift from
/// the options. Used by `scripts/install` and `scripts/package-deb`.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Write the man pages (section 1) into a folder.",
        shouldDisplay: false
    )

    @Argument(help: ArgumentHelp("Folder to write clientele.1, clientele-run.1, … into; created if missing.", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("Date printed in the pages' footer (default: today).", valueName: "yyyy-mm-dd"))
    var date: String?

    /// Every visible command with its path of names, root first.
    static func commands(_ command: any ParsableCommand.Type = ClienteleCommand.self, path: [String] = []) -> [(path: [String], type: any ParsableCommand.Type)] {
        let configuration = command.configuration
        guard configuration.shouldDisplay else { return [] }
        let here = path + [configuration.commandName ?? "clientele"]
        return [(here, command)] + configuration.subcommands.flatMap { commands($0, path: here) }
    }

    /// `text` safe inside a roff no-fill block: backslashes doubled, control characters at a line start escaped.
    static func roff(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }.joined(separator: "\n")
    }

    func run() throws {
        try exitOnError {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let day = date ?? ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let all = Self.commands()
            for (path, type) in all {
                let name = path.joined(separator: "-")
                let help = ClienteleCommand.helpMessage(for: type, columns: 80)
                let related = all.map { $0.path.joined(separator: "-") }.filter { $0 != name }.map { "\\fB\($0)\\fR(1)" }
                let page = """
                    .TH \(name.uppercased()) 1 "\(day)" "clientele \(ClienteleVersion.current)" "User Commands"
                    .SH NAME
                    \(name) \\- \(Self.roff(type.configuration.abstract))
                    .SH DESCRIPTION
                    .nf
                    \(Self.roff(help))
                    .fi
                    .SH SEE ALSO
                    \(related.joined(separator: ",\n"))

                    """
                try Data(page.utf8).write(to: URL(fileURLWithPath: directory + "/" + name + ".1"))
            }
        }
    }
}
