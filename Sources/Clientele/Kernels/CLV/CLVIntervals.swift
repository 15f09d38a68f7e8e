import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-customer intervals for expected purchases and predicted CLV, and for their totals, by
/// parametric bootstrap from the fitted parameters' sampling distribution.
///
/// Draw d = 1…D: θ_d = θ̂ + L z_d with z_d ~ N(0, I) and L Lᵀ = Σθ, the covariance of the
/// log-parameters from the observed information (`RepeatPurchaseModelFit.logParameterCovariance`,
/// Cholesky), so every drawn parameter is positive; the Gamma-Gamma parameters (p, q, γ) are drawn
/// the same way from their own covariance. Then, per pattern k (x, t_x, T) and draw,
/// Y_d(k) = E[Y(h) | k; θ_d] and the discounted purchases S_d(k) (`CLVForecast.functionals`), and
/// per customer CLV_d = margin · E[M | x, m̄; p_d, q_d, γ_d] · S_d(k). A customer's interval is
/// the (1 − level)/2 and (1 + level)/2 quantiles of its D values (type 7, linear interpolation
/// between order statistics, found by selection); a total's interval those of the D totals
/// Σ_c Y_d, Σ_c CLV_d. This is the delta-method-free version of CLVTools'
/// `predict(uncertainty = "boots")`, without refitting: it carries parameter uncertainty only,
/// not the Poisson noise of the purchases themselves.
///
/// Determinism: the draws come from `RandomSource(seed:, stream:)` in one sequence before any
/// work is split; patterns are cut into fixed blocks of `blockPatterns` (by count only), each
/// block's customers are handled by the thread that handles the block, and per-draw totals are
/// added block by block in block order. Results are the same bytes for any thread count and any
/// input row order (the patterns and the customers' pattern lists are sorted).
///
/// - Complexity: D forecasts of every pattern (each a series per (x, T) run) plus O(n · D) for the
///   customers' CLV values and their selections; memory O(blocks in flight · `blockPatterns` · D).
public struct CLVIntervals: Sendable, Hashable {
    /// D, parameter draws; 0 turns intervals off. Default 0: the bootstrap costs D forecasts of every
    /// pattern (200 draws: about 16 s on 2 cores at 10^6 customers, four times the rest of the run).
    public var draws: Int
    /// Why there are no intervals with `draws` = 0.
    public static let offReason = "intervals are off ([clv] interval_draws = 0)"
    /// Coverage of each interval, in (0, 1). Default 0.9.
    public var level: Double
    /// Seed of the draws; the run's seed (`[run] seed`).
    public var seed: UInt64

    public init(draws: Int = 0, level: Double = 0.9, seed: UInt64 = 42) {
        self.draws = draws
        self.level = level
        self.seed = seed
    }

    /// The largest standard deviation of a log-parameter the bootstrap draws from (a factor of
    /// e ≈ 2.7 per standard deviation). Beyond it the fit says little about that parameter (a
    /// tiny or degenerate history), the draws reach parameters where the forecast series need
    /// up to their term limit, and the intervals would be uninformative anyway: there are none.
    package static let maximumLogStandardDeviation = 1.0

    /// Patterns per block: fixed, so the cuts never depend on the thread count.
    package static let blockPatterns = 4096
    /// The random streams of the purchase model's and the spend model's draws.
    package static let purchaseStream: UInt64 = 0x434C_5642_4F4F_5431
    package static let spendStream: UInt64 = 0x434C_5642_4F4F_5432

    /// Throws `CLVError.invalidSetting` naming the first bad setting.
    public func validate() throws {
        guard draws >= 0 && draws <= 100_000 else {
            throw CLVError.invalidSetting(name: "interval_draws", value: "\(draws)", requirement: "should be in 0...100000 (0 turns intervals off)")
        }
        guard draws == 0 || draws >= 2 else {
            throw CLVError.invalidSetting(name: "interval_draws", value: "\(draws)", requirement: "should be 0 (off) or at least 2")
        }
        guard level > 0 && level < 1 else {
            throw CLVError.invalidSetting(name: "interval_level", value: "\(level)", requirement: "should be in (0, 1), e.g. 0.9")
        }
    }

