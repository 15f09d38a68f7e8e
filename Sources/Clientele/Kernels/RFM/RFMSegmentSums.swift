import ClienteleSupport

/// Per segment, the scored customers and the integer sums behind segments.csv's means: revenue,
/// recency days, orders and monetary cents. Integers, so the sums of any split of the customers,
/// merged in any order, are the whole run's, and so are the means (a run spread over partitions
/// adds them up; `RFMResult.segmentSummaries` divides them).
///
/// Revenue and monetary sums are checked and bounded like `RFMResult.netRevenueCents` (a mean
/// order value is no larger in magnitude than its customer's total).
public struct RFMSegmentSums: Sendable, Equatable, Codable {
    /// Per segment (index into the map's names): customers, revenue, recency, frequency, monetary.
    public var customers: [Int64]
    public var revenueCents: [Int64]
    public var recencyDays: [Int64]
    public var frequency: [Int64]
    public var monetaryCents: [Int64]

    /// No customer in any of `segments` segments.
    public init(segments: Int) {
        let zero = [Int64](repeating: 0, count: segments)
        customers = zero; revenueCents = zero; recencyDays = zero; frequency = zero; monetaryCents = zero
    }

    /// The sums of `rfm`'s customers, per fixed block of them on every thread (integers: the
    /// blocks' sums merge to the same totals in any order).
    public init(_ rfm: RFMResult) {
        let segments = rfm.scorer.segments.names.count
        let segment = rfm.segment, revenue = rfm.revenueCents, recency = rfm.recencyDays
        let frequency = rfm.frequency, monetary = rfm.monetaryCents
        let parts = parallelBlocks(rfm.count, size: 65_536) { rows -> RFMSegmentSums in
            // Five sums a segment side by side in one small table: one cache line a row touches.
            var table = [Int64](repeating: 0, count: 5 * segments)
            table.withUnsafeMutableBufferPointer { t in
                for k in rows {
                    let at = 5 * Int(segment[k])
                    t[at] += 1
                    t[at + 1] += revenue[k]
                    t[at + 2] += Int64(recency[k])
                    t[at + 3] += Int64(frequency[k])
                    t[at + 4] += monetary[k]
                }
            }
            var sums = RFMSegmentSums(segments: segments)
            for s in 0..<segments {
                sums.customers[s] = table[5 * s]; sums.revenueCents[s] = table[5 * s + 1]; sums.recencyDays[s] = table[5 * s + 2]
                sums.frequency[s] = table[5 * s + 3]; sums.monetaryCents[s] = table[5 * s + 4]
            }
            return sums
        }
        self = parts.reduce(RFMSegmentSums(segments: segments)) { $0.merged(with: $1) }
    }

    /// Both sets of customers' sums.
    public func merged(with other: RFMSegmentSums) -> RFMSegmentSums {
        precondition(customers.count == other.customers.count, "RFMSegmentSums: different segment maps")
        func add(_ a: [Int64], _ b: [Int64]) -> [Int64] { zip(a, b).map { $0 + $1 } }
        var out = self
        out.customers = add(customers, other.customers)
        out.revenueCents = add(revenueCents, other.revenueCents)
        out.recencyDays = add(recencyDays, other.recencyDays)
        out.frequency = add(frequency, other.frequency)
        out.monetaryCents = add(monetaryCents, other.monetaryCents)
        return out
    }

    /// segments.csv's rows: shares of all scored customers and of the total net revenue, and means.
    public func summaries(names: [String]) -> [RFMResult.SegmentSummary] {
        precondition(names.count == customers.count, "RFMSegmentSums: \(names.count) names for \(customers.count) segments")
        let scored = customers.reduce(0, +)
        let totalRevenue = revenueCents.reduce(0, +)
        return names.indices.map { s in
            let n = Int(customers[s])
            return RFMResult.SegmentSummary(
                name: names[s], customers: n, share: Double(n) / Double(max(1, scored)), revenueCents: revenueCents[s],
                revenueShare: totalRevenue > 0 ? Double(revenueCents[s]) / Double(totalRevenue) : nil,
                meanRecencyDays: n > 0 ? Double(recencyDays[s]) / Double(n) : nil,
                meanFrequency: n > 0 ? Double(frequency[s]) / Double(n) : nil,
                meanMonetary: n > 0 ? Double(monetaryCents[s]) / Double(n) / 100 : nil)
        }
    }
}
