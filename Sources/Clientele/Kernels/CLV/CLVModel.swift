import ClienteleSupport
import ClienteleStore

/// The whole predictive-CLV step of a run: fit the repeat-purchase model(s) (BG/NBD, MBG/NBD,
/// Pareto/NBD: `purchaseModel`) and Gamma-Gamma on the calibration period, judge them on the
/// holdout and choose one (`RepeatPurchaseModelSelection`), predict every current customer with
/// bootstrap intervals (`CLVIntervals`), and place customers in the value matrix — so that a
/// pipeline wires one call to `customers.csv`, `clv_model.json` and the report sections.
///
/// Periods (docs/definitions.md, "Time"): model fits use orders dated ≤ E (the calibration end, inclusive);
/// the holdout window E < day < as-of is what the model is judged on. Per-customer predictions
/// (`p_alive`, `expected_purchases`, `expected_order_value`, `predicted_clv`) are for today:
/// they use the calibration estimates but condition on each customer's whole history before
/// as-of (x, t_x, T and repeat spend with the period ending as-of − 1), so a customer who bought
/// during the holdout is credited for it. Without a calibration end (or with E = as-of − 1)
/// there is no holdout and both summaries are the same.
///
/// Gamma-Gamma may be skipped (no repeat customer with positive spend): the purchase model's results are
/// still returned, `gammaGammaSkipped` says why, and order value, CLV and the value matrix are
/// empty (NaN, quadrant −1).
public struct CLVModel: Sendable {
    /// Which repeat-purchase model predicts: `auto` (default) fits every available one.
    public var purchaseModel: RepeatPurchaseModelChoice
    /// BG/NBD's settings (its optimiser serves the other purchase models too).
    public var bgnbd: BGNBD
    public var gammaGamma: GammaGamma
    public var forecast: CLVForecast
    public var holdout: HoldoutValidation
    public var valueMatrix: ValueMatrix
    /// Bootstrap intervals of the chosen model's predictions; `draws = 0` turns them off.
    public var intervals: CLVIntervals

