import ClienteleSupport

/// Per-customer predictions from fitted BG/NBD and Gamma-Gamma models: P(alive), expected
/// purchases over a horizon, expected average order value and discounted CLV.
///
/// Discounted CLV follows lifetimes' `GammaGammaFitter.customer_lifetime_value`
/// (`utils._customer_lifetime_value`) exactly:
///
///     CLV = margin · E[M | x, m] · Σ_{i=1…H} (E[Y(i·w) | x, t_x, T] − E[Y((i−1)·w) | x, t_x, T]) / (1 + d)^i
///
/// with H = `horizonMonths`, d = `monthlyDiscountRate`, w = `weeksPerMonth` and E[Y] the
/// BG/NBD conditional expectation (FHL 2005 eq. 10). lifetimes' month is `factor` time units:
/// 30 for data in days (its default `freq="D"`), 4.345 for weeks (`freq="W"`). The default here,
/// w = 30/7 weeks, is its day convention, so a customer table fitted in days with lifetimes'
/// defaults gives the same numbers; set w = 4.345 to match `freq="W"`. lifetimes has no margin
/// (margin 1 reproduces it). The sum telescopes into one series pass per (x, T) for all H + 1
/// times (see `BGNBDFit.patternForecast`).
public struct CLVForecast: Sendable, Hashable {
    /// H, months ≥ 1. Default 12.
    public var horizonMonths: Int
    /// d, per month, ≥ 0. Default 0.01.
    public var monthlyDiscountRate: Double
    /// Share of revenue that is profit, in (0, 1]. Default 1.
    public var margin: Double
    /// Weeks in a month. Default 30/7 (lifetimes `freq="D"`: 30 days).
    public var weeksPerMonth: Double
    /// Horizon of `expectedPurchases`, weeks; `nil`: H · w (the CLV horizon).
    public var purchaseHorizonWeeks: Double?
    /// h of `probabilityNoPurchase`, P(no purchase in the next h days); `nil`: not computed.
    /// Default 90 (customers.csv `p_no_purchase_90d`).
    public var noPurchaseDays: Int?

    public init(horizonMonths: Int = 12, monthlyDiscountRate: Double = 0.01, margin: Double = 1,
                weeksPerMonth: Double = 30.0 / 7.0, purchaseHorizonWeeks: Double? = nil, noPurchaseDays: Int? = 90) {
        self.horizonMonths = horizonMonths
        self.monthlyDiscountRate = monthlyDiscountRate
        self.margin = margin
        self.weeksPerMonth = weeksPerMonth
        self.purchaseHorizonWeeks = purchaseHorizonWeeks
        self.noPurchaseDays = noPurchaseDays
    }

