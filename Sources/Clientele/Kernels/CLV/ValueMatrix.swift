import ClienteleSupport
import ClienteleStats

/// The current-value × future-value matrix: customers split by historical CLV (what they have
/// been worth) and predicted CLV (what they will be worth) into four quadrants, because not
/// every customer brings profit and customer selection needs both.
///
/// A customer is "high" on an axis when its value is strictly greater than the axis threshold
/// (so at the median split, customers tied at the median are "low"). Thresholds default to the
/// medians (mean of the two middle values for an even count) over the customers that have both
/// values; customers with a NaN value are left out (quadrant −1).
public struct ValueMatrix: Sendable, Hashable {
    public enum Split: Sendable, Hashable {
        /// Each axis at its median.
        case medians
        /// Fixed thresholds (money units).
        case thresholds(current: Double, future: Double)
    }

    public var split: Split

    public init(split: Split = .medians) { self.split = split }

    /// - Parameters:
    ///   - current: historical CLV per customer (net revenue × margin).
    ///   - future: predicted CLV per customer.
    ///   - revenue: optional net revenue per customer, summed per quadrant.
    /// - Throws: `CLVError.lengthMismatch`; `CLVError.invalidSetting` for non-finite thresholds.
    /// - Complexity: O(n) expected (the medians by selection).
    public func run(current: [Double], future: [Double], revenue: [Double]? = nil) throws -> ValueMatrixResult {
        let n = current.count
        guard future.count == n else { throw CLVError.lengthMismatch(name: "future", count: future.count, expected: n) }
        if let revenue, revenue.count != n { throw CLVError.lengthMismatch(name: "revenue", count: revenue.count, expected: n) }
        let usable = parallelIndices(n) { !current[$0].isNaN && !future[$0].isNaN }
        let currentThreshold: Double, futureThreshold: Double
        switch split {
        case .medians:
            // The two selections are independent: one task each.
            let medians = parallelBlocks(2, size: 1) { part in
                Self.median(part.lowerBound == 0 ? usable.map { current[$0] } : usable.map { future[$0] })
            }
            currentThreshold = medians[0]
            futureThreshold = medians[1]
        case let .thresholds(c, f):
            guard c.isFinite else { throw CLVError.invalidSetting(name: "current_threshold", value: "\(c)", requirement: "should be finite") }
            guard f.isFinite else { throw CLVError.invalidSetting(name: "future_threshold", value: "\(f)", requirement: "should be finite") }
            currentThreshold = c; futureThreshold = f
        }
        // Each customer's quadrant on every thread; the cells' sums in customer order.
        var quadrant = [Int8](repeating: -1, count: n)
        quadrant.withUnsafeMutableBufferPointer { quadrant in
            let out = quadrant
            parallelRanges(usable.count, size: 65_536) { block in
                for c in usable[block] {
                    out[c] = Int8(ValueQuadrant(highCurrent: current[c] > currentThreshold, highFuture: future[c] > futureThreshold).rawValue)
                }
            }
        }
        var counts = [Int](repeating: 0, count: 4)
        var currentSum = [Double](repeating: 0, count: 4), futureSum = currentSum, revenueSum = currentSum
        for c in usable {
            let q = Int(quadrant[c])
            counts[q] += 1
            currentSum[q] += current[c]
            futureSum[q] += future[c]
            revenueSum[q] += revenue?[c] ?? 0
        }
        let cells = ValueQuadrant.allCases.map {
            ValueMatrixResult.Cell(quadrant: $0, customers: counts[$0.rawValue],
                                   currentValue: currentSum[$0.rawValue], futureValue: futureSum[$0.rawValue],
                                   revenue: revenue == nil ? nil : revenueSum[$0.rawValue])
        }
        return ValueMatrixResult(currentThreshold: currentThreshold, futureThreshold: futureThreshold,
                                 quadrant: quadrant, cells: cells, customers: usable.count, settings: self)
    }

    package static func median(_ values: [Double]) -> Double { Median.of(values) }
}

/// The four cells of the value matrix.
public enum ValueQuadrant: Int, Sendable, Hashable, CaseIterable, Codable {
    /// High current, high future value: keep and reward.
    case mostValuable = 0
    /// Low current, high future value: grow.
    case growthPotential = 1
    /// High current, low future value: at risk of fading; win back.
    case declining = 2
    /// Low current, low future value: serve at low cost.
    case lowValue = 3

    public init(highCurrent: Bool, highFuture: Bool) {
        switch (highCurrent, highFuture) {
        case (true, true): self = .mostValuable
        case (false, true): self = .growthPotential
        case (true, false): self = .declining
        case (false, false): self = .lowValue
        }
    }

    /// The customers.csv `value_quadrant` spelling.
    public var name: String {
        switch self {
        case .mostValuable: "most_valuable"
        case .growthPotential: "growth_potential"
        case .declining: "declining"
        case .lowValue: "low_value"
        }
    }

    /// A title for reports.
    public var title: String {
        switch self {
        case .mostValuable: "Most valuable (high current, high future)"
        case .growthPotential: "Growth potential (low current, high future)"
        case .declining: "Declining (high current, low future)"
        case .lowValue: "Low value (low current, low future)"
        }
    }
}

public struct ValueMatrixResult: Sendable {
    public struct Cell: Sendable, Hashable {
        public let quadrant: ValueQuadrant
        public let customers: Int
        /// Σ historical CLV and Σ predicted CLV of the cell.
        public let currentValue: Double
        public let futureValue: Double
        /// Σ revenue when given.
        public let revenue: Double?
    }
    public let currentThreshold: Double
    public let futureThreshold: Double
    /// `ValueQuadrant.rawValue` per customer; −1 when a value is missing.
    public let quadrant: [Int8]
    /// The four cells in `ValueQuadrant.allCases` order.
    public let cells: [Cell]
    /// Customers placed.
    public let customers: Int
    public let settings: ValueMatrix

    /// The quadrant of customer `c`, `nil` when it has none.
    public func quadrant(of c: Int) -> ValueQuadrant? { quadrant[c] >= 0 ? ValueQuadrant(rawValue: Int(quadrant[c])) : nil }
}
