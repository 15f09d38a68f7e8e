/// The kind of a customer contact; unknown kinds are kept as `.other`.
public enum InteractionKind: UInt8, Sendable, CaseIterable, Codable {
    case support, complaint, survey, marketing, other

    /// Case-insensitive match of a `kind` field.
    init(bytes: UnsafeRawBufferPointer) {
        var lowered = [UInt8](repeating: 0, count: min(bytes.count, 16))
        for i in lowered.indices { let c = bytes[i]; lowered[i] = (c >= 65 && c <= 90) ? c + 32 : c }
        switch bytes.count > 16 ? "" : String(decoding: lowered, as: UTF8.self) {
        case "support": self = .support
        case "complaint": self = .complaint
        case "survey": self = .survey
        case "marketing": self = .marketing
        default: self = .other
        }
    }
}

/// Interactions of known customers in contiguous columns. Missing answers are NaN.
public struct InteractionTable: Sendable {
    public internal(set) var customer: [Int32] = []
    public internal(set) var day: [Int32] = []
    public internal(set) var kind: [InteractionKind] = []
    /// Index into `channelNames`.
    public internal(set) var channel: [UInt16] = []
    public internal(set) var satisfaction: [Float] = []
    public internal(set) var recommend: [Float] = []
    public internal(set) var channelNames: [String] = []

    public var count: Int { customer.count }

    public init() {}
}
