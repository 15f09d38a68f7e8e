import Foundation
import ClienteleSupport

/// A stage that can run beside others: it reads what the stages before the fork left in the
/// state, and `adopt` copies what it added from the branch's copy of the state into the run's.
protocol SideStage: RunStage, Sendable {
    func adopt(_ branch: RunState, into state: inout RunState)
}

/// Two runs of stages that need only what came before them and write different parts of the
/// state: `side` runs on a copy of the state on a thread of its own while `main` runs on the
/// run's state, when the run has more than one thread. Each branch's loops still use every
/// thread, so a branch's serial steps (a model's line search, a fit's reductions) leave the other
/// branch a core instead of an idle one. With one thread, `side` then `main` run in turn.
///
/// Results do not depend on it: every stage computes what it computes alone; afterwards the side
/// stages adopt their results, and the skipped sections and timings are merged in list order
/// (side first), as a sequential run records them.
struct SideBySideStages: RunStage {
    var side: [any SideStage]
    var main: [any RunStage]

    var name: String? { nil }

    static let sequential = ProcessInfo.processInfo.environment["CLIENTELE_SEQUENTIAL_STAGES"].map { $0 != "" && $0 != "0" } ?? false

    func run(_ state: inout RunState) throws {
        guard Parallelism.threads > 1, !Self.sequential, !side.isEmpty, !main.isEmpty else {
            for stage in side { try state.perform(stage) }
            for stage in main { try state.perform(stage) }
            return
        }
        let base = state
        var branch = base
        // `beside` runs the side branch on a thread of its own (no progress line: the main branch
        // draws it); both outcomes are kept so that the side's error wins, as in a sequential run.
        let (mainOutcome, sideOutcome) = try beside({ Result { () throws in for stage in main { try state.perform(stage) } } }, {
            RunProgress.$current.withValue(nil) { Result { () throws in for stage in side { try branch.perform(stage) } } }
        })
        try sideOutcome.get()
        try mainOutcome.get()
        for stage in side { stage.adopt(branch, into: &state) }
        state.skipped.insert(contentsOf: branch.skipped.dropFirst(base.skipped.count), at: base.skipped.count)
        state.timings.merge(branch.timings) { mine, _ in mine }
    }
}
