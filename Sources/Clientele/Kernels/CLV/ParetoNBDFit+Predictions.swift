import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ParetoNBDFit {
    /// P(alive | x, t_x, T) = 1 / (1 + s (I(x, t_x) − I(x, T)) (α + T)^{r+x} (β + T)ˢ)
    ///
    /// (Fader & Hardie 2005 note, eq. 37 with A₀ written through I, see `ParetoNBD.logLikelihood`;
    /// lifetimes `ParetoNBDFitter.conditional_probability_alive`): the likelihood's first term
    /// over the whole. Below 1 for x = 0 whenever T > 0: a one-time buyer may have died since.
    public func probabilityAlive(frequency: Int, recency: Double, age: Double) -> Double {
        let f = ParetoNBDForecaster(parameters), x = Double(frequency)
        return f.probabilityAlive(x: x, lnIRecency: f.logTail(x: x, t: recency), lnIAge: f.logTail(x: x, t: age), age: age)
    }

    /// E[Y(t) | x, t_x, T] = (r + x)(β + T) / ((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^{s−1}] · P(alive)
    ///
    /// (Fader & Hardie 2005 note, eq. 41; lifetimes
    /// `conditional_expected_number_of_purchases_up_to_time`); s = 1 is the limit
    /// (r + x)(β + T)/(α + T) · ln(1 + t/(β + T)), and s near 1 no cancellation (`expm1`). `t` in weeks.
    public func conditionalExpectedPurchases(within t: Double, frequency: Int, recency: Double, age: Double) -> Double {
        let f = ParetoNBDForecaster(parameters)
        return probabilityAlive(frequency: frequency, recency: recency, age: age) * f.aliveExpectation(x: Double(frequency), age: age, within: t)
    }

    /// E[X(t)] = r β / (α (s − 1)) · [1 − (β/(β + t))^{s−1}], the expected repeat purchases in
    /// (0, t] of a customer just acquired (Fader & Hardie 2005 note, eq. 27): the alive
    /// expectation at x = 0, T = 0 (alive at 0 for sure).
    public func expectedPurchases(within t: Double) -> Double {
        ParetoNBDForecaster(parameters).aliveExpectation(x: 0, age: 0, within: t)
    }

    /// P(no purchase in (T, T + h] | x, t_x, T) = 1 − P(alive) + P(alive) · Q, where Q, the chance
    /// that a customer alive at T makes no purchase in (T, T + h], is
    ///
    ///     Q = (α + T)^{r+x} (β + T)ˢ [ (α + T + h)^{−(r+x)} (β + T + h)^{−s} + s (I(x, T) − I(x, T + h)) ]:
    ///
    /// alive at T, λ and μ have the posterior Gamma(r + x, α + T) and Gamma(s, β + T); no purchase
    /// means surviving (T, T + h] without one (the first term) or dying at T + τ before one,
    /// E[μ e^{−(λ+μ)τ}] integrated over τ ∈ (0, h), which is s (α + T)^{r+x} (β + T)ˢ times
    /// ∫_{T}^{T+h} (α + τ)^{−(r+x)} (β + τ)^{−(s+1)} dτ. Equals lifetimes'
    /// `conditional_probability_of_n_purchases_up_to_time(0, h, …)` (Fader & Hardie's note 028, eq. 16, n = 0).
    public func probabilityOfNoPurchase(within h: Double, frequency: Int, recency: Double, age: Double) -> Double {
        let f = ParetoNBDForecaster(parameters), x = Double(frequency)
        let lnIT = f.logTail(x: x, t: age)
        let pa = f.probabilityAlive(x: x, lnIRecency: f.logTail(x: x, t: recency), lnIAge: lnIT, age: age)
        return 1 - pa + pa * f.noPurchaseWhileAlive(x: x, age: age, lnIAge: lnIT, within: h)
    }

    /// Per pattern: P(alive); `outputs[j][k]` = Σᵢ `weights[j][i]` · E[Y(`times[i]`) | pattern k];
    /// `noPurchase[h][k]` = `probabilityOfNoPurchase(within: noPurchaseWithin[h], …)`.
    ///
    /// I(x, T) and the alive expectations depend on (x, T) only and are computed once per (x, T)
    /// run of the sorted patterns, I(x, t_x) once per distinct (x, t_x) (`recencyTails`); the runs are cut into BG/NBD's fixed
    /// `forecastParts` parts taken by the threads, so results are identical for any thread count.
    /// `seriesNotConverged` counts series that hit their term limit.
    public func patternForecast(_ patterns: CalibrationPatterns, times: [Double], weights: [[Double]],
                                noPurchaseWithin: [Double]) -> RepeatPurchasePatternForecast {
        let m = patterns.count
        let f = ParetoNBDForecaster(parameters)
        let outputCount = weights.count, horizons = noPurchaseWithin.count
        var alive = [Double](repeating: 0, count: m)
        var flat = [Double](repeating: 0, count: outputCount * m)
        var none = [Double](repeating: 0, count: horizons * m)
        var cuts = splitRange(m, parts: m >= 4_000 ? BGNBDFit.forecastParts : 1).map(\.lowerBound)
        for c in 1..<cuts.count {
            var k = cuts[c]
            while k > 0 && k < m && patterns.frequencyIndex[k] == patterns.frequencyIndex[k - 1]
                    && patterns.ageIndex[k] == patterns.ageIndex[k - 1] { k += 1 }
            cuts[c] = k
        }
        cuts.append(m)
        cuts = Array(Set(cuts)).sorted()
        var failures = [Int](repeating: 0, count: cuts.count - 1)
        let recencyTail = Self.recencyTails(patterns, f)
        alive.withUnsafeMutableBufferPointer { alive in
        flat.withUnsafeMutableBufferPointer { flat in
        none.withUnsafeMutableBufferPointer { none in
        failures.withUnsafeMutableBufferPointer { failures in
            // Parts are taken last first: the patterns are sorted by x, whose series cost most,
            // so the dearest parts start first and the cheap ones fill in behind them.
            parallelFor(cuts.count - 1) { taken in
                let part = cuts.count - 2 - taken
                var values = [Double](repeating: 0, count: outputCount)
                var stay = [Double](repeating: 0, count: horizons)
                var k = cuts[part]
                while k < cuts[part + 1] {
                    let x = Double(patterns.frequency[k]), T = patterns.age[k]
                    let tail = f.logTailChecked(x: x, t: T)
                    if !tail.converged { failures[part] += 1 }
                    for j in 0..<outputCount {
                        var s = 0.0
                        for i in times.indices { s += weights[j][i] * f.aliveExpectation(x: x, age: T, within: times[i]) }
                        values[j] = s
                    }
                    for h in 0..<horizons {
                        stay[h] = f.noPurchaseWhileAlive(x: x, age: T, lnIAge: tail.value, within: noPurchaseWithin[h])
                    }
                    var end = k + 1
                    while end < cuts[part + 1] && patterns.frequencyIndex[end] == patterns.frequencyIndex[k]
                            && patterns.ageIndex[end] == patterns.ageIndex[k] { end += 1 }
                    for q in k..<end {
                        let recency = recencyTail(q)
                        if !recency.converged { failures[part] += 1 }
                        let pa = f.probabilityAlive(x: x, lnIRecency: recency.value, lnIAge: tail.value, age: T)
                        alive[q] = pa
                        for j in 0..<outputCount { flat[j * m + q] = pa * values[j] }
                        for h in 0..<horizons { none[h * m + q] = 1 - pa + pa * stay[h] }
                    }
                    k = end
                }
            }
        }}}}
        return RepeatPurchasePatternForecast(
            probabilityAlive: alive,
            outputs: (0..<outputCount).map { j in Array(flat[(j * m)..<((j + 1) * m)]) },
            noPurchase: (0..<horizons).map { h in Array(none[(h * m)..<((h + 1) * m)]) },
            seriesNotConverged: failures.reduce(0, +))
    }
}

