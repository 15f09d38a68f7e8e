/// Loads `interactions.csv` against the customer index built from the transactions.
public struct InteractionLoader: Sendable {
    public var source: CSVSource
    public var columns: InteractionColumns
    public var options: IngestOptions

    public init(source: CSVSource, columns: InteractionColumns = InteractionColumns(), options: IngestOptions = IngestOptions()) {
        self.source = source
        self.columns = columns
        self.options = options
    }

    public struct Loaded: Sendable {
        public var table: InteractionTable
        public var accounting: FileAccounting
        public var rejects: [RejectedRow]
        /// Valid rows whose customer has no transaction (also `accounting.rowsUnmatched`): counted
        /// among the used rows, kept out of the table, and named in the report.
        public var orphanRows: Int
        /// Distinct customer ids among those rows.
        public var orphanCustomers: Int
        /// A few of those ids, for the report.
        public var orphanExamples: [String]
        /// Rows (of known customers) whose `kind` is none of support, complaint, survey,
        /// marketing, other, by the kind as written: they count as `other`, and the report lists them.
        public var unknownKinds = UnknownValueCounts()
    }

    public func load(customers: CustomerIndex) throws -> Loaded {
        let scanner = CSVFileScanner(path: source.path, dialect: source.dialect, blockSize: options.blockSize)
        let lanes: [InteractionLane] = try scanner.scan(lanes: max(1, options.lanes)) { header in
            let lane = try InteractionLane(source: source, columns: columns, header: header, policy: options.onBadRow, customers: customers)
            return [InteractionLane](repeating: lane, count: max(1, options.lanes))
        }
        let verdict = RejectVerdict(lanes.map(\.collector), path: source.path)
        if options.onBadRow == .fail, let first = verdict.rejects.first { throw IngestError.badRow(first) }

        // Concatenate lanes in order, re-coding channels by name.
        var table = InteractionTable()
        var channelIndex: [String: UInt16] = [:]
        var orphans = KeyInterner(capacity: 64)
        for lane in lanes {
            let names = (0..<Int32(lane.channels.count)).map { lane.channels.string($0) }
            let recode = names.map { name -> UInt16 in
                if let code = channelIndex[name] { return code }
                let code = UInt16(table.channelNames.count)
                table.channelNames.append(name)
                channelIndex[name] = code
                return code
            }
            table.customer += lane.table.customer
            table.day += lane.table.day
            table.kind += lane.table.kind
            table.channel += recode.isEmpty ? lane.table.channel : lane.table.channel.map { recode[Int($0)] }
            table.satisfaction += lane.table.satisfaction
            table.recommend += lane.table.recommend
            for k in 0..<Int32(lane.orphanKeys.count) { _ = lane.orphanKeys.withKey(k) { orphans.intern($0) } }
        }
        var accounting = verdict.accounting
        accounting.rowsUnmatched = lanes.reduce(0) { $0 + $1.orphanRows }
        let examples = CustomerIndex.sortedIDs(orphans).prefix(5).map { orphans.string($0) }
        var unknownKinds = UnknownValueCounts()
        for lane in lanes { lane.unknownKinds.merge(into: &unknownKinds) }
        return Loaded(table: table, accounting: accounting, rejects: verdict.rejects,
                      orphanRows: lanes.reduce(0) { $0 + $1.orphanRows }, orphanCustomers: orphans.count,
                      orphanExamples: Array(examples), unknownKinds: unknownKinds)
    }
}
