/// Maps a value to a colour by piecewise-linear interpolation between ColorBrewer stops
/// (Harrower & Brewer 2003).
///
/// Sequential scales run from light (low) to dark (high): their relative luminance falls strictly
/// as the value rises, so darker always means more, on screen and in grey-scale print. Diverging
/// scales are light at the centre and darken towards both ends (blue below, red above), so
/// darker means further from the centre. Values outside the domain are clamped; NaN gets
/// `SVGPalette.missing`.
package struct SVGColorScale: Sendable, Equatable {
    /// Value at the first and last stop.
    package let lower: Double
    package let upper: Double
    package let stops: [SVGColor]
    package let isDiverging: Bool

    /// ColorBrewer "Blues", 9 classes: every component non-increasing, green strictly decreasing.
    package static let bluesStops: [SVGColor] = [0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6, 0x4292C6, 0x2171B5, 0x08519C, 0x08306B].map(SVGColor.init(hex:))
    /// ColorBrewer "RdBu" reversed (blue for low, red for high), 11 classes.
    package static let blueRedStops: [SVGColor] = [0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F].map(SVGColor.init(hex:))

    /// Light for `domain.lowerBound`, dark for `domain.upperBound`. An empty domain (all values
    /// equal) paints every value at the middle of the ramp.
    package static func sequential(_ domain: ClosedRange<Double>) -> SVGColorScale {
        SVGColorScale(lower: domain.lowerBound, upper: domain.upperBound, stops: bluesStops, isDiverging: false)
    }

    /// Blue at `-limit`, near-white at 0, red at `+limit` (correlations use `limit = 1`).
    package static func diverging(limit: Double) -> SVGColorScale {
        let l = limit.isFinite && limit > 0 ? limit : 1
        return SVGColorScale(lower: -l, upper: l, stops: blueRedStops, isDiverging: true)
    }

    /// ColorBrewer "BrBG", 11 classes: brown for worse, teal for better (colour-blind safe).
    package static let worseBetterStops: [SVGColor] = [0x543005, 0x8C510A, 0xBF812D, 0xDFC27D, 0xF6E8C3, 0xF5F5F5, 0xC7EAE5, 0x80CDC1, 0x35978F, 0x01665E, 0x003C30].map(SVGColor.init(hex:))

    /// Brown at `-limit` (worse than average), near-white at 0, teal at `+limit` (better): for
    /// values already signed so that positive is good for the business (cluster profiles).
    package static func worseBetter(limit: Double) -> SVGColorScale {
        let l = limit.isFinite && limit > 0 ? limit : 1
        return SVGColorScale(lower: -l, upper: l, stops: worseBetterStops, isDiverging: true)
    }

    /// The colour of `value`.
    package func color(_ value: Double) -> SVGColor {
        guard !value.isNaN else { return SVGPalette.missing }
        let span = upper - lower
        let t: Double
        if !(span > 0) || !span.isFinite { t = 0.5 } else { t = min(max((value - lower) / span, 0), 1) }
        let position = t * Double(stops.count - 1)
        let i = min(Int(position), stops.count - 2)
        return stops[i].mixed(with: stops[i + 1], position - Double(i))
    }
}
