import ClienteleSupport
import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension BGNBDFit {
    /// P(alive | x, t_x, T) = 1 / (1 + δ(x > 0) · a/(b + x − 1) · ((α + T)/(α + t_x))^{r+x})
    ///
    /// (Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD model", note 021, eq. 2;
    /// lifetimes `conditional_probability_alive`). Computed as the logistic of minus the log odds,
    /// so large x or T give 0 or 1, never NaN. x = 0 gives 1: in BG/NBD a customer can drop out
    /// only right after a repeat purchase.
    public func probabilityAlive(frequency: Int, recency: Double, age: Double) -> Double {
        BGNBDForecaster(parameters).probabilityAlive(x: Double(frequency), recency: recency, age: age)
    }

    /// E[Y(t) | x, t_x, T], the expected repeat purchases in (T, T + t] of a customer with history
    /// (x, t_x, T) (FHL 2005 eq. 10; lifetimes `conditional_expected_number_of_purchases_up_to_time`):
    ///
    ///     (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^{r+x} ₂F₁(r + x, b + x; a + b + x − 1; z)]
    ///     / (1 + δ(x > 0) a/(b + x − 1) ((α + T)/(α + t_x))^{r+x}),     z = t / (α + T + t).
    ///
    /// Evaluated without overflow through Euler's transformation (Abramowitz & Stegun 15.3.3),
    /// ₂F₁(r + x, b + x; c; z) = (1 − z)^{a−1−r−x} ₂F₁(a + b − 1 − r, a − 1; c; z): the bracket
    /// becomes 1 − (1 − z)^{a−1} ₂F₁(a + b − 1 − r, a − 1; c; z), a series whose upper parameters
    /// do not grow with x and whose lower one does, so it is short for large x. The factor
    /// 1/(a − 1) is taken inside the series (it divides every term's (a − 1)ₙ), so a = 1 is no
    /// special case. The denominator is 1 / P(alive). `t` in weeks.
    public func conditionalExpectedPurchases(within t: Double, frequency: Int, recency: Double, age: Double) -> Double {
        let f = BGNBDForecaster(parameters)
        var out = [0.0]
        _ = f.numerators(x: Double(frequency), age: age, times: [t], into: &out)
        return f.probabilityAlive(x: Double(frequency), recency: recency, age: age) * out[0]
    }

    /// E[X(t)], the expected repeat purchases in (0, t] of a customer just acquired
    /// (FHL 2005 eq. 9; lifetimes `expected_number_of_purchases_up_to_time`):
    /// (a + b − 1)/(a − 1) · [1 − (α/(α + t))ʳ ₂F₁(r, b; a + b − 1; t/(α + t))] — the conditional
    /// expectation's numerator at x = 0, T = 0, evaluated the same way. `t` in weeks.
    public func expectedPurchases(within t: Double) -> Double {
        var out = [0.0]
        _ = BGNBDForecaster(parameters).numerators(x: 0, age: 0, times: [t], into: &out)
        return out[0]
    }

    /// Parts the patterns are cut into for `patternForecast` (at least 4,000 patterns): fixed, so
    /// the cuts never depend on the thread count, and many, so the threads stay busy to the end.
    package static let forecastParts = 64

    /// Per-pattern forecasts of linear functionals of the conditional expectation.
    ///
    /// For every pattern k and output j: `outputs[j][k]` = P(alive)ₖ · Σᵢ `weights[j][i]` ·
    /// Nₖ(`times[i]`), where Nₖ(t) is eq. 10's numerator; with one weight 1 that is E[Y(t)], with
    /// discount factors it is discounted expected purchases. The numerator depends on (x, T)
    /// only, so its series runs once per (x, T) run of the sorted patterns; every thread shares the
    /// runs, cut into `forecastParts` parts at run boundaries. `probabilityAlive` is returned alongside; `seriesNotConverged` counts (x, T) runs
    /// whose series hit the term limit (their values are the partial sums).
    public func patternForecast(_ patterns: CalibrationPatterns, times: [Double], weights: [[Double]]) -> BGNBDPatternForecast {
        Self.familyForecast(parameters, modified: false, patterns, times: times, weights: weights)
    }

    /// `patternForecast` for BG/NBD or, with `modified`, MBG/NBD at `parameters`: MBG/NBD's
    /// numerator is BG/NBD's with b + 1 (lifetimes' `ModifiedBetaGeoFitter`:
    /// (a + b + x)/(a − 1) · [1 − ((α + T)/(α + T + t))^{r+x} ₂F₁(r + x, b + x + 1; a + b + x; z)]),
    /// and its P(alive) has odds a/(b + x) · ((α + T)/(α + t_x))^{r+x} for every x, x = 0 included.
    package static func familyForecast(_ parameters: BGNBDParameters, modified: Bool, _ patterns: CalibrationPatterns,
                                       times: [Double], weights: [[Double]]) -> BGNBDPatternForecast {
        let m = patterns.count
        let shift = modified ? 1.0 : 0.0, everyX = modified
        let f = BGNBDForecaster(BGNBDParameters(r: parameters.r, alpha: parameters.alpha, a: parameters.a, b: parameters.b + shift))
        var alive = [Double](repeating: 0, count: m)
        let outputCount = weights.count
        // Outputs in one buffer, output j at j·m + pattern, so that each thread writes its own runs.
        var flat = [Double](repeating: 0, count: outputCount * m)
        // Split at (x, T) run boundaries into many parts taken from a shared counter: a run's
        // series costs more the larger x is, so two halves by pattern count would leave a thread idle.
        var cuts = splitRange(m, parts: m >= 4_000 ? Self.forecastParts : 1).map(\.lowerBound)
        for c in 1..<cuts.count {
            var k = cuts[c]
            while k > 0 && k < m && patterns.frequencyIndex[k] == patterns.frequencyIndex[k - 1]
                    && patterns.ageIndex[k] == patterns.ageIndex[k - 1] { k += 1 }
            cuts[c] = k
        }
        cuts.append(m)
        cuts = Array(Set(cuts)).sorted()  // a run longer than a part swallows the next cut
        var failures = [Int](repeating: 0, count: cuts.count - 1)
        // P(alive)'s log odds from tables: ln(α + T) and ln(α + t_x) per distinct value,
        // ln a − ln(b + x − 1) per distinct x (the likelihood's A₄ pieces).
        let p = parameters
        let lnAge = patterns.ageValues.map { log(p.alpha + $0) }
        let lnRecency = patterns.recencyValues.map { log(p.alpha + $0) }
        let lnOdds = patterns.frequencyValues.map { x in x > 0 || everyX ? log(p.a / (p.b + Double(x) - 1 + shift)) : 0 }
        alive.withUnsafeMutableBufferPointer { alive in
        flat.withUnsafeMutableBufferPointer { flat in
        failures.withUnsafeMutableBufferPointer { failures in
            // Parts are taken last first: the patterns are sorted by x, whose series cost most,
            // so the dearest parts start first and the cheap ones fill in behind them.
            parallelFor(cuts.count - 1) { taken in
                let part = cuts.count - 2 - taken
                var numerators = [Double](repeating: 0, count: times.count)
                var values = [Double](repeating: 0, count: outputCount)
                var k = cuts[part]
                while k < cuts[part + 1] {
                    let x = Double(patterns.frequency[k]), T = patterns.age[k]
                    if !f.numerators(x: x, age: T, times: times, into: &numerators) { failures[part] += 1 }
                    for j in 0..<outputCount {
                        var s = 0.0
                        for i in 0..<times.count { s += weights[j][i] * numerators[i] }
                        values[j] = s
                    }
                    var end = k + 1
                    while end < cuts[part + 1] && patterns.frequencyIndex[end] == patterns.frequencyIndex[k]
                            && patterns.ageIndex[end] == patterns.ageIndex[k] { end += 1 }
                    let xi = Int(patterns.frequencyIndex[k]), lT = lnAge[Int(patterns.ageIndex[k])]
                    for q in k..<end {
                        let pa = x > 0 || everyX
                            ? SpecialFunctions.logistic(-((p.r + x) * (lT - lnRecency[Int(patterns.recencyIndex[q])]) + lnOdds[xi]))
                            : 1
                        alive[q] = pa
                        for j in 0..<outputCount { flat[j * m + q] = pa * values[j] }
                    }
                    k = end
                }
            }
        }}}
        let outputs = (0..<outputCount).map { j in Array(flat[(j * m)..<((j + 1) * m)]) }
        return BGNBDPatternForecast(probabilityAlive: alive, outputs: outputs, seriesNotConverged: failures.reduce(0, +))
    }
}

