import Foundation
import ClienteleStore
import ClienteleKernels

/// A synthetic customer base with known parameters: the configuration of `clientele generate`.
///
/// Customer k (1…`customers`) is born with a first purchase at a time uniform over the first
/// `birthWeeks` weeks of a `weeks`-long window starting at `start`, then buys by the BG/NBD
/// process (`purchase`; or MBG/NBD with the same parameters, or Pareto/NBD with
/// `paretoPurchase`, as `purchaseModel` says) until the window ends, each order worth a Gamma-Gamma draw (`spend`),
/// spread over lines by `lines`; interactions follow `interactions`. Continuous weeks become
/// days as start + ⌊7t⌋. Every customer number has its own random stream derived from
/// (`seed`, number), so the same configuration gives the same bytes whatever the thread count,
/// and the first n customers are the same for every `customers` ≥ n (on one platform's libm).
/// `rowOrder` only permutes the rows: `date` (the default) as exports come, `customer` with each
/// customer's rows together, which also keeps the first n customers' rows a prefix of the files.
///
/// The initialiser only stores settings; `validate()`, `write(to:)` and `render()` check them.
public struct SyntheticPopulation: Sendable, Hashable {
    /// Number of customers who buy, ≥ 1. Default 100 000.
    public var customers: Int
    /// Random seed: part of the configuration; same seed, same bytes.
    public var seed: UInt64
    /// First day of the observation window. Default 2023-01-01.
    public var start: CalendarDay
    /// Length of the observation window in weeks. Default 156 (three years).
    public var weeks: Int
    /// Births (first purchases) are uniform over the first `birthWeeks` weeks. Default 117 (75 %).
    public var birthWeeks: Double
    /// Holdout length used for the suggested calibration end. Default 26 weeks.
    public var holdoutWeeks: Int
    /// BG/NBD purchase process. Default r 0.5, alpha 12, a 1.5, b 3.5.
    public var purchase: BGNBDParameters
    /// The purchase model simulated. Default `.bgnbd`. `.mbgnbd` reads (r, alpha, a, b) from
    /// `purchase` and adds a dropout chance p right after the first purchase; `.paretonbd`
    /// uses `paretoPurchase` (exponential lifetimes at rate μ ~ Gamma(s, beta)).
    public var purchaseModel: RepeatPurchaseModelKind
    /// Pareto/NBD process for `purchaseModel == .paretonbd`. Default r 0.5, alpha 12, s 0.6, beta 60.
    public var paretoPurchase: ParetoNBDParameters
    /// Gamma-Gamma spend. Default p 6, q 4, gamma 15 (mean order 30).
    public var spend: GammaGammaParameters
    /// Lines, returns, products and order channels.
    public var lines: OrderLineSettings
    /// Interactions, survey answers and orphan ids.
    public var interactions: InteractionSettings
    /// Order of the rows in both CSV files. Default `.date`, as exports come.
    public var rowOrder: SyntheticRowOrder
    /// Threads to generate on (≥ 1); does not change the output. Default: active processors.
    public var threads: Int

    public init(
        customers: Int = 100_000,
        seed: UInt64 = 1,
        start: CalendarDay = CalendarDay(year: 2023, month: 1, day: 1)!,
        weeks: Int = 156,
        birthWeeks: Double = 117,
        holdoutWeeks: Int = 26,
        purchase: BGNBDParameters = .generatorDefault,
        purchaseModel: RepeatPurchaseModelKind = .bgnbd,
        paretoPurchase: ParetoNBDParameters = .generatorDefault,
        spend: GammaGammaParameters = .generatorDefault,
        lines: OrderLineSettings = OrderLineSettings(),
        interactions: InteractionSettings = InteractionSettings(),
        rowOrder: SyntheticRowOrder = .date,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.customers = customers
        self.seed = seed
        self.start = start
        self.weeks = weeks
        self.birthWeeks = birthWeeks
        self.holdoutWeeks = holdoutWeeks
        self.purchase = purchase
        self.purchaseModel = purchaseModel
        self.paretoPurchase = paretoPurchase
        self.spend = spend
        self.lines = lines
        self.interactions = interactions
        self.rowOrder = rowOrder
        self.threads = threads
    }

    /// The most customers one run writes (ids stay below 10 digits).
    public static let maximumCustomers = 999_999_999

    /// File names in the output directory.
    public static let transactionsFileName = "transactions.csv"
    public static let interactionsFileName = "interactions.csv"
    public static let parametersFileName = "parameters.json"

    /// `transactions.csv` header, without the line feed.
    public static let transactionsHeader = "customer_id,order_id,order_date,amount,quantity,product_id,channel"
    /// `interactions.csv` header, without the line feed.
    public static let interactionsHeader = "customer_id,interaction_date,channel,kind,satisfaction,recommend"

    /// The last day of the window: start + 7 · weeks − 1.
    public var end: CalendarDay { start.adding(days: 7 * weeks - 1) }

    /// Suggested analysis date: the day after the window.
    public var asOf: CalendarDay { start.adding(days: 7 * weeks) }

    /// Suggested calibration end, inclusive: `holdoutWeeks` whole weeks before the window's end.
    public var calibrationEnd: CalendarDay { start.adding(days: 7 * (weeks - holdoutWeeks) - 1) }

    /// Width of the zero-padded number in customer ids: max(8, digits of `customers`).
    public var customerIDWidth: Int { max(8, String(customers).count) }

    /// Width of the zero-padded number in product ids: max(4, digits of `lines.products`).
    public var productIDWidth: Int { max(4, String(lines.products).count) }

