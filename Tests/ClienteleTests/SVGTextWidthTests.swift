import Foundation
import Testing
@testable import Clientele
@testable import ClienteleReports

/// The box a drawn `<text>` occupies by `SVGText.width`, as corners in the chart's coordinates:
/// anchor and rotation applied, ascent 1.16 em and descent 0.29 em (Noto Sans CJK's, the tallest).
enum SVGTestTextBox {
    static func corners(_ text: SVGTestNode) -> [(x: Double, y: Double)] {
        let x = Double(text.attributes["x"] ?? "") ?? 0, y = Double(text.attributes["y"] ?? "") ?? 0
        let size = Double(text.attributes["font-size"] ?? "") ?? 12
        let weight: SVGCanvas.Weight = text.attributes["font-weight"] == "bold" ? .bold : .normal
        let w = SVGText.width(text.text, fontSize: size, weight: weight)
        let start: Double = switch text.attributes["text-anchor"] { case "end": -w; case "middle": -w / 2; default: 0 }
        let (top, bottom) = text.attributes["dominant-baseline"] == "central" ? (-0.73 * size, 0.73 * size) : (-1.16 * size, 0.29 * size)
        var angle = 0.0
        if let transform = text.attributes["transform"], transform.hasPrefix("rotate(") {
            angle = Double(transform.dropFirst(7).split(separator: " ").first ?? "") ?? 0
        }
        let c = cos(angle * .pi / 180), s = sin(angle * .pi / 180)
        return [(start, top), (start + w, top), (start, bottom), (start + w, bottom)].map { p in
            (x + p.0 * c - p.1 * s, y + p.0 * s + p.1 * c)
        }
    }

    /// The drawn texts of `svg` whose estimated box reaches outside its viewBox.
    static func outside(_ svg: SVGTestNode) throws -> [String] {
        let box = try #require(svg.attributes["viewBox"]).split(separator: " ").compactMap { Double($0) }
        return svg.elements("text").filter { text in
            corners(text).contains { $0.x < box[0] - 0.01 || $0.y < box[1] - 0.01 || $0.x > box[0] + box[2] + 0.01 || $0.y > box[1] + box[3] + 0.01 }
        }.map(\.text)
    }
}

/// Long Chinese names in every chart that draws names.
enum SVGTestChineseCharts {
    static let segments = ["冠军客户", "忠诚客户", "潜力客户", "新客户", "需要关注", "流失风险", "沉睡客户",
                           "不能失去的高价值客户（最近很少购买，但过去消费很多）"]

    static var all: [(String, any SVGChart)] {
        let shares = segments.indices.map { Double($0 + 1) / 36 }
        return [
            ("bars", SVGBarChart(title: "客户分群规模与收入占比", description: "d", categories: segments,
                                 series: [.init(name: "客户占比", values: shares), .init(name: "收入占比", values: shares.reversed())],
                                 categoryTitle: "客户分群", valueTitle: "占比", valueFormat: .percent(1), width: 600)),
            ("vertical bars", SVGBarChart(title: "各分群的平均购买次数", description: "d", categories: segments,
                                          series: [.init(name: "平均购买次数", values: shares)], orientation: .vertical,
                                          categoryTitle: "客户分群", valueTitle: "次数", valueFormat: .fixed(2))),
            ("heat map", SVGHeatMap(title: "分群画像", description: "d", rowTitle: "分群", columnTitle: "特征", rowLabels: segments,
                                    columnLabels: ["最近一次购买距今天数", "购买频次", "消费金额（元）"],
                                    values: (0..<(segments.count * 3)).map(Double.init), valueFormat: .integer)),
            ("quadrants", SVGQuadrantChart(title: "客户价值矩阵", description: "d", xTitle: "当前价值（历史客户终身价值）", yTitle: "未来价值（预测客户终身价值）",
                                           topLeft: .init(name: segments[2], customers: 10), topRight: .init(name: segments[0], customers: 30, detail: "收入 1.2k（54%）"),
                                           bottomLeft: .init(name: segments[7], customers: 50), bottomRight: .init(name: segments[6], customers: 10))),
            ("lines", SVGLineChart(title: "流失模型的ROC曲线", description: "d", x: .init(title: "假阳性率", domain: 0...1), y: .init(title: "真阳性率", domain: 0...1),
                                   series: [.init(name: segments[7] + segments[7], points: [.init(x: 0, y: 0), .init(x: 1, y: 1)])], diagonal: "随机猜测")),
        ]
    }
}

