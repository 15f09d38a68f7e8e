import Foundation

/// Category labels slanted at −35°, anchored at their end, for columns too narrow for them: the
/// geometry the vertical bar chart and the heat map share when they size the band under the axis.
package enum SVGSlantedLabel {
    /// The rotation passed to `SVGCanvas.text`.
    package static let rotation = -35.0
    /// A label of width w reaches `across · w` to the left of its anchor and `down · w` below it.
    package static let across = cos(35 * Double.pi / 180)
    package static let down = sin(35 * Double.pi / 180)

    /// Height below the anchor that a label of `width` needs, its glyphs' height included.
    package static func band(width: Double, fontSize: Double) -> Double {
        width * down + fontSize * across
    }

    /// Line ascent in em of the tallest font a label may be drawn in (Noto Sans CJK: 1.16).
    package static let ascent = 1.16

    /// The widest label anchored at `x` whose lower left corner — the start of its line, tilted
    /// back by the ascent — stays at least `margin` inside the chart.
    package static func maxWidth(anchoredAt x: Double, fontSize: Double, margin: Double = 4) -> Double {
        max(0, (x - margin - ascent * fontSize * down) / across)
    }
}
