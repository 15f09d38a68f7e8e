import Foundation

/// A chart that renders itself as one inline `<svg>` element.
///
/// Every chart has a visible title, axis titles where it has axes, and a text alternative for
/// readers who cannot see it: `role="img"` with an `aria-label`, and `<title>`/`<desc>` children
/// whose description lists the numbers drawn. The viewBox is fixed by the chart's layout (never by
/// the data's size), and the page scales it to the column width; output is deterministic.
package protocol SVGChart: Sendable {
    /// Shown above the chart and used as `<title>`.
    var title: String { get }
    /// One or two sentences on what the chart shows; the numbers are added by `dataSummary`.
    var description: String { get }
    /// The numbers drawn, in words, for `<desc>`.
    var dataSummary: String { get }
    /// The `<svg>` element.
    func svg() -> String
}

extension SVGChart {
    /// The text alternative: description, then the numbers.
    package var textAlternative: String {
        let d = description.trimmingCharacters(in: .whitespaces)
        let s = dataSummary
        if d.isEmpty { return s }
        if s.isEmpty { return d }
        return d + (d.hasSuffix(".") ? " " : ". ") + s
    }
}