    /// Bootstraps the intervals of `forecast`'s predictions for every customer of `summary`.
    /// - Parameters:
    ///   - model: the fitted repeat-purchase model the point predictions come from.
    ///   - gammaGamma: the spend model; `nil` (skipped) leaves the CLV intervals empty.
    ///   - patterns: `summary`'s patterns (with `patternOfCustomer`).
    ///   - forecast: the settings of the point predictions (horizon, discount, margin).
    /// - Throws: `CLVError.invalidSetting` for bad settings, `CLVError.lengthMismatch` when the
    ///   patterns do not map the summary's customers.
    public func run(model: any RepeatPurchaseModelFit, gammaGamma: GammaGammaFit?, summary: CalibrationSummary,
                    patterns: CalibrationPatterns, forecast: CLVForecast) throws -> CLVIntervalResult {
        try validate()
        try forecast.validate()
        let n = summary.count
        guard patterns.patternOfCustomer.count == n else {
            throw CLVError.lengthMismatch(name: "patterns.patternOfCustomer", count: patterns.patternOfCustomer.count, expected: n)
        }
        guard draws > 0 else {
            return .unavailable(settings: self, reason: Self.offReason)
        }
        var random = RandomSource(seed: seed, stream: Self.purchaseStream)
        guard model.converged else {
            return .unavailable(settings: self, reason: "the \(model.kind.title) fit did not converge, so its estimates are no centre to draw parameters around")
        }
        guard let covariance = model.logParameterCovariance else {
            return .unavailable(settings: self, reason: "the \(model.kind.title) information matrix is not positive definite at the estimates, so there is no covariance to draw parameters from")
        }
        if let why = Self.tooUncertain(covariance, names: model.estimates.map(\.name), model: model.kind.title) {
            return .unavailable(settings: self, reason: why)
        }
        guard let thetas = Self.gaussianDraws(mean: model.logParameters, covariance: covariance, count: draws, random: &random) else {
            return .unavailable(settings: self, reason: "the \(model.kind.title) log-parameter covariance is not positive definite (Cholesky failed)")
        }
        let models = thetas.map { model.withLogParameters($0) }
        var spendDraws: [GammaGammaParameters]?
        var clvReason: String?
        if let gammaGamma {
            let p = gammaGamma.parameters, values = [p.p, p.q, p.gamma]
            var spendRandom = RandomSource(seed: seed, stream: Self.spendStream)
            let c = ClienteleKernels.logParameterCovariance(natural: gammaGamma.covariance, values: values)
            if let c, let why = Self.tooUncertain(c, names: ["p", "q", "gamma"], model: "Gamma-Gamma") {
                clvReason = why + ", so predicted CLV has no interval"
            } else if !gammaGamma.converged {
                clvReason = "the Gamma-Gamma fit did not converge, so predicted CLV has no interval"
            } else if let c, let draws = Self.gaussianDraws(mean: values.map { log($0) }, covariance: c, count: draws, random: &spendRandom) {
                spendDraws = draws.map { GammaGammaParameters(p: exp($0[0]), q: exp($0[1]), gamma: exp($0[2])) }
            } else {
                clvReason = "the Gamma-Gamma information matrix is not positive definite at the estimates, so predicted CLV has no interval"
            }
        } else {
            clvReason = "Gamma-Gamma was skipped, so predicted CLV has no interval"
        }
        RunProgress.current?.step("intervals")
        return Self.bootstrap(models: models, spendDraws: spendDraws, sampleMeanSpend: gammaGamma?.sampleMeanSpend ?? .nan,
                              summary: summary, patterns: patterns, forecast: forecast, settings: self, clvReason: clvReason)
    }

    /// Why a log-parameter covariance is too wide to draw from (`maximumLogStandardDeviation`), or nil.
    package static func tooUncertain(_ covariance: [[Double]], names: [String], model: String) -> String? {
        for (i, name) in names.enumerated() where i < covariance.count {
            let sd = covariance[i][i].squareRoot()
            guard !(sd <= maximumLogStandardDeviation) else { continue }
            let shown = sd.isFinite ? "\((sd * 100).rounded() / 100)" : "\(sd)"
            return "the \(model) estimate of \(name) is too uncertain to draw from (standard deviation of its logarithm \(shown), above \(maximumLogStandardDeviation))"
        }
        return nil
    }

