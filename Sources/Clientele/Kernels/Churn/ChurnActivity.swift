/// Per-customer order facts for the churn label and features, gathered in one pass over the
/// order table (split across the cores by customer).
///
/// "Calibration" covers orders dated ≤ E, "holdout" (E, A), "current" < A; days are the orders'
/// first days. First/last days are meaningful only where the matching count is positive.
struct ChurnActivity {
    var calibrationOrders: [Int32]
    var calibrationFirst: [Int32]
    var calibrationLast: [Int32]
    var calibrationCents: [Int64]
    var holdoutOrders: [Int32]
    var currentOrders: [Int32]
    var currentFirst: [Int32]
    var currentLast: [Int32]
    var currentCents: [Int64]

    /// - Complexity: O(orders + customers).
    init(orders: OrderTable, calibrationEnd end: Int32, asOf: Int32) {
        let n = orders.customerCount
        calibrationOrders = [Int32](repeating: 0, count: n)
        calibrationFirst = [Int32](repeating: .max, count: n)
        calibrationLast = [Int32](repeating: .min, count: n)
        calibrationCents = [Int64](repeating: 0, count: n)
        holdoutOrders = [Int32](repeating: 0, count: n)
        currentOrders = [Int32](repeating: 0, count: n)
        currentFirst = [Int32](repeating: .max, count: n)
        currentLast = [Int32](repeating: .min, count: n)
        currentCents = [Int64](repeating: 0, count: n)
        let parts = splitBlocks(n, size: 32_768)  // fixed by n; spread over Parallelism.threads
        var blocks = parts.map { _ in ChurnActivityBlock() }
        parallelEach(&blocks) { k, block in block.fill(orders: orders, customers: parts[k], end: end, asOf: asOf) }
        for (k, range) in parts.enumerated() {
            let block = blocks[k]
            for (offset, c) in range.enumerated() {
                calibrationOrders[c] = block.calibrationOrders[offset]
                calibrationFirst[c] = block.calibrationFirst[offset]
                calibrationLast[c] = block.calibrationLast[offset]
                calibrationCents[c] = block.calibrationCents[offset]
                holdoutOrders[c] = block.holdoutOrders[offset]
                currentOrders[c] = block.currentOrders[offset]
                currentFirst[c] = block.currentFirst[offset]
                currentLast[c] = block.currentLast[offset]
                currentCents[c] = block.currentCents[offset]
            }
        }
    }
}

/// The facts of one contiguous range of customers, filled by one thread.
private struct ChurnActivityBlock {
    var calibrationOrders: [Int32] = [], calibrationFirst: [Int32] = [], calibrationLast: [Int32] = []
    var calibrationCents: [Int64] = []
    var holdoutOrders: [Int32] = []
    var currentOrders: [Int32] = [], currentFirst: [Int32] = [], currentLast: [Int32] = []
    var currentCents: [Int64] = []

    mutating func fill(orders: OrderTable, customers: Range<Int>, end: Int32, asOf: Int32) {
        let m = customers.count
        calibrationOrders = [Int32](repeating: 0, count: m)
        calibrationFirst = [Int32](repeating: .max, count: m)
        calibrationLast = [Int32](repeating: .min, count: m)
        calibrationCents = [Int64](repeating: 0, count: m)
        holdoutOrders = [Int32](repeating: 0, count: m)
        currentOrders = calibrationOrders
        currentFirst = calibrationFirst
        currentLast = calibrationLast
        currentCents = calibrationCents
        for (offset, c) in customers.enumerated() {
            for o in orders.orders(of: c) {
                let day = orders.firstDay[o], cents = orders.netCents[o]
                guard day < asOf else { continue }
                currentOrders[offset] += 1
                currentFirst[offset] = min(currentFirst[offset], day)
                currentLast[offset] = max(currentLast[offset], day)
                currentCents[offset] += cents  // sums of orders are bounded: OrderTable invariant
                if day <= end {
                    calibrationOrders[offset] += 1
                    calibrationFirst[offset] = min(calibrationFirst[offset], day)
                    calibrationLast[offset] = max(calibrationLast[offset], day)
                    calibrationCents[offset] += cents
                } else {
                    holdoutOrders[offset] += 1
                }
            }
        }
    }
}

/// Per-customer complaint counts and survey-answer sums at the two dates, from one pass over the
/// interaction table in row order (so sums do not depend on threads).
struct ChurnContacts {
    var calibrationComplaints: [Int32]
    var currentComplaints: [Int32]
    var calibrationSatisfaction: [Double]
    var calibrationAnswers: [Int32]
    var currentSatisfaction: [Double]
    var currentAnswers: [Int32]

    /// Counts complaints and sums survey satisfaction (non-NaN answers of kind survey) dated ≤ E
    /// and < A.
    /// - Complexity: O(interactions + customers).
    init(table: InteractionTable, customerCount n: Int, calibrationEnd end: Int32, asOf: Int32) {
        calibrationComplaints = [Int32](repeating: 0, count: n)
        currentComplaints = calibrationComplaints
        calibrationAnswers = calibrationComplaints
        currentAnswers = calibrationComplaints
        calibrationSatisfaction = [Double](repeating: 0, count: n)
        currentSatisfaction = calibrationSatisfaction
        for r in 0..<table.count {
            let c = Int(table.customer[r]), day = table.day[r]
            guard c >= 0, c < n, day < asOf else { continue }
            switch table.kind[r] {
            case .complaint:
                currentComplaints[c] += 1
                if day <= end { calibrationComplaints[c] += 1 }
            case .survey:
                let s = table.satisfaction[r]
                guard !s.isNaN else { continue }
                currentSatisfaction[c] += Double(s)
                currentAnswers[c] += 1
                if day <= end {
                    calibrationSatisfaction[c] += Double(s)
                    calibrationAnswers[c] += 1
                }
            default:
                continue
            }
        }
    }
}
