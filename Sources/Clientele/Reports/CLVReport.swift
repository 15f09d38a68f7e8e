import ClienteleKernels

/// The predictive-CLV part of the report: `clv_model.json` whole, and its summary in report.json.
/// Numbers that are not finite (a degenerate fit on a tiny history) are written as null, never NaN.
public struct CLVReport: Codable, Sendable {
    public struct Estimate: Codable, Sendable {
        public var name: String
        public var value: Double?
        /// Standard error from the observed information; nil when that matrix is not positive definite.
        public var standardError: Double?
    }

    public struct Model: Codable, Sendable {
        public var model: String
        public var reference: String
        public var estimates: [Estimate]
        public var logLikelihood: Double?
        public var iterations: Int
        public var converged: Bool
        public var stopReason: String
        public var customers: Double
        /// Purchase models only: the `[clv] model` name ("bg-nbd", …).
        public var kind: String? = nil
        /// Purchase models only: AIC = 2k − 2 ln L and BIC = k ln n − 2 ln L.
        public var aic: Double? = nil
        public var bic: Double? = nil
        /// Purchase models with a holdout only: the mean over customers of (actual − predicted)²
        /// holdout purchases (the `auto` criterion), the mean absolute error per customer, and the
        /// mean over calibration-frequency buckets of |actual − predicted| mean holdout purchases.
        public var holdoutError: Double? = nil
        public var holdoutMeanAbsoluteError: Double? = nil
        public var holdoutBucketError: Double? = nil
    }

    /// How the purchase model was chosen.
    public struct Selection: Codable, Sendable {
        public struct Candidate: Codable, Sendable {
            public var model: String
            public var kind: String
            public var holdoutError: Double?
            public var logLikelihood: Double?
            public var aic: Double?
            public var bic: Double?
            public var converged: Bool
        }
        public struct Failure: Codable, Sendable {
            public var model: String
            public var kind: String
            public var reason: String
        }
        /// `[clv] model` as set: "auto" or a model name.
        public var requested: String
        /// The chosen model's name ("bg-nbd") and title ("BG/NBD").
        public var chosen: String
        public var chosenModel: String
        /// "holdout_error", "bic" or "requested".
        public var criterion: String
        public var reason: String
        public var candidates: [Candidate]
        public var failures: [Failure]
    }

    /// Bootstrap intervals of the predictions (`CLVIntervals`).
    public struct Intervals: Codable, Sendable {
        public var draws: Int
        public var level: Double
        public var seed: UInt64
        /// Why there are none (intervals off, no covariance); nil when there are.
        public var unavailable: String?
        /// Why predicted CLV has none while purchases have one.
        public var predictedCLVUnavailable: String?
        public var totalExpectedPurchases: Double?
        public var totalExpectedPurchasesLow: Double?
        public var totalExpectedPurchasesHigh: Double?
        public var totalPredictedCLVLow: Double?
        public var totalPredictedCLVHigh: Double?

        package init(draws: Int, level: Double, seed: UInt64, unavailable: String?, predictedCLVUnavailable: String?,
                     totalExpectedPurchases: Double?, totalExpectedPurchasesLow: Double?, totalExpectedPurchasesHigh: Double?,
                     totalPredictedCLVLow: Double?, totalPredictedCLVHigh: Double?) {
            self.draws = draws; self.level = level; self.seed = seed; self.unavailable = unavailable
            self.predictedCLVUnavailable = predictedCLVUnavailable; self.totalExpectedPurchases = totalExpectedPurchases
            self.totalExpectedPurchasesLow = totalExpectedPurchasesLow; self.totalExpectedPurchasesHigh = totalExpectedPurchasesHigh
            self.totalPredictedCLVLow = totalPredictedCLVLow; self.totalPredictedCLVHigh = totalPredictedCLVHigh
        }
    }

    public struct HoldoutBucket: Codable, Sendable {
        public var calibrationFrequency: String
        public var customers: Int
        public var actualMean: Double?
        public var predictedMean: Double?
    }

    public struct Holdout: Codable, Sendable {
        public var holdoutWeeks: Double?
        public var customers: Int
        public var actualPurchases: Double?
        public var predictedPurchases: Double?
        public var meanAbsoluteError: Double?
        public var buckets: [HoldoutBucket]
        /// The model judged (the chosen one), its mean squared error per customer (the `auto`
        /// criterion) and its mean error over the frequency buckets.
        public var model: String? = nil
        public var holdoutError: Double? = nil
        public var bucketError: Double? = nil
        /// The predictive interval of the total holdout purchases (`HoldoutPredictiveInterval`:
        /// parameter draws and simulated purchases), its level, and why there is none; absent
        /// when intervals are off.
        public var predictedPurchasesLow: Double? = nil
        public var predictedPurchasesHigh: Double? = nil
        public var predictedPurchasesLevel: Double? = nil
        public var predictedPurchasesIntervalUnavailable: String? = nil
    }

    public struct Quadrant: Codable, Sendable {
        public var quadrant: String
        public var title: String
        public var customers: Int
        public var currentValue: Double?
        public var futureValue: Double?
        public var revenue: Double?

        package init(quadrant: String, title: String, customers: Int, currentValue: Double?, futureValue: Double?, revenue: Double?) {
            self.quadrant = quadrant; self.title = title; self.customers = customers
            self.currentValue = currentValue; self.futureValue = futureValue; self.revenue = revenue
        }
    }

    public struct ValueMatrix: Codable, Sendable {
        public var currentThreshold: Double?
        public var futureThreshold: Double?
        public var quadrants: [Quadrant]
    }

    public var calibrationEnd: String
    public var asOf: String
    public var horizonMonths: Int
    public var monthlyDiscountRate: Double
    public var margin: Double
    public var calibrationCustomers: Int
    public var predictedCustomers: Int
    /// The BG/NBD block when BG/NBD was fitted (also in `models`), as before model choice.
    public var bgnbd: Model?
    /// One block per fitted purchase model, in the order bg-nbd, mbg-nbd, pareto-nbd.
    public var models: [Model] = []
    public var selection: Selection? = nil
    /// The chosen purchase model's name ("bg-nbd"): customers.csv's predictions come from it.
    public var purchaseModel: String? = nil
    public var gammaGamma: Model?
    public var gammaGammaSkipped: String?
    /// Pearson r between repeat frequency and mean repeat spend; Gamma-Gamma assumes ≈ 0.
    public var frequencySpendCorrelation: Double?
    public var holdout: Holdout?
    public var valueMatrix: ValueMatrix
    public var totalPredictedCLV: Double?
    public var intervals: Intervals? = nil
    /// h of customers.csv `p_no_purchase_<h>d`; nil when not computed.
    public var noPurchaseDays: Int? = nil
}
