import Foundation

/// A linear map from a data interval onto a pixel interval, with "nice" tick values.
package struct SVGLinearScale: Sendable {
    package let domain: ClosedRange<Double>
    /// Pixel position of `domain.lowerBound` and of `domain.upperBound` (`to < from` for a y axis).
    package let from: Double
    package let to: Double

    package func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, value.isFinite else { return from }
        return from + (value - domain.lowerBound) / span * (to - from)
    }

    /// Ticks at 1, 2 or 5 × 10^k covering `domain` in about `count` steps (Heckbert 1990,
    /// "Nice numbers for graph labels"), with the decimals their labels need.
    package static func ticks(_ domain: ClosedRange<Double>, count: Int = 5) -> (values: [Double], decimals: Int) {
        let lo = domain.lowerBound, hi = domain.upperBound
        guard lo.isFinite, hi.isFinite, hi > lo else { return ([lo.isFinite ? lo : 0], 0) }
        let raw = (hi - lo) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let normalised = raw / magnitude
        let step = (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude
        let first = ceil(lo / step - 1e-9)
        let last = floor(hi / step + 1e-9)
        guard last >= first, last - first < 1000 else { return ([lo, hi], 2) }
        let values = stride(from: first, through: last, by: 1).map { $0 * step }
        return (values, max(0, Int(-floor(log10(step) + 1e-9))))
    }

    /// `domain` widened outwards to whole tick steps, including 0 when `includeZero`; a single value
    /// (or nothing finite) becomes a small interval around it.
    package static func niceDomain(_ values: [Double], includeZero: Bool = false, count: Int = 5) -> ClosedRange<Double> {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if !lo.isFinite || !hi.isFinite { return 0...1 }
        if hi == lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.5
            lo -= lo == 0 && includeZero ? 0 : pad
            hi += pad
        }
        let raw = (hi - lo) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let normalised = raw / magnitude
        let step = (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude
        return (floor(lo / step + 1e-9) * step)...(ceil(hi / step - 1e-9) * step)
    }

    /// The label of tick `value`: the axis format, or fixed decimals from the step.
    package static func label(_ value: Double, decimals: Int, format: SVGValueFormat?) -> String {
        switch format {
        case .percent: return SVGNumber.percent(value, digits: max(0, decimals - 2))
        case .money: return SVGNumber.currency.prefixed(SVGNumber.fixed(value, digits: decimals, grouping: true))
        case .some(let f) where f != .integer: return SVGNumber.format(value, f)
        default: return SVGNumber.fixed(value, digits: decimals, grouping: true)
        }
    }
}
