import ClienteleKernels

/// The first churn pass of a run spread over machines: what every partition's churn rows add up
/// to, so that the driver can make the single run's global choices (which default features,
/// the satisfaction fills, the training rows' standardisation) exactly once. Counts, exact sums
/// (`ExactSum`) and extremes only, so any split of the customers merged in any order gives the
/// same summary, byte for byte.
public struct PartitionChurnSummary: Codable, Sendable, Equatable {
    /// Sums of one column over the training rows (for a satisfaction column, over those that answered).
    public struct Moments: Codable, Sendable, Equatable {
        public var count = 0
        public var sum = ExactSum()
        public var squares = ExactSum()
        public var low = Double.infinity
        public var high = -Double.infinity

        mutating func add(_ x: Double) {
            count += 1
            sum.add(x)
            squares.add(x * x)
            low = min(low, x)
            high = max(high, x)
        }

        func merged(with other: Moments) -> Moments {
            Moments(count: count + other.count, sum: sum.merged(with: other.sum), squares: squares.merged(with: other.squares),
                    low: min(low, other.low), high: max(high, other.high))
        }

        // ±∞ for an empty column are written as null (JSON has no infinities).
        enum CodingKeys: String, CodingKey { case count, sum, squares, low, high }
        init(count: Int = 0, sum: ExactSum = ExactSum(), squares: ExactSum = ExactSum(), low: Double = .infinity, high: Double = -.infinity) {
            (self.count, self.sum, self.squares, self.low, self.high) = (count, sum, squares, low, high)
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(count: try c.decode(Int.self, forKey: .count), sum: try c.decode(ExactSum.self, forKey: .sum),
                      squares: try c.decode(ExactSum.self, forKey: .squares),
                      low: try c.decodeIfPresent(Double.self, forKey: .low) ?? .infinity,
                      high: try c.decodeIfPresent(Double.self, forKey: .high) ?? -.infinity)
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(count, forKey: .count)
            try c.encode(sum, forKey: .sum)
            try c.encode(squares, forKey: .squares)
            try c.encodeIfPresent(low.isFinite ? low : nil, forKey: .low)
            try c.encodeIfPresent(high.isFinite ? high : nil, forKey: .high)
        }
    }

    /// Whether interactions were read (the same in every partition of one run).
    public var interactions = false
    public var labelled = 0
    public var churners = 0
    public var training = 0
    public var trainingChurners = 0
    public var test = 0
    /// Labelled customers with a complaint on or before the calibration end.
    public var labelledComplainers = 0
    /// Per-customer mean survey satisfaction over the labelled, and the current, customers who answered.
    public var labelledSatisfaction = Moments()
    public var currentSatisfaction = Moments()
    /// Training rows' moments: recency_days, frequency, monetary, tenure_days, complaints (in that
    /// order; complaints all zero without interactions), then mean_satisfaction over those who answered.
    public var trainingColumns = [Moments](repeating: Moments(), count: 6)

    public init() {}

    /// The summary of one partition's rows.
    init(_ rows: PartitionChurnRows) {
        interactions = rows.hasInteractions
        labelled = rows.labelled.count
        for r in 0..<rows.labelled.count {
            let churned = rows.churned[r]
            churners += churned ? 1 : 0
            if rows.hasInteractions {
                if rows.labelled.complaints[r] > 0 { labelledComplainers += 1 }
                if let s = rows.labelled.satisfaction(r) { labelledSatisfaction.add(s) }
            }
            if rows.isTest[r] { test += 1; continue }
            training += 1
            trainingChurners += churned ? 1 : 0
            for j in 0..<4 { trainingColumns[j].add(rows.labelled.base[j][r]) }
            trainingColumns[4].add(rows.hasInteractions ? rows.labelled.complaints[r] : 0)
            if rows.hasInteractions, let s = rows.labelled.satisfaction(r) { trainingColumns[5].add(s) }
        }
        if rows.hasInteractions {
            for r in 0..<rows.current.count { if let s = rows.current.satisfaction(r) { currentSatisfaction.add(s) } }
        }
    }

    /// The summary of both partitions' customers together (exact: any order, the same bytes).
    public func merged(with other: PartitionChurnSummary) -> PartitionChurnSummary {
        var m = self
        m.interactions = interactions || other.interactions
        m.labelled += other.labelled
        m.churners += other.churners
        m.training += other.training
        m.trainingChurners += other.trainingChurners
        m.test += other.test
        m.labelledComplainers += other.labelledComplainers
        m.labelledSatisfaction = labelledSatisfaction.merged(with: other.labelledSatisfaction)
        m.currentSatisfaction = currentSatisfaction.merged(with: other.currentSatisfaction)
        m.trainingColumns = zip(trainingColumns, other.trainingColumns).map { $0.merged(with: $1) }
        return m
    }
}
