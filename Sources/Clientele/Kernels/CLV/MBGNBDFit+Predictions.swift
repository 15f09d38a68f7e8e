import ClienteleStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension MBGNBDFit {
    /// P(alive | x, t_x, T) = 1 / (1 + a/(b + x) · ((α + T)/(α + t_x))^{r+x})
    ///
    /// (Batislam, Denizel & Filiztekin 2007; lifetimes `ModifiedBetaGeoFitter.conditional_probability_alive`),
    /// as the logistic of minus the log odds. Unlike BG/NBD, x = 0 gives less than 1 whenever
    /// T > 0: a one-time buyer may have dropped out right after the first purchase.
    public func probabilityAlive(frequency: Int, recency: Double, age: Double) -> Double {
        let p = parameters, x = Double(frequency)
        let logOdds = (p.r + x) * (log(p.alpha + age) - log(p.alpha + recency)) + log(p.a / (p.b + x))
        return SpecialFunctions.logistic(-logOdds)
    }

    /// E[Y(t) | x, t_x, T], the expected repeat purchases in (T, T + t] (lifetimes
    /// `ModifiedBetaGeoFitter.conditional_expected_number_of_purchases_up_to_time`):
    ///
    ///     (a + b + x)/(a − 1) · [1 − ((α + T)/(α + T + t))^{r+x} ₂F₁(r + x, b + x + 1; a + b + x; z)] · P(alive),
    ///
    /// z = t/(α + T + t): BG/NBD's numerator with b + 1, summed by the same Euler-transformed
    /// series (`BGNBDForecaster`). `t` in weeks.
    public func conditionalExpectedPurchases(within t: Double, frequency: Int, recency: Double, age: Double) -> Double {
        var out = [0.0]
        _ = shiftedForecaster.numerators(x: Double(frequency), age: age, times: [t], into: &out)
        return probabilityAlive(frequency: frequency, recency: recency, age: age) * out[0]
    }

    /// E[X(t)] = b/(a − 1) · [1 − (α/(α + t))ʳ ₂F₁(r, b + 1; a + b; t/(α + t))] for a customer
    /// just acquired (lifetimes `ModifiedBetaGeoFitter.expected_number_of_purchases_up_to_time`):
    /// the conditional expectation at x = 0, t_x = T = 0, whose P(alive) is b/(a + b).
    public func expectedPurchases(within t: Double) -> Double {
        var out = [0.0]
        _ = shiftedForecaster.numerators(x: 0, age: 0, times: [t], into: &out)
        return parameters.b / (parameters.a + parameters.b) * out[0]
    }

    /// P(no purchase in (T, T + h] | x, t_x, T) = 1 − P(alive) + P(alive) · ((α + T)/(α + T + h))^{r+x}:
    /// an active customer cannot drop out before the next purchase, and buys at rate λ with
    /// posterior Gamma(r + x, α + T), so no purchase while active has the posterior mean of e^{−λh}.
    public func probabilityOfNoPurchase(within h: Double, frequency: Int, recency: Double, age: Double) -> Double {
        let pa = probabilityAlive(frequency: frequency, recency: recency, age: age)
        let p = parameters, x = Double(frequency)
        return 1 - pa + pa * exp((p.r + x) * (log(p.alpha + age) - log(p.alpha + age + h)))
    }

    /// Per-pattern P(alive) and `outputs[j][k]` = P(alive)ₖ · Σᵢ `weights[j][i]` · Nₖ(`times[i]`)
    /// (Nₖ the numerator above): BG/NBD's `patternForecast` machinery (series once per (x, T)
    /// run, fixed cuts, identical results for any thread count) with MBG/NBD's terms.
    public func patternForecast(_ patterns: CalibrationPatterns, times: [Double], weights: [[Double]]) -> BGNBDPatternForecast {
        BGNBDFit.familyForecast(parameters.bgnbd, modified: true, patterns, times: times, weights: weights)
    }

    /// BG/NBD's prediction formulas at (r, α, a, b + 1): MBG/NBD's numerators.
    private var shiftedForecaster: BGNBDForecaster {
        let p = parameters
        return BGNBDForecaster(BGNBDParameters(r: p.r, alpha: p.alpha, a: p.a, b: p.b + 1))
    }
}
