import ClienteleSupport
import ClienteleStore
import ClienteleKernels

#if canImport(Glibc)
import Glibc
#endif

/// A per-customer measure k-means can cluster on (`[clusters] features`), as of as-of.
public enum ClusterFeature: String, Sendable, CaseIterable {
    case recencyDays = "recency_days"
    case frequency
    case monetary
    /// as-of − first order date, days.
    case tenureDays = "tenure_days"
    /// Net revenue per order.
    case meanOrderValue = "mean_order_value"
    /// Repeat orders per 30 days of tenure (`LoyaltyMeasures`).
    case repeatRate = "repeat_rate"
    /// Complaints before as-of (0 without any).
    case complaints
    /// Mean CSAT / recommend answer; customers without an answer get the respondents' mean.
    case meanSatisfaction = "mean_satisfaction"
    case meanRecommend = "mean_recommend"

    /// Whether the feature comes from the interactions file.
    public var needsInteractions: Bool {
        switch self {
        case .complaints, .meanSatisfaction, .meanRecommend: return true
        default: return false
        }
    }
}

/// Which features k-means clusters on and how they are transformed before standardising.
/// Default (docs/definitions.md): log1p of recency_days, frequency and max(monetary, 0).
public struct ClusterFeatureSet: Sendable, Equatable {
    public enum Transform: String, Sendable, CaseIterable {
        /// log1p(max(x, 0)): tames the long right tails of counts and money.
        case log1p
        /// The values as they are (then standardised).
        case none
    }

    public var features: [ClusterFeature] = [.recencyDays, .frequency, .monetary]
    public var transform: Transform = .log1p

    public init() {}

    public var needsInteractions: Bool { features.contains { $0.needsInteractions } }

    /// How each feature enters the distance, for the report: "log1p(frequency)".
    public var descriptions: [String] {
        features.map { f in
            guard transform == .log1p else { return f.rawValue }
            return f == .monetary || f == .meanOrderValue ? "log1p(max(\(f.rawValue), 0))" : "log1p(\(f.rawValue))"
        }
    }

    /// The standardised feature matrix of the scored customers (rows in `rfm` order), with the
    /// features in original units as the profile columns.
    /// - Throws: `KMeansError` for non-finite values; a feature from the interactions with a table
    ///   built without them is a precondition failure (`JobConfiguration.validate` rejects it).
    func matrix(rfm: RFMResult, table: CustomerTable) throws(KMeansError) -> KMeansFeatures {
        let activity = table.current
        // The three RFM columns as doubles, element-wise in fixed row blocks on every thread.
        let n = rfm.recencyDays.count
        precondition(rfm.frequency.count == n && rfm.monetaryCents.count == n, "RFM columns of one length")
        let rfmColumns = writeOnceColumns(3, length: n) { out in
            rfm.recencyDays.withUnsafeBufferPointer { r in
                rfm.frequency.withUnsafeBufferPointer { f in
                    rfm.monetaryCents.withUnsafeBufferPointer { m in
                        parallelRanges(n, size: KMeansFeatures.featureBlock) { rows in
                            for i in rows {
                                out[0][i] = Double(r[i])
                                out[1][i] = Double(f[i])
                                out[2][i] = Double(m[i]) / 100
                            }
                        }
                    }
                }
            }
        }
        let recency = rfmColumns[0], frequency = rfmColumns[1], monetary = rfmColumns[2]
        if self == ClusterFeatureSet() {
            return try KMeansFeatures.rfm(recencyDays: recency, frequency: frequency, monetary: monetary)
        }
        let survey = needsInteractions ? SatisfactionMeasures(contacts: table.currentContacts!) : nil
        let asOf = activity.asOf.daysSinceEpoch
        let raw: [[Double]] = features.map { feature in
            switch feature {
            case .recencyDays: return recency
            case .frequency: return frequency
            case .monetary: return monetary
            case .tenureDays: return rfm.customers.map { Double(asOf - activity.firstDay[Int($0)]) }
            case .meanOrderValue: return rfm.customers.map { Double(activity.netCents[Int($0)]) / 100 / Double(activity.frequency[Int($0)]) }
            case .repeatRate:
                return rfm.customers.map {
                    let c = Int($0)
                    return Double(activity.frequency[c] - 1) * LoyaltyMeasures.repeatRateDays / Double(asOf - activity.firstDay[c])
                }
            case .complaints: return rfm.customers.map { Double(survey!.complaints[Int($0)]) }
            case .meanSatisfaction: return Self.filled(rfm.customers.map { survey!.meanSatisfaction[Int($0)] })
            case .meanRecommend: return Self.filled(rfm.customers.map { survey!.meanRecommend[Int($0)] })
            }
        }
        let transformed = transform == .log1p ? raw.map { KMeansFeatures.map($0) { log1p(max($0, 0)) } } : raw
        return try KMeansFeatures(names: descriptions, columns: transformed, profileNames: features.map(\.rawValue), profileColumns: raw)
    }

    /// Missing answers (NaN) replaced by the mean of the present ones (0 when none is present).
    static func filled(_ values: [Double]) -> [Double] {
        var sum = 0.0, count = 0
        for v in values where !v.isNaN { sum += v; count += 1 }
        let mean = count > 0 ? sum / Double(count) : 0
        return values.map { $0.isNaN ? mean : $0 }
    }
}
