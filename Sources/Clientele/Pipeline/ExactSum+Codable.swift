/// An exact sum in JSON: its canonical limbs (`normalized()`), so equal sums are equal text.
extension ExactSum: Codable {
    public init(from decoder: Decoder) throws {
        let limbs = try decoder.singleValueContainer().decode([Int64].self)
        guard limbs.count == Self.limbCount else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an exact sum has \(Self.limbCount) limbs, not \(limbs.count)"))
        }
        self.init(limbs: limbs)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(normalized().limbs)
    }
}
