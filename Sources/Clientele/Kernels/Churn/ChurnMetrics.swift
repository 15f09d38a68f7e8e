#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scores of probabilistic binary predictions, defined as scikit-learn 1.9 defines them so that the
/// numbers can be checked against it. Callers validate: equal lengths, probabilities in [0, 1].
public enum ChurnMetrics {
    /// Area under the ROC curve by the Mann–Whitney statistic with average ranks for ties:
    /// AUC = (R₁ − n₁(n₁ + 1)/2) / (n₁ n₀), R₁ = sum of the positives' ranks of `scores`
    /// (Hanley & McNeil 1982). Equals the trapezoidal area of scikit-learn's `roc_auc_score`,
    /// where a tie between a positive and a negative counts ½.
    /// - Returns: `nil` when `labels` holds one class only (the AUC is undefined).
    /// - Complexity: O(n log n).
    public static func rocAUC(labels: [Bool], scores: [Double]) -> Double? {
        precondition(labels.count == scores.count, "rocAUC: \(labels.count) labels, \(scores.count) scores")
        let n = labels.count
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, positives < n else { return nil }
        guard !scores.contains(where: \.isNaN) else { return comparisonRocAUC(labels: labels, scores: scores, positives: positives) }
        return rocAUC(labels: labels, scores: scores, descending: ChurnRowOrder.descending(scores), positives: positives)
    }

    /// The same from the rows ordered by score descending (ties in any order; `ChurnRowOrder`).
    /// A tie run at descending positions [a, b) holds ascending positions [n − b, n − a), so it
    /// shares the 1-based rank (2n − a − b + 1) / 2. Sums stay exact (half-integers) while
    /// 2 R₁ < 2⁵³, so the run order does not change the bits.
    package static func rocAUC(labels: [Bool], scores: [Double], descending order: [Int], positives: Int) -> Double {
        let n = order.count
        var rankSum = 0.0, start = 0
        while start < n {
            var end = start + 1
            while end < n, scores[order[end]] == scores[order[start]] { end += 1 }
            var runPositives = 0
            for r in start..<end where labels[order[r]] { runPositives += 1 }
            rankSum += Double(runPositives) * Double(2 * n - start - end + 1) / 2
            start = end
        }
        let n1 = Double(positives), n0 = Double(n - positives)
        return (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0)
    }

    /// The comparison-sort form, for scores holding NaN (whose order the sort leaves unspecified):
    /// the ascending order reversed is a descending one.
    private static func comparisonRocAUC(labels: [Bool], scores: [Double], positives: Int) -> Double {
        let ascending = (0..<labels.count).sorted { scores[$0] < scores[$1] }
        return rocAUC(labels: labels, scores: scores, descending: Array(ascending.reversed()), positives: positives)
    }

    /// Mean log loss, scikit-learn's `log_loss` (1.9): with q = 1 − p and
    /// clip(x) = min(max(x, ε), 1 − ε), ε = 2⁻⁵² (float64 machine epsilon),
    /// loss = −(1/n) Σ [y log clip(p) + (1 − y) log clip(q)].
    /// Clipping keeps the loss finite (at most −log ε ≈ 36.04 a row) when p is exactly 0 or 1.
    /// - Complexity: O(n).
    public static func logLoss(labels: [Bool], probabilities: [Double]) -> Double {
        precondition(labels.count == probabilities.count && !labels.isEmpty, "logLoss: \(labels.count) labels, \(probabilities.count) probabilities")
        var total = 0.0
        for (y, p) in zip(labels, probabilities) { total += logLossTerm(p, churned: y) }
        return total / Double(labels.count)
    }

    /// One row's log-loss term, −log clip(p) for a churner and −log clip(1 − p) otherwise.
    @inline(__always)
    package static func logLossTerm(_ p: Double, churned: Bool) -> Double {
        let eps = Double.ulpOfOne, x = churned ? p : 1 - p
        return -log(min(max(x, eps), 1 - eps))
    }

    /// One row's Brier term, ½ [((1 − y) − (1 − p))² + (y − p)²].
    @inline(__always)
    package static func brierTerm(_ p: Double, churned: Bool) -> Double {
        let y = churned ? 1.0 : 0.0
        let a = (1 - y) - (1 - p), b = y - p
        return 0.5 * (a * a + b * b)
    }

    /// Brier score, scikit-learn's `brier_score_loss` (1.9) for a binary target: half the
    /// two-column squared error, (1/n) Σ ½ [((1 − y) − (1 − p))² + (y − p)²], which is
    /// (1/n) Σ (y − p)² up to rounding.
    /// - Complexity: O(n).
    public static func brierScore(labels: [Bool], probabilities: [Double]) -> Double {
        precondition(labels.count == probabilities.count && !labels.isEmpty, "brierScore: \(labels.count) labels, \(probabilities.count) probabilities")
        var total = 0.0
        for (label, p) in zip(labels, probabilities) { total += brierTerm(p, churned: label) }
        return total / Double(labels.count)
    }
}
