/// How an order's net value is spread over transaction lines, and how returns look.
///
/// An order has n positive lines, n drawn from `lineCountProbabilities` (index 0 is one line).
/// With probability `returnProbability` it also has one negative line, a refunded item on the
/// same order and day, of R = round(z · f) cents (at least 1), f ~ Uniform(`refundFraction`);
/// the positive lines then sum to z + R, so the order's net value stays exactly the drawn z.
/// The positive total is split by a flat Dirichlet (normalised exponentials), each line at
/// least one cent. Positive lines have quantity 1, 2, 3… from `quantityProbabilities`; the
/// return line has quantity −1 and the product of one of the order's positive lines.
/// Products are `P0001…` with popularity skewed to low numbers (index ⌊products · U²⌋).
public struct OrderLineSettings: Sendable, Hashable, Codable {
    /// P(1 line), P(2 lines), … (sums to 1). Default 0.45, 0.30, 0.15, 0.10: mean 1.9 lines.
    public var lineCountProbabilities: [Double]
    /// Probability that an order carries one refunded (negative) line. Default 0.03.
    public var returnProbability: Double
    /// The refund as a fraction of the order's net value, uniform on this range. Default 0.1...0.6.
    public var refundFraction: ClosedRange<Double>
    /// P(quantity 1), P(quantity 2), … on a positive line. Default 0.75, 0.18, 0.07.
    public var quantityProbabilities: [Double]
    /// Number of distinct products. Default 2000.
    public var products: Int
    /// P(web), P(store), P(app) for a customer's preferred order channel. Default 0.55, 0.30, 0.15.
    public var channelProbabilities: [Double]
    /// Probability that an order uses the customer's preferred channel; otherwise a fresh draw
    /// from `channelProbabilities`. Default 0.8.
    public var preferredChannelProbability: Double

    public init(
        lineCountProbabilities: [Double] = [0.45, 0.30, 0.15, 0.10],
        returnProbability: Double = 0.03,
        refundFraction: ClosedRange<Double> = 0.1...0.6,
        quantityProbabilities: [Double] = [0.75, 0.18, 0.07],
        products: Int = 2000,
        channelProbabilities: [Double] = [0.55, 0.30, 0.15],
        preferredChannelProbability: Double = 0.8
    ) {
        self.lineCountProbabilities = lineCountProbabilities
        self.returnProbability = returnProbability
        self.refundFraction = refundFraction
        self.quantityProbabilities = quantityProbabilities
        self.products = products
        self.channelProbabilities = channelProbabilities
        self.preferredChannelProbability = preferredChannelProbability
    }

    /// Mean positive lines an order: Σ n · P(n lines).
    public var meanLineCount: Double {
        lineCountProbabilities.enumerated().reduce(0) { $0 + Double($1.offset + 1) * $1.element }
    }
}
