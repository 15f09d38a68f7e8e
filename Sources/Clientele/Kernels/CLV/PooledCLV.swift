import ClienteleSupport
import ClienteleStats
import ClienteleStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The CLV step from statistics pooled over customers instead of the customers themselves: what
/// a run spread over machines fits on (`clientele partition clv`). Each part is a table of
/// distinct rows with integer counts, so pooling any split of the customers gives the same table:
///
/// - `HoldoutPatterns`: calibration customers by (x, t_x, T, holdout purchases). The holdout check
///   (`HoldoutValidation`) depends on a customer only through its pattern's prediction and its
///   actual holdout count, so every sum it takes is a sum over these rows, weighted.
/// - `RepeatSpendCounts`: repeat customers by (x, net cents of the repeat orders). Their mean
///   repeat spend m = cents / 100 / x is the summary's, so the Gamma-Gamma sample rebuilt from
///   them is the single run's rows (one per customer), in the same (x, m) order.
///
/// The single run sums its holdout check over the same rows (`CLVModel.fit` pools its customers
/// with `HoldoutPatterns(_:patterns:)`), so the errors, the model choice and Gamma-Gamma's
/// estimates from merged partitions are the single run's bit for bit.
public struct HoldoutPatterns: Sendable, Equatable {
    public var frequency: [Int32] = []
    /// t_x and T in weeks, as `CalibrationPatterns`.
    public var recency: [Double] = []
    public var age: [Double] = []
    /// Orders after E and before as-of.
    public var holdoutPurchases: [Int64] = []
    /// Customers per row.
    public var customers: [Int64] = []

    public init() {}

    public var count: Int { frequency.count }

    /// The included customers of a calibration summary.
    public init(_ summary: CalibrationSummary) {
        self.init(summary, patterns: CalibrationPatterns(summary))
    }

    /// The included customers of a calibration summary, through its patterns (built from it, with
    /// `patternOfCustomer`): a radix sort of (pattern, holdout purchases), O(customers), on every
    /// thread. The patterns being sorted by (x, T, t_x), the rows come out in `grouped`'s order.
    public init(_ summary: CalibrationSummary, patterns: CalibrationPatterns) {
        precondition(patterns.patternOfCustomer.count == summary.count, "patterns built from this summary")
        // Each fixed block of customers counts its included ones and their largest holdout count,
        // then packs (pattern, holdout purchases) from its own offset, in customer order: the key
        // is only as wide as the pattern count and the largest holdout count need.
        let blocks = splitBlocks(summary.count, size: ParallelRadixSort.blockRows)
        let patternOf = patterns.patternOfCustomer, holdout = summary.holdoutPurchases
        let scans = parallelBlocks(summary.count, size: ParallelRadixSort.blockRows) { block -> (included: Int, largest: Int64) in
            var included = 0, largest: Int64 = 0
            for c in block where patternOf[c] >= 0 { included += 1; largest = max(largest, Int64(holdout[c])) }
            return (included, largest)
        }
        var starts = [0]
        for scan in scans { starts.append(starts[starts.count - 1] + scan.included) }
        let countBits = max(1, 64 - UInt64(scans.map(\.largest).max() ?? 0).leadingZeroBitCount)
        let patternBits = max(1, 64 - UInt64(max(patterns.count, 1)).leadingZeroBitCount)
        precondition(countBits + patternBits <= 64, "holdout purchases beyond 64-bit packing")
        let shift = UInt64(countBits), countMask = (UInt64(1) << shift) - 1
        var packed = [UInt64](unsafeUninitializedCapacity: starts[starts.count - 1]) { out, count in
            parallelFor(blocks.count) { b in
                var to = starts[b]
                for c in blocks[b] where patternOf[c] >= 0 {
                    out[to] = UInt64(patternOf[c]) << shift | UInt64(holdout[c])
                    to += 1
                }
            }
            count = starts[starts.count - 1]
        }
        radixSortPacked(&packed, keyBits: 0..<(countBits + patternBits))
        let sorted = packed
        // Runs of equal values, found per fixed block on every thread; a run that crosses into
        // the next block is joined when the blocks are put together, in order.
        let runs = parallelBlocks(sorted.count, size: ParallelRadixSort.blockRows) { block -> (values: [UInt64], counts: [Int64]) in
            var values = [UInt64](), counts = [Int64]()
            for i in block {
                if let last = values.last, last == sorted[i] { counts[counts.count - 1] += 1 } else { values.append(sorted[i]); counts.append(1) }
            }
            return (values, counts)
        }
        // Block b's runs go to rows from offset[b]; a first run that continues the previous
        // block's last is only added to that row's count, after the parallel fill.
        var offset = [Int](repeating: 0, count: runs.count + 1), joins = [Bool](repeating: false, count: runs.count)
        for b in runs.indices {
            joins[b] = b > 0 && runs[b].values.first == runs[b - 1].values.last
            offset[b + 1] = offset[b] + runs[b].values.count - (joins[b] ? 1 : 0)
        }
        let rows = offset[runs.count]
        func column<T: BitwiseCopyable>(_ value: @escaping (UInt64) -> T) -> [T] {
            [T](unsafeUninitializedCapacity: rows) { out, count in
                parallelFor(runs.count) { b in
                    let skip = joins[b] ? 1 : 0
                    for (j, v) in runs[b].values.enumerated().dropFirst(skip) { out[offset[b] + j - skip] = value(v) }
                }
                count = rows
            }
        }
        let x = patterns.frequency, t = patterns.recency, T = patterns.age
        frequency = column { x[Int($0 >> shift)] }
        recency = column { t[Int($0 >> shift)] }
        age = column { T[Int($0 >> shift)] }
        holdoutPurchases = column { Int64($0 & countMask) }
        customers = [Int64](unsafeUninitializedCapacity: rows) { out, count in
            parallelFor(runs.count) { b in
                let skip = joins[b] ? 1 : 0
                for (j, c) in runs[b].counts.enumerated().dropFirst(skip) { out[offset[b] + j - skip] = c }
            }
            count = rows
        }
        for b in runs.indices where joins[b] { customers[offset[b] - 1] += runs[b].counts[0] }
    }

