import ClienteleSupport

/// Predicted against actual purchases in the holdout window — the calibration/holdout check of
/// Fader, Hardie & Lee 2005 (§4, Figure 4: conditional expectations by number of calibration
/// period repeat transactions).
///
/// For each calibration customer the prediction is E[Y(t*) | x, t_x, T] (eq. 10) with t* the
/// holdout length; the actual is the number of orders after E and before as-of. Customers are
/// grouped by calibration frequency x = 0, 1, …, `maximumFrequency` − 1 and
/// `maximumFrequency`+ (default 7+, the paper's table). Also reported: the aggregate forecast
/// without conditioning, Σ (E[X(T + t*)] − E[X(T)]) (eq. 9; the paper's Figure 2 tracking
/// forecast, by T), so a model that predicts individuals well but the total badly shows it.
public struct HoldoutValidation: Sendable, Hashable {
    /// The last, open-ended frequency bucket. Default 7.
    public var maximumFrequency: Int

    public init(maximumFrequency: Int = 7) { self.maximumFrequency = maximumFrequency }

    /// Customers per block of the per-customer pass (fixed, so sums never depend on the thread count).
    package static let blockSize = 65_536

    /// - Throws: `CLVError.invalidSetting` without a holdout (no as-of) or for a bad bucket
    ///   limit; `CLVError.emptyCalibration` without customers.
    public func run(bgnbd: BGNBDFit, summary: CalibrationSummary, patterns: CalibrationPatterns? = nil) throws -> HoldoutValidationResult {
        try run(model: bgnbd, summary: summary, patterns: patterns)
    }

    /// The same check for any fitted repeat-purchase model (BG/NBD, MBG/NBD, Pareto/NBD): each
    /// prediction is the model's E[Y(t*) | x, t_x, T], the unconditional forecast its E[X(t)].
    public func run(model: any RepeatPurchaseModelFit, summary: CalibrationSummary, patterns: CalibrationPatterns? = nil) throws -> HoldoutValidationResult {
        guard maximumFrequency >= 1 && maximumFrequency <= 1000 else {
            throw CLVError.invalidSetting(name: "maximum_frequency", value: "\(maximumFrequency)", requirement: "should be in 1...1000")
        }
        guard let weeks = summary.holdoutWeeks else {
            throw CLVError.invalidSetting(name: "holdout", value: "none", requirement: "needs an as-of after the calibration end")
        }
        guard summary.includedCount > 0 else { throw CLVError.emptyCalibration(calibrationEnd: summary.calibrationEnd) }
        let patterns = patterns ?? CalibrationPatterns(summary)
        let forecast = model.patternForecast(patterns, times: [weeks], weights: [[1]], noPurchaseWithin: [])
        let buckets = maximumFrequency + 1
        let maximumFrequency = self.maximumFrequency
        var partials = [HoldoutSums]()
        let predictions = writeOnceColumns(1, length: summary.count) { out in
            partials = parallelBlocks(summary.count, size: Self.blockSize) { block -> HoldoutSums in
                var part = HoldoutSums(buckets: buckets)
                for c in block {
                    guard summary.isIncluded(c) else { out[0][c] = .nan; continue }
                    let p = forecast.outputs[0][Int(patterns.patternOfCustomer[c])]
                    part.add(bucket: min(Int(summary.frequency[c]), maximumFrequency), customers: 1,
                             actual: Double(summary.holdoutPurchases[c]), predicted: p)
                    out[0][c] = p
                }
                return part
            }
        }[0]
        let sums = HoldoutSums(adding: partials, buckets: buckets)
        return result(model: model, patterns: patterns, weeks: weeks, sums: sums, n: summary.includedCount, predictedPerCustomer: predictions)
    }

