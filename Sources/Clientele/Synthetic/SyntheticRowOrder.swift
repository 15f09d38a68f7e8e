/// The order of the rows in the generated `transactions.csv` and `interactions.csv`.
///
/// Real exports come in date (or order-id) order with customer ids scattered; a file where every
/// customer's rows sit together is a layout no export has, and a convenient one for a reader that
/// groups by customer. Both orders hold the same rows, byte for byte, only permuted.
public enum SyntheticRowOrder: String, Sendable, Hashable, CaseIterable, Codable {
    /// How exports come: transactions by purchase time (the BG/NBD draw, so by day and, within a
    /// day, by the time of day the draw fell on), an order's lines together in their customer-order
    /// sequence; interactions by day and, within a day, by a hash of (seed, id, contact number) —
    /// a stand-in time of day that draws nothing from the customers' random streams. Equal keys
    /// keep the customer order. Dates are non-decreasing; customer ids are scattered.
    case date
    /// Every customer's rows together, customers by number, each customer's orders in time order
    /// and then their interactions (and their orphan id's): the layout of earlier releases, kept
    /// byte for byte. The first n customers' rows are the same for every customer count ≥ n.
    case customer
}