    /// `count` draws of N(`mean`, `covariance`) as `mean + L z`, L the lower Cholesky factor and z
    /// standard normal (Box–Muller, cosine branch), drawn in order from `random`; nil when the
    /// covariance is not positive definite.
    package static func gaussianDraws(mean: [Double], covariance: [[Double]], count: Int, random: inout RandomSource) -> [[Double]]? {
        let k = mean.count
        guard covariance.count == k, covariance.allSatisfy({ $0.count == k }) else { return nil }
        var l = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for j in 0..<k {
            var d = covariance[j][j]
            for m in 0..<j { d -= l[j][m] * l[j][m] }
            guard d > 0, d.isFinite else { return nil }
            l[j][j] = d.squareRoot()
            for i in (j + 1)..<max(j + 1, k) {
                var s = covariance[i][j]
                for m in 0..<j { s -= l[i][m] * l[j][m] }
                l[i][j] = s / l[j][j]
            }
        }
        return (0..<count).map { _ in
            let z = (0..<k).map { _ in (-2 * log(random.uniformPositive())).squareRoot() * cos(2 * Double.pi * random.uniform()) }
            return (0..<k).map { i in
                var v = mean[i]
                for m in 0...i { v += l[i][m] * z[m] }
                return v
            }
        }
    }

    /// The central `level` interval of the finite `values` (their (1 ∓ level)/2 quantiles); nil
    /// without finite values. Also a run spread over machines' interval of per-draw totals.
    package static func interval(of values: [Double], level: Double) -> ClosedRange<Double>? {
        var v = values.filter(\.isFinite)
        let low = quantile(&v, (1 - level) / 2), high = quantile(&v, (1 + level) / 2)
        return low.isFinite && high.isFinite && low <= high ? low...high : nil
    }

    /// The q-quantile of the finite values in `v` (type 7: h = (n − 1) q, linear between the
    /// order statistics ⌊h⌋ and ⌊h⌋ + 1), by selection; NaN when none is finite. Reorders `v`.
    package static func quantile(_ v: inout [Double], _ q: Double) -> Double {
        let n = v.count
        guard n > 0 else { return .nan }
        let h = Double(n - 1) * q
        let lo = Int(h.rounded(.down))
        let value = Median.select(&v, lo)
        guard lo + 1 < n, h > Double(lo) else { return value }
        var next = Double.infinity
        for i in (lo + 1)..<n where v[i] < next { next = v[i] }
        return value + (h - Double(lo)) * (next - value)
    }

