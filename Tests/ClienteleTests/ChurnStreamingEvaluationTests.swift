import Testing
@testable import Clientele
@testable import ClienteleKernels

/// The evaluation of rows streamed in descending order (a run spread over machines) against the
/// evaluation of the same rows held in memory.
@Suite("Churn evaluation of streamed rows")
struct ChurnStreamingEvaluationTests {
    /// `n` rows, about 30 % churners, probabilities with `digits` decimals (few digits: long ties).
    static func rows(_ n: Int, digits: Int, seed: UInt64) -> (labels: [Bool], probabilities: [Double]) {
        var random = RandomSource(seed: seed)
        let scale = Double([1, 10, 100, 1_000, 10_000, 100_000][digits])
        var labels: [Bool] = [], probabilities: [Double] = []
        for _ in 0..<n {
            let y = random.uniform() < 0.3
            labels.append(y)
            probabilities.append(min(1, ((random.uniform() * 0.7 + (y ? 0.3 : 0)) * scale).rounded() / scale))
        }
        return (labels, probabilities)
    }

    static func streamed(_ labels: [Bool], _ probabilities: [Double], baseRate: Double, limit: Int) throws -> ChurnEvaluation {
        let order = ChurnRowOrder.descending(probabilities)
        return try ChurnEvaluation(streamingRows: labels.count, churners: labels.filter { $0 }.count, baseRate: baseRate,
                                   rocPointLimit: limit) { row in
            for r in order { try row(probabilities[r], labels[r]) }
        }
    }

    @Test("counts, AUC, deciles and the ROC chart are the in-memory evaluation's bit for bit; log loss and Brier to rounding",
          arguments: [(7, 2, 201), (2_000, 1, 201), (5_000, 2, 50), (20_000, 5, 201), (20_000, 5, 11), (3_001, 3, 10_000)])
    func sameAsInMemory(n: Int, digits: Int, limit: Int) throws {
        var (labels, probabilities) = Self.rows(n, digits: digits, seed: UInt64(n * 31 + digits))
        if !labels.contains(true) { labels[0] = true }
        if !labels.contains(false) { labels[1] = false }
        let held = try ChurnEvaluation(labels: labels, probabilities: probabilities, baseRate: 0.27, rocPointLimit: limit)
        let streamed = try Self.streamed(labels, probabilities, baseRate: 0.27, limit: limit)
        #expect(streamed.rows == held.rows && streamed.churners == held.churners)
        #expect(streamed.auc == held.auc)
        #expect(streamed.atHalf == held.atHalf)
        #expect(streamed.atBaseRate == held.atBaseRate)
        #expect(streamed.deciles == held.deciles)
        #expect(streamed.rocChart == held.rocChart)
        #expect(abs(streamed.logLoss - held.logLoss) <= 1e-13 * held.logLoss)
        #expect(abs(streamed.brierScore - held.brierScore) <= 1e-13 * held.brierScore)
        #expect(streamed.rocCurve == nil)
    }

    @Test("a stream out of order, with rows missing, or holding one class is refused")
    func refusals() throws {
        #expect(throws: ChurnError.self) {
            try ChurnEvaluation(streamingRows: 3, churners: 1, baseRate: 0.3) { row in
                try row(0.2, true); try row(0.5, false); try row(0.1, false)
            }
        }
        #expect(throws: ChurnError.self) {
            try ChurnEvaluation(streamingRows: 3, churners: 1, baseRate: 0.3) { row in try row(0.5, true); try row(0.1, false) }
        }
        #expect(throws: ChurnError.self) {
            try ChurnEvaluation(streamingRows: 2, churners: 2, baseRate: 0.3) { row in try row(0.5, true); try row(0.1, true) }
        }
    }
}
