import ClienteleSupport

/// The registry of repeat-purchase fitters this build has: the one switch that maps a
/// `RepeatPurchaseModelKind` to the kernel that fits it. Adding a model is one line in it, e.g.
/// `case .paretonbd: { try ParetoNBD(optimizer: $1.bgnbd.optimizer).fit($0) }` (and the kind
/// leaves the `nil` line); `available`, `auto` and the job-file check follow from it. (A fit
/// that also conforms to `RepeatPurchaseModelDiagnostics`, one empty extension, reports its
/// iterations and stop reason in clv_model.json.)
extension RepeatPurchaseModelKind {
    /// patterns, settings ↦ the fitted model.
    package typealias Fitter = @Sendable (CalibrationPatterns, CLVModel) throws -> any RepeatPurchaseModelFit

    /// The fitter of this model in this build; `nil` when it has none. BG/NBD uses the settings'
    /// `bgnbd` (optimiser and starting points), the others the same optimiser settings.
    package var fitter: Fitter? {
        switch self {
        case .bgnbd: { try $1.bgnbd.fit($0) }
        case .mbgnbd: { try MBGNBD(optimizer: $1.bgnbd.optimizer).fit($0) }
        case .paretonbd: { try ParetoNBD(optimizer: $1.bgnbd.optimizer).fit($0) }
        }
    }

    /// Fits this model to the calibration patterns.
    /// - Throws: `RepeatPurchaseModelUnavailable` when this build has no fitter for the model;
    ///   the fitter's own `CLVError`s otherwise.
    package func fit(_ patterns: CalibrationPatterns, settings: CLVModel) throws -> any RepeatPurchaseModelFit {
        guard let fitter else { throw RepeatPurchaseModelUnavailable(kind: self) }
        return try fitter(patterns, settings)
    }

    /// Whether this build can fit the model.
    public var isAvailable: Bool { fitter != nil }

    /// The models this build can fit, in `allCases` order: what `auto` fits.
    public static var available: [RepeatPurchaseModelKind] { allCases.filter(\.isAvailable) }
}

/// A model was asked for (`[clv] model`, `--clv-model`) that this build cannot fit. Exit 64: the
/// setting has to change.
public struct RepeatPurchaseModelUnavailable: ClienteleError, Equatable {
    public let kind: RepeatPurchaseModelKind

    public init(kind: RepeatPurchaseModelKind) { self.kind = kind }

    public var exitStatus: ExitStatus { .usage }

    public var description: String {
        let names = RepeatPurchaseModelKind.available.map(\.rawValue).joined(separator: ", ")
        return "clv: the \(kind.title) model (\(kind.rawValue)) is not available in this build; set [clv] model (--clv-model) to auto or one of: \(names)"
    }
}