    /// The bootstrap proper, on validated inputs (see the type's doc).
    private static func bootstrap(models: [any RepeatPurchaseModelFit], spendDraws: [GammaGammaParameters]?, sampleMeanSpend: Double,
                                  summary: CalibrationSummary, patterns: CalibrationPatterns, forecast: CLVForecast,
                                  settings: CLVIntervals, clvReason: String?) -> CLVIntervalResult {
        let n = summary.count, m = patterns.count, draws = models.count
        let (times, weights) = forecast.functionals()
        let lowerQ = (1 - settings.level) / 2, upperQ = (1 + settings.level) / 2
        let margin = forecast.margin
        // Customers grouped by pattern (counting sort; customer ids ascending within a pattern).
        var start = [Int](repeating: 0, count: m + 1)
        for c in 0..<n { let k = Int(patterns.patternOfCustomer[c]); if k >= 0 { start[k + 1] += 1 } }
        for k in 0..<m { start[k + 1] += start[k] }
        var members = [Int32](repeating: 0, count: start[m])
        var fill = start
        for c in 0..<n { let k = Int(patterns.patternOfCustomer[c]); if k >= 0 { members[fill[k]] = Int32(c); fill[k] += 1 } }
        let blocks = splitBlocks(m, size: blockPatterns)
        let withCLV = spendDraws != nil
        var purchasesLow = [Double](repeating: .nan, count: n), purchasesHigh = purchasesLow
        var clvLow = withCLV ? purchasesLow : [], clvHigh = clvLow
        // Per block: the D per-draw totals of purchases and of CLV, added in block order after.
        var blockTotals = [[Double]](repeating: [], count: blocks.count)
        var seriesNotConverged = [Int](repeating: 0, count: blocks.count)
        purchasesLow.withUnsafeMutableBufferPointer { pLow in
        purchasesHigh.withUnsafeMutableBufferPointer { pHigh in
        clvLow.withUnsafeMutableBufferPointer { cLow in
        clvHigh.withUnsafeMutableBufferPointer { cHigh in
        blockTotals.withUnsafeMutableBufferPointer { totals in
        seriesNotConverged.withUnsafeMutableBufferPointer { failures in
            parallelFor(blocks.count) { b in
                let range = blocks[b], width = range.count
                guard let sub = Self.subPatterns(patterns, range) else { return }  // totals[b] stays empty
                var purchases = [Double](repeating: 0, count: width * draws)
                var discounted = [Double](repeating: 0, count: width * draws)
                for d in 0..<draws {
                    let f = models[d].patternForecast(sub, times: times, weights: weights, noPurchaseWithin: [])
                    failures[b] += f.seriesNotConverged
                    for j in 0..<width {
                        purchases[j * draws + d] = f.outputs[0][j]
                        discounted[j * draws + d] = f.outputs[1][j]
                    }
                }
                var total = [Double](repeating: 0, count: 2 * draws)
                var scratch = [Double]()
                scratch.reserveCapacity(draws)
                for j in 0..<width {
                    let k = range.lowerBound + j
                    let row = j * draws
                    for d in 0..<draws { total[d] += patterns.weight[k] * purchases[row + d] }
                    scratch.removeAll(keepingCapacity: true)
                    for d in 0..<draws where purchases[row + d].isFinite { scratch.append(purchases[row + d]) }
                    let low = quantile(&scratch, lowerQ), high = quantile(&scratch, upperQ)
                    for i in start[k]..<start[k + 1] {
                        let c = Int(members[i])
                        pLow[c] = low
                        pHigh[c] = high
                    }
                    guard let spendDraws else { continue }
                    // Customers without usable repeat spend (x = 0, or m ≤ 0) get the population
                    // mean order value, so within a pattern they share one set of D values: those
                    // are computed, added to the totals (times their number) and selected once.
                    var sharing = 0
                    for i in start[k]..<start[k + 1] {
                        let c = Int(members[i])
                        let x = Int(summary.frequency[c]), spend = summary.repeatSpend[c]
                        guard x > 0 && spend > 0 else { sharing += 1; continue }
                        scratch.removeAll(keepingCapacity: true)
                        for d in 0..<draws {
                            let value = GammaGammaFit.expectedAverageOrderValue(spendDraws[d], sampleMeanSpend: sampleMeanSpend, frequency: x, spend: spend)
                            let clv = margin * value * discounted[row + d]
                            total[draws + d] += clv
                            if clv.isFinite { scratch.append(clv) }
                        }
                        cLow[c] = quantile(&scratch, lowerQ)
                        cHigh[c] = quantile(&scratch, upperQ)
                    }
                    guard sharing > 0 else { continue }
                    scratch.removeAll(keepingCapacity: true)
                    for d in 0..<draws {
                        let value = GammaGammaFit.expectedAverageOrderValue(spendDraws[d], sampleMeanSpend: sampleMeanSpend, frequency: 0, spend: 0)
                        let clv = margin * value * discounted[row + d]
                        total[draws + d] += Double(sharing) * clv
                        if clv.isFinite { scratch.append(clv) }
                    }
                    let sharedLow = quantile(&scratch, lowerQ), sharedHigh = quantile(&scratch, upperQ)
                    for i in start[k]..<start[k + 1] {
                        let c = Int(members[i])
                        if !(summary.frequency[c] > 0 && summary.repeatSpend[c] > 0) { cLow[c] = sharedLow; cHigh[c] = sharedHigh }
                    }
                }
                totals[b] = total
            }
        }}}}}}
        if blockTotals.contains(where: \.isEmpty) {
            return .unavailable(settings: settings, reason: "a block of patterns could not be rebuilt for the bootstrap (a pattern outside the model's domain)")
        }
        var purchaseTotals = [Double](repeating: 0, count: draws), clvTotals = purchaseTotals
        for block in blockTotals {
            for d in 0..<draws {
                purchaseTotals[d] += block[d]
                clvTotals[d] += block[draws + d]
            }
        }
        func interval(_ values: [Double]) -> ClosedRange<Double>? { Self.interval(of: values, level: settings.level) }
        return CLVIntervalResult(
            expectedPurchasesLow: purchasesLow, expectedPurchasesHigh: purchasesHigh,
            predictedCLVLow: clvLow, predictedCLVHigh: clvHigh,
            totalExpectedPurchases: interval(purchaseTotals), totalPredictedCLV: withCLV ? interval(clvTotals) : nil,
            drawTotalsExpectedPurchases: purchaseTotals, drawTotalsPredictedCLV: withCLV ? clvTotals : [],
            unavailableReason: nil, clvUnavailableReason: clvReason,
            seriesNotConverged: seriesNotConverged.reduce(0, +), settings: settings)
    }

