import Foundation
import ClienteleSupport
import ClienteleIngest
import ClienteleReports
import ClienteleKernels

/// The per-partition steps of a run spread over machines (`clientele partition …`, driven by
/// Spark): each reads or writes `PartitionStatistics` files, whole or not at all.
public enum PartitionWorker {
    /// Reads one partition's transactions (every row of each of its customers) and returns its
    /// statistics. The periods come from the configuration and must be set (`--as-of`).
    public static func summarise(_ config: JobConfiguration) throws -> PartitionStatistics {
        try config.validate()
        guard let asOf = config.asOf else { throw PartitionError.missingAsOf }
        let settings = PartitionStatistics.Settings(asOf: asOf, calibrationEnd: config.calibrationEnd,
                                                    quantiles: config.rfm.quantiles, monetary: config.rfm.monetary)
        return try Parallelism.withThreads(config.threads) {
            do {
                let loaded = try TransactionLoader(source: config.transactions!, columns: config.transactionColumns,
                                                   options: config.ingestOptions).load()
                return PartitionStatistics(settings: settings, scorer: config.rfm, loaded: loaded)
            } catch IngestError.noDataRows {
                // A hash partition can be empty: it adds nothing.
                return PartitionStatistics(settings: settings, rfm: RFMValueCounts(columns: Array(repeating: .init(), count: 3)))
            }
        }
    }

    /// The statistics file at `path`.
    public static func read(_ path: String) throws -> PartitionStatistics {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PartitionIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try PartitionStatistics(decoding: Array(data), path: path)
    }

    /// Writes `statistics` to `path` through a temporary file renamed into place, so a reader
    /// sees the old file or the new one; an existing file that is not a statistics file is left alone.
    public static func write(_ statistics: PartitionStatistics, to path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 8)) ?? nil
            guard let head, Array(head) == PartitionStatistics.magic else { throw PartitionIOError.wouldOverwrite(path: path) }
        }
        let temporary = path + ".tmp-\(getpid())"
        do {
            try FileSink.write(statistics.encoded(), to: temporary)
            guard rename(temporary, path) == 0 else {
                throw PartitionIOError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// A statistics file that cannot be read or written.
public enum PartitionIOError: ClienteleError, Equatable {
    case unreadable(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case wouldOverwrite(path: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .unreadable: return .noInput
        case .cannotWrite: return .ioError
        case .wouldOverwrite: return .cantCreate
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .wouldOverwrite(let path): return "\(path) exists and is not a partition statistics file; it is left as it is"
        }
    }
}
