import CSupport
import ClienteleSupport
import ClienteleStore
import ClienteleKernels
/// The churn part of the report: the model's summary and its honest evaluation on the test rows,
/// beside the recency-only baseline. Non-finite numbers are written as null.
public struct ChurnReport: Codable, Sendable {
    public struct Term: Codable, Sendable {
        public var term: String
        public var coefficient: Double?
        public var standardError: Double?
        public var z: Double?
        public var pValue: Double?
        public var ciLow: Double?
        public var ciHigh: Double?
        /// Per standard deviation of the feature (the fit is on standardised features).
        public var oddsRatio: Double?
        /// Per raw unit of the feature (day, order, currency unit …).
        public var oddsRatioPerUnit: Double?
    }

    public struct Confusion: Codable, Sendable {
        public var threshold: Double?
        public var truePositives: Int
        public var falsePositives: Int
        public var trueNegatives: Int
        public var falseNegatives: Int
        public var precision: Double?
        public var recall: Double?
    }

    public struct Decile: Codable, Sendable {
        public var decile: Int
        public var customers: Int
        public var churners: Int
        public var meanPredicted: Double?
        public var observedRate: Double?
        public var lift: Double?
        public var cumulativeGain: Double?
    }

    /// The ROC curve on the test rows, thinned for charts (at most about 200 points, both ends, the
    /// curve's corners; `ChurnROCCurve.thinned`). At point i, flagging every customer with a
    /// probability ≥ `thresholds[i]` flags `truePositives[i]` churners and `falsePositives[i]`
    /// others; the rates divide by `churners` and `rows − churners` of the evaluation. Counts,
    /// not rates, so that the numbers are exact and short. The first point flags nobody: its
    /// threshold is null (+∞).
    public struct ROC: Codable, Sendable, Equatable {
        public var thresholds: [Double?]
        public var truePositives: [Int]
        public var falsePositives: [Int]
    }

    public struct Evaluation: Codable, Sendable {
        public var rows: Int
        public var churners: Int
        public var auc: Double?
        public var logLoss: Double?
        public var brierScore: Double?
        /// At a 0.5 threshold, and at the threshold that flags as many customers as the base rate.
        public var atHalf: Confusion
        public var atBaseRate: Confusion
        /// Lift, cumulative gains and calibration by decile of predicted probability (decile 1 = highest).
        public var deciles: [Decile]
        public var roc: ROC? = nil
    }

    public var calibrationEnd: String
    public var labelledCustomers: Int
    public var churnRate: Double?
    public var trainingRows: Int
    public var testRows: Int
    public var terms: [Term]
    public var logLikelihood: Double?
    public var nullLogLikelihood: Double?
    public var pseudoRSquared: Double?
    public var aic: Double?
    public var bic: Double?
    public var iterations: Int
    public var converged: Bool
    public var model: Evaluation
    public var recencyBaseline: Evaluation?
    public var warnings: [String]
    /// This model's P(churn) beside the purchase model's P(no purchase within h days); nil when
    /// predicted value did not run or no horizon was set.
    public var noPurchaseComparison: NoPurchaseComparison? = nil

    /// `ChurnNoPurchaseComparisonResult` with customer ids for names.
    public struct NoPurchaseComparison: Codable, Sendable {
        public struct Row: Codable, Sendable {
            public var customerId: String
            public var churnProbability: Double?
            public var noPurchaseProbability: Double?
            /// churn probability − P(no purchase).
            public var difference: Double?
        }
        /// h, days.
        public var horizonDays: Int
        /// The purchase model the probability comes from ("BG/NBD").
        public var model: String
        /// Customers with both probabilities.
        public var customers: Int
        public var pearsonR: Double?
        public var meanChurnProbability: Double?
        public var meanNoPurchaseProbability: Double?
        /// What each probability answers, and why they differ.
        public var note: String
        /// The largest gaps first.
        public var disagreements: [Row]
    }
}

/// `churn_model.csv`: `term, coefficient, std_error, z, p_value, ci_low, ci_high, odds_ratio` (per
/// standard deviation), then `odds_ratio_per_unit`.
package struct ChurnModelCSVWriter {
    /// The model's terms, intercept first (`ChurnReport.terms`).
    package let terms: [ChurnReport.Term]
    /// How term names (feature names from the job file) are written (`CSVCellPolicy`).
    package var cellPolicy: CSVCellPolicy = .neutralizeFormulas

    package init(report: ChurnReport, cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.init(terms: report.terms, cellPolicy: cellPolicy)
    }

    /// The file of a model's terms alone (a run spread over machines has no evaluation yet).
    package init(terms: [ChurnReport.Term], cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.terms = terms
        self.cellPolicy = cellPolicy
    }

    package func bytes() -> [UInt8] {
        var b = ByteBuffer()
        b.text("term,coefficient,std_error,z,p_value,ci_low,ci_high,odds_ratio,odds_ratio_per_unit\n")
        for t in terms {
            b.field(t.term, policy: cellPolicy)
            for v in [t.coefficient, t.standardError, t.z, t.pValue, t.ciLow, t.ciHigh, t.oddsRatio, t.oddsRatioPerUnit] {
                b.comma(); if let v { b.double(v) }
            }
            b.newline()
        }
        return b.bytes
    }
}

