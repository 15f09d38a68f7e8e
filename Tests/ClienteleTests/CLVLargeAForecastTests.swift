import Foundation
import Testing
@testable import Clientele

@Suite("BG/NBD predictions when a is large (a degenerate fit on a short history)")
struct CLVLargeAForecastTests {
    static let times = [0.5, 4, 13, 26, 52, 104]

    @Test("Euler's transformation equals the direct series where both are exact", arguments: [
        (50.0, 2.4, 0.0, 10.0), (200.0, 2.4, 3.0, 30.0), (150.0, 0.7, 12.0, 60.0), (120.0, 1.7e-5, 1.0, 5.0),
    ])
    func eulerEqualsDirect(a: Double, b: Double, x: Double, age: Double) {
        let f = BGNBDForecaster(BGNBDParameters(r: 0.243, alpha: 4.41, a: a, b: b))
        var direct = [Double](repeating: 0, count: Self.times.count), euler = direct
        #expect(f.numeratorsByDirectSeries(x: x, age: age, times: Self.times, into: &direct))
        #expect(f.numeratorsByEulerTransform(x: x, age: age, times: Self.times, into: &euler))
        for (d, e) in zip(direct, euler) {
            #expect(abs(d - e) <= 1e-11 * abs(d), "direct \(d), Euler \(e)")
        }
    }

    @Test("a fit with a = 70,219 and b = 1.7e-5 forecasts through the transformation, converged, where the direct series overflows")
    func degenerateFitUsesTransformation() {
        let f = BGNBDForecaster(BGNBDParameters(r: 0.243, alpha: 4.41, a: 70_219, b: 1.7e-5))
        var direct = [Double](repeating: 0, count: Self.times.count)
        _ = f.numeratorsByDirectSeries(x: 2, age: 10, times: Self.times, into: &direct)
        #expect(direct.contains { !$0.isFinite }, "(a)ₙ zⁿ / n! passes the largest Double before the terms fall")
        var out = [Double](repeating: 0, count: Self.times.count)
        #expect(f.numerators(x: 2, age: 10, times: Self.times, into: &out))
        #expect(out.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(zip(out, out.dropFirst()).allSatisfy { $0 <= $1 }, "expected purchases grow with the horizon")
    }
}
