import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Clientele
@testable import ClienteleReports

// Helpers shared by the SVG* and HTMLReport* suites start with `SVGTest`.

/// An element parsed by `SVGTestXML.parse`: name, attributes, children, and its own text.
final class SVGTestNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGTestNode] = []
    var text = ""
    /// Text of this node and its descendants, in document order.
    var allText = ""
    init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

    /// This node and every descendant, depth first.
    var all: [SVGTestNode] { [self] + children.flatMap(\.all) }
    func elements(_ name: String) -> [SVGTestNode] { all.filter { $0.name == name } }
}

/// A strict XML reader (Foundation's `XMLParser`, libxml2 on Linux): charts and the whole page must be well-formed.
enum SVGTestXML {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [SVGTestNode] = []
        var root: SVGTestNode?
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                    attributes attributeDict: [String: String] = [:]) {
            let node = SVGTestNode(name: elementName, attributes: attributeDict)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            stack.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
            for node in stack { node.allText += string }
        }
    }

    static func parse(_ text: String) throws -> SVGTestNode {
        let parser = XMLParser(data: Data(text.utf8))
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw Malformed(description: "line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "no root")")
        }
        return root
    }
}

/// One chart of every kind, with awkward names, for the properties every chart must have.
enum SVGTestCharts {
    static let hostile = "R&D <b>\"gold\"</b> 'VIP'"

    static var heatMap: SVGHeatMap {
        SVGHeatMap(title: "Customers by R and F", description: "Counts per cell", rowTitle: "R", columnTitle: "F",
                   rowLabels: ["3", "2", "1"], columnLabels: ["1", "2", hostile], values: [1, 2, 3, 4, 5, 6, 7, 8, .nan],
                   cellSublabels: ["a", "b", "c", "d", "e", "f", "g", "h", "i"], legendTitle: "customers")
    }
    static var bars: SVGBarChart {
        SVGBarChart(title: "Segment sizes", description: "Share of customers", categories: ["Champions", hostile, "Lost"],
                    series: [.init(name: "customers", values: [0.2, 0.5, 0.3])], categoryTitle: "segment", valueTitle: "share", valueFormat: .percent(1))
    }
    static var groupedBars: SVGBarChart {
        SVGBarChart(title: "Sizes and revenue", description: "Two shares", categories: ["A", "B"],
                    series: [.init(name: "customers", values: [0.6, 0.4]), .init(name: "revenue", values: [0.9, .nan])],
                    categoryTitle: "segment", valueTitle: "share", valueFormat: .percent(0))
    }
    static var verticalBars: SVGBarChart {
        SVGBarChart(title: "Lift by decile", description: "Lift", categories: (1...10).map(String.init),
                    series: [.init(name: "lift", values: [3.1, 2.2, 1.6, 1.2, 1.0, 0.8, 0.6, 0.4, 0.3, -0.2])], orientation: .vertical,
                    categoryTitle: "decile", valueTitle: "lift", valueFormat: .fixed(2), reference: .init(value: 1, label: "no model"))
    }
    static var lines: SVGLineChart {
        SVGLineChart(title: "ROC curve", description: "TPR against FPR", x: .init(title: "false positive rate", domain: 0...1),
                     y: .init(title: "true positive rate", domain: 0...1),
                     series: [.init(name: hostile, points: [.init(x: 0, y: 0), .init(x: 0.1, y: 0.5), .init(x: 1, y: 1)]),
                              .init(name: "other", points: [.init(x: 0, y: 0), .init(x: 2, y: -1)], dashed: true, markers: true)],
                     diagonal: "chance", note: "AUC 0.812")
    }
    static var quadrants: SVGQuadrantChart {
        SVGQuadrantChart(title: "Value matrix", description: "Current × future", xTitle: "current value", yTitle: "future value",
                         xSplit: "median 12.50", ySplit: nil, topLeft: .init(name: "Rising", customers: 10),
                         topRight: .init(name: hostile, customers: 30, detail: "CLV 1.2k"), bottomLeft: .init(name: "Low", customers: 50),
                         bottomRight: .init(name: "Fading", customers: 10))
    }
    static var all: [(String, any SVGChart)] {
        [("heat map", heatMap), ("bars", bars), ("grouped bars", groupedBars), ("vertical bars", verticalBars),
         ("lines", lines), ("quadrants", quadrants)]
    }
}