    /// Patterns `range` of `patterns` as patterns of their own, in the same order (a contiguous
    /// run of sorted, distinct patterns stays sorted and distinct); nil if one is outside the
    /// model's domain (never for patterns built from a summary).
    private static func subPatterns(_ patterns: CalibrationPatterns, _ range: Range<Int>) -> CalibrationPatterns? {
        guard let sub = try? CalibrationPatterns(frequency: patterns.frequency[range].map(Int.init), recency: Array(patterns.recency[range]),
                                           age: Array(patterns.age[range]), weight: Array(patterns.weight[range])) else { return nil }
        assert(sub.count == range.count && zip(sub.age, patterns.age[range]).allSatisfy(==), "a block of patterns keeps its order")
        return sub
    }
}

/// Bootstrap intervals, indexed like the summary's customers (NaN where a customer has no
/// prediction). Every array is empty when `unavailableReason` is set; the CLV arrays are empty
/// when `clvUnavailableReason` is set.
public struct CLVIntervalResult: Sendable {
    /// customers.csv `expected_purchases_low`, `expected_purchases_high`.
    public let expectedPurchasesLow: [Double]
    public let expectedPurchasesHigh: [Double]
    /// customers.csv `predicted_clv_low`, `predicted_clv_high`.
    public let predictedCLVLow: [Double]
    public let predictedCLVHigh: [Double]
    /// The interval of the total over customers (quantiles of the per-draw totals).
    public let totalExpectedPurchases: ClosedRange<Double>?
    public let totalPredictedCLV: ClosedRange<Double>?
    /// The per-draw totals themselves, in draw order.
    public let drawTotalsExpectedPurchases: [Double]
    public let drawTotalsPredictedCLV: [Double]
    /// Why there are no intervals at all (no covariance, intervals off); nil when there are.
    public let unavailableReason: String?
    /// Why predicted CLV has no interval while purchases have one.
    public let clvUnavailableReason: String?
    /// (x, T) runs whose series hit the term limit, over all draws.
    public let seriesNotConverged: Int
    public let settings: CLVIntervals

    public var isAvailable: Bool { unavailableReason == nil }
    public var hasCLV: Bool { unavailableReason == nil && clvUnavailableReason == nil }

    package static func unavailable(settings: CLVIntervals, reason: String) -> CLVIntervalResult {
        CLVIntervalResult(expectedPurchasesLow: [], expectedPurchasesHigh: [], predictedCLVLow: [], predictedCLVHigh: [],
                          totalExpectedPurchases: nil, totalPredictedCLV: nil, drawTotalsExpectedPurchases: [], drawTotalsPredictedCLV: [],
                          unavailableReason: reason, clvUnavailableReason: nil, seriesNotConverged: 0, settings: settings)
    }
}