@Suite("SVG text width")
struct SVGTextWidthTests {
    @Test("a CJK ideograph is a full em, about 1.6 times a Latin lower-case letter (the old model drew both at 0.6 em)")
    func cjkIsWide() {
        #expect(SVGText.width("冠军客户", fontSize: 10) == 40)
        #expect(SVGText.width("客", fontSize: 12) == SVGText.width("Ａ", fontSize: 12), "fullwidth forms are CJK-wide too")
        let latin = SVGText.width("abcd", fontSize: 10)
        #expect(SVGText.width("冠军客户", fontSize: 10) >= 1.5 * latin)
        #expect(SVGText.width("冠军客户", fontSize: 10) <= 2 * latin)
    }

    @Test("combining marks, joiners and variation selectors add no width")
    func zeroWidth() {
        let e = SVGText.width("e", fontSize: 12)
        #expect(SVGText.width("e\u{301}", fontSize: 12) == e, "e + combining acute")
        #expect(SVGText.width("é", fontSize: 12) == e, "precomposed é is as wide as e")
        #expect(SVGText.width("\u{200B}\u{200D}\u{FE0F}\u{FEFF}", fontSize: 12) == 0)
    }

    /// Advances of "!" … "~" in DejaVu Sans at 1 em, as headless Chromium draws them (getComputedTextLength).
    static let dejaVuRegular = ".401 .460 .838 .636 .950 .780 .275 .390 .390 .500 .838 .318 .361 .318 .337 .636 .636 .636 .636 .636 .636 .636 .636 .636 .636 .337 .337 .838 .838 .838 .531 1.000 .684 .686 .698 .770 .632 .575 .775 .752 .295 .295 .656 .557 .863 .748 .787 .603 .787 .695 .635 .611 .732 .684 .989 .685 .611 .685 .390 .337 .390 .838 .500 .500 .613 .635 .550 .635 .615 .352 .635 .634 .278 .278 .579 .278 .974 .634 .612 .635 .635 .411 .521 .392 .634 .592 .818 .592 .592 .525 .636 .337 .636 .838"
    static let dejaVuBold = ".456 .521 .838 .696 1.002 .872 .306 .457 .457 .523 .838 .380 .415 .380 .365 .696 .696 .696 .696 .696 .696 .696 .696 .696 .696 .400 .400 .838 .838 .838 .580 1.000 .774 .762 .734 .830 .683 .683 .821 .837 .372 .372 .775 .637 .995 .837 .850 .733 .850 .770 .720 .682 .812 .774 1.103 .771 .724 .725 .457 .365 .457 .838 .500 .500 .675 .716 .593 .716 .678 .435 .716 .712 .343 .343 .665 .343 1.042 .712 .687 .716 .716 .493 .595 .478 .712 .652 .924 .645 .652 .582 .712 .365 .712 .838"

    @Test("no printable ASCII character is estimated narrower than DejaVu Sans draws it, regular or bold", arguments: [false, true])
    func neverUnderEstimatesDejaVu(bold: Bool) {
        let measured = (bold ? Self.dejaVuBold : Self.dejaVuRegular).split(separator: " ").compactMap { Double($0) }
        #expect(measured.count == 94)
        for (k, advance) in measured.enumerated() {
            let u = Unicode.Scalar(UInt8(0x21 + k))
            #expect(SVGText.emWidth(u, bold: bold) >= advance, "\(u) \(bold ? "bold" : "regular"): \(SVGText.emWidth(u, bold: bold)) < \(advance)")
        }
        // …and the upper bound stays useful: an English name is over-estimated by less than a fifth.
        let name = "Potential Loyalists"
        let drawn = name.unicodeScalars.map { u -> Double in u == " " ? (bold ? 0.348 : 0.318) : measured[Int(u.value) - 0x21] }.reduce(0, +)
        #expect(SVGText.width(name, fontSize: 1, weight: bold ? .bold : .normal) < 1.2 * drawn)
    }

