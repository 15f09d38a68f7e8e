import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleStore

/// `clientele partition extent` and `periods`: the run's default periods from every partition's
/// first order day and last transaction day, so that a Spark run needs no `--as-of`.
extension PartitionWorker {
    /// Reads one partition's transactions as `clientele run` reads the whole file (same columns,
    /// dialect, bad-row rule and as-of cutoff) and returns its extent; an empty partition has none.
    public static func extent(_ config: JobConfiguration) throws -> PartitionExtent {
        try config.validate()
        return try Parallelism.withThreads(config.threads) {
            do {
                let loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns,
                                                   options: config.ingestOptions).load()
                // As InputCheckStage: the earliest order day, and the latest usable line day (Int32.min when none).
                let first = loaded.orders.firstDay.min().map { CalendarDay(daysSinceEpoch: $0) }
                let last = loaded.lastDay.daysSinceEpoch == Int32.min ? nil : loaded.lastDay
                return PartitionExtent(asOf: config.asOf, firstOrderDay: first, lastDay: last)
            } catch IngestError.noDataRows {
                return PartitionExtent(asOf: config.asOf)
            }
        }
    }

    /// The extent file at `path`.
    public static func readExtent(_ path: String) throws -> PartitionExtent {
        try PartitionExtent(decoding: contents(path), path: path)
    }

    /// Writes `extent` to `path` whole or not at all; an existing file that is not an extent file is left alone.
    public static func write(_ extent: PartitionExtent, to path: String) throws {
        try write(extent.encoded(), magic: PartitionExtent.magic, to: path)
    }
}
