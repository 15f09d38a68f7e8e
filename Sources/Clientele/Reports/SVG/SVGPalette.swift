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

    /// What a group means for the business, for fills that encode meaning rather than size
    /// (the value matrix, the satisfaction–loyalty matrix, cluster rows). Light fills, so dark
    /// text stays readable; green/amber/red-orange differ in lightness too, for colour-blind readers.
    package enum Tone: String, Sendable, Equatable, CaseIterable {
        /// The customers to keep (Most valuable, Loyalists).
        case good
        /// Worth developing (Growth potential).
        case promising
        /// Slipping or fragile (Declining, Mercenaries, Hostages).
        case watch
        /// Leaving or unhappy (Defectors).
        case bad
        /// Little value either way (Low value).
        case low

        package var fill: SVGColor {
            switch self {
            case .good: return SVGColor(hex: 0x7CC79A)
            case .promising: return SVGColor(hex: 0xCBE8D5)
            case .watch: return SVGColor(hex: 0xF5C98E)
            case .bad: return SVGColor(hex: 0xEE9A7E)
            case .low: return SVGColor(hex: 0xD9D9D9)
            }
        }

        /// Said in the chart's text alternative and tooltips.
        package var meaning: String {
            switch self {
            case .good: return "keep"
            case .promising: return "develop"
            case .watch: return "watch"
            case .bad: return "at risk"
            case .low: return "low priority"
            }
        }
    }
}
