import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gamma-Gamma's fit reads its sample only through sums over the rows of each distinct x (a
/// "run": the rows of one x, in ascending m), each taken in row order and then combined over x in
/// ascending order. So the rows need not be in one place: a run spread over machines keeps each
/// x's rows in one task and asks the tasks for these sums (`clientele partition gamma-gamma-pass`),
/// and the estimates are the single run's bit for bit, with the driver holding a few numbers per
/// distinct x instead of a row per repeat customer.
public struct GammaGammaRuns: @unchecked Sendable {
    /// Per run, what the likelihood's Γ terms and the starting points need: Σ w, Σ w ln m
    /// (through `LogProduct` for unit weights), Σ w m, and the rows.
    public struct Summary: Sendable, Equatable, Codable {
        public var frequency: Int32
        public var rows: Int
        public var weight: Double
        public var logSpend: Double
        public var spend: Double
    }

    /// Per run at γ, over its rows with d = γ + m x: Σ w ln d, Σ w/d, Σ w/d² (the last two with
    /// `order` ≥ 1 and 2).
    public struct Sums: Sendable, Equatable, Codable {
        public var logs: Double
        public var reciprocals: Double
        public var reciprocalSquares: Double

        public init(logs: Double, reciprocals: Double, reciprocalSquares: Double) {
            (self.logs, self.reciprocals, self.reciprocalSquares) = (logs, reciprocals, reciprocalSquares)
        }
    }

    /// Per run, the weighted cross products of deviations from the overall means of x and m.
    public struct Deviations: Sendable, Equatable, Codable {
        public var xx: Double
        public var mm: Double
        public var xm: Double

        public init(xx: Double, mm: Double, xm: Double) { (self.xx, self.mm, self.xm) = (xx, mm, xm) }
    }

    package let summaries: [Summary]
    package let totalWeight: Double
    package let rows: Int
    /// The runs' sums at γ, in run order.
    package let sums: (_ gamma: Double, _ order: Int) -> [Sums]
    /// The runs' deviations from (mean x, mean m), in run order.
    package let deviations: (_ meanFrequency: Double, _ meanSpend: Double) -> [Deviations]
    /// Every `step`-th row of the whole sample, as `RepeatSpendSample.strided`.
    package let strided: (_ step: Int) -> RepeatSpendSample

    package init(summaries: [Summary], totalWeight: Double,
                 sums: @escaping (Double, Int) -> [Sums], deviations: @escaping (Double, Double) -> [Deviations],
                 strided: @escaping (Int) -> RepeatSpendSample) {
        self.summaries = summaries
        self.totalWeight = totalWeight
        self.rows = summaries.reduce(0) { $0 + $1.rows }
        self.sums = sums
        self.deviations = deviations
        self.strided = strided
    }

    /// The runs of a sample held here, split across the cores by run for large samples.
    package init(_ sample: RepeatSpendSample) {
        let ranges = Self.balance(sample.runStart, parts: sample.count >= 10_000 ? 2 : 1)
        func each<T>(_ body: @escaping (Int) -> T) -> [T] {
            var partial = [[T]](repeating: [], count: ranges.count)
            parallelEach(&partial) { part, out in out = ranges[part].map(body) }
            return partial.flatMap { $0 }
        }
        self.init(summaries: each { sample.runSummary($0) }, totalWeight: sample.totalWeight,
                  sums: { gamma, order in each { sample.runSums($0, gamma: gamma, order: order) } },
                  deviations: { mx, mm in each { sample.runDeviations($0, meanFrequency: mx, meanSpend: mm) } },
                  strided: { sample.strided($0) })
    }

    /// Σ w m over the rows: per run, then over the runs in order.
    package var spendSum: Double { summaries.reduce(0) { $0 + $1.spend } }

    /// Pearson's correlation between x and m over the rows (weighted), from the runs' sums; NaN
    /// when either column is constant. See `RepeatSpendSample.frequencySpendCorrelation`.
    package var frequencySpendCorrelation: Double {
        var sw = 0.0, sx = 0.0, sm = 0.0
        for s in summaries { sw += s.weight; sx += s.weight * Double(s.frequency); sm += s.spend }
        var cxx = 0.0, cmm = 0.0, cxm = 0.0
        for d in deviations(sx / sw, sm / sw) { cxx += d.xx; cmm += d.mm; cxm += d.xm }
        guard cxx > 0, cmm > 0 else { return .nan }
        return cxm / (cxx * cmm).squareRoot()
    }

    /// Splits runs into `parts` contiguous groups of near-equal row counts.
    package static func balance(_ runStart: [Int], parts: Int) -> [Range<Int>] {
        let runs = runStart.count - 1
        guard parts > 1, runs > 1 else { return [0..<max(runs, 0)] }
        let half = runStart[runs] / 2
        var cut = 1
        while cut < runs - 1 && runStart[cut] < half { cut += 1 }
        return [0..<cut, cut..<runs]
    }
}

extension RepeatSpendSample {
    /// Run `k`'s summary, its rows in order.
    package func runSummary(_ k: Int) -> GammaGammaRuns.Summary {
        var sw = 0.0, sl = 0.0, sm = 0.0, logs = LogProduct()
        for i in runStart[k]..<runStart[k + 1] {
            let w = weight[i]
            sw += w
            sm += w * spend[i]
            if w == 1 { logs.add(logOf: spend[i]) } else { sl += w * log(spend[i]) }
        }
        return .init(frequency: frequencyValues[k], rows: runStart[k + 1] - runStart[k], weight: sw, logSpend: sl + logs.logarithm, spend: sm)
    }

    /// Run `k`'s sums at γ (see `GammaGammaRuns.Sums`), its rows in order.
    package func runSums(_ k: Int, gamma v: Double, order: Int) -> GammaGammaRuns.Sums {
        let x = Double(frequencyValues[k])
        var sl = 0.0, si = 0.0, ss = 0.0, logs = LogProduct()
        spend.withUnsafeBufferPointer { m in
        weight.withUnsafeBufferPointer { w in
            for i in runStart[k]..<runStart[k + 1] {
                let d = v + m[i] * x
                if w[i] == 1 { logs.add(logOf: d) } else { sl += w[i] * log(d) }
                if order >= 1 { si += w[i] / d }
                if order >= 2 { ss += w[i] / (d * d) }
            }
        }}
        return .init(logs: sl + logs.logarithm, reciprocals: si, reciprocalSquares: ss)
    }

    /// Run `k`'s weighted cross products of deviations from the means, its rows in order.
    package func runDeviations(_ k: Int, meanFrequency mx: Double, meanSpend mm: Double) -> GammaGammaRuns.Deviations {
        var d = GammaGammaRuns.Deviations(xx: 0, mm: 0, xm: 0)
        let dx = Double(frequencyValues[k]) - mx
        for i in runStart[k]..<runStart[k + 1] {
            let dm = spend[i] - mm
            d.xx += weight[i] * dx * dx; d.mm += weight[i] * dm * dm; d.xm += weight[i] * dx * dm
        }
        return d
    }
}