    /// Both tables' customers together.
    public func merged(with other: HoldoutPatterns) -> HoldoutPatterns {
        Self.grouped(frequency + other.frequency, recency + other.recency, age + other.age,
                     holdoutPurchases + other.holdoutPurchases, customers + other.customers)
    }

    /// Rows sorted by (x, T, t_x, holdout purchases) — `CalibrationPatterns`'s order, then the
    /// count — with equal rows merged.
    static func grouped(_ x: [Int32], _ t: [Double], _ T: [Double], _ a: [Int64], _ w: [Int64]) -> HoldoutPatterns {
        let order = x.indices.sorted { (x[$0], T[$0], t[$0], a[$0]) < (x[$1], T[$1], t[$1], a[$1]) }
        var out = HoldoutPatterns()
        for i in order {
            if let k = out.frequency.indices.last, out.frequency[k] == x[i], out.age[k] == T[i], out.recency[k] == t[i],
               out.holdoutPurchases[k] == a[i] {
                out.customers[k] += w[i]
            } else {
                out.frequency.append(x[i]); out.recency.append(t[i]); out.age.append(T[i])
                out.holdoutPurchases.append(a[i]); out.customers.append(w[i])
            }
        }
        return out
    }
}

/// Repeat customers with positive repeat spend (the Gamma-Gamma sample) by x and the net cents
/// of their repeat orders, sorted by (x, cents).
public struct RepeatSpendCounts: Sendable, Equatable {
    public var frequency: [Int32] = []
    public var repeatCents: [Int64] = []
    public var customers: [Int64] = []

    public init() {}

    public var count: Int { frequency.count }

    /// The customers of a period's facts (`CalibrationSummary(calibration:…)`'s): x = orders − 1 > 0
    /// and repeat cents (net − first order) > 0.
    public init(_ facts: CustomerActivity) {
        var x = [Int32](), cents = [Int64]()
        for c in 0..<facts.count where facts.frequency[c] > 1 {
            let repeatCents = facts.netCents[c] - facts.firstOrderCents[c]
            guard repeatCents > 0 else { continue }
            x.append(facts.frequency[c] - 1); cents.append(repeatCents)
        }
        self = Self.grouped(x, cents, [Int64](repeating: 1, count: x.count))
    }

