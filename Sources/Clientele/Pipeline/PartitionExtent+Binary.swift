import ClienteleStore

/// The file form of `PartitionExtent`: a magic and three little-endian 64-bit days (as-of, first
/// order day, last day), with `Int64.min` for a missing as-of or last day and `Int64.max` for a
/// missing first order day, so a missing day never wins a merge.
extension PartitionExtent {
    static let magic: [UInt8] = Array("CLNTEXT1".utf8)

    public func encoded() -> [UInt8] {
        var w = BinaryFields()
        w.bytes = Self.magic
        w.int(asOf.map { Int64($0.daysSinceEpoch) } ?? .min)
        w.int(firstOrderDay.map { Int64($0.daysSinceEpoch) } ?? .max)
        w.int(lastDay.map { Int64($0.daysSinceEpoch) } ?? .min)
        return w.bytes
    }

    /// - Throws: `PartitionExtentError.unreadable` for anything but a whole file of this version.
    public init(decoding bytes: [UInt8], path: String) throws(PartitionExtentError) {
        guard bytes.starts(with: Self.magic) else { throw .unreadable(path: path, reason: "it does not start with CLNTEXT1") }
        var r = BinaryFields.Reader(bytes: bytes, at: Self.magic.count)
        func day(_ v: Int64, missing: Int64) throws(PartitionExtentError) -> CalendarDay? {
            if v == missing { return nil }
            guard let d = Int32(exactly: v) else { throw .unreadable(path: path, reason: "a day out of range") }
            return CalendarDay(daysSinceEpoch: d)
        }
        let fields: [Int64]
        do { fields = [try r.int(), try r.int(), try r.int()] } catch { throw .unreadable(path: path, reason: "cut short") }
        guard r.at == bytes.count else { throw .unreadable(path: path, reason: "trailing bytes") }
        self.init(asOf: try day(fields[0], missing: .min), firstOrderDay: try day(fields[1], missing: .max),
                  lastDay: try day(fields[2], missing: .min))
    }
}
