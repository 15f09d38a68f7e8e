import ClienteleSupport
import ClienteleStore

/// The whole predictive-CLV step of a run: fit BG/NBD and Gamma-Gamma on the calibration period,
/// judge them on the holdout, predict every current customer, and place customers in the value
/// matrix — so that a pipeline wires one call to `customers.csv`, `clv_model.json` and the
/// report sections.
///
/// Periods (docs/definitions.md, "Time"): model fits use orders dated ≤ E (the calibration end, inclusive);
/// the holdout window E < day < as-of is what the model is judged on. Per-customer predictions
/// (`p_alive`, `expected_purchases`, `expected_order_value`, `predicted_clv`) are for today:
/// they use the calibration estimates but condition on each customer's whole history before
/// as-of (x, t_x, T and repeat spend with the period ending as-of − 1), so a customer who bought
/// during the holdout is credited for it. Without a calibration end (or with E = as-of − 1)
/// there is no holdout and both summaries are the same.
///
/// Gamma-Gamma may be skipped (no repeat customer with positive spend): BG/NBD results are
/// still returned, `gammaGammaSkipped` says why, and order value, CLV and the value matrix are
/// empty (NaN, quadrant −1).
public struct CLVModel: Sendable {
    public var bgnbd: BGNBD
    public var gammaGamma: GammaGamma
    public var forecast: CLVForecast
    public var holdout: HoldoutValidation
    public var valueMatrix: ValueMatrix

    public init(bgnbd: BGNBD = BGNBD(), gammaGamma: GammaGamma = GammaGamma(), forecast: CLVForecast = CLVForecast(),
                holdout: HoldoutValidation = HoldoutValidation(), valueMatrix: ValueMatrix = ValueMatrix()) {
        self.bgnbd = bgnbd
        self.gammaGamma = gammaGamma
        self.forecast = forecast
        self.holdout = holdout
        self.valueMatrix = valueMatrix
    }

    /// Fits from the orders (through a `CustomerTable` of its own); see `fit(table:historicalValue:revenue:)`.
    /// - Parameters:
    ///   - orders: the run's orders (customer indices as in the run's customer index).
    ///   - calibrationEnd: E, inclusive; `nil`: as-of − 1 (no holdout).
    ///   - asOf: the analysis date (orders on or after it are ignored).
    public func fit(orders: OrderTable, calibrationEnd: CalendarDay?, asOf: CalendarDay,
                    historicalValue: [Double], revenue: [Double]? = nil) throws -> CLVModelFit {
        let lastDay = asOf.adding(days: -1)
        let end = min(calibrationEnd ?? lastDay, lastDay)
        let table = CustomerTable(orders: orders, interactions: nil, asOf: asOf, calibrationEnd: end < lastDay ? end : nil)
        return try fit(table: table, historicalValue: historicalValue, revenue: revenue)
    }

    /// - Parameters:
    ///   - table: the run's customer table; its calibration period (E = `calibrationEnd`, as-of − 1
    ///     when it has none) is what the models are fitted on, its current period what they predict from.
    ///   - historicalValue: historical CLV per customer (net revenue × margin), the value
    ///     matrix's current axis; NaN for customers without one.
    ///   - revenue: optional net revenue per customer, summed per quadrant.
    /// - Throws: `CLVError` from the BG/NBD fit (no calibration customer, every customer a
    ///   one-time buyer, …) and for arrays of the wrong length.
    public func fit(table: CustomerTable, historicalValue: [Double], revenue: [Double]? = nil) throws -> CLVModelFit {
        let n = table.count
        guard historicalValue.count == n else { throw CLVError.lengthMismatch(name: "historicalValue", count: historicalValue.count, expected: n) }
        try forecast.validate()
        let asOf = table.asOf, lastDay = asOf.adding(days: -1)
        // The current period's and the calibration period's summaries and patterns are built side
        // by side, one task each (their own loops then run on that task's one thread): each is a
        // few radix passes that would otherwise leave a core idle.
        let calibrationFacts = table.calibration.flatMap { $0.asOf <= lastDay ? $0 : nil }
        let built = parallelBlocks(calibrationFacts == nil ? 1 : 2, size: 1) { part -> (CalibrationSummary, CalibrationPatterns) in
            let summary = part.lowerBound == 0
                ? CalibrationSummary(calibration: table.current, holdoutOrders: nil, asOf: nil)
                : CalibrationSummary(calibration: calibrationFacts!, holdoutOrders: table.holdoutOrders, asOf: asOf)
            return (summary, CalibrationPatterns(summary))
        }
        let (current, currentPatterns) = built[0]
        let (calibration, calibrationPatterns) = built[built.count - 1]
        let end = calibration.calibrationEnd!
        guard calibration.includedCount > 0 else { throw CLVError.emptyCalibration(calibrationEnd: end) }
        RunProgress.current?.step("BG/NBD")
        let bgFit = try bgnbd.fit(calibrationPatterns)
        RunProgress.current?.step("Gamma-Gamma")
        // Gamma-Gamma and the holdout validation need nothing of each other: one task each.
        var spendFit: Result<GammaGammaFit, any Error>?
        var holdoutFit: Result<HoldoutValidationResult?, any Error> = .success(nil)
        parallelFor(2) { task in
            if task == 0 {
                spendFit = Result { try gammaGamma.fit(calibration) }
            } else if end < lastDay {
                holdoutFit = Result { try holdout.run(bgnbd: bgFit, summary: calibration, patterns: calibrationPatterns) }
            }
        }
        var ggFit: GammaGammaFit?
        var skipped: CLVError?
        do { ggFit = try spendFit!.get() } catch let error as CLVError { skipped = error }
        let validation = try holdoutFit.get()
        let predictions = try forecast.run(bgnbd: bgFit, gammaGamma: ggFit, summary: current, patterns: currentPatterns)
        let matrix = try valueMatrix.run(current: historicalValue, future: predictions.predictedCLV, revenue: revenue)
        return CLVModelFit(calibrationEnd: end, asOf: asOf, calibrationCustomers: calibration.includedCount,
                           currentCustomers: current.includedCount, bgnbd: bgFit, gammaGamma: ggFit,
                           gammaGammaSkipped: skipped, validation: validation, predictions: predictions,
                           valueMatrix: matrix, settings: self)
    }
}

/// Everything the CLV step produced; per-customer arrays are indexed like the run's customers.
public struct CLVModelFit: Sendable {
    /// E actually used (as-of − 1 when no calibration end was given).
    public let calibrationEnd: CalendarDay
    public let asOf: CalendarDay
    /// Customers with an order ≤ E (fitted), and with an order before as-of (predicted).
    public let calibrationCustomers: Int
    public let currentCustomers: Int
    public let bgnbd: BGNBDFit
    /// `nil` when skipped; then `gammaGammaSkipped` holds the reason.
    public let gammaGamma: GammaGammaFit?
    public let gammaGammaSkipped: CLVError?
    /// `nil` without a holdout window.
    public let validation: HoldoutValidationResult?
    /// customers.csv: `p_alive`, `expected_purchases`, `expected_order_value`, `predicted_clv`.
    public let predictions: CLVForecastResult
    /// customers.csv `value_quadrant` (`ValueQuadrant.name`, empty for −1) and the matrix cells.
    public let valueMatrix: ValueMatrixResult
    public let settings: CLVModel
}
