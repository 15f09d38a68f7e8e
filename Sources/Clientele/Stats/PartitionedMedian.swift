/// The exact median of values spread over partitions, found without bringing them together: the
/// lower and upper middle values by `PartitionedSelection`'s radix select (four passes), so
/// `median` is `Median.of` over all values together, bit for bit: the upper middle for an odd
/// count, else 0.5 × (lower + upper).
public struct PartitionedMedian: Sendable, Equatable, Codable {
    public static let digitBits = PartitionedSelection.digitBits
    public static let passes = PartitionedSelection.passes
    public typealias Counts = PartitionedSelection.Counts

    public private(set) var selection = PartitionedSelection()

    public init() {}

    /// Whether `median` is known.
    public var isComplete: Bool { selection.isComplete }

    /// The prefixes a partition counts under in this pass.
    public var prefixes: [UInt64] { selection.prefixes }

    /// This pass's counts of `values` (NaN left out, as the single run leaves them out of its medians).
    public func counts(_ values: some Sequence<Double>) -> Counts { selection.counts(values) }

    /// The next pass, from the counts of every partition merged.
    public mutating func advance(_ merged: Counts) {
        selection.advance(merged) { n, _ in n % 2 == 1 ? [n / 2] : [n / 2 - 1, n / 2] }
    }

    /// The median of every partition's values (NaN when there were none); nil until complete.
    public var median: Double? {
        guard let middle = selection.values else { return nil }
        if middle.isEmpty { return .nan }
        return middle.count == 1 ? middle[0] : 0.5 * (middle[0] + middle[1])
    }
}