    @Test("truncation to a width never exceeds the width, keeps whole Characters and ends with an ellipsis",
          arguments: ["冠军客户需要特别关注的高价值群体", "Can't Lose Them — high spenders", "🇨🇳🇯🇵🇰🇷🇺🇸🇫🇷", "cafe\u{301} cafe\u{301} cafe\u{301} cafe\u{301}", "👩‍👩‍👧‍👦 family accounts"])
    func truncation(text: String) {
        let full = SVGText.width(text, fontSize: 12)
        #expect(SVGText.truncated(text, maxWidth: full, fontSize: 12) == text, "a text that fits is kept as it is")
        for maxWidth in stride(from: 0.0, to: full, by: 3.5) {
            let cut = SVGText.truncated(text, maxWidth: maxWidth, fontSize: 12)
            #expect(SVGText.width(cut, fontSize: 12) <= maxWidth, "\(cut) in \(maxWidth)")
            guard !cut.isEmpty else { continue }
            #expect(cut.hasSuffix("…"))
            let kept = String(cut.dropLast())
            #expect(text.starts(with: kept), "\(kept) is a prefix of whole Characters")
            #expect(kept.count < text.count)
        }
        #expect(SVGText.truncated("冠军客户", maxWidth: 5, fontSize: 12) == "", "not even the ellipsis fits")
    }

    @Test("a truncated label keeps its full text, escaped, in a <title> child; a label that fits has none")
    func truncatedLabelHasTitle() throws {
        var canvas = SVGCanvas()
        canvas.label("不能失去的 <高价值> 客户 & 朋友", maxWidth: 60, x: 70, y: 20, anchor: .end)
        canvas.label("冠军客户", maxWidth: 60, x: 70, y: 40, anchor: .end)
        let svg = try SVGTestXML.parse("<svg>" + canvas.markup + "</svg>")
        let texts = svg.elements("text")
        #expect(texts.count == 2)
        #expect(texts[0].text.hasSuffix("…") && SVGText.width(texts[0].text, fontSize: 12) <= 60)
        #expect(texts[0].elements("title").map(\.text) == ["不能失去的 <高价值> 客户 & 朋友"])
        #expect(canvas.markup.contains("&lt;高价值&gt; 客户 &amp; 朋友</title></text>"))
        #expect(texts[1].text == "冠军客户" && texts[1].elements("title").isEmpty)
    }

    @Test("a chart with long Chinese names keeps every label's estimated box inside its viewBox", arguments: SVGTestChineseCharts.all.map(\.0))
    func chineseLabelsInside(kind: String) throws {
        let chart = try #require(SVGTestChineseCharts.all.first { $0.0 == kind }?.1)
        let svg = try SVGTestXML.parse(chart.svg())
        #expect(try SVGTestTextBox.outside(svg) == [])
        #expect(svg.elements("text").contains { $0.text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }, "CJK is drawn")
        // The longest name did not fit whole anywhere it is drawn, so it was cut and kept as a tooltip.
        let cut = svg.elements("text").filter { $0.text.hasSuffix("…") }
        #expect(!cut.isEmpty && cut.allSatisfy { $0.elements("title").count == 1 })
    }

    @Test("the box check itself fails a right-anchored CJK label next to the left edge")
    func boxCheckCanFail() throws {
        let svg = try SVGTestXML.parse("<svg viewBox=\"0 0 200 100\"><text x=\"30\" y=\"50\" font-size=\"12\" text-anchor=\"end\">冠军客户</text></svg>")
        #expect(try SVGTestTextBox.outside(svg) == ["冠军客户"])
    }
}