@Suite("SVG charts")
struct SVGChartTests {
    @Test("every chart is well-formed XML with role img, an aria-label, a title and a description first", arguments: SVGTestCharts.all.map(\.0))
    func textAlternatives(kind: String) throws {
        let chart = try #require(SVGTestCharts.all.first { $0.0 == kind }?.1)
        let svg = try SVGTestXML.parse(chart.svg())
        #expect(svg.name == "svg")
        #expect(svg.attributes["role"] == "img")
        let label = try #require(svg.attributes["aria-label"])
        #expect(label.hasPrefix(chart.title + ": "))
        #expect(label.count > chart.title.count + 20, "the label carries the description and numbers, not just the title")
        #expect(svg.children.first?.name == "title" && svg.children.first?.text == chart.title)
        #expect(svg.children.dropFirst().first?.name == "desc")
        #expect(svg.children.dropFirst().first?.text == chart.textAlternative)
        #expect(svg.children.dropFirst().first?.text.contains(chart.description) == true)
        // The title is also drawn, so it prints.
        #expect(svg.elements("text").contains { $0.text == chart.title })
    }

    @Test("the viewBox is fixed and matches width and height", arguments: SVGTestCharts.all.map(\.0))
    func viewBox(kind: String) throws {
        let chart = try #require(SVGTestCharts.all.first { $0.0 == kind }?.1)
        let svg = try SVGTestXML.parse(chart.svg())
        let box = try #require(svg.attributes["viewBox"]).split(separator: " ").map { Double($0) }
        #expect(box.count == 4 && box[0] == 0 && box[1] == 0)
        #expect(box[2] == Double(svg.attributes["width"] ?? "") && box[3] == Double(svg.attributes["height"] ?? ""))
        #expect(chart.svg() == chart.svg(), "rendering is deterministic")
    }

    @Test("numbers in attributes are plain decimals: no NaN, no infinity, no exponent, no comma", arguments: SVGTestCharts.all.map(\.0))
    func attributeNumbers(kind: String) throws {
        let chart = try #require(SVGTestCharts.all.first { $0.0 == kind }?.1)
        let svg = try SVGTestXML.parse(chart.svg())
        let numeric: Set<String> = ["x", "y", "x1", "y1", "x2", "y2", "width", "height", "cx", "cy", "r", "font-size", "stroke-width"]
        var checked = 0
        for node in svg.all {
            for (key, value) in node.attributes where numeric.contains(key) {
                #expect(value.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }, "\(node.name) \(key)=\(value)")
                #expect(Double(value)?.isFinite == true, "\(node.name) \(key)=\(value)")
                checked += 1
            }
            if let points = node.attributes["points"] {
                for pair in points.split(separator: " ") {
                    #expect(pair.split(separator: ",").count == 2 && pair.split(separator: ",").allSatisfy { Double($0)?.isFinite == true }, "\(pair)")
                }
            }
        }
        #expect(checked > 10)
    }

    @Test("names with markup, ampersands and quotes are escaped and read back unchanged", arguments: ["heat map", "bars", "lines", "quadrants"])
    func escaping(kind: String) throws {
        let chart = try #require(SVGTestCharts.all.first { $0.0 == kind }?.1)
        let markup = chart.svg()
        #expect(!markup.contains("<b>"))
        #expect(markup.contains("R&amp;D &lt;b&gt;"))
        let svg = try SVGTestXML.parse(markup)
        #expect(svg.elements("text").contains { $0.text.contains(SVGTestCharts.hostile) }, "the drawn label shows the name as written")
        #expect(svg.attributes["aria-label"]?.contains(SVGTestCharts.hostile) == true)
        #expect(svg.elements("b").isEmpty)
    }

    @Test("a chart never emits a script, an event handler or an external reference", arguments: SVGTestCharts.all.map(\.0))
    func inert(kind: String) throws {
        let chart = try #require(SVGTestCharts.all.first { $0.0 == kind }?.1)
        let markup = chart.svg().lowercased()
        for needle in ["<script", "javascript:", "http://", "https://", "href", "url(", "<foreignobject", "<image"] {
            #expect(!markup.contains(needle), "\(needle)")
        }
        let svg = try SVGTestXML.parse(chart.svg())
        #expect(svg.all.allSatisfy { node in node.attributes.keys.allSatisfy { !$0.lowercased().hasPrefix("on") } })
    }

