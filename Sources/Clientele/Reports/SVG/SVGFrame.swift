/// The outer `<svg>` element shared by every chart.
package enum SVGFrame {
    package static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    package static let titleSize = 15.0
    /// Height of the title band at the top of every chart.
    package static let titleBand = 34.0

    /// Wraps `body` (drawn in a `width` × `height` box) with the root element, the text alternative
    /// and the visible title.
    package static func render(width: Double, height: Double, title: String, alternative: String, body: String) -> String {
        let w = SVGNumber.coordinate(width), h = SVGNumber.coordinate(height)
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\""
        s += " aria-label=\"\(SVGText.escapeAttribute(title + ": " + alternative))\""
        s += " font-family=\"\(fontFamily)\">"
        s += "<title>\(SVGText.escape(title))</title><desc>\(SVGText.escape(alternative))</desc>"
        var canvas = SVGCanvas()
        canvas.rect(x: 0, y: 0, width: width, height: height, fill: SVGColor(hex: 0xFFFFFF))
        canvas.label(title, maxWidth: width - 16, x: 8, y: 22, size: titleSize, weight: .bold)
        s += canvas.markup
        s += body
        s += "</svg>"
        return s
    }

    /// Legend entries in a row starting at (x, y): a swatch (solid, or a dashed line) and the name.
    package static func legend(_ entries: [(name: String, color: SVGColor, dashed: Bool)], x: Double, y: Double, maxWidth: Double, into canvas: inout SVGCanvas) {
        var cx = x
        var cy = y
        for e in entries {
            let w = legendEntryWidth(e.name, maxWidth: maxWidth)
            if cx > x && cx + w > x + maxWidth { cx = x; cy += 16 }
            if e.dashed {
                canvas.line(x1: cx, y1: cy, x2: cx + 16, y2: cy, stroke: e.color, width: 2, dashed: true)
            } else {
                canvas.rect(x: cx, y: cy - 5, width: 16, height: 10, fill: e.color)
            }
            canvas.label(e.name, maxWidth: maxWidth - legendEntryExtra, x: cx + 21, y: cy + 4, size: legendSize)
            cx += w
        }
    }

    /// Height a legend of `entries` needs in `maxWidth`.
    package static func legendHeight(_ names: [String], maxWidth: Double) -> Double {
        var rows = 1.0, cx = 0.0
        for n in names {
            let w = legendEntryWidth(n, maxWidth: maxWidth)
            if cx > 0 && cx + w > maxWidth { rows += 1; cx = 0 }
            cx += w
        }
        return rows * 16
    }

    /// Font size of legend names.
    private static let legendSize = 11.0
    /// Swatch, gap and space after the name: an entry is this much wider than its name.
    private static let legendEntryExtra = 36.0

    /// Width of the legend entry for `name`, whose name is cut to fit a row of `maxWidth`.
    private static func legendEntryWidth(_ name: String, maxWidth: Double) -> Double {
        min(SVGText.width(name, fontSize: legendSize), maxWidth - legendEntryExtra) + legendEntryExtra
    }

    /// "a; b; c", cut after `limit` items with a count of the rest.
    package static func list(_ items: [String], limit: Int = 60) -> String {
        if items.count <= limit { return items.joined(separator: "; ") }
        return items.prefix(limit).joined(separator: "; ") + "; and \(items.count - limit) more"
    }
}
