/// Writes `customers.csv`: one row per scored customer, sorted by customer_id (DESIGN, Interface contract).
///
/// Rows are formatted into bytes on every core, one contiguous customer range each, then written
/// in order; about 100 bytes a customer.
struct CustomersCSVWriter {
    static let header = ["customer_id", "first_order_date", "last_order_date", "recency_days", "frequency", "monetary",
                         "r_score", "f_score", "m_score", "rfm_cell", "segment", "historical_clv"]

    let customers: CustomerIndex
    let activity: CustomerActivity
    let rfm: RFMResult
    /// The `cluster` column (labels by row, written 1-based); nil when k-means did not run.
    var clusters: KMeansFit?
    /// Predictive CLV columns, indexed by customer id; nil when the model did not run.
    var clv: CLVModelFit?
    /// Satisfaction columns (measures by customer id, loyalty group by row); nil without interactions.
    var satisfaction: SatisfactionLoyaltyAnalysisResult?
    /// `churn_probability` by customer id; nil when the churn model did not run.
    var churn: ChurnScores?
    var threads = 2

    static let satisfactionHeader = ["mean_satisfaction", "mean_recommend", "complaints", "loyalty_group"]
    static let clvHeader = ["p_alive", "expected_purchases", "expected_order_value", "predicted_clv", "value_quadrant"]
    /// With 10 or more quantiles the cell is written `R-F-M` (e.g. `10-3-7`), else as three digits (`545`).
    var wideScores: Bool { rfm.scorer.quantiles >= 10 }

    func write(to path: String) throws(ReportError) {
        var head = ByteBuffer()
        head.text((Self.header + (clusters == nil ? [] : ["cluster"]) + (clv == nil ? [] : Self.clvHeader)
                   + (satisfaction == nil ? [] : Self.satisfactionHeader) + (churn == nil ? [] : ["churn_probability"])).joined(separator: ","))
        head.newline()
        let names = rfm.scorer.segments.names.map { name -> [UInt8] in
            var b = ByteBuffer(); b.field(name); return b.bytes
        }
        try FileSink.writeRows(rfm.count, to: path, header: head.bytes, threads: threads, bytesPerRow: 160) { range, buffer in
            for row in range { format(row, into: &buffer, names: names) }
        }
    }

    @inline(__always)
    private func format(_ row: Int, into b: inout ByteBuffer, names: [[UInt8]]) {
        let c = rfm.customers[row]
        customers.withKey(c) { b.field($0) }
        b.comma(); b.day(activity.firstDay[Int(c)])
        b.comma(); b.day(activity.lastDay[Int(c)])
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
        b.comma(); b.bytes.append(contentsOf: names[Int(rfm.segment[row])])
        b.comma(); b.cents(Int64(rfm.historicalCLVCents[row]))
        if let clusters { b.comma(); b.int(clusters.labels[row] + 1) }
        if let clv {
            let p = clv.predictions, k = Int(c)
            b.comma(); b.double(p.probabilityAlive[k])
            b.comma(); b.double(p.expectedPurchases[k])
            b.comma(); b.money(p.expectedOrderValue[k])
            b.comma(); b.money(p.predictedCLV[k])
            b.comma(); if let q = clv.valueMatrix.quadrant(of: k) { b.text(q.name) }
        }
        if let satisfaction {
            let m = satisfaction.measures, k = Int(c)
            b.comma(); if m.satisfactionAnswers[k] > 0 { b.double(m.meanSatisfaction[k]) }
            b.comma(); if m.recommendAnswers[k] > 0 { b.double(m.meanRecommend[k]) }
            b.comma(); b.int(m.complaints[k])
            b.comma(); if let g = satisfaction.groups.groups[row] { b.text(g.rawValue) }
        }
        if let churn { b.comma(); if let p = churn.probability(of: c) { b.double(p) } }
        b.newline()
    }
}
