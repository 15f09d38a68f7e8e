import Foundation
import Testing
@testable import Clientele

/// A `Tests/browser/` script run on `page` (written to a scratch file), with its exit status and
/// output. `environment` adds variables for the script only (thresholds), never for the test process.
func runBrowserScript(_ script: String, on page: String, environment: [String: String] = [:], label: String) throws -> (status: Int32, output: String) {
    try withScratch(label) { scratch in
        let path = try scratch.write("report.html", page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Package.root.appendingPathComponent("Tests/browser/" + script).path, path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// `Tests/browser/check_report.sh` on a page, with its exit status and output.
func htmlBrowserCheck(_ page: String, environment: [String: String] = [:], label: String = #function) throws -> (status: Int32, output: String) {
    try runBrowserScript("check_report.sh", on: page, environment: environment, label: label)
}

/// Debian's chromium and ImageMagick are on the PATH (`.ci/run` installs them).
let htmlBrowserAvailable: Bool = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let dirs = path.split(separator: ":").map(String.init)
    return ["chromium", "identify", "convert"].allSatisfy { tool in
        dirs.contains { FileManager.default.isExecutableFile(atPath: $0 + "/" + tool) }
    }
}()

@Suite("HTML report in a browser", .serialized, .enabled(if: htmlBrowserAvailable, "needs chromium and imagemagick (apt-get install chromium imagemagick)"))
struct HTMLReportBrowserTests {
    @Test("the full report renders in headless Chromium with nothing on the console and charts drawn")
    func fullReport() throws {
        let report = try HTMLReportSample.demoReport()
        let page = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        // For docs/report-screenshot.png: CLIENTELE_SAMPLE_REPORT=/tmp/sample.html keeps the page (see Tests/browser/README.md).
        if let keep = ProcessInfo.processInfo.environment["CLIENTELE_SAMPLE_REPORT"] {
            try Data(page.utf8).write(to: URL(fileURLWithPath: keep))
        }
        let check = try htmlBrowserCheck(page, environment: ["SECTIONS": "cohorts clv-distribution alive-matrix",
                                                             "LINE_SECTIONS": "value-concentration tracking"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains(": ok: no console messages"))
        #expect(check.output.contains("sections alone: cohorts "))
        for id in ["clv-distribution", "alive-matrix"] { #expect(check.output.contains(" \(id) "), "\(id)") }
        for id in ["value-concentration", "tracking"] { #expect(check.output.contains(" \(id) ") && check.output.contains("% lines"), "\(id)") }
    }

    @Test("the check fails a report whose cohort heat map does not draw, though every other chart does")
    func cohortChartMissing() throws {
        let report = try HTMLReportSample.demoReport()
        var page = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        // Both of the section's charts emptied; every other section's still drawn.
        var emptied = 0
        while let section = page.range(of: "<section id=\"cohorts\""), let close = page.range(of: "</section>", range: section.upperBound..<page.endIndex),
              let start = page.range(of: "<svg class=\"chart\" viewBox=\"0 0 760 ", range: section.upperBound..<close.lowerBound),
              let end = page.range(of: "</svg>", range: start.upperBound..<close.lowerBound) {
            page.replaceSubrange(start.lowerBound..<end.upperBound, with: "<svg class=\"chart\" viewBox=\"0 0 10 10\" width=\"10\" height=\"10\"></svg>")
            emptied += 1
        }
        #expect(emptied == 2)
        let check = try htmlBrowserCheck(page, environment: ["SECTIONS": "cohorts"])
        #expect(check.status == 1 && check.output.contains("section cohorts: no chart drawn"), "\(check.output)")
    }

    @Test("the check fails a report whose tracking lines are invisible, though its axes, legend and every other chart draw")
    func trackingLinesInvisible() throws {
        let report = try HTMLReportSample.demoReport()
        var page = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        let section = try #require(page.range(of: "<section id=\"tracking\""))
        let close = try #require(page.range(of: "</section>", range: section.upperBound..<page.endIndex))
        let hidden = page[section.lowerBound..<close.upperBound].replacingOccurrences(of: "<polyline ", with: "<polyline stroke-opacity=\"0\" ")
        page.replaceSubrange(section.lowerBound..<close.upperBound, with: hidden)
        let check = try htmlBrowserCheck(page, environment: ["LINE_SECTIONS": "value-concentration tracking"])
        #expect(check.status == 1 && check.output.contains("section tracking: no line drawn"), "\(check.output)")
    }

    @Test("a report whose kernels did not run still renders cleanly: header, tables and Not run boxes")
    func emptyReport() throws {
        let report = try HTMLReportSample.report()
        let page = HTMLReportWriter(report: report, input: HTMLReportInput()).text()
        // No charts, so the chart-area threshold is off; the page must still be drawn (colours, text).
        let check = try htmlBrowserCheck(page, environment: ["MIN_CHART_AREA": "0"])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("the check fails a page that writes to the console or throws")
    func consoleError() throws {
        let check = try htmlBrowserCheck("<!DOCTYPE html><html><body><p>x</p><script>console.error('boom'); missing();</script></body></html>")
        #expect(check.status == 1)
        #expect(check.output.contains("\"boom\"") && check.output.contains("Uncaught ReferenceError"))
    }

    @Test("the check fails a report page that tries to load anything: the policy blocks it and says so on the console")
    func blockedLoad() throws {
        let report = try HTMLReportSample.demoReport()
        let page = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
            .replacingOccurrences(of: "<main>", with: "<main><img src=\"http://example.invalid/pixel.png\" alt=\"\"/>")
        let check = try htmlBrowserCheck(page)
        #expect(check.status == 1)
        #expect(check.output.contains("Content Security Policy"))
    }

    @Test("the check fails a blank page, a page of text, and the report with its charts removed")
    func blankPages() throws {
        let blank = try htmlBrowserCheck("<!DOCTYPE html><html><body></body></html>")
        #expect(blank.status == 1 && blank.output.contains("blank page"), "\(blank.output)")
        let text = try htmlBrowserCheck("<!DOCTYPE html><html><body>" + String(repeating: "<p>Only words, no charts at all.</p>", count: 60) + "</body></html>")
        #expect(text.status == 1 && text.output.contains("no charts drawn"), "\(text.output)")
        // The full report whose SVGs did not draw: header, tables, nav links and rules are still there.
        let report = try HTMLReportSample.demoReport()
        var page = HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text()
        while let start = page.range(of: "<svg "), let end = page.range(of: "</svg>", range: start.upperBound..<page.endIndex) {
            page.removeSubrange(start.lowerBound..<end.upperBound)
        }
        let bare = try htmlBrowserCheck(page)
        #expect(bare.status == 1 && bare.output.contains("no charts drawn: 0 of the content"), "\(bare.output)")
    }
}
