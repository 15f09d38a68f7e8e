import Foundation

/// An sRGB colour with components in [0, 1].
package struct SVGColor: Sendable, Equatable {
    package var red: Double
    package var green: Double
    package var blue: Double

    package init(red: Double, green: Double, blue: Double) {
        self.red = min(max(red, 0), 1)
        self.green = min(max(green, 0), 1)
        self.blue = min(max(blue, 0), 1)
    }

    /// `0xRRGGBB`.
    package init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255, blue: Double(hex & 0xFF) / 255)
    }

    /// `#rrggbb`, each component rounded to the nearest of 256 levels.
    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [35]
        for c in [red, green, blue] {
            let v = Int((c * 255).rounded())
            out.append(digits[v >> 4]); out.append(digits[v & 15])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// WCAG 2 relative luminance: 0.2126 R + 0.7152 G + 0.0722 B of the linearised components.
    package var relativeLuminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Text colour that reads on this fill: near-black on light fills, white on dark ones
    /// (the one with the larger WCAG contrast ratio).
    package var contrastingText: SVGColor {
        let l = relativeLuminance
        let onWhiteText = (1.05) / (l + 0.05)
        let dark = SVGColor(hex: 0x1A1A1A)
        let onDarkText = (l + 0.05) / (dark.relativeLuminance + 0.05)
        return onWhiteText > onDarkText ? SVGColor(hex: 0xFFFFFF) : dark
    }

    /// Linear interpolation in sRGB: `t = 0` is `self`, `t = 1` is `other`.
    package func mixed(with other: SVGColor, _ t: Double) -> SVGColor {
        SVGColor(red: red + (other.red - red) * t, green: green + (other.green - green) * t, blue: blue + (other.blue - blue) * t)
    }
}