/// What `BGNBDFit.patternForecast` returns: per pattern P(alive) and each requested functional.
public struct BGNBDPatternForecast: Sendable {
    public let probabilityAlive: [Double]
    /// `outputs[j][k]`: functional j at pattern k.
    public let outputs: [[Double]]
    /// (x, T) runs whose hypergeometric series did not meet its tolerance within the term limit.
    public let seriesNotConverged: Int
}

/// The prediction formulas at fixed parameters. Internal; inputs assumed valid (x ≥ 0,
/// 0 ≤ t_x ≤ T, t ≥ 0).
package struct BGNBDForecaster {
    package let r: Double, alpha: Double, a: Double, b: Double
    /// Term limit of the hypergeometric series.
    package static let maximumTerms = 1_000_000

    package init(_ p: BGNBDParameters) { r = p.r; alpha = p.alpha; a = p.a; b = p.b }

    @inline(__always)
    package func probabilityAlive(x: Double, recency: Double, age: Double) -> Double {
        guard x > 0 else { return 1 }
        // The same operations, in the same order, as the tables in `patternForecast`: one
        // customer and the broadcast give identical bits.
        let logOdds = (r + x) * (log(alpha + age) - log(alpha + recency)) + log(a / (b + x - 1))
        return SpecialFunctions.logistic(-logOdds)
    }

    /// Nᵢ = (a + b + x − 1) · [1 − (1 − zᵢ)^{a−1} ₂F₁(A, a − 1; C; zᵢ)] / (a − 1) for each tᵢ,
    /// with A = a + b − 1 − r, C = a + b + x − 1, zᵢ = tᵢ/(α + T + tᵢ). Written as
    /// C · [E₁ − (1 − z)^{a−1} S], E₁ = (1 − (1 − z)^{a−1})/(a − 1) = −expm1((a − 1) ln(1 − z))/(a − 1)
    /// and S = Σ_{n≥1} (A)ₙ (a)ₙ₋₁ / ((C)ₙ n!) zⁿ (the series of ₂F₁ − 1 divided by a − 1).
    /// One pass of coefficients serves every z. Stops per z with the tail bound of
    /// `Hypergeometric2F1`. Returns false when a series hit the term limit.
    package func numerators(x: Double, age T: Double, times: [Double], into out: inout [Double]) -> Bool {
        if a > Self.largeA, a + b + x - 1 + 1 - (x + r) - (b + x) > 0 {
            return numeratorsByEulerTransform(x: x, age: T, times: times, into: &out)
        }
        return numeratorsByDirectSeries(x: x, age: T, times: times, into: &out)
    }

    /// `numerators` by the series above, term by term; for `a` up to `largeA` (and beyond when x ≥ a − r).
    package func numeratorsByDirectSeries(x: Double, age T: Double, times: [Double], into out: inout [Double]) -> Bool {
        let count = times.count
        let A = a + b - 1 - r, C = a + b + x - 1
        let points = seriesPoints(age: T, times: times), z = points.z
        var power = points.power, sum = points.sum, done = points.done, remaining = points.remaining
        var coefficient = 1.0
        var n = 0
        let settle = abs(A) + abs(a) + abs(C) + 1
        var converged = true
        while remaining > 0 {
            n += 1
            let dn = Double(n)
            let ratio = n == 1 ? A / C : (A + dn - 1) * (a + dn - 2) / ((C + dn - 1) * dn)
            coefficient *= ratio
            if coefficient == 0 { break }
            for i in 0..<count where !done[i] {
                power[i] *= z[i]
                let term = coefficient * power[i]
                sum[i] += term
                if dn > settle {
                    let q = max(abs(ratio) * z[i], z[i])
                    if q < 1 && abs(term) * q <= 0x1p-53 * abs(sum[i]) * (1 - q) { done[i] = true; remaining -= 1 }
                }
            }
            if n >= Self.maximumTerms { converged = false; break }
        }
        let am1 = a - 1
        for i in 0..<count {
            guard times[i] > 0 else { out[i] = 0; continue }
            let l = -log1p(times[i] / (alpha + T))      // ln(1 − z)
            let e1 = am1 == 0 ? -l : -expm1(am1 * l) / am1
            out[i] = C * (e1 - exp(am1 * l) * sum[i])
        }
        return converged
    }

    /// The series' arguments zᵢ = tᵢ/(α + T + tᵢ), running powers and sums, and which points are
    /// done from the start (tᵢ = 0), shared by both ways of summing.
    private func seriesPoints(age T: Double, times: [Double])
        -> (z: [Double], power: [Double], sum: [Double], done: [Bool], remaining: Int) {
        var z = [Double](repeating: 0, count: times.count), done = [Bool](repeating: false, count: times.count)
        var remaining = 0
        for i in times.indices {
            let u = times[i] / (alpha + T)
            z[i] = u / (1 + u)
            if times[i] > 0 { remaining += 1 } else { done[i] = true }
        }
        return (z, [Double](repeating: 1, count: times.count), [Double](repeating: 0, count: times.count), done, remaining)
    }

    /// Above this `a` the direct series needs on the order of `a` terms (its terms grow like
    /// (a z)ⁿ / n! until n ≈ a z, and pass the largest Double from a z ≈ 700), so `numerators`
    /// switches to Euler's transformation.
    package static let largeA = 100.0

    /// `numerators` through Euler's transformation ₂F₁(A, a − 1; C; z) = (1 − z)^{x+r−a+1} ₂F₁(x + r, b + x; C; z)
    /// (Abramowitz & Stegun 15.3.3): Nᵢ = C · [1 − (1 − z)^{r+x} G] / (a − 1) with G = ₂F₁(x + r, b + x; C; z),
    /// written −expm1((r + x) ln(1 − z)) − (1 − z)^{r+x} (G − 1). With C = a + b + x − 1 large the
    /// terms of G fall at once, where the direct series needs ~a terms (a degenerate fit: a ≈ 7·10⁴).
    /// Term ratios are (n + p − 1)(n + q − 1)/((n + C − 1) n) · z, below z once n > (p − 1)(q − 1)/(C + 1 − p − q),
    /// so from there the tail is at most |term| z/(1 − z). Requires C + 1 − p − q > 0.
    package func numeratorsByEulerTransform(x: Double, age T: Double, times: [Double], into out: inout [Double]) -> Bool {
        let count = times.count
        let p = x + r, q = b + x, C = a + b + x - 1
        let settle = max(0, (p - 1) * (q - 1) / (C + 1 - p - q))
        let points = seriesPoints(age: T, times: times), z = points.z
        var power = points.power, sum = points.sum, done = points.done, remaining = points.remaining
        var coefficient = 1.0
        var n = 0
        var converged = true
        while remaining > 0 {
            n += 1
            let dn = Double(n)
            coefficient *= (p + dn - 1) * (q + dn - 1) / ((C + dn - 1) * dn)
            if coefficient == 0 { break }
            for i in 0..<count where !done[i] {
                power[i] *= z[i]
                let term = coefficient * power[i]
                sum[i] += term
                if dn > settle && abs(term) * z[i] <= 0x1p-53 * abs(sum[i]) * (1 - z[i]) { done[i] = true; remaining -= 1 }
            }
            if n >= Self.maximumTerms { converged = false; break }
        }
        for i in 0..<count {
            guard times[i] > 0 else { out[i] = 0; continue }
            let l = -log1p(times[i] / (alpha + T))      // ln(1 − z)
            out[i] = C * (-expm1(p * l) - exp(p * l) * sum[i]) / (a - 1)
        }
        return converged
    }
}
