import Foundation
import ClienteleKernels

/// One Newton/IRLS pass of the churn regression over one partition's training rows, at the
/// coefficients `beta` of a `PartitionChurnDesign`: the log-likelihood, the gradient Zᵀ(y − p),
/// the information ZᵀWZ (upper triangle) and the separation counts, as `LogisticPass` sums them,
/// but each sum exact (`ExactSum` of the per-row terms), so that any split of the customers merged
/// in any order gives the same bytes, and the merged sums differ from the single run's blocked
/// sums by rounding only.
public struct PartitionChurnPass: Codable, Sendable, Equatable {
    /// The coefficients the pass was computed at (standardised scale, intercept first).
    public var beta: [Double]
    public var rows = 0
    public var logLikelihood = ExactSum()
    public var gradient: [ExactSum]
    /// ZᵀWZ's upper triangle, row by row: (0,0), (0,1) … (0,k−1), (1,1) …
    public var information: [ExactSum]
    public var misclassified = 0
    public var saturated = 0

    /// Sums of no rows at `beta`.
    public init(beta: [Double]) {
        let k = beta.count
        self.beta = beta
        gradient = Array(repeating: ExactSum(), count: k)
        information = Array(repeating: ExactSum(), count: k * (k + 1) / 2)
    }

    /// The pass over the training rows of `rows` with `design` at `beta`; each row's terms are
    /// `LogisticPass.rowTerms`, the single run's.
    init(_ rows: PartitionChurnRows, design: PartitionChurnDesign, beta: [Double]) {
        self.init(beta: beta)
        let k = beta.count
        var z = [Double](repeating: 1, count: k), scaled = [Double](repeating: 0, count: k)
        for r in 0..<rows.labelled.count where !rows.isTest[r] {
            let x = design.values(rows.labelled, r, fills: design.labelledFills)
            for j in 0..<x.count { z[j + 1] = (x[j] - design.means[j]) / design.deviations[j] }
            var t = 0.0
            for j in 0..<k { t += z[j] * beta[j] }
            let positive = rows.churned[r]
            let (term, residual, root) = LogisticPass.rowTerms(t, positive: positive)
            logLikelihood.add(term)
            for j in 0..<k {
                gradient[j].add(residual * z[j])
                scaled[j] = root * z[j]
            }
            var at = 0
            for i in 0..<k {
                for j in i..<k { information[at].add(scaled[i] * scaled[j]); at += 1 }
            }
            if positive ? t <= 0 : t >= 0 { misclassified += 1 }
            if abs(t) > 36 { saturated += 1 }
            self.rows += 1
        }
    }

    /// Both partitions' sums at the same β. - Throws: `PartitionChurnError.passesDiffer` otherwise.
    public func merged(with other: PartitionChurnPass) throws -> PartitionChurnPass {
        guard beta.map(\.bitPattern) == other.beta.map(\.bitPattern) else { throw PartitionChurnError.passesDiffer }
        var m = self
        m.rows += other.rows
        m.logLikelihood = logLikelihood.merged(with: other.logLikelihood)
        m.gradient = zip(gradient, other.gradient).map { $0.merged(with: $1) }
        m.information = zip(information, other.information).map { $0.merged(with: $1) }
        m.misclassified += other.misclassified
        m.saturated += other.saturated
        return m
    }

    /// The sums rounded once, as the Newton iterations read them (both triangles).
    var logisticPass: LogisticPass {
        let k = beta.count
        var h = [Double](repeating: 0, count: k * k), at = 0
        for i in 0..<k {
            for j in i..<k { h[i * k + j] = information[at].value; h[j * k + i] = h[i * k + j]; at += 1 }
        }
        return LogisticPass(logLikelihood: logLikelihood.value, gradient: gradient.map(\.value), information: h,
                            misclassified: misclassified, saturated: saturated)
    }
}
