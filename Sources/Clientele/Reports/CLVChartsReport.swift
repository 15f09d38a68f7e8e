import ClienteleStore
import ClienteleKernels

/// report.json `clv_charts`: the figures behind report.html's CLV distribution, P(alive) matrix
/// and tracking plot (docs/definitions.md). Each part is `nil` when it could not be drawn.
public struct CLVChartsReport: Codable, Sendable {
    /// Predicted CLV per customer, binned on the 1–2–5 series (`CLVDistribution`).
    public struct Distribution: Codable, Sendable {
        public struct Bin: Codable, Sendable {
            /// `nil` for the "≤ 0" bin; otherwise lower < CLV ≤ upper.
            public var lower: Double?
            public var upper: Double
            public var customers: Int
            public var predictedCLV: Double
        }
        public var horizonMonths: Int
        public var monthlyDiscountRate: Double
        public var customers: Int
        public var total: Double
        public var mean: Double?
        public var median: Double?
        public var percentile90: Double?
        public var percentile99: Double?
        public var bins: [Bin]
    }

    /// Mean P(alive) by repeat purchases x × recency t_x at as-of (`ProbabilityAliveMatrix`).
    public struct AliveMatrix: Codable, Sendable {
        public var model: String
        /// "as_of": x, t_x of orders before as-of, P(alive) of customers.csv.
        public var summary: String
        /// Lower bound of each x column; the last is open-ended when `lastColumnOpen`.
        public var frequencies: [Int]
        public var lastColumnOpen: Bool
        /// Row r holds t_x in [r·w, (r + 1)·w) weeks (the last row closed).
        public var recencyWeeksPerRow: Int
        public var rows: Int
        /// Row-major (row, column), row 0 = the smallest recency.
        public var customers: [Int]
        /// `nil` for empty cells.
        public var meanProbabilityAlive: [Double?]
    }

    /// Actual and expected cumulative repeat purchases of the calibration customers (`RepeatPurchaseTracking`).
    public struct Tracking: Codable, Sendable {
        public var model: String
        public var customers: Int
        public var startDay: String
        public var calibrationEnd: String
        public var lastDay: String
        public var days: [String]
        public var weeks: [Double]
        public var actualCumulative: [Int]
        public var expectedCumulative: [Double]
        /// At the calibration end and at the last day.
        public var actualAtCalibrationEnd: Int
        public var expectedAtCalibrationEnd: Double
        public var actualAtEnd: Int
        public var expectedAtEnd: Double
    }

    public var distribution: Distribution?
    public var aliveMatrix: AliveMatrix?
    public var tracking: Tracking?

    package init(distribution: Distribution? = nil, aliveMatrix: AliveMatrix? = nil, tracking: Tracking? = nil) {
        self.distribution = distribution; self.aliveMatrix = aliveMatrix; self.tracking = tracking
    }
}

extension CLVChartsReport.Distribution {
    package init(_ d: CLVDistribution, forecast: CLVForecast) {
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        self.init(horizonMonths: forecast.horizonMonths, monthlyDiscountRate: forecast.monthlyDiscountRate, customers: d.customers,
                  total: d.total, mean: finite(d.mean), median: finite(d.median), percentile90: finite(d.percentile90),
                  percentile99: finite(d.percentile99),
                  bins: d.bins.map { Bin(lower: $0.lower, upper: $0.upper, customers: $0.customers, predictedCLV: $0.value) })
    }
}

extension CLVChartsReport.AliveMatrix {
    package init(_ m: ProbabilityAliveMatrix, model: RepeatPurchaseModelKind) {
        self.init(model: model.title, summary: "as_of", frequencies: m.frequencies, lastColumnOpen: m.lastColumnOpen,
                  recencyWeeksPerRow: m.recencyWeeksPerRow, rows: m.rows, customers: m.customers,
                  meanProbabilityAlive: m.meanProbabilityAlive.map { $0.isFinite ? $0 : nil })
    }
}

extension CLVChartsReport.Tracking {
    package init(_ t: RepeatPurchaseTracking) {
        let k = t.calibrationEndIndex
        self.init(model: t.model.title, customers: t.customers, startDay: t.startDay.description, calibrationEnd: t.calibrationEnd.description,
                  lastDay: t.lastDay.description, days: t.days.map(\.description), weeks: t.weeks, actualCumulative: t.actualCumulative,
                  expectedCumulative: t.expectedCumulative, actualAtCalibrationEnd: t.actualCumulative[k],
                  expectedAtCalibrationEnd: t.expectedCumulative[k], actualAtEnd: t.actualCumulative.last!,
                  expectedAtEnd: t.expectedCumulative.last!)
    }
}