    /// Checks every setting; throws `SyntheticError.invalidSetting` naming the first bad one.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            if !ok { throw SyntheticError.invalidSetting(name: name, value: "\(value)", requirement: requirement) }
        }
        func probability(_ x: Double) -> Bool { x >= 0 && x <= 1 }
        func distribution(_ xs: [Double]) -> Bool {
            !xs.isEmpty && xs.allSatisfy { $0 >= 0 && $0.isFinite } && abs(xs.reduce(0, +) - 1) < 1e-9
        }
        func positive(_ x: Double) -> Bool { x > 0 && x.isFinite }
        try check(customers >= 1, "customers", customers, "should be >= 1")
        try check(customers <= Self.maximumCustomers, "customers", customers,
                  "should be <= \(Self.maximumCustomers)")
        try check(weeks >= 1, "weeks", weeks, "should be >= 1")
        try check(start.daysSinceEpoch >= CalendarDay(year: 1, month: 1, day: 1)!.daysSinceEpoch,
                  "start", start, "should be in year 1 or later")
        try check(weeks <= 52_000 && end <= CalendarDay(year: 9999, month: 12, day: 31)!,
                  "weeks", weeks, "should end the window by 9999-12-31")
        try check(birthWeeks > 0 && birthWeeks <= Double(weeks), "birth_weeks", birthWeeks,
                  "should be in (0, weeks=\(weeks)]")
        try check(holdoutWeeks >= 0 && holdoutWeeks < weeks, "holdout_weeks", holdoutWeeks,
                  "should be in [0, weeks=\(weeks))")
        try check(positive(purchase.r), "r", purchase.r, "should be > 0")
        try check(positive(purchase.alpha), "alpha", purchase.alpha, "should be > 0")
        try check(positive(purchase.a), "a", purchase.a, "should be > 0")
        try check(positive(purchase.b), "b", purchase.b, "should be > 0")
        if purchaseModel == .paretonbd {
            try check(positive(paretoPurchase.r), "r", paretoPurchase.r, "should be > 0")
            try check(positive(paretoPurchase.alpha), "alpha", paretoPurchase.alpha, "should be > 0")
            try check(positive(paretoPurchase.s), "s", paretoPurchase.s, "should be > 0")
            try check(positive(paretoPurchase.beta), "beta", paretoPurchase.beta, "should be > 0")
        }
        try check(positive(spend.p), "p", spend.p, "should be > 0")
        try check(positive(spend.q), "q", spend.q, "should be > 0")
        try check(positive(spend.gamma), "gamma", spend.gamma, "should be > 0")
        try check(distribution(lines.lineCountProbabilities) && lines.lineCountProbabilities.count <= 16,
                  "line_count_probabilities", lines.lineCountProbabilities,
                  "should be 1 to 16 non-negative probabilities summing to 1")
        try check(probability(lines.returnProbability), "return_probability", lines.returnProbability,
                  "should be in [0, 1]")
        try check(lines.refundFraction.lowerBound > 0 && lines.refundFraction.upperBound <= 1,
                  "refund_fraction", lines.refundFraction, "should lie in (0, 1]")
        try check(distribution(lines.quantityProbabilities) && lines.quantityProbabilities.count <= 99,
                  "quantity_probabilities", lines.quantityProbabilities,
                  "should be 1 to 99 non-negative probabilities summing to 1")
        try check(lines.products >= 1 && lines.products <= 99_999_999, "products", lines.products,
                  "should be in 1...99999999")
        try check(distribution(lines.channelProbabilities) && lines.channelProbabilities.count == 3,
                  "channel_probabilities", lines.channelProbabilities,
                  "should be 3 probabilities (web, store, app) summing to 1")
        try check(probability(lines.preferredChannelProbability), "preferred_channel_probability",
                  lines.preferredChannelProbability, "should be in [0, 1]")
        let i = interactions
        try check(i.perOrder >= 0 && i.perOrder <= 1000, "per_order", i.perOrder, "should be in [0, 1000]")
        try check(i.perCustomer >= 0 && i.perCustomer <= 1000, "per_customer", i.perCustomer,
                  "should be in [0, 1000]")
        try check(probability(i.complaintProbability.lowerBound) && probability(i.complaintProbability.upperBound),
                  "complaint_probability", i.complaintProbability, "should lie in [0, 1]")
        try check(probability(i.surveyProbability) && probability(i.marketingProbability)
                  && i.surveyProbability + i.marketingProbability + i.complaintProbability.upperBound <= 1 + 1e-12,
                  "survey_probability + marketing_probability + complaint_probability.upper",
                  i.surveyProbability + i.marketingProbability + i.complaintProbability.upperBound,
                  "should be <= 1 (support takes the rest)")
        for (name, value) in [("satisfaction_mean", i.satisfactionMean), ("satisfaction_slope", i.satisfactionSlope),
                              ("recommend_mean", i.recommendMean), ("recommend_slope", i.recommendSlope)] {
            try check(value.isFinite, name, value, "should be finite")
        }
        for (name, value) in [("satisfaction_noise", i.satisfactionNoise), ("recommend_noise", i.recommendNoise),
                              ("orphan_extra_mean", i.orphanExtraMean)] {
            try check(value >= 0 && value <= 1000, name, value, "should be in [0, 1000]")
        }
        for (name, value) in [("satisfaction_missing_probability", i.satisfactionMissingProbability),
                              ("recommend_missing_probability", i.recommendMissingProbability),
                              ("orphan_probability", i.orphanProbability)] {
            try check(probability(value), name, value, "should be in [0, 1]")
        }
        try check(threads >= 1, "threads", threads, "should be >= 1")
    }
}
