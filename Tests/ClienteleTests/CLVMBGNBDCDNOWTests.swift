import Foundation
import Testing
@testable import Clientele

// MBG/NBD on the CDNOW sample against lifetimes 0.11.3's ModifiedBetaGeoFitter
// (Fixtures/clv/cdnow_reference.json, Benchmarks/clv/cdnow_reference.py).

func cdnowMBG(_ v: [Double]) -> MBGNBDParameters { MBGNBDParameters(r: v[0], alpha: v[1], a: v[2], b: v[3]) }

@Suite("MBG/NBD on CDNOW against lifetimes")
struct CLVMBGNBDCDNOWTests {
    let ref = CDNOWReference.shared

    @Test("the log-likelihood at lifetimes' parameters equals lifetimes' to 1e-9 relative")
    func logLikelihood() throws {
        let p = cdnowMBG(ref.numbers("mbg_nbd", "parameters"))
        let got = MBGNBD.logLikelihood(p, try ref.patterns())
        let expected = ref.number("mbg_nbd", "log_likelihood")
        #expect(clvClose(got, expected, relative: 1e-9), "LL \(got) vs lifetimes \(expected)")
    }

    @Test("the analytic gradient and Hessian equal central differences")
    func derivatives() throws {
        let patterns = try ref.patterns()
        let p = cdnowMBG(ref.numbers("mbg_nbd", "parameters"))
        let g = MBGNBD.logLikelihoodGradient(p, patterns)
        let hessian = MBGNBD.logLikelihoodHessian(p, patterns)
        let v = [p.r, p.alpha, p.a, p.b]
        for i in 0..<4 {
            let h = 1e-6 * v[i]
            var up = v, down = v
            up[i] += h; down[i] -= h
            let numeric = (MBGNBD.logLikelihood(cdnowMBG(up), patterns) - MBGNBD.logLikelihood(cdnowMBG(down), patterns)) / (2 * h)
            #expect(abs(g[i] - numeric) <= 1e-5 * max(abs(numeric), 1), "∂/∂p\(i): \(g[i]) vs \(numeric)")
            let gu = MBGNBD.logLikelihoodGradient(cdnowMBG(up), patterns), gd = MBGNBD.logLikelihoodGradient(cdnowMBG(down), patterns)
            for j in 0..<4 {
                let second = (gu[j] - gd[j]) / (2 * h)
                #expect(abs(hessian[i][j] - second) <= 1e-5 * max(abs(second), 1), "∂²/∂p\(i)∂p\(j): \(hessian[i][j]) vs \(second)")
            }
        }
    }

    @Test("the fit equals lifetimes' estimates to 1e-4 relative and its standard errors to 1e-3")
    func fit() throws {
        let patterns = try ref.patterns()
        let fit = try MBGNBD().fit(patterns)
        #expect(fit.converged)
        let got = [fit.parameters.r, fit.parameters.alpha, fit.parameters.a, fit.parameters.b]
        let expected = ref.numbers("mbg_nbd", "parameters")
        #expect(cdnowWorst(got, expected) <= 1e-4, "\(got) vs lifetimes \(expected)")
        let lifetimesLL = ref.number("mbg_nbd", "log_likelihood")
        #expect(clvClose(fit.logLikelihood, lifetimesLL, relative: 1e-6))
        #expect(fit.logLikelihood >= lifetimesLL - 1e-9 * abs(lifetimesLL))
        #expect(clvClose(fit.logLikelihood, MBGNBD.logLikelihood(fit.parameters, patterns), relative: 1e-12))
        let se = try #require(fit.standardErrors)
        #expect(cdnowWorst([se.r, se.alpha, se.a, se.b], ref.numbers("mbg_nbd", "standard_errors")) <= 1e-3)
    }

    @Test("on the days/7 summary the fit gives the published BTYDplus estimates to their three decimals")
    func published() throws {
        // BTYDplus's MBG/NBD on CDNOW (github.com/mplatzer/BTYDplus; the values lifetimes' own test
        // `test_params_out_is_close_to_BTYDplus` pins): r = 0.525, α = 6.183, a = 0.891, b = 1.614.
        let fit = try MBGNBD().fit(try ref.patterns(days: true))
        #expect(fit.converged)
        let got = [fit.parameters.r, fit.parameters.alpha, fit.parameters.a, fit.parameters.b]
        for (value, published) in zip(got, [0.525, 6.183, 0.891, 1.614]) {
            #expect((value * 1000).rounded() / 1000 == published, "\(value) vs published \(published)")
        }
        let lifetimes = ref.numbers("mbg_nbd_days_over_7", "parameters")
        #expect(cdnowWorst(got, lifetimes) <= 1e-4, "\(got) vs lifetimes \(lifetimes)")
        #expect(clvClose(fit.logLikelihood, ref.number("mbg_nbd_days_over_7", "log_likelihood"), relative: 1e-6))
    }

    @Test("P(alive) and expected purchases at lifetimes' parameters equal lifetimes' to 1e-8")
    func predictions() throws {
        let patterns = try ref.patterns()
        let p = ref.numbers("mbg_nbd", "parameters")
        let fit = try MBGNBD().fit(patterns).withLogParameters(p.map { log($0) })
        let (x, t, T) = ref.columns()
        let alive = (0..<x.count).map { fit.probabilityAlive(frequency: x[$0], recency: t[$0], age: T[$0]) }
        #expect(cdnowWorst(alive, ref.numbers("mbg_nbd", "p_alive")) <= 1e-8)
        for h in ref.numbers("horizons") {
            let got = (0..<x.count).map { fit.conditionalExpectedPurchases(within: h, frequency: x[$0], recency: t[$0], age: T[$0]) }
            #expect(cdnowWorst(got, ref.numbers("mbg_nbd", "conditional_expected", "\(h)")) <= 1e-8, "t = \(h)")
        }
        for h in ref.numbers("unconditional_horizons") {
            #expect(clvClose(fit.expectedPurchases(within: h), ref.number("mbg_nbd", "expected", "\(h)"), relative: 1e-10))
        }
        let forecast = fit.patternForecast(patterns, times: [39], weights: [[1]], noPurchaseWithin: [13])
        for k in 0..<patterns.count {
            let (xk, tk, Tk) = (Int(patterns.frequency[k]), patterns.recency[k], patterns.age[k])
            #expect(clvClose(forecast.probabilityAlive[k], fit.probabilityAlive(frequency: xk, recency: tk, age: Tk), relative: 1e-14))
            #expect(clvClose(forecast.outputs[0][k], fit.conditionalExpectedPurchases(within: 39, frequency: xk, recency: tk, age: Tk), relative: 1e-13))
            #expect(clvClose(forecast.noPurchase[0][k], fit.probabilityOfNoPurchase(within: 13, frequency: xk, recency: tk, age: Tk), relative: 1e-13))
        }
    }

    @Test("one-time buyers are not certainly alive, unlike BG/NBD, and P(alive) falls with T")
    func oneTimeBuyers() throws {
        let fit = try MBGNBD().fit(try ref.patterns())
        let p = fit.parameters
        #expect(clvClose(fit.probabilityAlive(frequency: 0, recency: 0, age: 0), p.b / (p.a + p.b), relative: 1e-14))
        var previous = 1.0
        for T in [0.0, 1, 10, 39, 100] {
            let pa = fit.probabilityAlive(frequency: 0, recency: 0, age: T)
            #expect(pa < 1 && pa < previous || T == 0)
            previous = pa
        }
    }
}
