/// How a chart writes the values it shows.
package enum SVGValueFormat: Sendable, Equatable {
    /// A whole number with thousands grouped.
    case integer
    /// A number with this many decimals.
    case fixed(Int)
    /// A share in [0, 1] as a percentage with this many decimals.
    case percent(Int)
    /// 2 decimals, thousands grouped.
    case money
    /// 3 significant digits with k/M/B/T.
    case compact
}