    public init(purchaseModel: RepeatPurchaseModelChoice = .auto, bgnbd: BGNBD = BGNBD(), gammaGamma: GammaGamma = GammaGamma(),
                forecast: CLVForecast = CLVForecast(), holdout: HoldoutValidation = HoldoutValidation(),
                valueMatrix: ValueMatrix = ValueMatrix(), intervals: CLVIntervals = CLVIntervals()) {
        self.purchaseModel = purchaseModel
        self.bgnbd = bgnbd
        self.gammaGamma = gammaGamma
        self.forecast = forecast
        self.holdout = holdout
        self.valueMatrix = valueMatrix
        self.intervals = intervals
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
    /// - Throws: `RepeatPurchaseModelUnavailable` for a named model this build cannot fit;
    ///   `CLVError` from the purchase-model fit (no calibration customer, every customer a
    ///   one-time buyer, …; with `auto`, the first model's error when no model could be fitted)
    ///   and for arrays of the wrong length.
    public func fit(table: CustomerTable, historicalValue: [Double], revenue: [Double]? = nil) throws -> CLVModelFit {
        let n = table.count
        guard historicalValue.count == n else { throw CLVError.lengthMismatch(name: "historicalValue", count: historicalValue.count, expected: n) }
        try forecast.validate()
        try intervals.validate()
        try purchaseModel.validate()
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
        trace("clv summaries and patterns")
        let (current, currentPatterns) = built[0]
        let (calibration, calibrationPatterns) = built[built.count - 1]
        let end = calibration.calibrationEnd!
        guard calibration.includedCount > 0 else { throw CLVError.emptyCalibration(calibrationEnd: end) }
        // The candidate models, each with every thread for its likelihood loops: Pareto/NBD, the
        // dearest (its ₂F₁ series), beside the others and Gamma-Gamma (`beside`), so the serial
        // steps of one fit (line searches, pattern tables) leave the other a core. Each fit is
        // what it would be alone.
        let kinds = purchaseModel.kinds
        RunProgress.current?.step(kinds.map(\.title).joined(separator: ", "))
        let dear = kinds.count > 1 ? kinds.firstIndex(of: .paretonbd) : nil
        func fitted(_ k: Int) -> Result<any RepeatPurchaseModelFit, any Error> {
            defer { trace("clv fit \(kinds[k].rawValue)") }
            return Result { try kinds[k].fit(calibrationPatterns, settings: self) }
        }
        let (results, gammaGammaFit) = try Self.map(kinds.count, apart: dear, besideOthers: { Result { try gammaGamma.fit(calibration) } }, fitted)
        var fits = [any RepeatPurchaseModelFit](), failures = [RepeatPurchaseModelSelection.Failure]()
        var firstError: (any Error)?
        for (kind, result) in zip(kinds, results) {
            switch result {
            case .success(let fit): fits.append(fit)
            case .failure(let error):
                // Only data errors make a candidate drop out; anything else stops the run.
                guard let clv = error as? CLVError, kinds.count > 1 else { throw error }
                firstError = firstError ?? clv
                failures.append(.init(kind: kind, reason: clv.description))
            }
        }
        if fits.isEmpty { throw firstError! }
        var ggFit: GammaGammaFit?
        var skipped: CLVError?
        switch gammaGammaFit {
        case .success(let fit): ggFit = fit
        case .failure(let error as CLVError): skipped = error
        case .failure(let error): throw error
        }
        trace("clv fits and gamma-gamma")
        // Each candidate's holdout validation, Pareto/NBD's beside the others'. Summed over the
        // customers pooled by (pattern, holdout purchases), as a run over partitions sums them
        // (PooledCLV.swift): the same errors bit for bit.
        let holdoutRows = end < lastDay ? HoldoutPatterns(calibration, patterns: calibrationPatterns) : nil
        func validated(_ fit: any RepeatPurchaseModelFit) throws -> HoldoutValidationResult? {
            try holdoutRows.map { try holdout.run(model: fit, holdout: $0, holdoutWeeks: calibration.holdoutWeeks!, patterns: calibrationPatterns) }
        }
        let dearValidated = fits.count > 1 ? fits.firstIndex { $0.kind == .paretonbd } : nil
        let (validations, _) = try Self.map(fits.count, apart: dearValidated, besideOthers: {}) { try validated(fits[$0]) }
        trace("clv holdout")
        let candidates = zip(fits, validations).map { RepeatPurchaseModelCandidate(fit: $0, validation: $1) }
        let selection = RepeatPurchaseModelSelection.select(candidates.map { RepeatPurchaseModelScore($0.fit, validation: $0.validation) },
                                                            choice: purchaseModel, failures: failures)!
        let chosen = candidates.first { $0.fit.kind == selection.chosen }!
        let predictions = try forecast.run(model: chosen.fit, gammaGamma: ggFit, summary: current, patterns: currentPatterns)
        trace("clv predictions")
        let bootstrap = try intervals.run(model: chosen.fit, gammaGamma: ggFit, summary: current, patterns: currentPatterns, forecast: forecast)
        // The holdout total's predictive interval: the chosen model, the bootstrap's draws and seed.
        let holdoutInterval = end < lastDay && intervals.draws > 0
            ? try HoldoutPredictiveInterval(intervals).run(model: chosen.fit, summary: calibration, patterns: calibrationPatterns) : nil
        let matrix = try valueMatrix.run(current: historicalValue, future: predictions.predictedCLV, revenue: revenue)
        return CLVModelFit(calibrationEnd: end, asOf: asOf, calibrationCustomers: calibration.includedCount,
                           currentCustomers: current.includedCount, candidates: candidates, selection: selection,
                           gammaGamma: ggFit, gammaGammaSkipped: skipped, validation: chosen.validation, predictions: predictions,
                           intervals: bootstrap, holdoutInterval: holdoutInterval, valueMatrix: matrix, settings: self)
    }

    /// `body` of every index in 0..<count, in index order: index `apart` (when set) on its own,
    /// beside the others and `extra` (`beside`), each with every thread for its loops.
    private static func map<T, E>(_ count: Int, apart: Int?, besideOthers extra: () throws -> E,
                                  _ body: (Int) throws -> T) throws -> ([T], E) {
        let (lone, (rest, e)) = try beside({ try apart.map(body) }, { (try (0..<count).filter { $0 != apart }.map(body), try extra()) })
        var others = rest.makeIterator()
        return ((0..<count).map { $0 == apart ? lone! : others.next()! }, e)
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
    /// Every purchase model fitted, in `RepeatPurchaseModelKind.allCases` order, with its holdout check.
    public let candidates: [RepeatPurchaseModelCandidate]
    /// Which candidate predicts, by which criterion, and why.
    public let selection: RepeatPurchaseModelSelection
    /// `nil` when skipped; then `gammaGammaSkipped` holds the reason.
    public let gammaGamma: GammaGammaFit?
    public let gammaGammaSkipped: CLVError?
    /// The chosen model's holdout check; `nil` without a holdout window.
    public let validation: HoldoutValidationResult?
    /// customers.csv: `p_alive`, `expected_purchases`, `expected_order_value`, `predicted_clv`,
    /// `p_no_purchase_<days>d`, from the chosen model.
    public let predictions: CLVForecastResult
    /// customers.csv `expected_purchases_low/high`, `predicted_clv_low/high`, and the totals' intervals.
    public let intervals: CLVIntervalResult
    /// The predictive interval of the calibration customers' total holdout purchases under the
    /// chosen model (`HoldoutPredictiveInterval`); nil without a holdout window or with
    /// `interval_draws` = 0.
    public let holdoutInterval: HoldoutPredictiveIntervalResult?
    /// customers.csv `value_quadrant` (`ValueQuadrant.name`, empty for −1) and the matrix cells.
    public let valueMatrix: ValueMatrixResult
    public let settings: CLVModel

    /// The model the predictions come from.
    public var purchaseModel: any RepeatPurchaseModelFit { candidates.first { $0.fit.kind == selection.chosen }!.fit }

    /// The BG/NBD fit, when BG/NBD was among the candidates.
    public var bgnbd: BGNBDFit? { candidates.lazy.compactMap { $0.fit as? BGNBDFit }.first }
}

/// One fitted purchase model and its holdout check (nil without a holdout window).
public struct RepeatPurchaseModelCandidate: Sendable {
    public let fit: any RepeatPurchaseModelFit
    public let validation: HoldoutValidationResult?

    public init(fit: any RepeatPurchaseModelFit, validation: HoldoutValidationResult?) {
        self.fit = fit
        self.validation = validation
    }
}
