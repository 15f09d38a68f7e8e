import ClienteleStore
import ClienteleKernels

/// One partition's churn rows before any choice that needs every partition: the labelled
/// customers (an order on or before the calibration end E) with their raw features as of E + 1,
/// label and train/test side, and the current customers (an order before the as-of date) with
/// their raw features as of the as-of date, as `ChurnFeatures.run` derives them
/// (docs/definitions.md, "Churn"). Satisfaction stays as sums and answer counts: its fill (the
/// mean over all labelled, or all current, customers who answered) is known only after the merge.
struct PartitionChurnRows {
    /// Raw per-row values of one row set.
    struct Rows {
        /// Customer ids (into the partition's `CustomerIndex`), ascending.
        var customers: [Int32] = []
        /// recency_days, frequency, monetary, tenure_days, in that order, per row.
        var base: [[Double]] = [[], [], [], []]
        /// Complaints per row; empty without interactions.
        var complaints: [Double] = []
        /// Survey satisfaction sum and answers per row; empty without interactions.
        var satisfactionSum: [Double] = []
        var satisfactionAnswers: [Int32] = []

        var count: Int { customers.count }

        /// The row's mean survey satisfaction, or nil when it answered none.
        func satisfaction(_ r: Int) -> Double? {
            satisfactionAnswers[r] > 0 ? satisfactionSum[r] / Double(satisfactionAnswers[r]) : nil
        }

        /// Row `r`'s values of `features`, in that order, a missing satisfaction set to `fill`.
        func values(_ r: Int, features: [String], fill: Double) -> [Double] {
            features.map { name in
                switch name {
                case ChurnFeatures.recencyName: return base[0][r]
                case ChurnFeatures.frequencyName: return base[1][r]
                case ChurnFeatures.monetaryName: return base[2][r]
                case ChurnFeatures.tenureName: return base[3][r]
                case ChurnFeatures.complaintsName: return complaints[r]
                default: return satisfaction(r) ?? fill
                }
            }
        }
    }

    var labelled = Rows()
    /// Per labelled row: churned (no order in the holdout window), and on the test side.
    var churned: [Bool] = []
    var isTest: [Bool] = []
    var current = Rows()
    /// Whether the partition's interactions were read (complaints and satisfaction available).
    var hasInteractions: Bool

    /// The rows of `table` (a partition's customers, with the run's calibration end and as-of
    /// date), sides from `split` on the customer_id bytes of `customers`.
    init(table: CustomerTable, customers: CustomerIndex, split: ChurnSplit) {
        guard let calibration = table.calibration, let holdout = table.holdoutOrders, let end = table.calibrationEnd else {
            preconditionFailure("partition churn rows need a customer table with a calibration end")
        }
        let endDay = end.daysSinceEpoch, asOf = table.asOf.daysSinceEpoch
        hasInteractions = table.calibrationContacts != nil && table.currentContacts != nil
        func rows(_ facts: CustomerActivity, contacts: CustomerContacts?, day: Int32) -> Rows {
            var rows = Rows()
            for c in 0..<facts.count where facts.frequency[c] > 0 {
                rows.customers.append(Int32(c))
                rows.base[0].append(Double(day - facts.lastDay[c]))
                rows.base[1].append(Double(facts.frequency[c]))
                rows.base[2].append(Double(facts.netCents[c]) / 100)
                rows.base[3].append(Double(day - facts.firstDay[c]))
                if let contacts {
                    rows.complaints.append(Double(contacts.complaints[c]))
                    rows.satisfactionSum.append(contacts.surveySatisfactionSum[c])
                    rows.satisfactionAnswers.append(contacts.surveyAnswers[c])
                }
            }
            return rows
        }
        labelled = rows(calibration, contacts: hasInteractions ? table.calibrationContacts : nil, day: Int32(endDay + 1))
        current = rows(table.current, contacts: hasInteractions ? table.currentContacts : nil, day: Int32(asOf))
        churned = labelled.customers.map { holdout[Int($0)] == 0 }
        isTest = split.testFlags(for: labelled.customers, in: customers)
    }
}
