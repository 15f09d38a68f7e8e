/// One step of a run: it reads what earlier stages left in the `RunState` and adds its own
/// results, deciding for itself whether it applies (a section it skips says why in
/// `RunState.skipped`). `Run` lists the stages in order and times each under its `name`.
protocol RunStage {
    /// The stage's key in report.json's `timings` and in the trace lines; `nil` for a check too
    /// short to report on its own.
    var name: String? { get }
    func run(_ state: inout RunState) throws
}