extension ParetoNBDFit {
    /// Distinct (x index, t_x index) slots at most for which `recencyTails` keeps a dense table
    /// (a 4 MiB id table): typically a few dozen x values by a few hundred recencies.
    static let recencyTailSlots = 1 << 20

    /// ln I(x, t_x) of pattern k, with whether its series converged, computed once per distinct
    /// (x, t_x): patterns differing only in T share it, and the ₂F₁ series is the dear part of a
    /// pattern's forecast. The distinct pairs are found through a dense (x, t_x) index table and
    /// computed in fixed chunks over the threads, each value as `logTailChecked` gives it alone,
    /// so results do not depend on the thread count; without a small table, per pattern.
    static func recencyTails(_ patterns: CalibrationPatterns, _ f: ParetoNBDForecaster) -> (Int) -> (value: Double, converged: Bool) {
        let m = patterns.count, width = patterns.recencyValues.count
        guard patterns.frequencyValues.count * width <= recencyTailSlots, m > 0 else {
            return { k in f.logTailChecked(x: Double(patterns.frequency[k]), t: patterns.recency[k]) }
        }
        var slotID = [Int32](repeating: -1, count: patterns.frequencyValues.count * width)
        var pairSlot: [Int] = []
        let patternPair = (0..<m).map { k -> Int32 in
            let slot = Int(patterns.frequencyIndex[k]) * width + Int(patterns.recencyIndex[k])
            if slotID[slot] < 0 {
                slotID[slot] = Int32(pairSlot.count)
                pairSlot.append(slot)
            }
            return slotID[slot]
        }
        let frequencyValues = patterns.frequencyValues, recencyValues = patterns.recencyValues
        var tails = [(value: Double, converged: Bool)](repeating: (0, true), count: pairSlot.count)
        tails.withUnsafeMutableBufferPointer { tails in
            let out = UncheckedSendable(tails)
            let chunks = splitBlocks(pairSlot.count, size: ParetoNBDLikelihood.pairChunk)
            parallelFor(chunks.count) { c in
                for p in chunks[c] {
                    let slot = pairSlot[p]
                    out.value[p] = f.logTailChecked(x: Double(frequencyValues[slot / width]), t: recencyValues[slot % width])
                }
            }
        }
        return { k in tails[Int(patternPair[k])] }
    }
}

