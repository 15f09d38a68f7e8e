import ClienteleStore
import ClienteleKernels

/// Writes `customers.csv`: one row per scored customer, sorted by customer_id (README, Outputs).
///
/// Rows are formatted into bytes on every core, one contiguous customer range each, then written
/// in order; about 100 bytes a customer.
package struct CustomersCSVWriter {
    package static let header = ["customer_id", "first_order_date", "last_order_date", "recency_days", "frequency", "monetary",
                         "r_score", "f_score", "m_score", "rfm_cell", "segment", "historical_clv"]

    package let customers: CustomerIndex
    package let activity: CustomerActivity
    package let rfm: RFMResult
    /// The `cluster` column: a label (0-based, written 1-based) per RFM row; nil when k-means did
    /// not run. A partition under Spark labels its own rows with the merged fit's centres.
    package var clusterLabels: [Int32]?
    /// Predictive CLV columns, indexed by customer id; nil when the model did not run.
    package var clv: CLVModelFit?
    /// Satisfaction columns (measures by customer id, loyalty group by row); nil without interactions.
    package var satisfaction: SatisfactionColumns?
    /// `churn_probability` by customer id; nil when the churn model did not run.
    package var churn: ChurnScores?
    /// How customer ids and segment names are written; by default a cell that a spreadsheet would
    /// run as a formula is neutralised (`CSVCellPolicy`).
    package var cellPolicy: CSVCellPolicy = .neutralizeFormulas
    /// Whether the CLV columns include `value_quadrant` (a partition's rows leave it out: its
    /// thresholds are the medians of every customer's values).
    package var valueQuadrant = true

    package init(customers: CustomerIndex, activity: CustomerActivity, rfm: RFMResult, clusters: KMeansFit? = nil, clv: CLVModelFit? = nil, satisfaction: SatisfactionLoyaltyAnalysisResult? = nil, churn: ChurnScores? = nil, cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.customers = customers
        self.activity = activity
        self.rfm = rfm
        self.clusterLabels = clusters?.labels
        self.clv = clv
        self.satisfaction = satisfaction.map { SatisfactionColumns(measures: $0.measures, loyaltyGroups: $0.groups.groups) }
        self.churn = churn
        self.cellPolicy = cellPolicy
    }

    package static let satisfactionHeader = ["mean_satisfaction", "mean_recommend", "complaints", "loyalty_group"]
    package static let clvHeader = ["p_alive", "expected_purchases", "expected_order_value", "predicted_clv", "value_quadrant"]
    /// After `clvHeader` unless intervals are off (`[clv] interval_draws = 0`); empty cells when
    /// the bootstrap had no covariance to draw from (report.json `clv.intervals.unavailable`).
    package static let intervalHeader = ["expected_purchases_low", "expected_purchases_high", "predicted_clv_low", "predicted_clv_high"]
    /// `p_no_purchase_<days>d`, after the intervals, when `[clv] no_purchase_days` is set.
    package static func noPurchaseColumn(days: Int) -> String { "p_no_purchase_\(days)d" }

    /// The CLV columns of this file.
    package var clvColumns: [String] {
        guard let clv else { return [] }
        return Self.clvHeader.filter { valueQuadrant || $0 != "value_quadrant" } + (clv.settings.intervals.draws > 0 ? Self.intervalHeader : [])
            + (clv.predictions.probabilityNoPurchase.isEmpty ? [] : clv.settings.forecast.noPurchaseDays.map { [Self.noPurchaseColumn(days: $0)] } ?? [])
    }
    /// With 10 or more quantiles the cell is written `R-F-M` (e.g. `10-3-7`), else as three digits (`545`).
    package var wideScores: Bool { rfm.scorer.quantiles >= 10 }

    /// The header of this file: the columns of the kernels that ran.
    package var columnNames: [String] {
        Self.header + (clusterLabels == nil ? [] : ["cluster"]) + clvColumns
            + (satisfaction == nil ? [] : Self.satisfactionHeader) + (churn == nil ? [] : ["churn_probability"])
    }

    package func write(to path: String) throws(ReportError) {
        var head = ByteBuffer()
        head.text(columnNames.joined(separator: ","))
        head.newline()
        let columns = Columns(self)
        try FileSink.writeRows(rfm.count, to: path, header: head.bytes, maxRowBytes: maxRowBytes(columns)) { range, cursor in
            for row in range { columns.format(row, into: &cursor) }
        }
    }

    /// A row's longest form: the key and segment name fully quoted (and neutralised), every number at its widest.
    private func maxRowBytes(_ columns: Columns) -> Int { 2 * customers.longestKey + 2 * columns.names.map(\.count).max()! + 768 }

    /// The rows of this file without its header, each after `prefix`, handed to `body` in chunks of
    /// `chunkRows` rows on the calling thread: what `PostgresResultSink` streams into `COPY … FROM
    /// STDIN (FORMAT csv)`, so the table holds exactly the file's values.
    package func forEachChunk<E: Error>(prefix: [UInt8], chunkRows: Int = 4096, _ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        let columns = Columns(self)
        let rowBytes = maxRowBytes(columns) + prefix.count
        let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, min(chunkRows, rfm.count)) * rowBytes)
        defer { block.deallocate() }
        var start = 0
        while start < rfm.count {
            let end = min(rfm.count, start + chunkRows)
            var cursor = RowCursor(block)
            for row in start..<end {
                cursor.append(prefix)
                columns.format(row, into: &cursor)
            }
            try body(UnsafeRawBufferPointer(start: block.baseAddress!, count: cursor.position - block.baseAddress!))
            start = end
        }
    }

    /// Every column as a plain array, unwrapped once per file. Binding the optional kernel results
    /// per row (`if let clv`) would copy each struct and retain every array in it: atomic reference
    /// counts that the formatting threads then take turns on, which made two threads no faster than one.
    private struct Columns {
        let customers: CustomerIndex
        let activity: CustomerActivity
        let rfm: RFMResult
        let names: [[UInt8]]
        let wideScores: Bool
        let cellPolicy: CSVCellPolicy
        /// Empty when the kernel did not run.
        let cluster: [Int32]
        let pAlive: [Double], expectedPurchases: [Double], expectedOrderValue: [Double], predictedCLV: [Double]
        let quadrant: [Int8]
        let hasQuadrant: Bool
        /// Interval columns (written, maybe empty, when `hasIntervals`) and P(no purchase).
        let purchasesLow: [Double], purchasesHigh: [Double], clvLow: [Double], clvHigh: [Double]
        let hasIntervals: Bool
        let noPurchase: [Double]
        let meanSatisfaction: [Double], meanRecommend: [Double]
        let satisfactionAnswers: [Int32], recommendAnswers: [Int32], complaints: [Int32]
        let loyaltyGroup: [LoyaltyGroup?]
        let churnProbability: [Double]
        let hasCLV: Bool, hasSatisfaction: Bool
        /// `YYYY-MM-DD` of every day between the first and the last order, formatted once.
        let days: ISODayTable

        init(_ w: CustomersCSVWriter) {
            customers = w.customers; activity = w.activity; rfm = w.rfm; wideScores = w.wideScores
            cellPolicy = w.cellPolicy
            names = w.rfm.scorer.segments.names.map { name -> [UInt8] in
                var b = ByteBuffer(); b.field(name, policy: w.cellPolicy); return b.bytes
            }
            cluster = w.clusterLabels ?? []
            let p = w.clv?.predictions
            pAlive = p?.probabilityAlive ?? []; expectedPurchases = p?.expectedPurchases ?? []
            expectedOrderValue = p?.expectedOrderValue ?? []; predictedCLV = p?.predictedCLV ?? []
            quadrant = w.clv?.valueMatrix.quadrant ?? []
            hasQuadrant = w.valueQuadrant
            let b = w.clv?.intervals
            purchasesLow = b?.expectedPurchasesLow ?? []; purchasesHigh = b?.expectedPurchasesHigh ?? []
            clvLow = b?.predictedCLVLow ?? []; clvHigh = b?.predictedCLVHigh ?? []
            hasIntervals = (w.clv?.settings.intervals.draws ?? 0) > 0
            noPurchase = p?.probabilityNoPurchase ?? []
            hasCLV = w.clv != nil
            let m = w.satisfaction?.measures
            meanSatisfaction = m?.meanSatisfaction ?? []; meanRecommend = m?.meanRecommend ?? []
            satisfactionAnswers = m?.satisfactionAnswers ?? []; recommendAnswers = m?.recommendAnswers ?? []
            complaints = m?.complaints ?? []
            loyaltyGroup = w.satisfaction?.loyaltyGroups ?? []
            hasSatisfaction = w.satisfaction != nil
            churnProbability = w.churn?.probabilityColumn ?? []
            var first = Int32.max, last = Int32.min
            for c in w.rfm.customers.lazy.map(Int.init) {
                first = min(first, w.activity.firstDay[c]); last = max(last, w.activity.lastDay[c])
            }
            days = ISODayTable(first: first, last: last)
        }

        @inline(__always)
        func format(_ row: Int, into b: inout RowCursor) {
            let c = rfm.customers[row], k = Int(c)
            customers.withKey(c) { b.field($0, policy: cellPolicy) }
            b.comma(); days.write(activity.firstDay[k], to: &b)
            b.comma(); days.write(activity.lastDay[k], to: &b)
            b.comma(); b.int(rfm.recencyDays[row])
            b.comma(); b.int(rfm.frequency[row])
            b.comma(); b.cents(rfm.monetaryCents[row])
            b.comma(); b.int(rfm.r[row])
            b.comma(); b.int(rfm.f[row])
            b.comma(); b.int(rfm.m[row])
            b.comma(); b.int(rfm.r[row])
            if wideScores { b.byte(45) }
            b.int(rfm.f[row])
            if wideScores { b.byte(45) }
            b.int(rfm.m[row])
            b.comma(); b.append(names[Int(rfm.segment[row])])
            b.comma(); b.cents(Int64(rfm.historicalCLVCents[row]))
            if !cluster.isEmpty { b.comma(); b.int(cluster[row] + 1) }
            if hasCLV {
                b.comma(); b.double(pAlive[k])
                b.comma(); b.double(expectedPurchases[k])
                b.comma(); b.money(expectedOrderValue[k])
                b.comma(); b.money(predictedCLV[k])
                if hasQuadrant { b.comma(); if let q = ValueQuadrant(rawValue: Int(quadrant[k])) { b.text(q.name) } }
                if hasIntervals {
                    b.comma(); if !purchasesLow.isEmpty { b.double(purchasesLow[k]) }
                    b.comma(); if !purchasesHigh.isEmpty { b.double(purchasesHigh[k]) }
                    b.comma(); if !clvLow.isEmpty { b.money(clvLow[k]) }
                    b.comma(); if !clvHigh.isEmpty { b.money(clvHigh[k]) }
                }
                if !noPurchase.isEmpty { b.comma(); b.double(noPurchase[k]) }
            }
            if hasSatisfaction {
                b.comma(); if satisfactionAnswers[k] > 0 { b.double(meanSatisfaction[k]) }
                b.comma(); if recommendAnswers[k] > 0 { b.double(meanRecommend[k]) }
                b.comma(); b.int(complaints[k])
                b.comma(); if let g = loyaltyGroup[row] { b.text(g.rawValue) }
            }
            if !churnProbability.isEmpty { b.comma(); b.double(churnProbability[k]) }
            b.newline()
        }
    }
}

/// customers.csv's satisfaction columns: mean_satisfaction, mean_recommend and complaints from the
/// measures (by customer id), loyalty_group by RFM row. The single run takes them from its
/// satisfaction analysis; a partition under Spark computes them from its own interactions, since
/// each is one customer's.
package struct SatisfactionColumns: Sendable {
    package let measures: SatisfactionMeasures
    package let loyaltyGroups: [LoyaltyGroup?]

    package init(measures: SatisfactionMeasures, loyaltyGroups: [LoyaltyGroup?]) {
        self.measures = measures
        self.loyaltyGroups = loyaltyGroups
    }
}
