import ClienteleStore
import ClienteleIngest
import ClienteleReports

/// Reads the transactions export into the store (customer index and order table).
struct TransactionsStage: RunStage {
    var name: String? { "ingest_transactions" }

    func run(_ state: inout RunState) throws {
        let config = state.configuration, source = config.transactions!
        state.logger.info("reading transactions", metadata: ["path": "\(source.path)"])
        state.transactions = try TransactionLoader(source: source, columns: config.transactionColumns, options: config.ingestOptions).load()
    }
}

/// Reads the interactions export, when there is one, against the customers of the transactions.
struct InteractionsStage: RunStage {
    var source: CSVSource?
    var name: String? { source == nil ? nil : "ingest_interactions" }

    func run(_ state: inout RunState) throws {
        guard let source else {
            state.skipped.append(.init(section: "interactions",
                                       reason: "no interactions file given; satisfaction, complaints and the satisfaction–loyalty analysis need one"))
            return
        }
        let config = state.configuration
        state.logger.info("reading interactions", metadata: ["path": "\(source.path)"])
        let loaded = try InteractionLoader(source: source, columns: config.interactionColumns, options: config.ingestOptions)
            .load(customers: state.transactions.customers)
        if loaded.unknownKinds.totalRows > 0 {
            state.logger.notice("interaction kinds other than support, complaint, survey, marketing and other count as other; report.json lists them",
                                metadata: ["rows": "\(loaded.unknownKinds.totalRows)"])
        }
        if loaded.orphanRows > 0 {
            state.logger.notice("interactions of customers with no transaction are counted, not analysed",
                                metadata: ["rows": "\(loaded.orphanRows)", "customers": "\(loaded.orphanCustomers)"])
        }
        state.interactions = loaded
    }
}

/// Holds each file's rejected rows against `max_reject_share` and `on_bad_row`, makes sure some
/// order is left to analyse, and fixes the run's periods. A run that stops here leaves the
/// rejected rows in `OUT.rejects.csv`.
struct InputCheckStage: RunStage {
    var name: String? { nil }

    func run(_ state: inout RunState) throws {
        let config = state.configuration, transactions = state.transactions!
        let writeRejects = { [state] in try? state.rejectsFile.write(RejectsCSVWriter(rejects: state.rejects, cellPolicy: state.cellPolicy).bytes()) }
        for accounting in [transactions.accounting] + (state.interactions.map { [$0.accounting] } ?? []) {
            do {
                try RejectVerdict(accounting: accounting).enforce(config.ingestOptions, rejectsFile: state.rejectsFile.path)
            } catch {
                writeRejects()
                throw error
            }
        }
        guard transactions.customers.count > 0, transactions.accounting.rowsUsed > transactions.accounting.rowsAfterAsOf else {
            if let asOf = config.asOf, transactions.accounting.rowsAfterAsOf > 0 {
                throw IngestError.nothingBeforeAsOf(path: transactions.accounting.path, asOf: asOf)
            }
            writeRejects()
            throw IngestError.noUsableRows(path: transactions.accounting.path, rejected: transactions.accounting.rowsRejected,
                                           rejectsFile: state.rejectsFile.path)
        }
        let firstOrderDay = CalendarDay(daysSinceEpoch: transactions.orders.firstDay.min() ?? transactions.lastDay.daysSinceEpoch)
        state.periods = try RunPeriods(asOf: config.asOf, calibrationEnd: config.calibrationEnd,
                                       firstDay: firstOrderDay, lastDay: transactions.lastDay)
    }
}

extension JobConfiguration {
    /// The ingest settings of this run: the job's, with its threads and as-of date.
    var ingestOptions: IngestOptions {
        var options = ingest
        options.lanes = threads
        options.excludeFrom = asOf
        return options
    }
}
