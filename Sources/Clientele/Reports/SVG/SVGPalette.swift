/// Colour-blind-safe series colours (Okabe & Ito 2008), in the order charts use them.
package enum SVGPalette {
    package static let series: [SVGColor] = [0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0x000000, 0xF0E442].map(SVGColor.init(hex:))
    /// Axes, ticks and frames.
    package static let axis = SVGColor(hex: 0x555555)
    /// Grid lines.
    package static let grid = SVGColor(hex: 0xE3E3E3)
    /// Titles and labels.
    package static let text = SVGColor(hex: 0x1A1A1A)
    /// Secondary labels.
    package static let mutedText = SVGColor(hex: 0x5A5A5A)
    /// Reference lines (chance diagonal, lift 1).
    package static let reference = SVGColor(hex: 0x888888)
    /// Cells without a value.
    package static let missing = SVGColor(hex: 0xF0F0F0)

    /// The colour of series `index`, cycling.
    package static func color(_ index: Int) -> SVGColor { series[((index % series.count) + series.count) % series.count] }
}