/// `churn_risk.csv`: current customers ranked by value at risk, formatted on `Parallelism.threads` threads.
package struct ChurnRiskCSVWriter {
    package static let header = "rank,customer_id,churn_probability,predicted_clv,value_at_risk,segment\n"

    package let rows: [ChurnRiskRow]
    package let customers: CustomerIndex
    /// The CSV field of each segment name, then an empty one for customers without a segment.
    private let segmentFields: [[UInt8]]
    /// Per customer id, its index into `segmentFields`.
    private let segmentOf: [UInt16]
    /// How customer ids and segment names are written (`CSVCellPolicy`).
    package let cellPolicy: CSVCellPolicy
    /// Writes, instead of the rank, 16 hex digits whose text order is descending value at risk:
    /// the rows of one partition of a run spread over machines, which the driver merges with the
    /// other partitions' by (key, customer_id) and numbers.
    package var sortKeyForRank = false

    package init(rows: [ChurnRiskRow], customers: CustomerIndex, segmentFields: [[UInt8]], segmentOf: [UInt16], cellPolicy: CSVCellPolicy) {
        self.rows = rows
        self.customers = customers
        self.segmentFields = segmentFields
        self.segmentOf = segmentOf
        self.cellPolicy = cellPolicy
    }

    package init(rows: [ChurnRiskRow], customers: CustomerIndex, rfm: RFMResult,
         cellPolicy: CSVCellPolicy = .neutralizeFormulas) {
        self.rows = rows
        self.customers = customers
        self.cellPolicy = cellPolicy
        let names = rfm.scorer.segments.names
        segmentFields = names.map { name in
            var b = ByteBuffer(capacity: name.utf8.count + 3); b.field(name, policy: cellPolicy); return b.bytes
        } + [[]]
        // Scored rows name distinct customers: their segments are scattered on every thread.
        var segmentOf = [UInt16](repeating: UInt16(names.count), count: customers.count)
        segmentOf.withUnsafeMutableBufferPointer { segmentOf in
            let out = segmentOf, scored = rfm.customers, segment = rfm.segment
            parallelRanges(scored.count, size: 65_536) { rows in for row in rows { out[Int(scored[row])] = UInt16(segment[row]) } }
        }
        self.segmentOf = segmentOf
    }

    /// Rows come in risk order, so each row's customer_id and segment sit at random places in
    /// memory, a cache miss each. A tight first loop over a chunk copies them out, so that the
    /// processor overlaps those misses; the formatting loop then reads them in order.
    package func write(to path: String) throws(ReportError) {
        let longest = customers.longestKey
        let maxRowBytes = 2 * longest + segmentFields.map(\.count).max()! + 128
        try FileSink.writeRows(rows.count, to: path, header: Array(Self.header.utf8), maxRowBytes: maxRowBytes) { range, b in
            // Gather each row's key and segment in risk order, prefetching a few rows ahead: the
            // offsets and segment a row needs 16 rows ahead, its key bytes 8 rows ahead.
            var keys = [UInt8](repeating: 0, count: range.count * longest)
            var keyEnds = [Int](repeating: 0, count: range.count), segments = [UInt16](repeating: 0, count: range.count)
            customers.arena.withUnsafeBytes { arena in
                customers.offsets.withUnsafeBufferPointer { offsets in
                    segmentOf.withUnsafeBufferPointer { segmentOf in
                        keys.withUnsafeMutableBytes { out in
                            var end = 0
                            for (k, i) in range.enumerated() {
                                if i + 16 < range.upperBound {
                                    let ahead = Int(rows[i + 16].customer)
                                    clientele_prefetch(offsets.baseAddress! + ahead)
                                    clientele_prefetch(segmentOf.baseAddress! + ahead)
                                }
                                if i + 8 < range.upperBound {
                                    clientele_prefetch(arena.baseAddress! + offsets[Int(rows[i + 8].customer)])
                                }
                                let c = Int(rows[i].customer)
                                let start = offsets[c], length = offsets[c + 1] - start
                                out.baseAddress!.advanced(by: end).copyMemory(from: arena.baseAddress! + start, byteCount: length)
                                end += length
                                keyEnds[k] = end
                                segments[k] = segmentOf[c]
                            }
                        }
                    }
                }
            }
            keys.withUnsafeBytes { keys in
                var keyStart = 0
                for (k, i) in range.enumerated() {
                    let r = rows[i]
                    if sortKeyForRank { Self.sortKey(r.valueAtRisk, into: &b) } else { b.int(r.rank) }
                    b.comma()
                    b.field(UnsafeRawBufferPointer(rebasing: keys[keyStart..<keyEnds[k]]), policy: cellPolicy); b.comma()
                    b.double(r.churnProbability); b.comma()
                    b.money(r.value); b.comma()
                    b.money(r.valueAtRisk); b.comma()
                    // The segment's bytes in place: appending the inner array would retain and
                    // release it, a reference count every formatting thread contends for.
                    segmentFields[Int(segments[k])].withUnsafeBytes { b.append($0) }
                    b.newline()
                    keyStart = keyEnds[k]
                }
            }
        }
    }

    /// Lower-case hex of the complement of `ChurnRowOrder.ascendingKey(value)`: ascending text is descending value.
    static func sortKey<Sink: ByteSink>(_ value: Double, into b: inout Sink) {
        let key = ~ChurnRowOrder.ascendingKey(value)
        let digits = Array("0123456789abcdef".utf8)
        b.append((0..<16).map { digits[Int((key >> (60 - 4 * UInt64($0))) & 0xf)] })
    }
}
