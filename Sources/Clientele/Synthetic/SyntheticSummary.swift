import Foundation
import ClienteleStore
import ClienteleKernels

/// The result of `SyntheticPopulation.write(to:)` or `render()`: the settings that produced the
/// data, the calendar an analysis should use, and what was written.
public struct SyntheticSummary: Sendable, Hashable {
    /// The configuration, true parameters included.
    public let population: SyntheticPopulation
    /// Rows and bytes written.
    public let counts: SyntheticCounts

    /// First day of the window.
    public var start: CalendarDay { population.start }
    /// Last day of the window (the end of observation).
    public var end: CalendarDay { population.end }
    /// Suggested `--as-of`: the day after the window.
    public var asOf: CalendarDay { population.asOf }
    /// Suggested `--calibration-end` (inclusive): `holdoutWeeks` weeks before the window's end.
    public var calibrationEnd: CalendarDay { population.calibrationEnd }

    /// `parameters.json`: keys sorted, two-space indentation, trailing line feed.
    public func parametersJSON() -> [UInt8] {
        let p = population
        let document = ParametersDocument(
            generator: "clientele generate",
            formatVersion: 1,
            seed: p.seed,
            customers: p.customers,
            timeUnit: "weeks",
            start: p.start.description,
            end: p.end.description,
            asOf: p.asOf.description,
            calibrationEnd: p.calibrationEnd.description,
            weeks: p.weeks,
            birthWeeks: p.birthWeeks,
            holdoutWeeks: p.holdoutWeeks,
            rowOrder: p.rowOrder.rawValue,
            purchaseModel: p.purchaseModel == .bgnbd ? nil : p.purchaseModel.rawValue,
            bgnbd: p.purchaseModel == .bgnbd ? p.purchase : nil,
            mbgnbd: p.purchaseModel == .mbgnbd
                ? MBGNBDParameters(r: p.purchase.r, alpha: p.purchase.alpha, a: p.purchase.a, b: p.purchase.b) : nil,
            paretoNBD: p.purchaseModel == .paretonbd ? p.paretoPurchase : nil,
            gammaGamma: p.spend,
            expected: .init(
                meanPurchaseRate: p.purchaseModel == .paretonbd ? p.paretoPurchase.meanPurchaseRate : p.purchase.meanPurchaseRate,
                meanDropoutProbability: p.purchaseModel == .paretonbd ? nil : p.purchase.meanDropoutProbability,
                meanDropoutRate: p.purchaseModel == .paretonbd ? p.paretoPurchase.meanDropoutRate : nil,
                meanOrderValue: p.spend.meanTransactionValue.isFinite ? p.spend.meanTransactionValue : nil,
                meanLinesPerOrder: p.lines.meanLineCount + p.lines.returnProbability),
            orders: .init(
                lineCountProbabilities: p.lines.lineCountProbabilities,
                returnProbability: p.lines.returnProbability,
                refundFraction: [p.lines.refundFraction.lowerBound, p.lines.refundFraction.upperBound],
                quantityProbabilities: p.lines.quantityProbabilities,
                products: p.lines.products,
                channels: ["web", "store", "app"],
                channelProbabilities: p.lines.channelProbabilities,
                preferredChannelProbability: p.lines.preferredChannelProbability,
                returnLineQuantity: -1),
            interactions: .init(p.interactions),
            counts: counts,
            files: .init(transactions: SyntheticPopulation.transactionsFileName,
                         interactions: SyntheticPopulation.interactionsFileName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain numbers, strings and arrays cannot fail.
        var bytes = [UInt8]((try? encoder.encode(document)) ?? Data())
        bytes.append(10)
        return bytes
    }
}

/// The shape of `parameters.json`; keys are snake_case.
private struct ParametersDocument: Encodable {
    var generator: String
    var formatVersion: Int
    var seed: UInt64
    var customers: Int
    var timeUnit: String
    var start: String
    var end: String
    var asOf: String
    var calibrationEnd: String
    var weeks: Int
    var birthWeeks: Double
    var holdoutWeeks: Int
    var rowOrder: String
    /// Omitted for the default BG/NBD, so that its file is unchanged.
    var purchaseModel: String?
    var bgnbd: BGNBDParameters?
    var mbgnbd: MBGNBDParameters?
    var paretoNBD: ParetoNBDParameters?
    var gammaGamma: GammaGammaParameters
    var expected: Expected
    var orders: Orders
    var interactions: Interactions
    var counts: SyntheticCounts
    var files: Files

    struct Expected: Encodable {
        var meanPurchaseRate: Double
        var meanDropoutProbability: Double?
        var meanDropoutRate: Double?
        var meanOrderValue: Double?
        var meanLinesPerOrder: Double
        enum CodingKeys: String, CodingKey {
            case meanPurchaseRate = "mean_purchase_rate_per_week"
            case meanDropoutProbability = "mean_dropout_probability"
            case meanDropoutRate = "mean_dropout_rate_per_week"
            case meanOrderValue = "mean_order_value"
            case meanLinesPerOrder = "mean_lines_per_order"
        }
    }

    struct Orders: Encodable {
        var lineCountProbabilities: [Double]
        var returnProbability: Double
        var refundFraction: [Double]
        var quantityProbabilities: [Double]
        var products: Int
        var channels: [String]
        var channelProbabilities: [Double]
        var preferredChannelProbability: Double
        var returnLineQuantity: Int
        enum CodingKeys: String, CodingKey {
            case lineCountProbabilities = "line_count_probabilities"
            case returnProbability = "return_probability"
            case refundFraction = "refund_fraction"
            case quantityProbabilities = "quantity_probabilities"
            case products, channels
            case channelProbabilities = "channel_probabilities"
            case preferredChannelProbability = "preferred_channel_probability"
            case returnLineQuantity = "return_line_quantity"
        }
    }

    struct Interactions: Encodable {
        var perOrder: Double
        var perCustomer: Double
        var surveyProbability: Double
        var marketingProbability: Double
        var complaintProbability: [Double]
        var satisfaction: [String: Double]
        var recommend: [String: Double]
        var orphanProbability: Double
        var orphanExtraMean: Double
        var loyalty: String

        init(_ s: InteractionSettings) {
            perOrder = s.perOrder
            perCustomer = s.perCustomer
            surveyProbability = s.surveyProbability
            marketingProbability = s.marketingProbability
            complaintProbability = [s.complaintProbability.lowerBound, s.complaintProbability.upperBound]
            satisfaction = ["mean": s.satisfactionMean, "slope": s.satisfactionSlope,
                            "noise": s.satisfactionNoise, "missing_probability": s.satisfactionMissingProbability]
            recommend = ["mean": s.recommendMean, "slope": s.recommendSlope,
                         "noise": s.recommendNoise, "missing_probability": s.recommendMissingProbability]
            orphanProbability = s.orphanProbability
            orphanExtraMean = s.orphanExtraMean
            loyalty = "clamp((a/(a+b) - p) / sd(p), -3, 3) with p the customer's BG/NBD dropout probability"
        }

        enum CodingKeys: String, CodingKey {
            case perOrder = "per_order"
            case perCustomer = "per_customer"
            case surveyProbability = "survey_probability"
            case marketingProbability = "marketing_probability"
            case complaintProbability = "complaint_probability"
            case satisfaction, recommend
            case orphanProbability = "orphan_probability"
            case orphanExtraMean = "orphan_extra_mean"
            case loyalty
        }
    }

    struct Files: Encodable {
        var transactions: String
        var interactions: String
    }

    enum CodingKeys: String, CodingKey {
        case generator
        case formatVersion = "format_version"
        case seed, customers
        case timeUnit = "time_unit"
        case start, end
        case asOf = "as_of"
        case calibrationEnd = "calibration_end"
        case weeks
        case birthWeeks = "birth_weeks"
        case holdoutWeeks = "holdout_weeks"
        case rowOrder = "row_order"
        case purchaseModel = "purchase_model"
        case bgnbd
        case mbgnbd = "mbg_nbd"
        case paretoNBD = "pareto_nbd"
        case gammaGamma = "gamma_gamma"
        case expected, orders, interactions, counts, files
    }
}
