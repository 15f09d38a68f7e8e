extension ChurnEvaluation {
    /// The evaluation of rows that arrive in descending order of probability, ties in row order
    /// (the test rows of a run spread over machines, merged from the partitions' sorted files), in
    /// two reads of the stream and memory independent of the row count: the first computes the
    /// AUC, log loss, Brier score, both confusion matrices, the deciles and the ROC curve's corner
    /// count and arc length; the second keeps the chart's corners (`ChurnROCCornerPick`).
    ///
    /// The counts, the AUC (exact half-integer rank sums), the deciles and the chart are
    /// `init(labels:probabilities:…)`'s on the same rows in that order, bit for bit; log loss and
    /// the Brier score add the same terms in descending order instead of row order. `rocCurve` is nil.
    /// - Parameters:
    ///   - rows, churners: the stream's rows and churners, known beforehand (the deciles' bounds
    ///     and the base-rate threshold's position need them); a stream that disagrees throws.
    ///   - read: called twice; calls its argument with each row in the same order both times.
    /// - Throws: `ChurnError.singleClass` / `.tooFewRows` (65) as the in-memory evaluation,
    ///   `.nonFiniteValue` (70) for a probability outside [0, 1], `.lengthMismatch` (70) for rows
    ///   out of order or counts that disagree; and whatever `read` throws.
    package init(streamingRows rows: Int, churners: Int, baseRate: Double, part: String = "test", rocPointLimit: Int = 201,
                 read: (_ row: (_ probability: Double, _ churned: Bool) throws -> Void) throws -> Void) throws {
        guard rows > 0 else { throw ChurnError.tooFewRows(part: part, rows: 0, parameters: 1) }
        guard churners > 0, churners < rows else { throw ChurnError.singleClass(part: part, rows: rows, churners: churners) }
        let limit = max(2, rocPointLimit)
        var first = FirstPass(rows: rows, churners: churners, baseRate: baseRate)
        try read { probability, churned in try first.add(probability, churned: churned) }
        try first.finish()
        var walk = ChurnROCCorners(positives: churners, negatives: rows - churners)
        var pick = ChurnROCCornerPick(limit: limit, corners: first.cornerCount, length: first.cornerLength)
        var runs = DescendingRuns()
        func take(_ point: ChurnROCCorners.Point?) { if let point, let corner = walk.add(point) { pick.add(corner, at: walk.length) } }
        try read { probability, churned in take(runs.add(probability, churned: churned)) }
        take(runs.finish())
        if let corner = walk.finish() { pick.add(corner, at: walk.length) }
        guard walk.count == first.cornerCount, walk.length == first.cornerLength else {
            throw ChurnError.lengthMismatch(name: "ROC corners of the second read", count: walk.count, expected: first.cornerCount)
        }
        let n = Double(rows)
        self.init(rows: rows, churners: churners, auc: first.auc, logLoss: first.logLoss / n, brierScore: first.brier / n,
                  atHalf: first.atHalf, atBaseRate: first.atBaseRate, baseRate: first.baseRate, deciles: first.deciles.finished(),
                  rocChart: ChurnROCCurve(positives: churners, negatives: rows - churners, points: pick.finished()))
    }

    /// Runs of equal probability in a descending stream, as ROC points: each run's probability
    /// and the churners and non-churners flagged down to it.
    private struct DescendingRuns {
        var current: ChurnROCCorners.Point?
        var positives = 0
        var negatives = 0

        /// The point of the run that `probability` ends, if it ends one.
        mutating func add(_ probability: Double, churned: Bool) -> ChurnROCCorners.Point? {
            var ended: ChurnROCCorners.Point?
            if let run = current, run.threshold != probability { ended = run }
            if churned { positives += 1 } else { negatives += 1 }
            current = ChurnROCCorners.Point(threshold: probability, truePositives: positives, falsePositives: negatives)
            return ended
        }

        mutating func finish() -> ChurnROCCorners.Point? {
            defer { current = nil }
            return current
        }
    }

    /// Everything but the chart's corners, in one read.
    private struct FirstPass {
        let rows: Int
        let churners: Int
        let baseRate: Double
        /// Position (0-based) of the row whose probability is the base-rate threshold.
        let flaggedAt: Int
        var seen = 0
        var positives = 0
        var previous = Double.infinity
        // AUC: the rank sum by tie runs (`ChurnMetrics.rocAUC`).
        var runStart = 0
        var runPositives = 0
        var rankSum = 0.0
        var logLoss = 0.0
        var brier = 0.0
        var halfTP = 0, halfFP = 0
        var threshold: Double?
        var baseTP = 0, baseFP = 0
        var deciles: ChurnDeciles
        var runs = DescendingRuns()
        var walk: ChurnROCCorners
        var auc = 0.0
        var atHalf = ChurnConfusion(threshold: 0.5, truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        var atBaseRate = ChurnConfusion(threshold: 0.5, truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        var cornerCount: Int { walk.count }
        var cornerLength: Double { walk.length }

        init(rows: Int, churners: Int, baseRate: Double) {
            self.rows = rows
            self.churners = churners
            self.baseRate = min(max(baseRate, 0), 1)
            flaggedAt = min(rows, max(1, Int((self.baseRate * Double(rows)).rounded()))) - 1
            deciles = ChurnDeciles(rows: rows, churners: churners)
            walk = ChurnROCCorners(positives: churners, negatives: rows - churners)
        }

        mutating func add(_ p: Double, churned: Bool) throws {
            guard p >= 0, p <= 1 else { throw ChurnError.nonFiniteValue(name: "churn probability", customer: seen, value: p) }
            guard p <= previous, seen < rows else {
                throw ChurnError.lengthMismatch(name: "rows in descending order of probability", count: seen + 1, expected: rows)
            }
            if p != previous { closeRun(at: seen) }
            previous = p
            if churned { runPositives += 1; positives += 1 }
            logLoss += ChurnMetrics.logLossTerm(p, churned: churned)
            brier += ChurnMetrics.brierTerm(p, churned: churned)
            if p >= 0.5 { if churned { halfTP += 1 } else { halfFP += 1 } }
            if seen == flaggedAt { threshold = p }
            if threshold == nil || p >= threshold! { if churned { baseTP += 1 } else { baseFP += 1 } }
            deciles.add(p, churned: churned)
            if let point = runs.add(p, churned: churned) { _ = walk.add(point) }
            seen += 1
        }

        /// Adds the tie run that ends before position `end` to the rank sum.
        private mutating func closeRun(at end: Int) {
            if end > runStart { rankSum += Double(runPositives) * Double(2 * rows - runStart - end + 1) / 2 }
            runStart = end
            runPositives = 0
        }

        mutating func finish() throws {
            guard seen == rows, positives == churners else {
                throw ChurnError.lengthMismatch(name: "streamed rows (churners \(positives) of \(churners))", count: seen, expected: rows)
            }
            closeRun(at: rows)
            if let point = runs.finish() { _ = walk.add(point) }
            _ = walk.finish()
            let n1 = Double(churners), n0 = Double(rows - churners)
            auc = (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0)
            let negatives = rows - churners
            atHalf = ChurnConfusion(threshold: 0.5, truePositives: halfTP, falsePositives: halfFP,
                                    trueNegatives: negatives - halfFP, falseNegatives: churners - halfTP)
            atBaseRate = ChurnConfusion(threshold: threshold!, truePositives: baseTP, falsePositives: baseFP,
                                        trueNegatives: negatives - baseFP, falseNegatives: churners - baseTP)
        }
    }
}