/// The Pareto/NBD prediction formulas at fixed parameters (weeks). Internal; inputs assumed
/// valid (x ≥ 0, 0 ≤ t_x ≤ T, t ≥ 0).
package struct ParetoNBDForecaster {
    package let r: Double, alpha: Double, s: Double, beta: Double

    package init(_ p: ParetoNBDParameters) { r = p.r; alpha = p.alpha; s = p.s; beta = p.beta }

    /// ln I(x, t) (`ParetoNBD.logTailIntegral`) and whether its series converged.
    @inline(__always)
    package func logTailChecked(x: Double, t: Double) -> (value: Double, converged: Bool) {
        let v = ParetoNBD.logTailIntegral(r: r, alpha: alpha, s: s, beta: beta, x: x, t: t, gradient: false)
        return (v.value, v.converged)
    }

    @inline(__always)
    package func logTail(x: Double, t: Double) -> Double { logTailChecked(x: x, t: t).value }

    /// 1 / (1 + e^{ln D − A}), D = s (I(x, t_x) − I(x, T)), A = −(r + x) ln(α + T) − s ln(β + T):
    /// the logistic of minus the log odds, so extreme histories give 0 or 1, never NaN.
    @inline(__always)
    package func probabilityAlive(x: Double, lnIRecency: Double, lnIAge: Double, age T: Double) -> Double {
        let A = -(r + x) * log(alpha + T) - s * log(beta + T)
        let lnD = log(s) + lnIRecency + log(-expm1(lnIAge - lnIRecency))
        return SpecialFunctions.logistic(A - lnD)
    }

    /// E[Y(t) | alive at T] = (r + x)(β + T)/(α + T) · (1 − (1 + t/(β + T))^{−(s−1)})/(s − 1).
    @inline(__always)
    package func aliveExpectation(x: Double, age T: Double, within t: Double) -> Double {
        let l = log1p(t / (beta + T)), sm1 = s - 1
        let e = sm1 == 0 ? l : -expm1(-sm1 * l) / sm1
        return (r + x) * (beta + T) / (alpha + T) * e
    }

    /// Q of `ParetoNBDFit.probabilityOfNoPurchase`: no purchase in (T, T + h] given alive at T.
    @inline(__always)
    package func noPurchaseWhileAlive(x: Double, age T: Double, lnIAge: Double, within h: Double) -> Double {
        guard h > 0 else { return 1 }
        let survive = exp(-(r + x) * log1p(h / (alpha + T)) - s * log1p(h / (beta + T)))
        let lnIEnd = logTail(x: x, t: T + h)
        let die = exp(log(s) + (r + x) * log(alpha + T) + s * log(beta + T) + lnIAge) * -expm1(lnIEnd - lnIAge)
        return min(1, survive + die)
    }
}
