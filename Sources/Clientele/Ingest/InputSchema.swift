import ClienteleStore

/// Where one CSV export is and how it is written.
public struct CSVSource: Sendable, Equatable {
    public var path: String
    public var dialect: CSVDialect
    public var dateFormat: DateFormat
    /// `.` by default; `,` for amounts written like `12,50`.
    public var decimalSeparator: UInt8
    /// Digit-group separator allowed in amounts (`,` for `4,770.00`); nil: none.
    public var thousandsSeparator: UInt8?
    /// Currency symbols allowed before or after an amount (`¥`, `￥`, `€`); empty: none.
    public var currencySymbols: [String]
    /// The file's text encoding; nil or `.utf8` is read as it is (the fast path), any other is
    /// converted to UTF-8 while it is read.
    public var encoding: TextEncoding?
    /// Read from PostgreSQL instead of a file; `path` is then its `displayName`.
    public var database: DatabaseSource?

    public init(path: String, dialect: CSVDialect = CSVDialect(), dateFormat: DateFormat = .iso,
                decimalSeparator: UInt8 = UInt8(ascii: "."), thousandsSeparator: UInt8? = nil,
                currencySymbols: [String] = [], encoding: TextEncoding? = nil, database: DatabaseSource? = nil) {
        self.path = path
        self.dialect = dialect
        self.dateFormat = dateFormat
        self.decimalSeparator = decimalSeparator
        self.thousandsSeparator = thousandsSeparator
        self.currencySymbols = currencySymbols
        self.encoding = encoding
        self.database = database
    }
}

/// Header names of the transactions export, mapped by configuration.
public struct TransactionColumns: Sendable, Equatable {
    public var customerID = "customer_id"
    /// Optional in the file: without it each distinct (customer, day) is one order.
    public var orderID = "order_id"
    public var orderDate = "order_date"
    public var amount = "amount"
    public var quantity = "quantity"
    public var unitPrice = "unit_price"
    /// Take the line amount from `amount` (default) or compute it as quantity × unit price.
    public var amountFromQuantityTimesUnitPrice = false

    public init() {}
}

/// Header names of the interactions export, mapped by configuration.
public struct InteractionColumns: Sendable, Equatable {
    public var customerID = "customer_id"
    public var interactionDate = "interaction_date"
    public var channel = "channel"
    public var kind = "kind"
    public var satisfaction = "satisfaction"
    public var recommend = "recommend"
    /// Valid CSAT answers (1–5 by default); others are rejected as out of range.
    public var satisfactionScale: ClosedRange<Double> = 1...5
    /// Valid likelihood-to-recommend answers (0–10, the NPS item).
    public var recommendScale: ClosedRange<Double> = 0...10

    public init() {}
}

/// What to do with a bad row.
public enum BadRowPolicy: String, Sendable, CaseIterable {
    /// Stop at the first bad row (exit 65).
    case fail
    /// Set bad rows aside in `rejects.csv`; fail only when their share passes the threshold.
    case skip
}

/// How a file is read: bad-row policy and parallelism.
public struct IngestOptions: Sendable, Equatable {
    public var onBadRow: BadRowPolicy = .fail
    /// With `.skip`: the largest share of rejected rows a run accepts (default 1%).
    public var maxRejectShare: Double = 0.01
    /// Threads that tokenise and convert (default: every core).
    public var lanes: Int = 2
    /// Bytes read per block.
    public var blockSize: Int = 8 << 20
    /// Transaction lines dated on or after this day (an explicit as-of) are counted, not loaded.
    public var excludeFrom: CalendarDay?
    /// Rows are routed into `1 << partitionBits` partitions by a hash of the customer key (0 ... 12);
    /// `nil` (default): from the data, about 8 K customers a partition. Results never depend on
    /// it; tests set it to check that.
    public var partitionBits: Int?

    public init() {}
}

/// Rows read, used and rejected for one file; `read == used + rejected` always.
public struct FileAccounting: Sendable, Equatable {
    public var path: String
    public var rowsRead = 0
    public var rowsUsed = 0
    public var rejectedByReason: [RejectReason: Int] = [:]
    /// Used rows that matched no customer (interactions of customers without transactions).
    public var rowsUnmatched = 0
    /// Used rows dated on or after an explicit as-of: valid, counted, left out of the analysis.
    public var rowsAfterAsOf = 0
    public var rowsRejected: Int { rejectedByReason.values.reduce(0, +) }

    public init(path: String) { self.path = path }

    package mutating func merge(_ other: FileAccounting) {
        rowsRead += other.rowsRead
        rowsUsed += other.rowsUsed
        for (reason, n) in other.rejectedByReason { rejectedByReason[reason, default: 0] += n }
    }
}
