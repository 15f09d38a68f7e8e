import ClienteleSupport
import ClienteleIngest

extension PartitionWorker {
    /// `max_reject_share` over every partition's rows: the merged accounting of the transactions
    /// (and of the interactions, when summarised with them) held against the run's threshold, as
    /// `clientele run` holds each whole file (exit 65, naming `transactions` and `interactions`,
    /// the exports the user gave). A partition cannot judge alone: its share is not the file's.
    public static func checkRejects(_ config: JobConfiguration, statistics: PartitionStatistics,
                                    transactions: String, interactions: String?) throws {
        func accounting(_ path: String, read: Int64, used: Int64, rejected: [Int64]) -> FileAccounting {
            var a = FileAccounting(path: path)
            a.rowsRead = Int(read)
            a.rowsUsed = Int(used)
            for (reason, n) in zip(RejectReason.allCases, rejected) where n > 0 { a.rejectedByReason[reason] = Int(n) }
            return a
        }
        var files = [accounting(transactions, read: statistics.rowsRead, used: statistics.rowsUsed, rejected: statistics.rejected)]
        let s = statistics.satisfaction
        if s.present, let interactions { files.append(accounting(interactions, read: s.rowsRead, used: s.rowsUsed, rejected: s.rejected)) }
        for file in files { try RejectVerdict(accounting: file).enforce(config.ingestOptions, rejectsFile: nil) }
    }
}