    public func merged(with other: RepeatSpendCounts) -> RepeatSpendCounts {
        Self.grouped(frequency + other.frequency, repeatCents + other.repeatCents, customers + other.customers)
    }

    static func grouped(_ x: [Int32], _ cents: [Int64], _ w: [Int64]) -> RepeatSpendCounts {
        let order = x.indices.sorted { (x[$0], cents[$0]) < (x[$1], cents[$1]) }
        var out = RepeatSpendCounts()
        for i in order {
            if let k = out.frequency.indices.last, out.frequency[k] == x[i], out.repeatCents[k] == cents[i] {
                out.customers[k] += w[i]
            } else {
                out.frequency.append(x[i]); out.repeatCents.append(cents[i]); out.customers.append(w[i])
            }
        }
        return out
    }

    /// The Gamma-Gamma sample: one row of weight 1 per customer (as the single run's, so the
    /// likelihood takes the same per-row path), m = cents / 100 / x as `CalibrationSummary` computes it.
    public func sample() throws -> RepeatSpendSample {
        var x = [Int](), m = [Double]()
        for k in 0..<count {
            let spend = Double(repeatCents[k]) / 100 / Double(frequency[k])
            for _ in 0..<customers[k] { x.append(Int(frequency[k])); m.append(spend) }
        }
        return try RepeatSpendSample(frequency: x, spend: m)
    }
}

/// The fitted part of the CLV step on pooled statistics: everything `CLVModelFit` holds that does
/// not need the customers one by one.
public struct CLVPooledFit: Sendable {
    public let calibrationEnd: CalendarDay
    public let asOf: CalendarDay
    public let calibrationCustomers: Int
    public let candidates: [RepeatPurchaseModelCandidate]
    public let selection: RepeatPurchaseModelSelection
    public let gammaGamma: GammaGammaFit?
    public let gammaGammaSkipped: CLVError?
    /// The chosen model's holdout check (`predictedPerCustomer` empty); nil without a holdout.
    public let validation: HoldoutValidationResult?
    public let settings: CLVModel

    /// The model the predictions come from.
    public var purchaseModel: any RepeatPurchaseModelFit { candidates.first { $0.fit.kind == selection.chosen }!.fit }
}

extension CLVModel {
    /// `fit(table:…)`'s fits, holdout checks and model choice from pooled statistics.
    /// - Parameters:
    ///   - patterns: the calibration patterns of all customers (the current period's without a holdout).
    ///   - holdout: the calibration customers by pattern and holdout purchases, and t* in weeks;
    ///     nil without a holdout window.
    ///   - repeatSpend: the Gamma-Gamma sample's customers.
    ///   - repeatSpendRuns: instead of `repeatSpend`, the sample's runs held elsewhere (a run spread
    ///     over machines that keeps each x's rows in one task; `GammaGammaRuns`).
    ///   - calibrationEnd: E (as-of − 1 without a holdout).
    /// - Throws: as `fit(table:…)`.
    public func fitPooled(patterns: CalibrationPatterns, holdout: (rows: HoldoutPatterns, weeks: Double)?,
                          repeatSpend: RepeatSpendCounts, repeatSpendRuns: GammaGammaRuns? = nil,
                          calibrationEnd: CalendarDay, asOf: CalendarDay) throws -> CLVPooledFit {
        try forecast.validate()
        try intervals.validate()
        try purchaseModel.validate()
        guard patterns.count > 0 else { throw CLVError.emptyCalibration(calibrationEnd: calibrationEnd) }
        let kinds = purchaseModel.kinds
        var fits = [any RepeatPurchaseModelFit](), failures = [RepeatPurchaseModelSelection.Failure]()
        var firstError: (any Error)?
        for kind in kinds {
            do { fits.append(try kind.fit(patterns, settings: self)) } catch {
                guard let clv = error as? CLVError, kinds.count > 1 else { throw error }
                firstError = firstError ?? clv
                failures.append(.init(kind: kind, reason: clv.description))
            }
        }
        if fits.isEmpty { throw firstError! }
        var ggFit: GammaGammaFit?
        var skipped: CLVError?
        if (repeatSpendRuns?.rows ?? repeatSpend.count) == 0 {
            skipped = CLVError.noPositiveRepeatSpend(repeatCustomers: Int(patterns.repeatWeight))
        } else {
            do {
                ggFit = try repeatSpendRuns.map { try gammaGamma.fit(runs: $0) } ?? gammaGamma.fit(try repeatSpend.sample())
            } catch let error as CLVError { skipped = error }
        }
        let validations = try fits.map { fit in
            try holdout.map { try self.holdout.run(model: fit, holdout: $0.rows, holdoutWeeks: $0.weeks, patterns: patterns) }
        }
        let candidates = zip(fits, validations).map { RepeatPurchaseModelCandidate(fit: $0, validation: $1) }
        let selection = RepeatPurchaseModelSelection.select(candidates.map { RepeatPurchaseModelScore($0.fit, validation: $0.validation) },
                                                            choice: purchaseModel, failures: failures)!
        let chosen = candidates.first { $0.fit.kind == selection.chosen }!
        return CLVPooledFit(calibrationEnd: calibrationEnd, asOf: asOf, calibrationCustomers: Int(patterns.totalWeight),
                            candidates: candidates, selection: selection, gammaGamma: ggFit, gammaGammaSkipped: skipped,
                            validation: chosen.validation, settings: self)
    }

