import ClienteleStore

/// What predicting customers with a pooled CLV fit needs (`CLVModel.predict(_:table:…)`): the
/// chosen purchase model's fit and Gamma-Gamma's, with the periods. A run spread over machines
/// fits once on the driver and hands every scoring task this, instead of the pooled rows the fit
/// came from (which grow with the customers) and a refit in every task. Codable: JSON keeps
/// every estimate to the last bit (shortest round-trip digits).
public struct CLVScoringFit: Sendable, Codable {
    /// The chosen purchase model's fit, by kind.
    public enum PurchaseModel: Sendable, Codable {
        case bgNBD(BGNBDFit)
        case mbgNBD(MBGNBDFit)
        case paretoNBD(ParetoNBDFit)

        public var fit: any RepeatPurchaseModelFit {
            switch self {
            case .bgNBD(let fit): fit
            case .mbgNBD(let fit): fit
            case .paretoNBD(let fit): fit
            }
        }
    }

    public let purchaseModel: PurchaseModel
    /// nil when Gamma-Gamma was skipped (then order value and CLV are not predicted).
    public let gammaGamma: GammaGammaFit?
    /// E and as-of, days since 1970-01-01.
    public let calibrationEnd: Int32
    public let asOf: Int32
    public let calibrationCustomers: Int

    /// The parts of `pooled` its predictions use.
    public init(_ pooled: CLVPooledFit) {
        switch pooled.purchaseModel {
        case let fit as BGNBDFit: purchaseModel = .bgNBD(fit)
        case let fit as MBGNBDFit: purchaseModel = .mbgNBD(fit)
        case let fit as ParetoNBDFit: purchaseModel = .paretoNBD(fit)
        case let fit: preconditionFailure("no scoring form for \(type(of: fit))")
        }
        gammaGamma = pooled.gammaGamma
        calibrationEnd = pooled.calibrationEnd.daysSinceEpoch
        asOf = pooled.asOf.daysSinceEpoch
        calibrationCustomers = pooled.calibrationCustomers
    }

    /// A pooled fit that predicts as the one this came from: the chosen model as the only
    /// candidate (requested, no holdout check), Gamma-Gamma's fit. What only the report reads
    /// (the other candidates, the holdout errors, why Gamma-Gamma was skipped) is not kept.
    public func pooledFit(settings: CLVModel) -> CLVPooledFit {
        let fit = purchaseModel.fit
        let selection = RepeatPurchaseModelSelection.select([RepeatPurchaseModelScore(fit, validation: nil)], choice: .fixed(fit.kind))!
        return CLVPooledFit(calibrationEnd: CalendarDay(daysSinceEpoch: calibrationEnd), asOf: CalendarDay(daysSinceEpoch: asOf),
                            calibrationCustomers: calibrationCustomers,
                            candidates: [RepeatPurchaseModelCandidate(fit: fit, validation: nil)], selection: selection,
                            gammaGamma: gammaGamma, gammaGammaSkipped: nil, validation: nil, settings: settings)
    }
}
