import Foundation
import Testing
@testable import Clientele

/// AUC by brute force over all (positive, negative) pairs, a tie counting ½.
func churnPairwiseAUC(_ labels: [Bool], _ scores: [Double]) -> Double {
    var wins = 0.0, pairs = 0.0
    for i in labels.indices where labels[i] {
        for j in labels.indices where !labels[j] {
            pairs += 1
            wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
        }
    }
    return wins / pairs
}

/// Seeded labels and scores rounded to two decimals (many ties).
func churnRandomScores(_ n: Int, seed: UInt64) -> ([Bool], [Double]) {
    var random = RandomSource(seed: seed)
    var labels: [Bool] = [], scores: [Double] = []
    for _ in 0..<n {
        let y = random.uniform() < 0.35
        labels.append(y)
        scores.append(((random.uniform() * 0.7 + (y ? 0.3 : 0)) * 100).rounded() / 100)
    }
    return (labels, scores)
}

@Suite("Churn metrics")
struct ChurnMetricsTests {
    @Test("AUC on a hand-worked example with a tie between a churner and a non-churner")
    func handAUC() {
        // Pairs: (0.8 vs 0.8) ½, (0.8 vs 0.1) 1, (0.3 vs 0.8) 0, (0.3 vs 0.1) 1 → 2.5 / 4.
        #expect(ChurnMetrics.rocAUC(labels: [true, false, true, false], scores: [0.8, 0.8, 0.3, 0.1]) == 0.625)
        #expect(ChurnMetrics.rocAUC(labels: [true, false], scores: [0.5, 0.5]) == 0.5)
        #expect(ChurnMetrics.rocAUC(labels: [true, true], scores: [0.1, 0.2]) == nil)
    }

    @Test("AUC equals the pairwise count, flips under 1 − score, and ignores monotone transforms", arguments: [1, 2, 3] as [UInt64])
    func aucProperties(seed: UInt64) throws {
        let (labels, scores) = churnRandomScores(400, seed: seed)
        let auc = try #require(ChurnMetrics.rocAUC(labels: labels, scores: scores))
        #expect(abs(auc - churnPairwiseAUC(labels, scores)) < 1e-14)
        let flipped = try #require(ChurnMetrics.rocAUC(labels: labels, scores: scores.map { 1 - $0 }))
        #expect(abs(flipped - (1 - auc)) < 1e-14)
        #expect(ChurnMetrics.rocAUC(labels: labels, scores: scores.map { exp(3 * $0) }) == auc)
        let permutation = Array(labels.indices.reversed())
        #expect(ChurnMetrics.rocAUC(labels: permutation.map { labels[$0] }, scores: permutation.map { scores[$0] }) == auc)
    }

    @Test("log loss clips a confident wrong prediction at −log ε and equals the cross-entropy otherwise")
    func logLoss() {
        let eps = Double.ulpOfOne
        #expect(ChurnMetrics.logLoss(labels: [true], probabilities: [0]) == -log(eps))
        #expect(ChurnMetrics.logLoss(labels: [false], probabilities: [1]) == -log(eps))
        #expect(ChurnMetrics.logLoss(labels: [true], probabilities: [1]) == -log(1 - eps))
        let value = ChurnMetrics.logLoss(labels: [true, false, true], probabilities: [0.9, 0.2, 0.6])
        #expect(abs(value - -(log(0.9) + log(0.8) + log(0.6)) / 3) < 1e-15)
    }

    @Test("Brier score is the mean squared difference between label and probability")
    func brier() {
        // scikit-learn's docstring example: 0.0375.
        #expect(abs(ChurnMetrics.brierScore(labels: [false, true, true, false], probabilities: [0.1, 0.9, 0.8, 0.3]) - 0.0375) < 1e-16)
        #expect(ChurnMetrics.brierScore(labels: [true, false], probabilities: [1, 0]) == 0)
        #expect(ChurnMetrics.brierScore(labels: [true, false], probabilities: [0, 1]) == 1)
    }

    @Test("confusion counts at a threshold, with zero-division ratios reported as 0")
    func confusion() {
        let labels = [true, true, false, false, true, false]
        let p = [0.9, 0.4, 0.6, 0.1, 0.5, 0.5]
        let c = ChurnConfusion(threshold: 0.5, labels: labels, probabilities: p)
        #expect((c.truePositives, c.falsePositives, c.trueNegatives, c.falseNegatives) == (2, 2, 1, 1))
        #expect(c.precision == 0.5)
        #expect(c.recall == 2.0 / 3)
        #expect(c.specificity == 1.0 / 3)
        #expect(c.accuracy == 0.5)
        #expect(abs(c.f1 - 4.0 / 7) < 1e-15)
        let nobody = ChurnConfusion(threshold: 1.1, labels: labels, probabilities: p)
        #expect(nobody.flagged == 0 && nobody.precision == 0 && nobody.recall == 0 && nobody.f1 == 0)
    }

    @Test("deciles: counts add up, gains end at 1, lift is rate over base rate, calibration means are per decile")
    func deciles() throws {
        // 20 rows; probabilities 0.95, 0.90, …, 0.00; the top 6 rows churn.
        let p = (0..<20).map { Double(19 - $0) * 0.05 }
        let labels = (0..<20).map { $0 < 6 }
        let e = try ChurnEvaluation(labels: labels, probabilities: p, baseRate: 0.3)
        #expect(e.deciles.count == 10)
        #expect(e.deciles.map(\.customers) == Array(repeating: 2, count: 10))
        #expect(e.deciles.map(\.churners) == [2, 2, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(e.deciles[0].lift == 1 / 0.3)
        #expect(abs(e.deciles[0].meanPredicted - 0.925) < 1e-15)
        #expect(e.deciles[2].cumulativeGain == 1)
        #expect(e.deciles[9].cumulativeShare == 1 && e.deciles[9].cumulativeGain == 1 && e.deciles[9].cumulativeLift == 1)
        #expect(e.auc == 1)
        // Base-rate threshold: flag round(0.3 × 20) = 6 customers: the 6th highest probability.
        #expect(e.atBaseRate.threshold == p[5])
        #expect(e.atBaseRate.flagged == 6 && e.atBaseRate.precision == 1 && e.atBaseRate.recall == 1)
        #expect(e.atHalf.threshold == 0.5)
    }

    @Test("evaluation refuses one-class rows (65) and probabilities outside [0, 1] (70)")
    func evaluationErrors() throws {
        let single = try #require(churnError { try ChurnEvaluation(labels: [true, true], probabilities: [0.2, 0.3], baseRate: 0.5) })
        #expect(single == .singleClass(part: "test", rows: 2, churners: 2))
        #expect(single.exitStatus == .dataError)
        let outside = try #require(churnError { try ChurnEvaluation(labels: [true, false], probabilities: [0.2, .nan], baseRate: 0.5) })
        #expect(outside.exitStatus == .software)
        let empty = try #require(churnError { try ChurnEvaluation(labels: [], probabilities: [], baseRate: 0.5) })
        #expect(empty.exitStatus == .dataError)
    }
}
