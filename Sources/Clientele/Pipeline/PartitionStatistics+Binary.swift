import ClienteleStore
import ClienteleKernels

/// The file form of `PartitionStatistics`: what travels from a worker to the driver. Compact
/// little-endian binary (a magic, a version, then each field in a fixed order; arrays as a count
/// and their elements), written by hand because it is a dozen fields and must round-trip bit
/// for bit, which a text format would not do for the patterns' doubles without care.
extension PartitionStatistics {
    static let magic: [UInt8] = Array("CLNTPST6".utf8)

    public func encoded() -> [UInt8] {
        var w = BinaryFields()
        w.bytes = Self.magic
        w.int(Int64(settings.asOf.daysSinceEpoch))
        w.int(settings.calibrationEnd.map { Int64($0.daysSinceEpoch) } ?? Int64.min)
        w.int(Int64(settings.quantiles))
        w.int(settings.monetary == .total ? 0 : 1)
        for v in [rowsRead, rowsUsed, rowsAfterAsOf] { w.int(v) }
        w.ints(rejected)
        w.int(customers); w.int(orders)
        for c in rfm.columns { w.ints(c.keys); w.ints(c.counts) }
        for p in [currentPatterns, calibrationPatterns] {
            w.ints(p.frequency.map(Int64.init)); w.doubles(p.recency); w.doubles(p.age); w.doubles(p.weight)
        }
        clv.encode(into: &w)
        satisfaction.encode(into: &w)
        cohorts.encode(into: &w)
        return w.bytes
    }

    /// - Throws: `PartitionError.unreadable` for anything but a whole file of this version.
    public init(decoding bytes: [UInt8], path: String) throws(PartitionError) {
        guard bytes.starts(with: Self.magic) else { throw .unreadable(path: path, reason: "it does not start with CLNTPST6") }
        var r = BinaryFields.Reader(bytes: bytes, at: Self.magic.count)
        do {
            let asOf = CalendarDay(daysSinceEpoch: Int32(try r.int()))
            let end = try r.int()
            let quantiles = Int(try r.int())
            let monetary: RFMScorer.Monetary = try r.int() == 0 ? .total : .mean
            let settings = Settings(asOf: asOf, calibrationEnd: end == Int64.min ? nil : CalendarDay(daysSinceEpoch: Int32(end)),
                                    quantiles: quantiles, monetary: monetary)
            let (read, used, after) = (try r.int(), try r.int(), try r.int())
            let rejected = try r.ints()
            let (customers, orders) = (try r.int(), try r.int())
            var columns: [RFMValueCounts.Column] = []
            for _ in 0..<3 {
                let keys = try r.ints(), counts = try r.ints()
                guard keys.count == counts.count else { throw BinaryFields.Short() }
                columns.append(.init(keys: keys, counts: counts))
            }
            var patterns: [Patterns] = []
            for _ in 0..<2 {
                var p = Patterns()
                p.frequency = try r.ints().map { Int32(truncatingIfNeeded: $0) }
                p.recency = try r.doubles(); p.age = try r.doubles(); p.weight = try r.doubles()
                guard Set([p.frequency.count, p.recency.count, p.age.count, p.weight.count]).count == 1 else { throw BinaryFields.Short() }
                patterns.append(p)
            }
            let clv = try CLVStatistics(decoding: &r)
            let satisfaction = try PartitionSatisfaction(reading: &r)
            let cohorts = try PartitionCohorts(reading: &r)
            guard r.at == bytes.count, rejected.count == RejectReason.allCases.count else { throw BinaryFields.Short() }
            self.init(settings: settings, rfm: RFMValueCounts(columns: columns))
            rowsRead = read; rowsUsed = used; rowsAfterAsOf = after
            self.rejected = rejected
            self.customers = customers; self.orders = orders
            currentPatterns = patterns[0]; calibrationPatterns = patterns[1]
            self.clv = clv
            self.satisfaction = satisfaction
            self.cohorts = cohorts
        } catch {
            throw .unreadable(path: path, reason: "cut short or damaged")
        }
    }
}

/// Little-endian fields for `PartitionStatistics`'s file form.
struct BinaryFields {
    struct Short: Error {}
    var bytes: [UInt8] = []

    mutating func int(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func ints(_ v: [Int64]) { int(Int64(v.count)); for x in v { int(x) } }
    mutating func doubles(_ v: [Double]) { int(Int64(v.count)); for x in v { int(Int64(bitPattern: x.bitPattern)) } }

    struct Reader {
        let bytes: [UInt8]
        var at: Int

        mutating func int() throws(Short) -> Int64 {
            guard at + 8 <= bytes.count else { throw Short() }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
            at += 8
            return Int64(bitPattern: v)
        }
        mutating func count() throws(Short) -> Int {
            let n = try int()
            guard n >= 0, n <= (bytes.count - at) / 8 else { throw Short() }
            return Int(n)
        }
        mutating func ints() throws(Short) -> [Int64] {
            let n = try count()
            var out = [Int64](); out.reserveCapacity(n)
            for _ in 0..<n { out.append(try int()) }
            return out
        }
        mutating func doubles() throws(Short) -> [Double] { try ints().map { Double(bitPattern: UInt64(bitPattern: $0)) } }
    }
}
