import ArgumentParser
import Logging
import Clientele
import Foundation

/// Prints `error: …` on stderr and exits with the error's sysexits status; unknown errors exit 70.
func exitOnError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as any ClienteleError {
        printErrorLine(error.description)
        throw ExitCode(error.exitStatus.rawValue)
    } catch let error as ExitCode {
        throw error
    } catch {
        printErrorLine("internal error: \(error)")
        throw ExitCode(ExitStatus.software.rawValue)
    }
}

/// The one place an error reaches stderr: `error: ` and the message on ONE line. Messages quote
/// input fields, so a newline, a carriage return or an ANSI escape in the data is written as a
/// visible escape (`\n`, `\u{1B}`), never raw (`escapingControlCharacters`).
func printErrorLine(_ message: String) {
    FileHandle.standardError.write(Data("error: \(escapingControlCharacters(message))\n".utf8))
}

/// True when stderr is a terminal, so progress lines help a person and stay out of cron mail.
var stderrIsTerminal: Bool { isatty(2) == 1 }

/// Runs the job. On a terminal without --quiet, stderr shows the stage lines and below them a
/// progress line (bytes read, fit iterations) redrawn in place; otherwise only warnings reach
/// stderr (cron mails whatever does), and with --quiet only errors.
func execute(_ config: JobConfiguration) throws -> Run.Outcome {
    let progress = !config.quiet && stderrIsTerminal ? RunProgress() : nil
    let logger = makeLogger(quiet: config.quiet, progress: progress)
    progress?.startTicking()
    defer { progress?.finish() }
    return try RunProgress.$current.withValue(progress) { try Run(configuration: config, logger: logger).execute() }
}

/// A logger on stderr: through `progress` when there is one, else stage progress and notices on a
/// terminal, only warnings otherwise, nothing but errors with --quiet.
func makeLogger(quiet: Bool, progress: RunProgress? = nil) -> Logger {
    if let progress { return Logger(label: "clientele") { _ in ProgressLogHandler(progress: progress) } }
    var logger = Logger(label: "clientele") { label in VisibleLogHandler(StreamLogHandler.standardError(label: label)) }
    logger.logLevel = quiet ? .error : (stderrIsTerminal ? .info : .warning)
    return logger
}

func printSummary(_ outcome: Run.Outcome, format: JobConfiguration.SummaryFormat) throws {
    let r = outcome.report
    switch format {
    case .json:
        struct Summary: Encodable {
            var report: String
            var asOf: String
            var customers: Int
            var orders: Int
            var inputs: [RunReport.InputFile]
            var segments: [String: Int]
            var seconds: Double
            /// Seconds per stage, final: "reports" covers every file of the folder.
            var timings: [String: Double]
        }
        let summary = Summary(report: outcome.folder, asOf: r.settings.asOf, customers: r.customers.scored, orders: r.customers.orders,
                              inputs: r.inputs, segments: Dictionary(uniqueKeysWithValues: r.rfm.segments.map { ($0.segment, $0.customers) }),
                              seconds: r.timings["total"] ?? 0, timings: r.timings)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    case .text:
        let rejected = r.inputs.reduce(0) { $0 + $1.rowsRejected }
        let top = r.rfm.segments.max { $0.customers < $1.customers }
        print(escapingControlCharacters("report: \(outcome.folder)/report.md (\(r.customers.scored) customers as of \(r.settings.asOf), "
              + "\(rejected) rows rejected\(top.map { "; largest segment \($0.segment): \($0.customers)" } ?? ""))"))
    }
}
