import Foundation
import ClienteleKernels

/// The churn model's design for a run spread over machines, chosen once from the merged
/// `PartitionChurnSummary` by the single run's rules (`ChurnFeatures.run`, `Churn.fit`,
/// `LogisticRegression.standardisation`): the features, the mean fills (mean_satisfaction,
/// mean_recommend) and the training rows' means and population standard deviations. Every
/// partition builds its rows with it.
///
/// The fills and means are the exact sums rounded once, the deviations √(Σx²/n − x̄²) from exact
/// sums of rounded squares (relative error about 2⁻⁵³ (1 + x̄²/s²)), so they agree with the single
/// run's two-pass sums to rounding and are the same bits for any split of the customers.
public struct PartitionChurnDesign: Codable, Sendable, Equatable {
    /// Feature names, in column order (the single run's defaults that apply, then `[churn] features`).
    public var featureNames: [String]
    /// Each feature's column among the partition rows' candidates.
    public var candidateColumns: [Int]
    /// Per feature, the fill of a missing value in the labelled and the current rows (the mean of
    /// those who answered; 0 for a feature that is never missing).
    public var labelledFills: [Double]
    public var currentFills: [Double]
    public var means: [Double]
    public var deviations: [Double]
    public var trainingRows: Int
    public var trainingChurners: Int
    /// Default features left out, and why.
    public var notes: [String]

    /// The design from the merged summary.
    /// - Throws: `ChurnError` as `Churn.fit` throws it on the same data: `noLabelledCustomers`,
    ///   `nonFiniteFeature`, `tooFewRows`, `singleClass`, `constantFeature` (65).
    public init(_ s: PartitionChurnSummary, calibrationEnd: CalendarDay) throws(ChurnError) {
        guard s.labelled > 0 else { throw .noLabelledCustomers(calibrationEnd: calibrationEnd) }
        let names = s.columns.map(\.name)
        var kept: [Int] = []
        notes = []
        if !names.contains(ChurnFeatures.complaintsName) {
            notes.append("complaints and mean_satisfaction left out: no interactions table")
        }
        for (c, column) in s.columns.enumerated() {
            if column.nonFinite > 0 { throw .nonFiniteFeature(name: column.name, row: 0, value: .nan) }
            if column.name == ChurnFeatures.complaintsName, !(column.labelled.high > 0) {
                notes.append("complaints left out: no labelled customer has a complaint on or before \(calibrationEnd)")
                continue
            }
            if column.name == ChurnFeatures.satisfactionName, column.labelled.count == 0 {
                notes.append("mean_satisfaction left out: no labelled customer answered a survey on or before \(calibrationEnd)")
                continue
            }
            kept.append(c)
        }
        featureNames = kept.map { names[$0] }
        candidateColumns = kept
        func fill(_ m: PartitionChurnSummary.Moments) -> Double { m.count > 0 ? m.sum.value / Double(m.count) : 0 }
        labelledFills = kept.map { PartitionChurnRows.isFilled(names[$0]) ? fill(s.columns[$0].labelled) : 0 }
        currentFills = kept.map { PartitionChurnRows.isFilled(names[$0]) ? fill(s.columns[$0].current) : 0 }
        let k = kept.count + 1
        guard s.test > 0 else { throw .tooFewRows(part: "test", rows: 0, parameters: 1) }
        guard s.training >= k else { throw .tooFewRows(part: "training", rows: s.training, parameters: k) }
        guard s.trainingChurners > 0, s.trainingChurners < s.training else {
            throw .singleClass(part: "training", rows: s.training, churners: s.trainingChurners)
        }
        // Standardisation over the training rows, the missing ones carrying the labelled fill.
        let n = Double(s.training)
        means = []
        deviations = []
        for (j, c) in kept.enumerated() {
            let m = s.columns[c].training, missing = s.training - m.count, fill = labelledFills[j]
            let low = missing > 0 ? min(m.low, fill) : m.low, high = missing > 0 ? max(m.high, fill) : m.high
            guard low < high else { throw .constantFeature(name: names[c], value: low) }
            let mean = (m.sum.value + Double(missing) * fill) / n
            means.append(mean)
            deviations.append(max((m.squares.value + Double(missing) * fill * fill) / n - mean * mean, 0).squareRoot())
        }
        trainingRows = s.training
        trainingChurners = s.trainingChurners
    }

    /// Row `r` of `rows` in this design's columns, a missing value filled with `fills`.
    func values(_ rows: PartitionChurnRows.Rows, _ r: Int, fills: [Double]) -> [Double] {
        rows.values(r, indices: candidateColumns, fills: fills)
    }

    /// η = β₀ + Σ βⱼ (xⱼ − x̄ⱼ) / sⱼ for one row of raw values, as the single run's design forms it.
    func linearPredictor(_ x: [Double], beta: [Double]) -> Double {
        var t = beta[0]
        for j in 0..<x.count { t += beta[j + 1] * ((x[j] - means[j]) / deviations[j]) }
        return t
    }
}
