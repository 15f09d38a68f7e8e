/// Appends SVG elements to a string: coordinates through `SVGNumber.coordinate`, every text and
/// attribute through `SVGText`, so a chart cannot emit malformed markup or an unescaped name.
package struct SVGCanvas {
    package private(set) var markup = ""

    package enum Anchor: String { case start, middle, end }
    package enum Weight: String { case normal, bold }

    package init(capacity: Int = 4096) { markup.reserveCapacity(capacity) }

    /// A rectangle; `tooltip` becomes a `<title>` child (shown on hover, read by screen readers).
    package mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: SVGColor,
                       stroke: SVGColor? = nil, strokeWidth: Double = 1, tooltip: String? = nil) {
        markup += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(max(0, width)))\" height=\"\(c(max(0, height)))\" fill=\"\(fill.hex)\""
        if let stroke { markup += " stroke=\"\(stroke.hex)\" stroke-width=\"\(c(strokeWidth))\"" }
        if let tooltip { markup += "><title>\(SVGText.escape(tooltip))</title></rect>" } else { markup += "/>" }
    }

    package mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: SVGColor, width: Double = 1, dashed: Bool = false) {
        markup += "<line x1=\"\(c(x1))\" y1=\"\(c(y1))\" x2=\"\(c(x2))\" y2=\"\(c(y2))\" stroke=\"\(stroke.hex)\" stroke-width=\"\(c(width))\""
        if dashed { markup += " stroke-dasharray=\"5 4\"" }
        markup += "/>"
    }

    /// An open line through `points` (in canvas coordinates).
    package mutating func polyline(_ points: [SVGPoint], stroke: SVGColor, width: Double = 2, dashed: Bool = false, tooltip: String? = nil) {
        guard !points.isEmpty else { return }
        markup += "<polyline fill=\"none\" stroke=\"\(stroke.hex)\" stroke-width=\"\(c(width))\" stroke-linejoin=\"round\""
        if dashed { markup += " stroke-dasharray=\"6 4\"" }
        markup += " points=\""
        for (i, p) in points.enumerated() {
            if i > 0 { markup += " " }
            markup += c(p.x) + "," + c(p.y)
        }
        markup += "\""
        if let tooltip { markup += "><title>\(SVGText.escape(tooltip))</title></polyline>" } else { markup += "/>" }
    }

    package mutating func circle(cx: Double, cy: Double, r: Double, fill: SVGColor, tooltip: String? = nil) {
        markup += "<circle cx=\"\(c(cx))\" cy=\"\(c(cy))\" r=\"\(c(r))\" fill=\"\(fill.hex)\""
        if let tooltip { markup += "><title>\(SVGText.escape(tooltip))</title></circle>" } else { markup += "/>" }
    }

    /// Text at (x, y); `rotation` in degrees about (x, y); `centered` puts y at the middle of the
    /// glyphs (`dominant-baseline: central`) instead of on the baseline; `title` becomes a `<title>`
    /// child (the full text of a truncated label, shown on hover).
    package mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, weight: Weight = .normal,
                       fill: SVGColor = SVGPalette.text, rotation: Double? = nil, centered: Bool = false, title: String? = nil) {
        markup += "<text x=\"\(c(x))\" y=\"\(c(y))\" font-size=\"\(c(size))\""
        if anchor != .start { markup += " text-anchor=\"\(anchor.rawValue)\"" }
        if weight != .normal { markup += " font-weight=\"\(weight.rawValue)\"" }
        if fill != SVGPalette.text { markup += " fill=\"\(fill.hex)\"" }
        if centered { markup += " dominant-baseline=\"central\"" }
        if let rotation { markup += " transform=\"rotate(\(c(rotation)) \(c(x)) \(c(y)))\"" }
        markup += ">\(SVGText.escape(s))"
        if let title { markup += "<title>\(SVGText.escape(title))</title>" }
        markup += "</text>"
    }

    /// `text`, cut to `maxWidth` (see `SVGText.truncated`); a cut label keeps its full text as `title`.
    package mutating func label(_ s: String, maxWidth: Double, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                                weight: Weight = .normal, fill: SVGColor = SVGPalette.text, rotation: Double? = nil, centered: Bool = false) {
        let shown = SVGText.truncated(s, maxWidth: maxWidth, fontSize: size, weight: weight)
        text(shown, x: x, y: y, size: size, anchor: anchor, weight: weight, fill: fill, rotation: rotation, centered: centered,
             title: shown == s ? nil : s)
    }

    @inline(__always) private func c(_ x: Double) -> String { SVGNumber.coordinate(x) }
}
