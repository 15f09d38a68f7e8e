import Foundation
import ClienteleKernels

/// The churn model's design for a run spread over machines, chosen once from the merged
/// `PartitionChurnSummary` by the single run's rules (`ChurnFeatures.run`, `Churn.fit`,
/// `LogisticRegression.standardisation`): the features, the satisfaction fills and the training
/// rows' means and population standard deviations. Every partition builds its rows with it.
///
/// The fills and means are the exact sums rounded once, the deviations √(Σx²/n − x̄²) from exact
/// sums, so they agree with the single run's running sums to rounding (about 1e-16 relative) and
/// are the same bits for any split of the customers.
public struct PartitionChurnDesign: Codable, Sendable, Equatable {
    /// Feature names, in column order (the single run's defaults that apply).
    public var featureNames: [String]
    /// The fill of a missing mean_satisfaction in the labelled and the current rows (0 when unused).
    public var labelledFill: Double
    public var currentFill: Double
    public var means: [Double]
    public var deviations: [Double]
    public var trainingRows: Int
    public var trainingChurners: Int
    /// Default features left out, and why.
    public var notes: [String]

    /// The design from the merged summary.
    /// - Throws: `ChurnError` as `Churn.fit` throws it on the same data: `noLabelledCustomers`,
    ///   `tooFewRows`, `singleClass`, `constantFeature` (65).
    public init(_ s: PartitionChurnSummary, calibrationEnd: CalendarDay) throws(ChurnError) {
        guard s.labelled > 0 else { throw .noLabelledCustomers(calibrationEnd: calibrationEnd) }
        var names = [ChurnFeatures.recencyName, ChurnFeatures.frequencyName, ChurnFeatures.monetaryName, ChurnFeatures.tenureName]
        var columns = Array(s.trainingColumns.prefix(4))
        notes = []
        labelledFill = 0
        currentFill = 0
        var satisfaction: PartitionChurnSummary.Moments? = nil
        if s.interactions {
            if s.labelledComplainers > 0 {
                names.append(ChurnFeatures.complaintsName)
                columns.append(s.trainingColumns[4])
            } else {
                notes.append("complaints left out: no labelled customer has a complaint on or before \(calibrationEnd)")
            }
            if s.labelledSatisfaction.count > 0 {
                labelledFill = s.labelledSatisfaction.sum.value / Double(s.labelledSatisfaction.count)
                currentFill = s.currentSatisfaction.count > 0 ? s.currentSatisfaction.sum.value / Double(s.currentSatisfaction.count) : 0
                names.append(ChurnFeatures.satisfactionName)
                satisfaction = s.trainingColumns[5]
            } else {
                notes.append("mean_satisfaction left out: no labelled customer answered a survey on or before \(calibrationEnd)")
            }
        } else {
            notes.append("complaints and mean_satisfaction left out: no interactions table")
        }
        let k = names.count + 1
        guard s.test > 0 else { throw .tooFewRows(part: "test", rows: 0, parameters: 1) }
        guard s.training >= k else { throw .tooFewRows(part: "training", rows: s.training, parameters: k) }
        guard s.trainingChurners > 0, s.trainingChurners < s.training else {
            throw .singleClass(part: "training", rows: s.training, churners: s.trainingChurners)
        }
        let n = Double(s.training)
        means = []
        deviations = []
        for (name, m) in zip(names, columns) {
            guard m.low < m.high else { throw .constantFeature(name: name, value: m.low) }
            let mean = m.sum.value / n
            means.append(mean)
            deviations.append(max(m.squares.value / n - mean * mean, 0).squareRoot())
        }
        if let m = satisfaction {
            // The training rows that did not answer carry the labelled fill.
            let missing = Double(s.training - m.count), fill = labelledFill
            let low = m.count < s.training ? min(m.low, fill) : m.low, high = m.count < s.training ? max(m.high, fill) : m.high
            guard low < high else { throw .constantFeature(name: ChurnFeatures.satisfactionName, value: low) }
            let mean = (m.sum.value + missing * fill) / n
            means.append(mean)
            deviations.append(max((m.squares.value + missing * fill * fill) / n - mean * mean, 0).squareRoot())
        }
        featureNames = names
        trainingRows = s.training
        trainingChurners = s.trainingChurners
    }

    /// A partition's labelled (or current) rows as a feature matrix in this design's columns.
    func matrix(_ rows: PartitionChurnRows.Rows, fill: Double, only keep: [Bool]? = nil) -> (matrix: ChurnFeatureMatrix, rows: [Int]) {
        let picked = (0..<rows.count).filter { keep?[$0] ?? true }
        var values: [Double] = []
        values.reserveCapacity(picked.count * featureNames.count)
        for r in picked { values += rows.values(r, features: featureNames, fill: fill) }
        return (ChurnFeatureMatrix(unchecked: featureNames, rows: picked.count, values: values), picked)
    }

    /// η = β₀ + Σ βⱼ (xⱼ − x̄ⱼ) / sⱼ for one row of raw values, as the single run's design forms it.
    func linearPredictor(_ x: [Double], beta: [Double]) -> Double {
        var t = beta[0]
        for j in 0..<x.count { t += beta[j + 1] * ((x[j] - means[j]) / deviations[j]) }
        return t
    }
}
