import ClienteleKernels

/// The first churn pass of a run spread over machines: what every partition's churn rows add up
/// to, so that the driver can make the single run's global choices (which default features,
/// the mean fills, the training rows' standardisation) exactly once. Counts, exact sums
/// (`ExactSum`) and extremes only, so any split of the customers merged in any order gives the
/// same summary, byte for byte.
public struct PartitionChurnSummary: Codable, Sendable, Equatable {
    /// Count, exact Σx and Σx², and extremes of one column's present values over a row set.
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

    /// One candidate feature's sums: its present (answered) values over all labelled rows, all
    /// current rows and the training rows, and the values that are neither finite nor missing.
    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        public var labelled = Moments()
        public var current = Moments()
        public var training = Moments()
        public var nonFinite = 0

        func merged(with other: Column) -> Column {
            Column(name: name, labelled: labelled.merged(with: other.labelled), current: current.merged(with: other.current),
                   training: training.merged(with: other.training), nonFinite: nonFinite + other.nonFinite)
        }
    }

    /// The training rows by recency in days (ascending), with the churners among them: all the
    /// recency-only baseline needs (`PartitionChurnBaseline`), bounded by the days, not the customers.
    public struct RecencyCount: Codable, Sendable, Equatable {
        public var days: Int
        public var rows: Int
        public var churners: Int
    }

    public var labelled = 0
    public var churners = 0
    public var training = 0
    public var trainingChurners = 0
    public var test = 0
    /// The candidate features in column order (`PartitionChurnRows.candidates`); empty for a
    /// partition without customers, which merges with any.
    public var columns: [Column] = []
    public var trainingRecency: [RecencyCount] = []

    public init() {}

    /// The summary of one partition's rows.
    init(_ rows: PartitionChurnRows) {
        columns = rows.candidates.map { Column(name: $0) }
        labelled = rows.labelled.count
        for (c, name) in rows.candidates.enumerated() {
            let filled = PartitionChurnRows.isFilled(name)
            func usable(_ v: Double) -> Bool {
                if v.isFinite { return true }
                if !(v.isNaN && filled) { columns[c].nonFinite += 1 }
                return false
            }
            for r in 0..<rows.labelled.count {
                let v = rows.labelled.columns[c][r]
                guard usable(v) else { continue }
                columns[c].labelled.add(v)
                if !rows.isTest[r] { columns[c].training.add(v) }
            }
            for v in rows.current.columns[c] where usable(v) { columns[c].current.add(v) }
        }
        precondition(rows.candidates.first == ChurnFeatures.recencyName, "churn rows: recency is the first candidate")
        var byDays: [Int: (rows: Int, churners: Int)] = [:]
        for r in 0..<rows.labelled.count {
            churners += rows.churned[r] ? 1 : 0
            if rows.isTest[r] { test += 1; continue }
            training += 1
            trainingChurners += rows.churned[r] ? 1 : 0
            byDays[Int(rows.labelled.columns[0][r]), default: (0, 0)].rows += 1
            byDays[Int(rows.labelled.columns[0][r])]!.churners += rows.churned[r] ? 1 : 0
        }
        trainingRecency = byDays.keys.sorted().map { RecencyCount(days: $0, rows: byDays[$0]!.rows, churners: byDays[$0]!.churners) }
    }

    /// The summary of both partitions' customers together (exact: any order, the same bytes).
    /// - Throws: `PartitionChurnError.candidatesDiffer` for summaries of different feature sets.
    public func merged(with other: PartitionChurnSummary) throws -> PartitionChurnSummary {
        if other.columns.isEmpty { return self }
        if columns.isEmpty { return other }
        guard columns.map(\.name) == other.columns.map(\.name) else {
            throw PartitionChurnError.candidatesDiffer(columns.map(\.name), other.columns.map(\.name))
        }
        var m = self
        m.labelled += other.labelled
        m.churners += other.churners
        m.training += other.training
        m.trainingChurners += other.trainingChurners
        m.test += other.test
        m.columns = zip(columns, other.columns).map { $0.merged(with: $1) }
        var byDays: [Int: RecencyCount] = [:]
        for c in trainingRecency + other.trainingRecency {
            byDays[c.days, default: RecencyCount(days: c.days, rows: 0, churners: 0)].rows += c.rows
            byDays[c.days]!.churners += c.churners
        }
        m.trainingRecency = byDays.keys.sorted().map { byDays[$0]! }
        return m
    }
}
