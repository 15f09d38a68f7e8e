/// What one generation wrote: rows by kind and bytes by file.
public struct SyntheticCounts: Sendable, Hashable, Codable {
    /// Customers who bought (every generated customer buys at least once).
    public var customers = 0
    /// Orders, i.e. distinct order_id values.
    public var orders = 0
    /// Rows of `transactions.csv` (positive and return lines), header excluded.
    public var lines = 0
    /// Return (negative) lines.
    public var returns = 0
    /// Rows of `interactions.csv`, header excluded, orphan rows included.
    public var interactions = 0
    /// Ids `P…` that have interactions but no transactions.
    public var orphanIDs = 0
    /// Interaction rows of those orphan ids.
    public var orphanInteractions = 0
    /// Size of `transactions.csv` in bytes, header included.
    public var transactionBytes = 0
    /// Size of `interactions.csv` in bytes, header included.
    public var interactionBytes = 0

    public init() {}

    /// Adds the rows of one customer.
    package mutating func add(_ customer: SyntheticCustomer) {
        customers += 1
        orders += customer.orders.count
        lines += customer.lines.count
        for order in customer.orders where order.refundCents > 0 { returns += 1 }
        interactions += customer.interactions.count + customer.orphanInteractions.count
        if !customer.orphanInteractions.isEmpty {
            orphanIDs += 1
            orphanInteractions += customer.orphanInteractions.count
        }
    }

    /// Field-by-field sum, for merging blocks.
    package static func + (lhs: SyntheticCounts, rhs: SyntheticCounts) -> SyntheticCounts {
        var sum = lhs
        sum.customers += rhs.customers
        sum.orders += rhs.orders
        sum.lines += rhs.lines
        sum.returns += rhs.returns
        sum.interactions += rhs.interactions
        sum.orphanIDs += rhs.orphanIDs
        sum.orphanInteractions += rhs.orphanInteractions
        sum.transactionBytes += rhs.transactionBytes
        sum.interactionBytes += rhs.interactionBytes
        return sum
    }

    package enum CodingKeys: String, CodingKey {
        case customers, orders, lines, returns, interactions
        case orphanIDs = "orphan_ids"
        case orphanInteractions = "orphan_interactions"
        case transactionBytes = "transaction_bytes"
        case interactionBytes = "interaction_bytes"
    }
}