    /// The per-customer part of `fit(table:…)` for some of the customers (a partition holding every
    /// order of each of them) with the pooled fit: predictions and their bootstrap intervals, each
    /// customer's the single run's; the holdout's predictive interval is not computed. The value
    /// matrix needs the medians of all customers' values: with `valueMatrix` (those medians, found
    /// over the partitions by `PartitionedMedian`, and the partition's historical CLV and net
    /// revenue per customer, NaN where none) the customers' quadrants are split at them, and each
    /// cell sums them as `fit` does; else none has a quadrant (−1).
    public func predict(_ pooled: CLVPooledFit, table: CustomerTable,
                        valueMatrix: (historical: [Double], revenue: [Double], current: Double, future: Double)? = nil) throws -> CLVModelFit {
        let current = CalibrationSummary(calibration: table.current, holdoutOrders: nil, asOf: nil)
        let patterns = CalibrationPatterns(current)
        let model = pooled.purchaseModel
        let predictions = try forecast.run(model: model, gammaGamma: pooled.gammaGamma, summary: current, patterns: patterns)
        let bootstrap = try intervals.run(model: model, gammaGamma: pooled.gammaGamma, summary: current, patterns: patterns, forecast: forecast)
        let none = [Double](repeating: .nan, count: table.count)
        let matrix = try valueMatrix.map { try ValueMatrix(split: .thresholds(current: $0.current, future: $0.future))
                                                .run(current: $0.historical, future: predictions.predictedCLV, revenue: $0.revenue) }
            ?? ValueMatrix(split: .thresholds(current: 0, future: 0)).run(current: none, future: none)
        return CLVModelFit(calibrationEnd: pooled.calibrationEnd, asOf: pooled.asOf, calibrationCustomers: pooled.calibrationCustomers,
                           currentCustomers: current.includedCount, candidates: pooled.candidates, selection: pooled.selection,
                           gammaGamma: pooled.gammaGamma, gammaGammaSkipped: pooled.gammaGammaSkipped, validation: pooled.validation,
                           predictions: predictions, intervals: bootstrap, holdoutInterval: nil, valueMatrix: matrix, settings: self)
    }
}

