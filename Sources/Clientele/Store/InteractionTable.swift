/// The kind of a customer contact; unknown kinds are kept as `.other`.
public enum InteractionKind: UInt8, Sendable, CaseIterable, Codable, BitwiseCopyable {
    case support, complaint, survey, marketing, other

    /// Case-insensitive match of a `kind` field.
    ///
    /// Hand-written because it runs once per interaction row: the field's bytes, lowered with
    /// `| 0x20` (exact for letters; any other byte that differs from the name's stays different
    /// because the names are all letters), are compared with the names as one little-endian word.
    @inlinable package init(bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 6, bytes.count <= 9 else { self = .other; return }
        var word: UInt64 = 0
        for i in 0..<bytes.count {
            let c = bytes[i]
            // Only ASCII letters may match: a byte outside A-Z/a-z never lowers to a name's letter.
            let isLetter = (c | 0x20) >= 97 && (c | 0x20) <= 122
            guard isLetter else { self = .other; return }
            word |= UInt64(c | 0x20) << UInt64(8 * i)
        }
        switch (bytes.count, word) {
        case (7, Self.supportWord): self = .support
        case (9, _) where word == Self.complaintHead && (bytes[8] | 0x20) == UInt8(ascii: "t"): self = .complaint
        case (6, Self.surveyWord): self = .survey
        case (9, _) where word == Self.marketingHead && (bytes[8] | 0x20) == UInt8(ascii: "g"): self = .marketing
        default: self = .other
        }
    }

    /// A name's first (up to 8) bytes as a little-endian word.
    private static func word(_ name: StaticString) -> UInt64 {
        var w: UInt64 = 0
        name.withUTF8Buffer { for (i, c) in $0.prefix(8).enumerated() { w |= UInt64(c) << UInt64(8 * i) } }
        return w
    }
    @usableFromInline static let supportWord = word("support"), surveyWord = word("survey")
    @usableFromInline static let complaintHead = word("complaint"), marketingHead = word("marketing")
}

/// Interactions of known customers in contiguous columns. Missing answers are NaN.
public struct InteractionTable: Sendable {
    public package(set) var customer: [Int32] = []
    public package(set) var day: [Int32] = []
    public package(set) var kind: [InteractionKind] = []
    /// Index into `channelNames`.
    public package(set) var channel: [UInt16] = []
    public package(set) var satisfaction: [Float] = []
    public package(set) var recommend: [Float] = []
    public package(set) var channelNames: [String] = []

    public var count: Int { customer.count }

    public init() {}
}
