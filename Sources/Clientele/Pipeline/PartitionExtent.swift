import ClienteleSupport
import ClienteleStore

/// The days of a partition that fix the run's default periods (`RunPeriods`): its first order
/// day and last transaction line day, exactly as `clientele run` takes them from the whole file
/// (InputCheckStage). Merging is `min`/`max`, so any split of the customers merges to the whole
/// export's extent; an empty partition has neither day and adds nothing.
public struct PartitionExtent: Sendable, Equatable {
    /// The as-of the partition was read with (rows on or after it load no order), or `nil` for none.
    public var asOf: CalendarDay?
    /// The earliest order day (orders before as-of only); `nil` when the partition has no order.
    public var firstOrderDay: CalendarDay?
    /// The latest day of a usable line, including lines on or after as-of; `nil` when none.
    public var lastDay: CalendarDay?

    public init(asOf: CalendarDay?, firstOrderDay: CalendarDay? = nil, lastDay: CalendarDay? = nil) {
        self.asOf = asOf
        self.firstOrderDay = firstOrderDay
        self.lastDay = lastDay
    }

    /// The extent of both partitions together.
    /// - Throws: `PartitionExtentError.asOfDiffers` when they were read with different as-of dates.
    public func merged(with other: PartitionExtent) throws(PartitionExtentError) -> PartitionExtent {
        guard asOf == other.asOf else { throw .asOfDiffers(asOf, other.asOf) }
        return PartitionExtent(asOf: asOf, firstOrderDay: Self.pick(firstOrderDay, other.firstOrderDay, by: min),
                               lastDay: Self.pick(lastDay, other.lastDay, by: max))
    }

    /// The run's periods for the configured as-of and calibration end (either may be `nil` for
    /// its default), with the rules and the errors of `clientele run`'s input check.
    /// - Throws: `PartitionExtentError` when no partition has a usable row or no order precedes
    ///   as-of, or the extent was read with another as-of; `RunPeriodsError` as `RunPeriods`.
    public func periods(asOf configuredAsOf: CalendarDay?, calibrationEnd: CalendarDay?) throws -> RunPeriods {
        guard configuredAsOf == asOf else { throw PartitionExtentError.asOfDiffers(configuredAsOf, asOf) }
        guard let lastDay else { throw PartitionExtentError.noUsableRows }
        if let configuredAsOf, firstOrderDay == nil { throw PartitionExtentError.nothingBeforeAsOf(configuredAsOf) }
        return try RunPeriods(asOf: configuredAsOf, calibrationEnd: calibrationEnd, firstDay: firstOrderDay ?? lastDay, lastDay: lastDay)
    }

    private static func pick(_ a: CalendarDay?, _ b: CalendarDay?, by choose: (CalendarDay, CalendarDay) -> CalendarDay) -> CalendarDay? {
        guard let a else { return b }
        guard let b else { return a }
        return choose(a, b)
    }
}

/// Extents that cannot be merged, read or turned into periods.
public enum PartitionExtentError: ClienteleError, Equatable {
    /// Extents read with different as-of dates, or periods asked for another as-of than the extents'.
    case asOfDiffers(CalendarDay?, CalendarDay?)
    /// A file that is not an extent file, or is cut short.
    case unreadable(path: String, reason: String)
    /// No partition has a usable transaction row (as `clientele run`'s "no usable row").
    case noUsableRows
    /// Every usable row is dated on or after the configured as-of.
    case nothingBeforeAsOf(CalendarDay)

    public var exitStatus: ExitStatus {
        switch self {
        case .asOfDiffers: return .usage
        case .unreadable, .noUsableRows, .nothingBeforeAsOf: return .dataError
        }
    }

    public var description: String {
        func shown(_ day: CalendarDay?) -> String { day.map { "as-of \($0)" } ?? "no as-of" }
        switch self {
        case .asOfDiffers(let a, let b):
            return "the partition extents were read with different as-of dates (\(shown(a)), \(shown(b))); read every partition and resolve the periods with the same job file and --as-of"
        case .unreadable(let path, let reason): return "\(path): not a Clientele partition extent file (\(reason))"
        case .noUsableRows: return "no partition has a usable transaction row; see each partition's rejected rows"
        case .nothingBeforeAsOf(let asOf): return "every row of every partition is dated on or after as-of \(asOf); choose a later --as-of"
        }
    }
}
