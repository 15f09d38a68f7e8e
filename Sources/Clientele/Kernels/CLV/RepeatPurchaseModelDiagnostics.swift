import ClienteleStats

/// The optimiser's account of a purchase-model fit, for clv_model.json's `iterations` and
/// `stop_reason`; kept out of `RepeatPurchaseModelFit` so that its requirements stay those the
/// model kernels agreed on. A fit that does not conform is reported with 0 iterations and a
/// stop reason from `converged`.
public protocol RepeatPurchaseModelDiagnostics {
    /// BFGS iterations of the accepted run.
    var iterations: Int { get }
    /// Why the optimiser stopped.
    var stopReason: BFGSMinimizer.StopReason { get }
}

extension BGNBDFit: RepeatPurchaseModelDiagnostics {}
extension MBGNBDFit: RepeatPurchaseModelDiagnostics {}
extension ParetoNBDFit: RepeatPurchaseModelDiagnostics {}
