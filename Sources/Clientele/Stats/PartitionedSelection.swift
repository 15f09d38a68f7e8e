/// Exact order statistics of values spread over partitions, found without bringing them together.
///
/// Each value is read as its order-preserving 64-bit key (the IEEE bits with the sign folded,
/// so keys sort as the values do), and the key of each wanted rank is found 16 bits a pass, as
/// in a most-significant-digit radix select: every partition counts, among its values whose key
/// starts with a prefix found so far, the next 16 bits (`counts(_:)`); the counts of all
/// partitions, added (`Counts.merged`), say which digit holds each wanted rank (`advance`). After
/// four passes every bit of each wanted value is known, so `values` are the values at those ranks
/// of all values sorted together, bit for bit. The ranks are chosen after the first pass, from
/// the number of values and of values ≤ 0 (`Ranks`). What travels is at most 65,536 counts a
/// wanted value a pass.
public struct PartitionedSelection: Sendable, Equatable, Codable {
    public static let digitBits = 16
    public static let passes = 64 / digitBits

    /// The 0-based ranks (ascending order) to find, given the number of values and of values ≤ 0.
    public typealias Ranks = (_ count: Int, _ nonPositive: Int) -> [Int]

    /// Passes merged so far (0 ... `passes`).
    public private(set) var pass = 0
    /// Values counted, and those ≤ 0 (known after the first pass).
    public private(set) var count: Int?
    public private(set) var nonPositive: Int?
    /// The values being looked for: each one's key prefix so far and its rank among the values
    /// with that prefix.
    public private(set) var targets: [Target] = []

    public struct Target: Sendable, Equatable, Codable {
        public var prefix: UInt64
        public var rank: Int
    }

    public init() {}

    /// Whether `values` are known.
    public var isComplete: Bool { pass == Self.passes || count == 0 || (pass > 0 && targets.isEmpty) }

    /// The prefixes a partition counts under in this pass, ascending (one, the empty prefix, in the first pass).
    public var prefixes: [UInt64] { pass == 0 ? [0] : Array(Set(targets.map(\.prefix))).sorted() }

    /// One partition's (or several partitions' merged) counts of the next digit, per prefix.
    public struct Counts: Sendable, Equatable, Codable {
        /// For each of `prefixes`, (digit, values) pairs with values > 0, by digit.
        public var digits: [[Bucket]]
        /// Values ≤ 0 (counted in the first pass only).
        public var nonPositive = 0

        public struct Bucket: Sendable, Equatable, Codable {
            public var digit: UInt16
            public var values: Int
        }

        /// The counts of both, added digit by digit (exact: integers).
        public func merged(with other: Counts) -> Counts {
            precondition(digits.count == other.digits.count, "PartitionedSelection: counts of different passes")
            return Counts(digits: zip(digits, other.digits).map { a, b in
                var out: [Bucket] = []
                out.reserveCapacity(a.count + b.count)
                var i = 0, j = 0
                while i < a.count || j < b.count {
                    if j == b.count || (i < a.count && a[i].digit < b[j].digit) { out.append(a[i]); i += 1 }
                    else if i == a.count || b[j].digit < a[i].digit { out.append(b[j]); j += 1 }
                    else { out.append(Bucket(digit: a[i].digit, values: a[i].values + b[j].values)); i += 1; j += 1 }
                }
                return out
            }, nonPositive: nonPositive + other.nonPositive)
        }
    }

    /// This pass's counts of `values` (NaN left out); nothing once complete, so that selections
    /// run side by side (`ValueMatrixMedians`) may finish after different numbers of passes.
    public func counts(_ values: some Sequence<Double>) -> Counts {
        guard !isComplete else { return Counts(digits: []) }
        let prefixes = self.prefixes
        let high = pass * Self.digitBits, shift = 64 - high - Self.digitBits
        var dense = [[Int]](repeating: [], count: prefixes.count)
        var nonPositive = 0
        for value in values where !value.isNaN {
            if pass == 0, value <= 0 { nonPositive += 1 }
            let key = Self.key(value)
            let prefix = high == 0 ? 0 : key >> (64 - high)
            guard let p = prefixes.firstIndex(of: prefix) else { continue }
            if dense[p].isEmpty { dense[p] = [Int](repeating: 0, count: 1 << Self.digitBits) }
            dense[p][Int((key >> shift) & 0xFFFF)] += 1
        }
        return Counts(digits: dense.map { column in
            column.enumerated().compactMap { digit, n in n > 0 ? Counts.Bucket(digit: UInt16(digit), values: n) : nil }
        }, nonPositive: nonPositive)
    }

    /// The next pass, from the counts of every partition merged; `ranks` picks the wanted ranks
    /// after the first pass (each in 0..<count).
    public mutating func advance(_ merged: Counts, ranks: Ranks) {
        if isComplete {
            precondition(merged.digits.isEmpty, "PartitionedSelection: counts after the last pass")
            return
        }
        precondition(merged.digits.count == prefixes.count, "PartitionedSelection: counts of another pass")
        let prefixes = self.prefixes
        if pass == 0 {
            let n = merged.digits[0].reduce(0) { $0 + $1.values }
            count = n
            nonPositive = merged.nonPositive
            guard n > 0 else { return }
            targets = ranks(n, merged.nonPositive).map {
                precondition((0..<n).contains($0), "PartitionedSelection: rank \($0) of \(n) values")
                return Target(prefix: 0, rank: $0)
            }
        }
        targets = targets.map { target in
            var rank = target.rank
            let column = merged.digits[prefixes.firstIndex(of: target.prefix)!]
            for bucket in column {
                if rank < bucket.values { return Target(prefix: target.prefix << Self.digitBits | UInt64(bucket.digit), rank: rank) }
                rank -= bucket.values
            }
            preconditionFailure("PartitionedSelection: fewer values under a prefix than its rank")
        }
        pass += 1
    }

    /// The values at the wanted ranks, in the order `ranks` gave them (empty without values); nil until complete.
    public var values: [Double]? {
        guard isComplete else { return nil }
        return targets.map { Self.value($0.prefix) }
    }

    /// The order-preserving key of a value (−0 taken as +0, which it equals).
    static func key(_ value: Double) -> UInt64 {
        let bits = (value == 0 ? 0.0 : value).bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// The value of a key.
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }
}
