/// The analysis periods of one run (DESIGN, Time): the as-of date and the calibration end that
/// splits history into a calibration period (≤ E) and a holdout window (after E, before as-of).
public struct RunPeriods: Sendable, Equatable {
    public let asOf: CalendarDay
    public let asOfDefaulted: Bool
    /// Last calibration day, inclusive (lifetimes' `observation_period_end`); `nil` when the
    /// history is too short for a holdout, with `calibrationSkipReason` saying why.
    public let calibrationEnd: CalendarDay?
    public let calibrationEndDefaulted: Bool
    public let calibrationSkipReason: String?

    /// The default holdout: 26 weeks, or a quarter of the history when that is shorter.
    public static let defaultHoldoutWeeks = 26
    /// Shorter histories have no holdout by default (a model needs repeat purchases to learn from).
    public static let minimumHistoryWeeks = 8

    /// - Parameters:
    ///   - asOf: the configured analysis date, or `nil` for the day after the last transaction.
    ///   - calibrationEnd: the configured calibration end, or `nil` for the default holdout.
    ///   - firstDay: the first order day in the data; `lastDay`: the last transaction line day.
    public init(asOf configuredAsOf: CalendarDay?, calibrationEnd: CalendarDay?, firstDay: CalendarDay, lastDay: CalendarDay) throws(ConfigurationError) {
        let asOf = configuredAsOf ?? lastDay.adding(days: 1)
        self.asOf = asOf
        self.asOfDefaulted = configuredAsOf == nil
        if let end = calibrationEnd {
            guard end < asOf else { throw .invalid("calibration-end \(end) must be before as-of \(asOf)") }
            guard end >= firstDay else {
                throw .invalid("calibration-end \(end) is before the first order (\(firstDay)); nothing to calibrate on")
            }
            self.calibrationEnd = end
            self.calibrationEndDefaulted = false
            self.calibrationSkipReason = nil
            return
        }
        let historyWeeks = Int(asOf.daysSinceEpoch - firstDay.daysSinceEpoch) / 7
        guard historyWeeks >= Self.minimumHistoryWeeks else {
            self.calibrationEnd = nil
            self.calibrationEndDefaulted = true
            self.calibrationSkipReason = "the history is \(historyWeeks) weeks long; a holdout needs at least \(Self.minimumHistoryWeeks) (set --calibration-end to choose one)"
            return
        }
        let holdoutWeeks = min(Self.defaultHoldoutWeeks, historyWeeks / 4)
        self.calibrationEnd = asOf.adding(days: -7 * holdoutWeeks - 1)
        self.calibrationEndDefaulted = true
        self.calibrationSkipReason = nil
    }
}
