import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// `Tests/browser/measure_text.sh` on a page: its exit status, its output, and the counts it
/// printed (`measured: TEXTS texts, CJK with CJK`; nil when it printed none).
func htmlTextMeasure(_ page: String, label: String = #function) throws -> (status: Int32, output: String, texts: Int?, cjk: Int?) {
    let (status, output) = try runBrowserScript("measure_text.sh", on: page, label: label)
    let counts = output.split(separator: "\n").first { $0.hasPrefix("measured: ") }?.split(separator: " ").compactMap { Int($0) } ?? []
    return (status, output, counts.first, counts.dropFirst().first)
}

/// The sample report with Chinese segment and value-matrix names, one of them too long for any chart.
enum HTMLReportChineseSample {
    static let segmentNames = ["冠军客户", "忠诚客户", "潜在忠诚客户", "新客户", "有潜力的客户", "需要关注", "即将沉睡", "流失风险",
                               "不能失去的高价值客户（最近很少购买，但过去消费很多）", "沉睡客户"]

    static func page() throws -> String {
        var report = try HTMLReportSample.demoReport()
        precondition(report.rfm.segments.count == segmentNames.count)
        for k in report.rfm.segments.indices { report.rfm.segments[k].segment = segmentNames[k] }
        var input = HTMLReportSample.fullInput(report: report)
        if var m = input.valueMatrix {
            (m.highXHighY.name, m.lowXHighY.name, m.highXLowY.name, m.lowXLowY.name) = ("最有价值的客户", "增长潜力客户", "价值下降中的客户（当前价值高，未来价值低）", "低价值客户")
            (m.xTitle, m.yTitle) = ("当前价值（历史客户终身价值）", "未来价值（预测客户终身价值）")
            input.valueMatrix = m
        }
        return HTMLReportWriter(report: report, input: input).text()
    }
}

@Suite("HTML report text boxes in a browser", .serialized, .enabled(if: htmlBrowserAvailable, "needs chromium (apt-get install chromium fonts-noto-cjk)"))
struct HTMLReportTextBoxTests {
    @Test("in headless Chromium no chart label of a report with Chinese segment names reaches outside its chart")
    func chineseReport() throws {
        let page = try HTMLReportChineseSample.page()
        // CLIENTELE_CHINESE_SAMPLE_REPORT=/tmp/zh.html keeps the page (see Tests/browser/README.md).
        if let keep = ProcessInfo.processInfo.environment["CLIENTELE_CHINESE_SAMPLE_REPORT"] {
            try Data(page.utf8).write(to: URL(fileURLWithPath: keep))
        }
        #expect(page.contains(">冠军客户</text>"), "a segment name is drawn whole")
        #expect(page.contains("<title>不能失去的高价值客户（最近很少购买，但过去消费很多）</title></text>"), "the long one is cut, with its full name on hover")
        let check = try htmlTextMeasure(page)
        #expect(check.status == 0, "\(check.output)")
        #expect((check.texts ?? 0) > 100, "every chart's texts were measured: \(check.output)")
        #expect((check.cjk ?? 0) >= 10, "the segment names among them: \(check.output)")
    }

    @Test("in headless Chromium no chart label of the full sample report reaches outside its chart")
    func fullReport() throws {
        let report = try HTMLReportSample.demoReport()
        let check = try htmlTextMeasure(HTMLReportWriter(report: report, input: HTMLReportSample.fullInput(report: report)).text())
        #expect(check.status == 0, "\(check.output)")
        #expect((check.texts ?? 0) > 100, "\(check.output)")
    }

    @Test("the measurement reports a label placed past the left edge, and one past the bottom, as clipped")
    func clippedLabel() throws {
        let page = """
            <!DOCTYPE html><html><head><meta charset="utf-8"/><meta http-equiv="Content-Security-Policy" content="default-src 'none'"/></head><body>
            <svg viewBox="0 0 200 100" width="200" height="100" font-family="DejaVu Sans, sans-serif"><title>Hand-made</title>
            <text x="10" y="50" font-size="12" text-anchor="end">冠军客户</text><text x="60" y="99" font-size="12">Champions</text>
            <text x="100" y="30" font-size="12">fits</text></svg>
            </body></html>
            """
        let check = try htmlTextMeasure(page)
        #expect(check.status == 1)
        #expect(check.texts == 3 && check.cjk == 1, "\(check.output)")
        #expect(check.output.contains("clipped: Hand-made | 冠军客户 | left "), "\(check.output)")
        #expect(check.output.contains("clipped: Hand-made | Champions | bottom "), "\(check.output)")
        #expect(!check.output.contains("| fits |"))
    }
}
