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

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        if event.level == .info { progress.begin(event.message.description) }
        progress.log("\(event.level): \(event.message)" + (details.isEmpty ? "" : " (\(details))"))
    }
}