    /// The result from the holdout's sums per frequency bucket and overall (both ways of summing
    /// them, per customer and per pooled row, end here): the unconditional forecast over the
    /// patterns' T values (Σ E[X(T + t*)] − E[X(T)], once per distinct T), the buckets and the errors.
    func result(model: any RepeatPurchaseModelFit, patterns: CalibrationPatterns, weeks: Double, sums: HoldoutSums, n: Int,
                predictedPerCustomer: [Double]) -> HoldoutValidationResult {
        let (customers, actual, predicted) = (sums.customers, sums.actual, sums.predicted)
        var unconditional = 0.0
        var ageWeight = [Double](repeating: 0, count: patterns.ageValues.count)
        for k in 0..<patterns.count { ageWeight[Int(patterns.ageIndex[k])] += patterns.weight[k] }
        for (j, T) in patterns.ageValues.enumerated() where ageWeight[j] > 0 {
            unconditional += ageWeight[j] * (model.expectedPurchases(within: T + weeks) - model.expectedPurchases(within: T))
        }
        let rows = customers.indices.map { b in
            HoldoutValidationResult.Bucket(
                frequency: b, isOpenEnded: b == maximumFrequency, customers: customers[b],
                actualPurchases: actual[b], predictedPurchases: predicted[b])
        }
        let used = rows.filter { $0.customers > 0 }
        let bucketError = used.isEmpty ? .nan : used.reduce(0) { $0 + abs($1.actualMean - $1.predictedMean) } / Double(used.count)
        let weightedBucketError = used.isEmpty ? .nan : used.reduce(0) { $0 + abs($1.actualPurchases - $1.predictedPurchases) } / Double(n)
        return HoldoutValidationResult(
            holdoutWeeks: weeks, customers: n, actualPurchases: actual.reduce(0, +),
            predictedPurchases: predicted.reduce(0, +), unconditionalPredictedPurchases: unconditional,
            meanAbsoluteError: sums.absoluteError / Double(n), meanSquaredError: sums.squaredError / Double(n),
            bucketMeanAbsoluteError: bucketError, customerWeightedBucketError: weightedBucketError,
            buckets: rows, predictedPerCustomer: predictedPerCustomer, settings: self)
    }
}

/// Customers, actual and predicted holdout purchases per calibration-frequency bucket, and the
/// errors' sums: one fixed block's share (of customers, or of pooled rows), added to the others
/// in block order, so that the sums never depend on the thread count.
struct HoldoutSums {
    var customers: [Int], actual: [Double], predicted: [Double]
    var absoluteError = 0.0, squaredError = 0.0

    init(buckets: Int) {
        customers = .init(repeating: 0, count: buckets)
        actual = .init(repeating: 0, count: buckets)
        predicted = actual
    }

    /// The blocks' sums, added in block order.
    init(adding parts: [HoldoutSums], buckets: Int) {
        self.init(buckets: buckets)
        for part in parts {
            for b in 0..<buckets {
                customers[b] += part.customers[b]; actual[b] += part.actual[b]; predicted[b] += part.predicted[b]
            }
            absoluteError += part.absoluteError
            squaredError += part.squaredError
        }
    }

    /// `customers` customers of `bucket`, each with `actual` holdout purchases and `predicted` expected.
    @inline(__always) mutating func add(bucket: Int, customers count: Int, actual a: Double, predicted p: Double) {
        let w = Double(count)
        customers[bucket] += count
        actual[bucket] += w * a
        predicted[bucket] += w * p
        absoluteError += w * abs(a - p)
        squaredError += w * ((a - p) * (a - p))
    }
}

/// The calibration/holdout table and its summary statistics.
public struct HoldoutValidationResult: Sendable {
    /// One row of the table: customers with calibration frequency `frequency` (or more, for the
    /// open-ended last row), their actual and predicted holdout purchases.
    public struct Bucket: Sendable, Hashable {
        public let frequency: Int
        public let isOpenEnded: Bool
        public let customers: Int
        public let actualPurchases: Double
        public let predictedPurchases: Double
        /// Per-customer means (NaN for an empty bucket): the paper's Figure 4 points.
        public var actualMean: Double { customers > 0 ? actualPurchases / Double(customers) : .nan }
        public var predictedMean: Double { customers > 0 ? predictedPurchases / Double(customers) : .nan }
        /// "0", "1", …, "7+".
        public var label: String { isOpenEnded ? "\(frequency)+" : "\(frequency)" }
    }

    /// t*, weeks.
    public let holdoutWeeks: Double
    /// Calibration customers.
    public let customers: Int
    /// Σ actual and Σ E[Y(t*) | x, t_x, T].
    public let actualPurchases: Double
    public let predictedPurchases: Double
    /// Σ (E[X(T + t*)] − E[X(T)]): the population forecast without individual histories.
    public let unconditionalPredictedPurchases: Double
    /// Mean over customers of |actual − predicted|.
    public let meanAbsoluteError: Double
    /// Mean over customers of (actual − predicted)².
    public let meanSquaredError: Double
    /// Mean over non-empty buckets of |actual mean − predicted mean|.
    public let bucketMeanAbsoluteError: Double
    /// Mean over customers of |actual mean − predicted mean| of the customer's bucket:
    /// Σ_b |actual_b − predicted_b| / customers.
    public let customerWeightedBucketError: Double
    public let buckets: [Bucket]
    /// E[Y(t*) | …] per summary customer (NaN for customers without a calibration order).
    public let predictedPerCustomer: [Double]
    public let settings: HoldoutValidation
}
