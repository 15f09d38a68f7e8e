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
    }

    public struct Quadrant: Codable, Sendable {
        public var quadrant: String
        public var title: String
        public var customers: Int
        public var currentValue: Double?
        public var futureValue: Double?
        public var revenue: Double?
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
    public var bgnbd: Model
    public var gammaGamma: Model?
    public var gammaGammaSkipped: String?
    /// Pearson r between repeat frequency and mean repeat spend; Gamma-Gamma assumes ≈ 0.
    public var frequencySpendCorrelation: Double?
    public var holdout: Holdout?
    public var valueMatrix: ValueMatrix
    public var totalPredictedCLV: Double?
}
