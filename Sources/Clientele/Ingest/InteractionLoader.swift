import ClienteleSupport
import ClienteleStore

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

    /// Reads the file and resolves each row's customer against `customers`.
    ///
    /// The lanes parse their shares and route each row's customer key to a partition by the same
    /// hash as the customer index (`InteractionLane`); the partitions are then resolved on
    /// `options.lanes` threads, each looking up only its own partition's table, which stays in
    /// cache. Rows keep their lanes' order; orphan counts and examples come out the same whatever
    /// the row order, the threads or the partitions.
    public func load(customers: CustomerIndex) throws -> Loaded {
        let scanner = CSVFileScanner(path: source.path, dialect: source.dialect, blockSize: options.blockSize, encoding: source.encoding, section: "interactions", database: source.database)
        let laneCount = max(1, options.lanes)
        let partitioning = options.partitionBits.map(IngestPartitioning.init(bits:)) ?? customers.partitioning
        let lanes: [InteractionLane] = try scanner.scan(lanes: laneCount) { header in
            try (0..<laneCount).map { _ throws(IngestError) in
                try InteractionLane(source: source, columns: columns, header: header, policy: options.onBadRow,
                                    lanes: laneCount, partitioning: partitioning)
            }
        }
        let verdict = RejectVerdict(lanes.map(\.collector), path: source.path)
        if options.onBadRow == .fail, let first = verdict.rejects.first { throw IngestError.badRow(first) }
        trace("scanned interactions (\(partitioning.count) partitions)")

        // Resolve: each row's global customer id, or -1 for an orphan.
        let resolved = lanes.map { lane in
            let column = UnsafeMutableBufferPointer<Int32>.allocate(capacity: lane.table.count)
            column.initialize(repeating: -1)
            return column
        }
        defer { for column in resolved { column.deallocate() } }
        let orphans = Self.resolve(lanes, partitioning: partitioning, customers: customers, into: resolved, workers: laneCount)
        trace("resolved interactions")

        // Concatenate lanes in order, dropping orphans and re-coding channels by name in order of
        // first appearance among the rows kept.
        let table = Self.concatenate(lanes, resolved: resolved)
        let kept = table.count
        assert(kept == verdict.accounting.rowsUsed - orphans.reduce(0) { $0 + $1.rows }, "every used row resolved once")
        var unknownKinds = UnknownValueCounts()
        for (l, lane) in lanes.enumerated() {
            let ids = resolved[l]
            // Unknown kinds of known customers, counted as the lane saw them.
            var counter = UnknownValueCounter()
            for (row, value) in lane.unknownKindRows where ids[Int(row)] >= 0 {
                if value >= 0 { lane.unknownValues.withKey(value) { counter.add($0) } } else { counter.addUntracked() }
            }
            counter.merge(into: &unknownKinds)
        }
        var accounting = verdict.accounting
        let orphanRows = orphans.reduce(0) { $0 + $1.rows }
        accounting.rowsUnmatched = orphanRows
        // The five smallest orphan ids: each partition's five smallest, then the smallest of those.
        var examples: [[UInt8]] = []
        for partition in orphans {
            examples += CustomerIndex.sortedIDs(partition.keys).prefix(5).map { id in partition.keys.withKey(id) { Array($0) } }
        }
        examples.sort { x, y in x.withUnsafeBytes { a in y.withUnsafeBytes { b in compareBytes(a, b) < 0 } } }
        return Loaded(table: table, accounting: accounting, rejects: verdict.rejects,
                      orphanRows: orphanRows, orphanCustomers: orphans.reduce(0) { $0 + $1.keys.count },
                      orphanExamples: examples.prefix(5).map { String(decoding: $0, as: UTF8.self) }, unknownKinds: unknownKinds)
    }

    /// The lanes' rows of known customers, in lane order, with channels re-coded by name in order
    /// of first appearance among those rows.
    ///
    /// On every thread, in blocks of `concatBlockRows` rows of a lane: a first pass counts each
    /// block's kept rows and notes where each of its lane's channels first appears in it; the codes
    /// are then given in that order (serially, one step per channel and block); a second pass
    /// copies each block's kept rows to its place. The same table for any blocks or threads.
    package static func concatenate(_ lanes: [InteractionLane], resolved: [UnsafeMutableBufferPointer<Int32>]) -> InteractionTable {
        struct Block { var lane: Int; var rows: Range<Int> }
        let blocks = lanes.indices.flatMap { l in splitBlocks(lanes[l].table.count, size: concatBlockRows).map { Block(lane: l, rows: $0) } }
        struct Census { var kept = 0; var firstRow: [Int32] = [] }
        let census = parallelBlocks(blocks.count, size: 1) { range -> Census in
            let block = blocks[range.lowerBound], lane = lanes[block.lane], ids = resolved[block.lane]
            var census = Census()
            let tracksChannels = lane.positions.channel != nil
            if tracksChannels { census.firstRow = [Int32](repeating: -1, count: lane.channels.count) }
            lane.table.channel.withUnsafeBufferPointer { channel in
                for r in block.rows where ids[r] >= 0 {
                    census.kept += 1
                    if tracksChannels, census.firstRow[Int(channel[r])] < 0 { census.firstRow[Int(channel[r])] = Int32(r) }
                }
            }
            return census
        }
        var table = InteractionTable()
        var channelIndex: [String: UInt16] = [:]
        var recode = lanes.map { [UInt16](repeating: 0, count: $0.channels.count) }
        var seen = lanes.map { [Bool](repeating: false, count: $0.channels.count) }
        for (b, block) in blocks.enumerated() where !census[b].firstRow.isEmpty {
            let firsts = census[b].firstRow.enumerated().filter { $0.element >= 0 && !seen[block.lane][$0.offset] }
                .sorted { $0.element < $1.element }
            for (local, _) in firsts {
                seen[block.lane][local] = true
                let name = lanes[block.lane].channels.string(Int32(local))
                if let code = channelIndex[name] {
                    recode[block.lane][local] = code
                } else {
                    recode[block.lane][local] = UInt16(table.channelNames.count)
                    channelIndex[name] = UInt16(table.channelNames.count)
                    table.channelNames.append(name)
                }
            }
        }
        var at = [Int](repeating: 0, count: blocks.count + 1)
        for b in blocks.indices { at[b + 1] = at[b] + census[b].kept }
        let kept = at[blocks.count]
        // Every row is written exactly once, so the columns are never zeroed first.
        var kinds: [InteractionKind] = [], channels: [UInt16] = [], answers: [[Float]] = []
        let keys = writeOnceColumns(of: Int32.self, 2, length: kept) { keys in
            kinds = writeOnceColumns(of: InteractionKind.self, 1, length: kept) { kind in
                channels = writeOnceColumns(of: UInt16.self, 1, length: kept) { channel in
                    answers = writeOnceColumns(of: Float.self, 2, length: kept) { answer in
                        let (customer, day, kind, channel, satisfaction, recommend) = (keys[0], keys[1], kind[0], channel[0], answer[0], answer[1])
                        parallelFor(blocks.count) { b in
                            let block = blocks[b], lane = lanes[block.lane], ids = resolved[block.lane]
                            let source = lane.table, codes = recode[block.lane]
                            let coded = lane.positions.channel != nil
                            var o = at[b]
                            for r in block.rows where ids[r] >= 0 {
                                customer[o] = ids[r]
                                day[o] = source.day[r]
                                kind[o] = source.kind[r]
                                channel[o] = coded ? codes[Int(source.channel[r])] : 0
                                satisfaction[o] = source.satisfaction[r]
                                recommend[o] = source.recommend[r]
                                o += 1
                            }
                        }
                    }
                }[0]
            }[0]
        }
        table.customer = keys[0]
        table.day = keys[1]
        table.kind = kinds
        table.channel = channels
        table.satisfaction = answers[0]
        table.recommend = answers[1]
        return table
    }

    /// Rows of a lane per block of `concatenate`.
    package static let concatBlockRows = 1 << 16

    /// One partition's orphans: distinct keys and rows.
    package struct Orphans {
        package var keys: KeyInterner
        package var rows: Int
    }

    /// Writes each row's global customer id (or leaves -1) into `resolved[lane][row]`, partition
    /// by partition on `workers` threads, and returns each partition's orphans.
    ///
    /// Rows of one partition are spread over the lanes' rows, and no two partitions share a row,
    /// so the threads write disjoint elements of `resolved` (one column a lane, `table.count` long).
    package static func resolve(_ lanes: [InteractionLane], partitioning: IngestPartitioning, customers: CustomerIndex,
                        into columns: [UnsafeMutableBufferPointer<Int32>], workers: Int) -> [Orphans] {
        let counts = columns.map(\.count)
        return PartitionQueue.map(partitioning.count, workers: workers) { p in
            var orphans = Orphans(keys: KeyInterner(capacity: 16), rows: 0)
            for (l, lane) in lanes.enumerated() {
                let buffer = lane.partitions[p]
                buffer.withBytes { bytes in
                    var at = 0
                    while at < bytes.count {
                        let record = bytes.baseAddress! + at
                        let hash = record.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                        let row = Int(record.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
                        let length = Int(record.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                        at += InteractionRecord.header + length
                        precondition(at <= bytes.count && row < counts[l], "an interaction record runs past its buffer")
                        let key = UnsafeRawBufferPointer(start: record + InteractionRecord.header, count: length)
                        if let id = customers.id(of: key, hash: hash) {
                            columns[l][row] = id
                        } else {
                            orphans.rows += 1
                            _ = orphans.keys.intern(key, hash: hash)
                        }
                    }
                }
                buffer.release()
            }
            return orphans
        }
    }
}