    @Test("axis titles are drawn", arguments: [("heat map", ["R", "F"]), ("bars", ["segment", "share"]), ("vertical bars", ["decile", "lift"]),
                                                ("lines", ["false positive rate", "true positive rate"]), ("quadrants", ["current value →", "future value →"])])
    func axisTitles(kind: String, titles: [String]) throws {
        let chart = try #require(SVGTestCharts.all.first { $0.0 == kind }?.1)
        let texts = try SVGTestXML.parse(chart.svg()).elements("text").map(\.text)
        for t in titles { #expect(texts.contains(t), "\(t)") }
    }
}

@Suite("SVG heat map")
struct SVGHeatMapTests {
    /// The cell rectangles in drawing order (row by row), skipping the background and legend.
    func cells(_ map: SVGHeatMap) throws -> [SVGTestNode] {
        let rects = try SVGTestXML.parse(map.svg()).elements("rect").filter { !$0.children.isEmpty }
        return Array(rects.prefix(map.values.count))
    }

    /// Relative luminance of each cell's fill, in drawing order.
    func luminance(_ map: SVGHeatMap) throws -> [Double] {
        try cells(map).map { SVGColor(hex: try #require(UInt32(($0.attributes["fill"] ?? "").dropFirst(), radix: 16))).relativeLuminance }
    }

    @Test("cell fills darken strictly as the value grows by more than a 256th of the range, and each cell is labelled with its value")
    func monotoneFills() throws {
        let values = [75_000.0, 400_000, 0, 1_000_000, 30_000, 555_000, 120_000, 800_000, 260_000]
        let map = SVGHeatMap(title: "t", description: "d", rowTitle: "r", columnTitle: "c", rowLabels: ["a", "b", "c"],
                             columnLabels: ["x", "y", "z"], values: values)
        let l = try luminance(map)
        #expect(l.count == 9)
        let order = values.indices.sorted { values[$0] < values[$1] }
        for (a, b) in zip(order, order.dropFirst()) {
            #expect(l[a] > l[b], "value \(values[a]) must be lighter than \(values[b])")
        }
        let texts = try SVGTestXML.parse(map.svg()).elements("text").map(\.text)
        for v in values { #expect(texts.contains(SVGNumber.format(v, .integer))) }
        #expect(texts.contains("1,000,000"))
    }

    @Test("on random values the fill never gets lighter as the value grows (8-bit colours may tie when values are close)")
    func monotoneFillsRandom() throws {
        var generator = SeededGenerator(seed: 3)
        let values = (0..<64).map { _ in Double.random(in: -50...5_000, using: &generator) }
        let map = SVGHeatMap(title: "t", description: "d", rowTitle: "r", columnTitle: "c", rowLabels: (0..<8).map(String.init),
                             columnLabels: (0..<8).map(String.init), values: values)
        let l = try luminance(map)
        let order = values.indices.sorted { values[$0] < values[$1] }
        for (a, b) in zip(order, order.dropFirst()) { #expect(l[a] >= l[b]) }
        #expect(l[order.first!] > l[order.last!])
    }

    @Test("the label's ink contrasts with the fill: white on the darkest cell, dark on the lightest")
    func labelInk() throws {
        let map = SVGHeatMap(title: "t", description: "d", rowTitle: "r", columnTitle: "c", rowLabels: ["a"], columnLabels: ["x", "y"], values: [0, 10])
        let texts = try SVGTestXML.parse(map.svg()).elements("text")
        let light = try #require(texts.first { $0.text == "0" }), dark = try #require(texts.first { $0.text == "10" })
        #expect(dark.attributes["fill"] == "#ffffff")
        #expect(light.attributes["fill"] == nil, "default near-black ink")
    }

    @Test("a NaN cell is grey and labelled with a dash; the other cells keep the full range")
    func missingCell() throws {
        let map = SVGHeatMap(title: "t", description: "d", rowTitle: "r", columnTitle: "c", rowLabels: ["a"], columnLabels: ["x", "y", "z"],
                             values: [1, .nan, 3])
        let rects = try cells(map)
        #expect(rects[1].attributes["fill"] == SVGPalette.missing.hex)
        #expect(rects[0].attributes["fill"] == SVGColorScale.bluesStops.first!.hex)
        #expect(rects[2].attributes["fill"] == SVGColorScale.bluesStops.last!.hex)
        #expect(try SVGTestXML.parse(map.svg()).elements("text").contains { $0.text == "—" })
    }

    @Test("on a diverging scale the fill darkens with distance from zero on both sides")
    func divergingFills() throws {
        let values = [-1, -0.6, -0.2, 0, 0.2, 0.6, 1.0]
        let map = SVGHeatMap(title: "t", description: "d", rowTitle: "r", columnTitle: "c", rowLabels: ["a"],
                             columnLabels: values.map { "\($0)" }, values: values, valueFormat: .fixed(2), scale: .diverging(limit: 1))
        let l = try luminance(map)
        #expect(l[0] < l[1] && l[1] < l[2] && l[2] < l[3])
        #expect(l[6] < l[5] && l[5] < l[4] && l[4] < l[3])
        let fills = try cells(map).map { $0.attributes["fill"] ?? "" }
        let blue = try #require(UInt32(fills[0].dropFirst(), radix: 16)), red = try #require(UInt32(fills[6].dropFirst(), radix: 16))
        #expect(blue & 0xFF > blue >> 16, "negative is blue")
        #expect(red >> 16 > red & 0xFF, "positive is red")
    }

    @Test("the layout does not depend on the size of the numbers: the same viewBox for counts of ten and of ten million")
    func layoutIndependentOfMagnitude() throws {
        func box(_ scale: Double) throws -> String? {
            let m = SVGHeatMap(title: "t", description: "d", rowTitle: "r", columnTitle: "c", rowLabels: ["1", "2"], columnLabels: ["1", "2"],
                               values: [1, 2, 3, 4].map { $0 * scale })
            return try SVGTestXML.parse(m.svg()).attributes["viewBox"]
        }
        #expect(try box(10) == box(10_000_000))
    }
}

@Suite("SVG line and bar charts")
struct SVGLineBarTests {
    @Test("a curve of a hundred thousand points is thinned to at most 400, keeping both ends")
    func thinning() throws {
        let points = (0...100_000).map { SVGPoint(x: Double($0) / 100_000, y: sqrt(Double($0) / 100_000)) }
        let chart = SVGLineChart(title: "ROC", description: "d", x: .init(title: "x", domain: 0...1), y: .init(title: "y", domain: 0...1),
                                 series: [.init(name: "model", points: points)], diagonal: "chance")
        let svg = try SVGTestXML.parse(chart.svg())
        let line = try #require(svg.elements("polyline").first)
        let drawn = try #require(line.attributes["points"]).split(separator: " ")
        #expect(drawn.count == SVGLineChart.maxPoints)
        let thinned = SVGLineChart.thinned(points)
        #expect(thinned.first == points.first && thinned.last == points.last)
        #expect(chart.svg().utf8.count < 40_000)
    }

    @Test("the diagonal reference runs from the lower left to the upper right corner of a unit plot")
    func diagonal() throws {
        let svg = try SVGTestXML.parse(SVGTestCharts.lines.svg())
        let dashed = svg.elements("line").filter { $0.attributes["stroke-dasharray"] != nil }
        let d = try #require(dashed.first { $0.attributes["x1"] != $0.attributes["x2"] && $0.attributes["y1"] != $0.attributes["y2"] })
        let x1 = try #require(Double(d.attributes["x1"] ?? "")), y1 = try #require(Double(d.attributes["y1"] ?? ""))
        let x2 = try #require(Double(d.attributes["x2"] ?? "")), y2 = try #require(Double(d.attributes["y2"] ?? ""))
        #expect(x2 > x1 && y2 < y1, "up and to the right")
        #expect(abs((x2 - x1) - (y1 - y2)) < 0.05, "a 45° line on a square plot")
    }

    @Test("bars are as long as their values: proportional lengths from the zero line")
    func barLengths() throws {
        let chart = SVGBarChart(title: "t", description: "d", categories: ["a", "b", "c"], series: [.init(name: "s", values: [10, 20, 40])],
                                categoryTitle: "c", valueTitle: "v", valueDomain: 0...40)
        let bars = try SVGTestXML.parse(chart.svg()).elements("rect").filter { !$0.children.isEmpty }
        let widths = bars.compactMap { Double($0.attributes["width"] ?? "") }
        #expect(widths.count == 3)
        #expect(abs(widths[1] / widths[0] - 2) < 0.01 && abs(widths[2] / widths[0] - 4) < 0.01)
    }

    @Test("grouped bars draw one bar per finite value and a legend entry per series")
    func groupedBars() throws {
        let svg = try SVGTestXML.parse(SVGTestCharts.groupedBars.svg())
        let bars = svg.elements("rect").filter { !$0.children.isEmpty }
        #expect(bars.count == 3, "the NaN value draws nothing")
        #expect(Set(bars.map { $0.attributes["fill"] ?? "" }).count == 2)
        let texts = svg.elements("text").map(\.text)
        #expect(texts.contains("customers") && texts.contains("revenue"))
    }

    @Test("the data summary lists every category's value for screen readers")
    func barSummary() {
        let summary = SVGTestCharts.verticalBars.dataSummary
        #expect(summary.contains("1: 3.10") && summary.contains("10: -0.20"))
        #expect(summary.contains("Reference line at 1.00 (no model)"))
    }

    @Test("the quadrant chart puts high-high top right and shows counts with shares of the total")
    func quadrantPlacement() throws {
        let chart = SVGTestCharts.quadrants
        #expect(chart.total == 100)
        let svg = try SVGTestXML.parse(chart.svg())
        let texts = svg.elements("text")
        let rising = try #require(texts.first { $0.text == "Rising" }), fading = try #require(texts.first { $0.text == "Fading" })
        let top = try #require(texts.first { $0.text == SVGTestCharts.hostile })
        #expect(Double(rising.attributes["x"]!)! < Double(top.attributes["x"]!)!)
        #expect(Double(top.attributes["y"]!)! < Double(fading.attributes["y"]!)!)
        #expect(texts.contains { $0.text == "50.0% of customers" })
        #expect(chart.dataSummary.contains("Low (low future value, low current value): 50 customers, 50.0%"))
    }
}

@Suite("SVG numbers, text and colours")
struct SVGPrimitivesTests {
    @Test("fixed-point formatting rounds half away from zero, never writes -0, and groups thousands on request",
          arguments: [(2.345, 2, false, "2.35"), (-2.345, 2, false, "-2.35"), (-0.004, 2, false, "0.00"), (0.5, 0, false, "1"),
                      (1234567.891, 2, true, "1,234,567.89"), (-1234.5, 1, true, "-1,234.5"), (999.999, 2, true, "1,000.00"),
                      (Double.nan, 2, false, "—"), (Double.infinity, 1, false, "—"), (7, 3, false, "7.000")])
    func fixed(value: Double, digits: Int, grouping: Bool, expected: String) {
        #expect(SVGNumber.fixed(value, digits: digits, grouping: grouping) == expected)
    }

    @Test("coordinates keep at most two decimals without trailing zeros",
          arguments: [(12.5, "12.5"), (3.0, "3"), (-0.25, "-0.25"), (1.006, "1.01"), (1.004, "1"), (-0.001, "0"), (100.10, "100.1"), (Double.nan, "0")])
    func coordinate(value: Double, expected: String) {
        #expect(SVGNumber.coordinate(value) == expected)
    }

    @Test("a coordinate is the two-decimal fixed-point text without its trailing zeros, for any value")
    func coordinateIsTrimmedFixed() {
        var random = RandomSource(seed: 17)
        let edges: [Double] = [0, -0.0, 0.004, -0.004, 0.005, -0.005, 0.995, -0.995, 9.999, 1e6 + 0.5, -123.456, 1e17, -2e19, 0.1 + 0.2]
        let values = edges + (0..<5_000).map { _ in (random.uniform() - 0.5) * pow(10, Double(random.index(below: 9)) - 2) }
        for x in values {
            #expect(SVGNumber.coordinate(x) == SVGNumber.trimmed(SVGNumber.fixed(x, digits: 2)), "\(x)")
        }
    }

    @Test("integers group by thousands with commas",
          arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (-1234567, "-1,234,567"), (100000, "100,000"), (Int.max, "9,223,372,036,854,775,807")])
    func grouped(value: Int, expected: String) {
        #expect(SVGNumber.grouped(value) == expected)
    }

    @Test("compact labels keep three significant digits with k, M, B",
          arguments: [(950.0, "950"), (12345, "12.3k"), (999.6, "1k"), (4_560_000, "4.56M"), (-7_800_000_000, "-7.8B"), (0.1234, "0.123"), (0, "0")])
    func compact(value: Double, expected: String) {
        #expect(SVGNumber.compact(value) == expected)
    }

    @Test("percentages of shares", arguments: [(0.1234, 1, "12.3%"), (1, 0, "100%"), (0.0005, 2, "0.05%")])
    func percent(share: Double, digits: Int, expected: String) {
        #expect(SVGNumber.percent(share, digits: digits) == expected)
    }

    @Test("formatting ignores the C locale's decimal comma")
    func localeIndependent() {
        let previous = String(cString: setlocale(LC_NUMERIC, nil))
        defer { setlocale(LC_NUMERIC, previous) }
        for name in ["de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"] { if setlocale(LC_NUMERIC, name) != nil { break } }
        #expect(SVGNumber.fixed(1234.5, digits: 1, grouping: true) == "1,234.5")
        #expect(SVGNumber.coordinate(0.5) == "0.5")
    }

    @Test("text escaping covers markup characters, and attributes also quotes",
          arguments: [("a < b & c > d", "a &lt; b &amp; c &gt; d", "a &lt; b &amp; c &gt; d"),
                      ("\"x\" 'y'", "\"x\" 'y'", "&quot;x&quot; &#39;y&#39;"),
                      ("plain text", "plain text", "plain text"),
                      ("&amp;", "&amp;amp;", "&amp;amp;"),
                      ("tab\tnew\nline", "tab\tnew\nline", "tab\tnew\nline")])
    func escaping(raw: String, text: String, attribute: String) {
        #expect(SVGText.escape(raw) == text)
        #expect(SVGText.escapeAttribute(raw) == attribute)
    }

    @Test("characters XML forbids become U+FFFD, so a stray control byte cannot break the page")
    func forbiddenCharacters() throws {
        let raw = "bell\u{07}null\u{00}esc\u{1B}end\u{FFFF}"
        let escaped = SVGText.escape(raw)
        #expect(escaped == "bell\u{FFFD}null\u{FFFD}esc\u{FFFD}end\u{FFFD}")
        let doc = try SVGTestXML.parse("<t a=\"\(SVGText.escapeAttribute(raw))\">\(escaped)</t>")
        #expect(doc.text == escaped)
    }

    @Test("the sequential scale's luminance falls strictly from the low end to the high end, and clamps outside it")
    func sequentialScale() {
        let scale = SVGColorScale.sequential(10...20)
        let luminance = (0...200).map { scale.color(10 + Double($0) / 20).relativeLuminance }
        #expect(zip(luminance, luminance.dropFirst()).allSatisfy { $0 > $1 })
        #expect(scale.color(-5) == scale.color(10) && scale.color(99) == scale.color(20))
        #expect(scale.color(.nan) == SVGPalette.missing)
        #expect(SVGColorScale.sequential(3...3).color(3) == SVGColorScale.sequential(0...1).color(0.5), "an empty domain paints the middle")
    }

    @Test("the diverging scale is lightest at the centre and darkens strictly towards both ends")
    func divergingScale() {
        let scale = SVGColorScale.diverging(limit: 1)
        let up = (0...100).map { scale.color(Double($0) / 100).relativeLuminance }
        let down = (0...100).map { scale.color(-Double($0) / 100).relativeLuminance }
        #expect(zip(up, up.dropFirst()).allSatisfy { $0 > $1 })
        #expect(zip(down, down.dropFirst()).allSatisfy { $0 > $1 })
    }

    @Test("hex colours round-trip")
    func hexRoundTrip() {
        for hex: UInt32 in [0x000000, 0xFFFFFF, 0x0072B2, 0x08306B, 0xABCDEF] {
            #expect(SVGColor(hex: hex).hex == "#" + String(hex, radix: 16).leftPadded(6))
        }
    }

    @Test("ticks fall on 1, 2 or 5 × 10^k inside the domain", arguments: [(0.0...1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0.0...37.0, [0, 10, 20, 30]),
                                                                          (-3.0...3.0, [-3, -2, -1, 0, 1, 2, 3]), (0.0...0.05, [0, 0.01, 0.02, 0.03, 0.04, 0.05])])
    func ticks(domain: ClosedRange<Double>, expected: [Double]) {
        let t = SVGLinearScale.ticks(domain).values
        #expect(t.count == expected.count)
        #expect(zip(t, expected).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("nice domains include zero when asked and widen a single value")
    func niceDomain() {
        #expect(SVGLinearScale.niceDomain([3, 37], includeZero: true) == 0...40)
        #expect(SVGLinearScale.niceDomain([-0.3, 0.9]) == -0.4...1.0)
        let single = SVGLinearScale.niceDomain([5])
        #expect(single.lowerBound < 5 && single.upperBound > 5)
        #expect(SVGLinearScale.niceDomain([.nan]) == 0...1)
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