extension HoldoutValidation {
    /// `run(model:summary:patterns:)` over customers pooled by pattern and holdout purchases: the
    /// same sums, each row weighted by its customers. `patterns` are the calibration patterns of
    /// the same customers (their predictions and the unconditional forecast's T values); when
    /// they map a summary's customers, `predictedPerCustomer` is filled, else empty. `CLVModel.fit`
    /// judges its candidates this way too, so a run over partitions, whose merged rows are the
    /// same rows, has the same holdout errors bit for bit, and chooses the same model.
    public func run(model: any RepeatPurchaseModelFit, holdout: HoldoutPatterns, holdoutWeeks weeks: Double,
                    patterns: CalibrationPatterns) throws -> HoldoutValidationResult {
        guard maximumFrequency >= 1 && maximumFrequency <= 1000 else {
            throw CLVError.invalidSetting(name: "maximum_frequency", value: "\(maximumFrequency)", requirement: "should be in 1...1000")
        }
        var n = 0
        for w in holdout.customers { n += Int(w) }
        guard n > 0, patterns.count > 0 else { throw CLVError.invalidSetting(name: "holdout", value: "none", requirement: "needs calibration customers") }
        let forecast = model.patternForecast(patterns, times: [weeks], weights: [[1]], noPurchaseWithin: [])
        let buckets = maximumFrequency + 1
        let patternOfRow = try Self.patterns(of: holdout, in: patterns)
        // Per fixed block of rows on every thread, added in block order: the same sums for any
        // thread count, and for the same rows merged from partitions.
        let maximumFrequency = self.maximumFrequency, ofPattern = forecast.outputs[0]
        let partials = parallelBlocks(holdout.count, size: Self.blockSize) { rows -> HoldoutSums in
            var part = HoldoutSums(buckets: buckets)
            for i in rows {
                part.add(bucket: min(Int(holdout.frequency[i]), maximumFrequency), customers: Int(holdout.customers[i]),
                         actual: Double(holdout.holdoutPurchases[i]), predicted: ofPattern[Int(patternOfRow[i])])
            }
            return part
        }
        let sums = HoldoutSums(adding: partials, buckets: buckets)
        // Patterns built from a summary map its customers: their predictions, NaN for those not included.
        let patternOf = patterns.patternOfCustomer
        let perCustomer = writeOnceColumns(1, length: patternOf.count) { out in
            parallelRanges(patternOf.count, size: Self.blockSize) { block in
                for c in block { out[0][c] = patternOf[c] >= 0 ? ofPattern[Int(patternOf[c])] : .nan }
            }
        }[0]
        return result(model: model, patterns: patterns, weeks: weeks, sums: sums, n: n, predictedPerCustomer: perCustomer)
    }
}

extension HoldoutValidation {
    /// The pattern of each holdout row. Both tables are sorted by (x, T, t_x): each fixed block of
    /// rows finds its first row's pattern by binary search and walks forwards from there.
    /// - Throws: `CLVError.lengthMismatch` for a row whose (x, T, t_x) is not a pattern.
    static func patterns(of holdout: HoldoutPatterns, in patterns: CalibrationPatterns) throws -> [Int32] {
        @inline(__always) func precedes(_ k: Int, _ i: Int) -> Bool {
            (patterns.frequency[k], patterns.age[k], patterns.recency[k]) < (holdout.frequency[i], holdout.age[i], holdout.recency[i])
        }
        var missing = false
        let found = writeOnceColumns(of: Int32.self, 1, length: holdout.count) { out in
            let blocks = splitBlocks(holdout.count, size: blockSize)
            let failed = parallelBlocks(blocks.count, size: 1) { part -> Bool in
                let block = blocks[part.lowerBound]
                var low = 0, high = patterns.count
                while low < high {
                    let mid = (low + high) / 2
                    if precedes(mid, block.lowerBound) { low = mid + 1 } else { high = mid }
                }
                var k = low
                for i in block {
                    while k < patterns.count && precedes(k, i) { k += 1 }
                    guard k < patterns.count, patterns.frequency[k] == holdout.frequency[i], patterns.age[k] == holdout.age[i],
                          patterns.recency[k] == holdout.recency[i] else {
                        for rest in i..<block.upperBound { out[0][rest] = -1 }
                        return true
                    }
                    out[0][i] = Int32(k)
                }
                return false
            }
            missing = failed.contains(true)
        }[0]
        if missing { throw CLVError.lengthMismatch(name: "holdout patterns", count: holdout.count, expected: patterns.count) }
        return found
    }
}

extension CLVModelFit {
    /// The fitted part of this fit.
    public var pooled: CLVPooledFit {
        CLVPooledFit(calibrationEnd: calibrationEnd, asOf: asOf, calibrationCustomers: calibrationCustomers, candidates: candidates,
                     selection: selection, gammaGamma: gammaGamma, gammaGammaSkipped: gammaGammaSkipped, validation: validation,
                     settings: settings)
    }
}
