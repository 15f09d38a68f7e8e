import Foundation
import Testing
@testable import Clientele

@Suite("CLVModel")
struct CLVModelTests {
    @Test("one call fits on the calibration period, validates on the holdout and predicts on full histories")
    func endToEnd() throws {
        let (loaded, population) = try clvGenerated(customers: 2000, seed: 7)
        let n = loaded.orders.customerCount
        let activity = CustomerActivity(orders: loaded.orders, asOf: population.asOf)
        let historical = (0..<n).map { Double(activity.netCents[$0]) / 100 }
        let fit = try CLVModel().fit(orders: loaded.orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf,
                                     historicalValue: historical, revenue: historical)
        let bgnbd = try #require(fit.bgnbd)
        #expect(bgnbd.converged && fit.gammaGamma?.converged == true && fit.gammaGammaSkipped == nil)
        // The fit is the calibration fit: the same as fitting the reference summary.
        let reference = try BGNBD().fit(CLVReference.shared.summary())
        #expect(clvClose(bgnbd.parameters.r, reference.parameters.r, relative: 1e-9))
        let validation = try #require(fit.validation)
        #expect(validation.holdoutWeeks == 26 && validation.customers == 2000)
        // Predictions condition on the whole history before as-of.
        let current = try CalibrationSummary(orders: loaded.orders, calibrationEnd: population.asOf.adding(days: -1))
        for c in stride(from: 0, to: n, by: 37) {
            let expected = bgnbd.probabilityAlive(frequency: Int(current.frequency[c]), recency: current.recency[c], age: current.age[c])
            #expect(fit.predictions.probabilityAlive[c] == expected)
            #expect(fit.predictions.predictedCLV[c].isFinite && fit.predictions.predictedCLV[c] >= 0)
        }
        #expect(fit.valueMatrix.customers == n)
        #expect(fit.valueMatrix.cells.reduce(0) { $0 + $1.customers } == n)
        #expect(abs(fit.valueMatrix.cells.reduce(0) { $0 + ($1.revenue ?? 0) } - historical.reduce(0, +)) < 1e-6)
    }

    @Test("without a calibration end there is no holdout and the fit uses every order")
    func noHoldout() throws {
        let (loaded, population) = try clvGenerated(customers: 500, seed: 3)
        let n = loaded.orders.customerCount
        let fit = try CLVModel().fit(orders: loaded.orders, calibrationEnd: nil, asOf: population.asOf,
                                     historicalValue: [Double](repeating: 1, count: n))
        #expect(fit.validation == nil)
        #expect(fit.calibrationEnd == population.asOf.adding(days: -1))
        #expect(fit.calibrationCustomers == fit.currentCustomers)
        #expect(throws: CLVError.self) {
            try CLVModel().fit(orders: loaded.orders, calibrationEnd: nil, asOf: population.asOf, historicalValue: [])
        }
    }

    @Test("no positive repeat spend: Gamma-Gamma skipped with its reason, BG/NBD and P(alive) still reported")
    func gammaGammaSkipped() throws {
        // The generated customers, with every order refunded to a net value of 0: x > 0 but no
        // positive mean repeat spend.
        let (loaded, population) = try clvGenerated(customers: 2000, seed: 7)
        var orders = loaded.orders
        orders.netCents = [Int64](repeating: 0, count: orders.count)
        let n = orders.customerCount
        let fit = try CLVModel().fit(orders: orders, calibrationEnd: population.calibrationEnd, asOf: population.asOf,
                                     historicalValue: [Double](repeating: 10, count: n))
        #expect(fit.gammaGamma == nil)
        guard case .noPositiveRepeatSpend = try #require(fit.gammaGammaSkipped) else { Issue.record("wrong reason"); return }
        #expect(fit.bgnbd?.converged == true)
        #expect(fit.predictions.probabilityAlive.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(fit.predictions.expectedPurchases.allSatisfy { $0.isFinite })
        #expect(fit.predictions.predictedCLV.allSatisfy { $0.isNaN })
        #expect(fit.valueMatrix.customers == 0)
    }

    @Test("every customer a one-time buyer is a clear error")
    func oneTimeBuyers() {
        let orders = clvOrders(customers: 3, [(0, 1, 100), (1, 2, 100), (2, 3, 100)])
        #expect(throws: CLVError.noRepeatPurchases(customers: 3)) {
            try CLVModel().fit(orders: orders, calibrationEnd: nil, asOf: CalendarDay(daysSinceEpoch: 10), historicalValue: [1, 1, 1])
        }
    }
}