    /// Throws `CLVError.invalidSetting` naming the first bad setting.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            if !ok { throw CLVError.invalidSetting(name: name, value: "\(value)", requirement: requirement) }
        }
        try check(horizonMonths >= 1 && horizonMonths <= 1200, "horizon_months", horizonMonths, "should be in 1...1200")
        try check(monthlyDiscountRate >= 0 && monthlyDiscountRate.isFinite, "monthly_discount_rate", monthlyDiscountRate, "should be finite and >= 0")
        try check(margin > 0 && margin <= 1, "margin", margin, "should be in (0, 1]")
        try check(weeksPerMonth > 0 && weeksPerMonth.isFinite, "weeks_per_month", weeksPerMonth, "should be finite and > 0")
        if let h = purchaseHorizonWeeks {
            try check(h >= 0 && h.isFinite, "purchase_horizon_weeks", h, "should be finite and >= 0")
        }
        if let d = noPurchaseDays {
            try check(d >= 1 && d <= 36_500, "no_purchase_days", d, "should be in 1...36500")
        }
    }

    /// The purchase horizon in weeks.
    public var effectivePurchaseHorizonWeeks: Double { purchaseHorizonWeeks ?? Double(horizonMonths) * weeksPerMonth }

    /// BG/NBD predictions (see `run(model:gammaGamma:summary:patterns:)`).
    public func run(bgnbd: BGNBDFit, gammaGamma: GammaGammaFit?, summary: CalibrationSummary,
                    patterns: CalibrationPatterns? = nil) throws -> CLVForecastResult {
        try run(model: bgnbd, gammaGamma: gammaGamma, summary: summary, patterns: patterns)
    }

    /// The times (months 1…H in weeks, then the purchase horizon) and weights (purchases over
    /// the horizon, discounted monthly purchases) of the forecast functionals: output 0 is
    /// E[Y(h)], output 1 is Σᵢ (E[Y(tᵢ)] − E[Y(tᵢ₋₁)]) / (1 + d)^i. Shared with the bootstrap.
    package func functionals() -> (times: [Double], weights: [[Double]]) {
        let h = horizonMonths
        var times = (1...h).map { Double($0) * weeksPerMonth }
        times.append(effectivePurchaseHorizonWeeks)
        // Σᵢ (N(tᵢ) − N(tᵢ₋₁)) / (1 + d)^i = Σᵢ N(tᵢ) (δᵢ − δᵢ₊₁), δᵢ = (1 + d)^−i, δ_{H+1} := 0.
        var discount = [Double](repeating: 0, count: h + 1)
        for i in 1...h {
            let di = 1 / pow1p(monthlyDiscountRate, i)
            let next = i < h ? 1 / pow1p(monthlyDiscountRate, i + 1) : 0
            discount[i - 1] = di - next
        }
        discount[h] = 0
        var purchase = [Double](repeating: 0, count: h + 1)
        purchase[h] = 1
        return (times, [purchase, discount])
    }

    /// Predicts for every customer of `summary` (NaN for customers without a calibration order)
    /// with any fitted repeat-purchase model; with `noPurchaseDays` also P(no purchase within
    /// h days) from the model's `patternForecast(…, noPurchaseWithin:)`.
    /// - Parameters:
    ///   - patterns: the summary's patterns, if already built (else built here).
    ///   - gammaGamma: `nil` when it was skipped: order value and CLV are then NaN.
    /// - Complexity: one series pass per distinct (x, T) plus O(customers), on both cores.
    public func run(model: any RepeatPurchaseModelFit, gammaGamma: GammaGammaFit?, summary: CalibrationSummary,
                    patterns: CalibrationPatterns? = nil) throws -> CLVForecastResult {
        try validate()
        let patterns = patterns ?? CalibrationPatterns(summary)
        guard patterns.patternOfCustomer.count == summary.count else {
            throw CLVError.lengthMismatch(name: "patterns.patternOfCustomer", count: patterns.patternOfCustomer.count, expected: summary.count)
        }
        let (times, weights) = functionals()
        let noPurchaseWithin = noPurchaseDays.map { [Double($0) / 7] } ?? []
        let forecast = model.patternForecast(patterns, times: times, weights: weights, noPurchaseWithin: noPurchaseWithin)
        let wantsNoPurchase = !noPurchaseWithin.isEmpty
        let noPurchasePerPattern = wantsNoPurchase ? forecast.noPurchase[0] : [0]
        // The customers visit patterns in no particular order, so this loop is bound by cache
        // misses and memory traffic: the pattern values of a block of customers are gathered
        // first, by a loop short enough for many misses to be in flight at once, and every output
        // element is written exactly once (no NaN pass before).
        let n = summary.count
        let block = 512
        let ranges = splitBlocks(n, size: 32_768)  // fixed by n; spread over Parallelism.threads
        let columns = writeOnceColumns(wantsNoPurchase ? 6 : 5, length: n) { out in
            let (alive, expected, value, clv, discounted) = (out[0], out[1], out[2], out[3], out[4])
            let noPurchase = wantsNoPurchase ? out[5] : out[4]
            forecast.probabilityAlive.withUnsafeBufferPointer { pa in
            forecast.outputs[0].withUnsafeBufferPointer { pe in
            forecast.outputs[1].withUnsafeBufferPointer { pd in
            noPurchasePerPattern.withUnsafeBufferPointer { pn in
            patterns.patternOfCustomer.withUnsafeBufferPointer { of in
            summary.frequency.withUnsafeBufferPointer { x in
            summary.repeatSpend.withUnsafeBufferPointer { m in
                parallelFor(ranges.count) { part in
                    var gathered = [SIMD4<Double>](repeating: .zero, count: block)
                    for start in Swift.stride(from: ranges[part].lowerBound, to: ranges[part].upperBound, by: block) {
                        let customers = start..<min(start + block, ranges[part].upperBound)
                        for c in customers {
                            let k = Int(of[c])
                            gathered[c - start] = k >= 0 ? SIMD4(pa[k], pe[k], pd[k], wantsNoPurchase ? pn[k] : 0) : SIMD4(repeating: .nan)
                        }
                        for c in customers {
                            let g = gathered[c - start]
                            alive[c] = g[0]
                            expected[c] = g[1]
                            discounted[c] = g[2]
                            if wantsNoPurchase { noPurchase[c] = g[3] }
                            if let gammaGamma, of[c] >= 0 {
                                let v = gammaGamma.expectedAverageOrderValue(frequency: Int(x[c]), spend: m[c])
                                value[c] = v
                                clv[c] = margin * v * g[2]
                            } else {
                                value[c] = .nan
                                clv[c] = .nan
                            }
                        }
                    }
                }
            }}}}}}}
        }
        let (alive, expected, value, clv, discounted) = (columns[0], columns[1], columns[2], columns[3], columns[4])
        return CLVForecastResult(probabilityAlive: alive, expectedPurchases: expected, expectedOrderValue: value,
                                 predictedCLV: clv, discountedPurchases: discounted,
                                 probabilityNoPurchase: wantsNoPurchase ? columns[5] : [],
                                 seriesNotConverged: forecast.seriesNotConverged, settings: self)
    }

    /// (1 + d)^i by repeated multiplication (exact for d = 0, as lifetimes' `**`).
    private func pow1p(_ d: Double, _ i: Int) -> Double {
        var v = 1.0
        for _ in 0..<i { v *= 1 + d }
        return v
    }
}

/// Per-customer predictions, indexed like the summary; NaN for customers without a calibration
/// order (and for order value and CLV when Gamma-Gamma was skipped).
public struct CLVForecastResult: Sendable {
    /// P(alive | x, t_x, T) at the summary's end (customers.csv `p_alive`).
    public let probabilityAlive: [Double]
    /// E[Y(h) | x, t_x, T], h = `settings.effectivePurchaseHorizonWeeks` (`expected_purchases`).
    public let expectedPurchases: [Double]
    /// E[M | x, m] (`expected_order_value`).
    public let expectedOrderValue: [Double]
    /// Discounted CLV over the horizon, margin applied (`predicted_clv`).
    public let predictedCLV: [Double]
    /// Σ discounted expected purchases per month: CLV / (margin · order value).
    public let discountedPurchases: [Double]
    /// P(no purchase in the next `settings.noPurchaseDays` days | x, t_x, T)
    /// (`p_no_purchase_<days>d`); empty when not requested.
    public let probabilityNoPurchase: [Double]
    /// (x, T) groups whose series hit the term limit (0 in any realistic data).
    public let seriesNotConverged: Int
    public let settings: CLVForecast
}
