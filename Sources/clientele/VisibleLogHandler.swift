import Clientele
import Logging

/// Forwards to `base` (the stderr stream handler when no progress line is shown) with the message
/// and every metadata value passed through `escapingControlCharacters`: log lines quote paths and
/// input fields, and a newline or an ANSI escape in them must not split the line or reach the
/// terminal (or a cron mail) raw.
struct VisibleLogHandler<Base: LogHandler>: LogHandler {
    var base: Base
    /// Kept here, not in `base`, so that it is escaped with the event's metadata.
    var metadata: Logger.Metadata = [:]

    init(_ base: Base) { self.base = base }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        event.metadata = all.isEmpty ? nil : Dictionary(uniqueKeysWithValues: all.map {
            (escapingControlCharacters($0.key), $0.value.escapingControlCharacters)
        })
        event.message = Logger.Message(stringLiteral: escapingControlCharacters(event.message.description))
        base.log(event: event)
    }
}
