import ClienteleSupport
import ClienteleStore

/// The analysis periods of one run (docs/definitions.md, Time): the as-of date and the calibration end that
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
    /// - Throws: `RunPeriodsError.defaultAsOfPastLatest` when the last transaction is on
    ///   9999-12-31 and no as-of is set (the next day has no `YYYY-MM-DD`); the calibration-end
    ///   errors when the configured one is not before as-of or is before the first order.
    public init(asOf configuredAsOf: CalendarDay?, calibrationEnd: CalendarDay?, firstDay: CalendarDay, lastDay: CalendarDay) throws(RunPeriodsError) {
        guard let asOf = configuredAsOf ?? lastDay.checkedAdding(days: 1) else { throw .defaultAsOfPastLatest(lastDay: lastDay) }
        self.asOf = asOf
        self.asOfDefaulted = configuredAsOf == nil
        if let end = calibrationEnd {
            guard end < asOf else { throw .calibrationEndNotBeforeAsOf(calibrationEnd: end, asOf: asOf) }
            guard end >= firstDay else { throw .calibrationEndBeforeFirstOrder(calibrationEnd: end, firstDay: firstDay) }
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

/// Periods that cannot be set from the configuration and the data.
public enum RunPeriodsError: ClienteleError, Equatable {
    /// The configured calibration end is on or after as-of (a usage error, exit 64).
    case calibrationEndNotBeforeAsOf(calibrationEnd: CalendarDay, asOf: CalendarDay)
    /// The configured calibration end is before the first order (exit 64).
    case calibrationEndBeforeFirstOrder(calibrationEnd: CalendarDay, firstDay: CalendarDay)
    /// The data's last transaction is on the last day `YYYY-MM-DD` can write, so the default as-of
    /// (the day after) cannot be written: bad input data (exit 65), unless `--as-of` is given.
    case defaultAsOfPastLatest(lastDay: CalendarDay)

    public var exitStatus: ExitStatus {
        switch self {
        case .calibrationEndNotBeforeAsOf, .calibrationEndBeforeFirstOrder: return .usage
        case .defaultAsOfPastLatest: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .calibrationEndNotBeforeAsOf(let end, let asOf):
            return "calibration-end \(end) must be before as-of \(asOf)"
        case .calibrationEndBeforeFirstOrder(let end, let first):
            return "calibration-end \(end) is before the first order (\(first)); nothing to calibrate on"
        case .defaultAsOfPastLatest(let last):
            return "the last order is on \(last), so the default as-of (the next day) is past year 9999; pass --as-of"
        }
    }
}
