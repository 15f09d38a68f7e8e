import Clientele
import Logging

/// Log lines for a terminal that shows the progress line: each message is written above the
/// status line, which is redrawn below it, and each `.info` message (the run's stage lines:
/// "reading transactions", "clustering", …) becomes the stage the status line shows.
struct ProgressLogHandler: LogHandler {
    let progress: RunProgress
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The message and metadata quote paths and input fields: control characters in them are
    /// written as visible escapes, so a line stays one line and no escape sequence reaches the terminal.
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = all.sorted { $0.key < $1.key }
            .map { "\(escapingControlCharacters($0.key))=\($0.value.escapingControlCharacters)" }.joined(separator: " ")
        let message = escapingControlCharacters(event.message.description)
        if event.level == .info { progress.begin(message) }
        progress.log("\(event.level): \(message)" + (details.isEmpty ? "" : " (\(details))"))
    }
}
