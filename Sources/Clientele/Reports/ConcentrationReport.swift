import ClienteleKernels

/// report.json `concentration`: how net value is spread over the scored customers
/// (`ValueConcentration`; docs/definitions.md, "Value concentration").
public struct ConcentrationReport: Codable, Sendable, Equatable {
    /// One top share: the most valuable `customerShare` of customers bring `valueShare` of net value.
    public struct TopShare: Codable, Sendable, Equatable {
        public var customerShare: Double
        /// `nil` when net value in total is not positive.
        public var valueShare: Double?
    }

    public var customers: Int
    /// Net value of all scored customers, in currency units (summed in cents).
    public var netValue: Double
    /// Shares for the top 1, 5, 10, 20 and 50 % of customers.
    public var topShares: [TopShare]
    /// Gini coefficient of net value per customer; `nil` when net value in total is not positive.
    public var gini: Double?
    /// Customers with net value ≤ 0 and < 0, their shares of the customers, and the negative total.
    public var customersNonPositive: Int
    public var customersNegative: Int
    public var nonPositiveShare: Double
    public var negativeShare: Double
    public var negativeValue: Double
    /// 101 points, most valuable customers first: share of customers, cumulative share of net value.
    public var curveCustomerShare: [Double]
    public var curveValueShare: [Double]

    package init(_ c: ValueConcentration) {
        customers = c.customers
        netValue = Double(c.totalCents) / 100
        topShares = zip(ValueConcentration.reportedShares, c.topShares).map { TopShare(customerShare: $0, valueShare: $1) }
        gini = c.gini
        customersNonPositive = c.nonPositiveCustomers
        customersNegative = c.negativeCustomers
        nonPositiveShare = c.nonPositiveShare
        negativeShare = c.negativeShare
        negativeValue = Double(c.negativeCents) / 100
        curveCustomerShare = c.curve.map(\.customerShare)
        curveValueShare = c.curve.map(\.valueShare)
    }

    /// The value share of the top `customerShare` (one of 0.01, 0.05, 0.1, 0.2, 0.5).
    public func valueShare(ofTop customerShare: Double) -> Double? {
        topShares.first { $0.customerShare == customerShare }?.valueShare
    }

    /// The one-line reading: "The top 20% of customers bring 61.0% of net revenue; …".
    public var reading: String { readingLines.joined(separator: " ") }

    /// The reading's clauses, one a line in report.md (so no line wraps before a number).
    public var readingLines: [String] {
        var parts = [String]()
        if let top20 = valueShare(ofTop: 0.2) {
            parts.append("The top 20% of customers bring \(SVGNumber.percent(top20)) of net revenue")
        } else {
            parts.append("Net revenue in total is not positive, so no shares are given")
        }
        if let g = gini { parts.append("Gini \(SVGNumber.fixed(g, digits: 3))") }
        parts.append("\(SVGNumber.grouped(customersNonPositive)) customers (\(SVGNumber.percent(nonPositiveShare))) bring zero or negative net value"
                     + (customersNegative > 0 ? ", \(SVGNumber.grouped(customersNegative)) of them negative (\(SVGNumber.money(negativeValue)) in total)" : ""))
        return parts.indices.map { parts[$0] + ($0 == parts.count - 1 ? "." : ";") }
    }
}
