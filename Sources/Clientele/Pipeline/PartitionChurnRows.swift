import ClienteleStore
import ClienteleKernels

/// One partition's churn rows before any choice that needs every partition: the labelled
/// customers (an order on or before the calibration end E) with their raw features as of E + 1,
/// label and train/test side, and the current customers (an order before the as-of date) with
/// their raw features as of the as-of date, as `ChurnFeatures.run` and `ChurnExtraFeature` derive
/// them (docs/definitions.md, "Churn"). A mean-filled feature (mean_satisfaction, mean_recommend)
/// is NaN where the customer has no answer: its fill, the mean over all labelled (or current)
/// customers who answered, is known only after the merge.
struct PartitionChurnRows {
    /// The candidate features, in the single run's column order: the four order features, then
    /// complaints and mean_satisfaction when the run reads interactions, then `[churn] features`.
    let candidates: [String]
    /// Raw per-row values of one row set.
    struct Rows {
        /// Customer ids (into the partition's `CustomerIndex`), ascending.
        var customers: [Int32] = []
        /// One column per candidate, one value per row (NaN: no answer, to be filled).
        var columns: [[Double]]

        var count: Int { customers.count }

        /// Row `r`'s values of the candidate columns `indices`, in that order, NaN set to `fills[j]`.
        func values(_ r: Int, indices: [Int], fills: [Double]) -> [Double] {
            indices.enumerated().map { j, c in
                let v = columns[c][r]
                return v.isNaN ? fills[j] : v
            }
        }
    }

    var labelled: Rows
    /// Per labelled row: churned (no order in the holdout window), and on the test side.
    var churned: [Bool] = []
    var isTest: [Bool] = []
    var current: Rows

    /// The candidate features of a run: `interactions` when it reads an interactions export.
    static func candidates(interactions: Bool, extra: [ChurnExtraFeature]) -> [String] {
        [ChurnFeatures.recencyName, ChurnFeatures.frequencyName, ChurnFeatures.monetaryName, ChurnFeatures.tenureName]
            + (interactions ? [ChurnFeatures.complaintsName, ChurnFeatures.satisfactionName] : []) + extra.map(\.rawValue)
    }

    /// Whether a candidate is mean-filled (NaN allowed before the fill).
    static func isFilled(_ name: String) -> Bool {
        name == ChurnFeatures.satisfactionName || name == ChurnExtraFeature.meanRecommend.rawValue
    }

    /// The rows of `table` (a partition's customers, with the run's calibration end and as-of
    /// date), sides from `split` on the customer_id bytes of `customers`.
    init(table: CustomerTable, customers: CustomerIndex, split: ChurnSplit, extra: [ChurnExtraFeature]) {
        guard let calibration = table.calibration, let holdout = table.holdoutOrders, let end = table.calibrationEnd else {
            preconditionFailure("partition churn rows need a customer table with a calibration end")
        }
        let interactions = table.calibrationContacts != nil && table.currentContacts != nil
        candidates = Self.candidates(interactions: interactions, extra: extra)
        func rows(_ facts: CustomerActivity, contacts: CustomerContacts?, day: Int32) -> Rows {
            let ids = ChurnFeatures.customers(withOrders: facts.frequency)
            var columns: [[Double]] = [
                ids.map { Double(day - facts.lastDay[Int($0)]) },
                ids.map { Double(facts.frequency[Int($0)]) },
                ids.map { Double(facts.netCents[Int($0)]) / 100 },
                ids.map { Double(day - facts.firstDay[Int($0)]) },
            ]
            if interactions, let contacts {
                columns.append(ids.map { Double(contacts.complaints[Int($0)]) })
                columns.append(ids.map { c in
                    let n = contacts.surveyAnswers[Int(c)]
                    return n > 0 ? contacts.surveySatisfactionSum[Int(c)] / Double(n) : .nan
                })
            }
            for feature in extra {
                if feature == .meanRecommend {
                    columns.append(ids.map { c in
                        guard let contacts else { return 0 }
                        let n = contacts.recommendAnswers[Int(c)]
                        return n > 0 ? contacts.recommendSum[Int(c)] / Double(n) : .nan
                    })
                } else {
                    let values = feature.values(facts, contacts: contacts)
                    columns.append(ids.map { values[Int($0)] })
                }
            }
            return Rows(customers: ids, columns: columns)
        }
        labelled = rows(calibration, contacts: interactions ? table.calibrationContacts : nil, day: end.daysSinceEpoch + 1)
        current = rows(table.current, contacts: interactions ? table.currentContacts : nil, day: table.asOf.daysSinceEpoch)
        churned = labelled.customers.map { holdout[Int($0)] == 0 }
        isTest = split.testFlags(for: labelled.customers, in: customers)
    }
}
